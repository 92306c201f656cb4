import pytest

from bot.bench.first_reply import APPROPRIATE, outcome, sample


def test_the_first_reply_is_read_as_a_cited_page_or_what_the_assistant_did():
    cited = [{"text": "Refunds go back ...", "custom": {"sources": [
        {"title": "Returns and refunds", "section": "Refunds", "url": "https://alderandpine.example/help/returns"}],
        "generated": False}}]
    assert outcome(cited) == "page:returns"
    assert outcome([{"text": "Sure, I can look that up. What's your order number? It's the 5-digit ..."}]) == "order"
    assert outcome([{"text": "Of course. I'll bring in a person from our team ..."}]) == "handoff"
    assert outcome([{"text": "I'm sorry, I don't have that information in our store's help pages ..."}]) == "refusal"
    assert outcome([{"text": "Hello!"}]) == "other"
    assert "page:returns" in APPROPRIATE["check_refund_policy"] and APPROPRIATE["track_order"] == {"order"}


def test_the_sample_is_seeded_and_per_intent(tmp_path):
    data = tmp_path / "dev.csv"
    data.write_text("text,intent\n" + "".join(f"msg {i},track_order\nq {i},review\n" for i in range(20)))
    rows = sample(data, 5, seed=1)
    assert rows == sample(data, 5, seed=1) and len(rows) == 10
    assert sorted({i for _, i in rows}) == ["review", "track_order"]
    with pytest.raises(ValueError):
        sample(data, -1, seed=1)
