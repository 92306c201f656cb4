from bot.answers.grounding import GroundingConfig
from bot.bench.faithfulness import evaluate


def test_labelled_pairs_are_scored_per_split(tmp_path):
    pairs = tmp_path / "pairs.yml"
    pairs.write_text("""groups:
  - split: dev
    evidence: ["Standard shipping to Canada takes 5 to 8 business days."]
    claims:
      - {text: "Shipping to Canada takes 5 to 8 business days.", faithful: true, kind: paraphrase}
      - {text: "Standard shipping to Canada takes 3 business days.", faithful: false, kind: invented}
  - split: test
    evidence: ["We do not ship to Australia."]
    claims:
      - {text: "We ship to Australia.", faithful: false, kind: contradiction}
""", encoding="utf-8")
    flat, misses = evaluate(pairs, GroundingConfig())
    assert flat["faithfulness_dev_pairs"] == 2 and flat["faithfulness_pairs"] == 1
    assert flat["faithfulness_dev_faithful_accepted_rate"] == 1.0 and flat["faithfulness_dev_unfaithful_accepted"] == 0
    assert flat["faithfulness_unfaithful_accepted"] == 0 and misses == []


def test_the_labelled_set_has_300_pairs_and_a_test_split():
    from tests.conftest import ROOT

    flat, _ = evaluate(ROOT / "bench" / "faithfulness.yml", GroundingConfig())
    assert flat["faithfulness_dev_pairs"] + flat["faithfulness_pairs"] >= 300 and flat["faithfulness_pairs"] >= 90
