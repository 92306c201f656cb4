"""bench-nlu's pure parts: reading CSVs, Rasa training data, the scores."""
import pytest
import yaml

from bot.bench.nlu import (BASELINE_PIPELINE, at_threshold, macro_f1, metrics, nlu_config, nlu_yaml,
                           project_pipeline, read_rows)
from bot.settings import PROJECT_ROOT


def test_rows_are_read_and_bad_files_are_refused(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text('text,intent\n"where  is\nmy card",card_arrival\n,empty\nhi,greet\n', encoding="utf-8")
    assert read_rows(good) == [("where is my card", "card_arrival"), ("hi", "greet")]
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence,label\nhi,greet\n", encoding="utf-8")
    with pytest.raises(ValueError, match="text,intent"):
        read_rows(bad)


def test_training_data_groups_examples_and_cannot_be_read_as_entities():
    data = yaml.safe_load(nlu_yaml([("my [card] is lost", "lost"), ("hi", "greet"), ("hi", "greet")]))
    assert data["nlu"] == [{"intent": "greet", "examples": "- hi\n"},
                           {"intent": "lost", "examples": "- my (card) is lost\n"}]


def test_both_pipelines_get_the_seed_and_the_project_one_keeps_what_decides_intents():
    project = project_pipeline(PROJECT_ROOT / "config.yml")
    names = [c["name"] for c in project]
    assert not any("Sentiment" in n for n in names)  # adds sentiment, not intents
    assert "DIETClassifier" not in names  # config.yml's DIET only extracts entities; the CSVs have none
    assert "bot.rasa_addons.e5_featurizer.E5SentenceFeaturizer" in names
    config = yaml.safe_load(nlu_config(project, 7))
    assert [c["random_seed"] for c in config["pipeline"] if "LinearIntentClassifier" in c["name"]] == [7]
    config = yaml.safe_load(nlu_config(BASELINE_PIPELINE, 7))
    assert [c["random_seed"] for c in config["pipeline"] if c["name"] == "DIETClassifier"] == [7]


def test_scores_with_and_without_out_of_scope():
    gold = ["a", "a", "b", "oos", "oos"]
    predicted = ["a", "b", "b", "oos", "a"]
    m = metrics(gold, predicted)
    assert m["accuracy"] == 0.6 and m["in_scope_accuracy"] == round(2 / 3, 4) and m["oos_recall"] == 0.5
    assert m["macro_f1"] == round(macro_f1(gold, predicted), 4)
    assert macro_f1(["a", "b"], ["a", "b"]) == 1.0 and macro_f1(["a", "b"], ["b", "a"]) == 0.0
    assert "oos_recall" not in metrics(["a"], ["a"])


def test_a_higher_threshold_sends_more_to_out_of_scope():
    predictions = [{"top": "a", "top_confidence": 0.9}, {"top": "b", "top_confidence": 0.5},
                   {"top": "oos", "top_confidence": 0.99}]
    assert at_threshold(predictions, 0.4) == ["a", "b", "oos"]
    assert at_threshold(predictions, 0.6) == ["a", "oos", "oos"]
