"""bench-nlu without Rasa: reading CSVs, Rasa training data, the scores, running commands with progress."""
import json
import re
import sys

import pytest
import yaml

from bot.bench.nlu import (BASELINE_PIPELINE, Progress, at_threshold, earlier_baseline, macro_f1, main, metrics,
                           nlu_config, nlu_yaml, project_pipeline, read_rows, reusable_baseline, run)
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


def test_training_progress_names_components_and_epochs_at_most_every_interval():
    now = [0.0]
    progress = Progress("baseline", every=30, clock=lambda: now[0])
    assert progress.feed("2026-11-25 INFO rasa.engine.training.hooks - Starting to train component "
                         "'DIETClassifier'.") == "[baseline] training DIETClassifier (0 s)"
    bar = "Epochs:   1%|▏         | {}/100 [00:48<1:03:56, 48.57s/it, t_loss=5.16, i_acc=0.02]"
    assert progress.feed(bar.format(1)) == "[baseline] DIETClassifier: epoch 1/100 (0 s)"
    now[0] = 10
    assert progress.feed(bar.format(2)) is None  # shown 10 s ago
    now[0] = 45
    assert progress.feed(bar.format(9)) == "[baseline] DIETClassifier: epoch 9/100 (45 s)"
    now[0] = 50
    assert progress.feed(bar.format(100)) == "[baseline] DIETClassifier: epoch 100/100 (50 s)"  # the last one
    assert progress.feed("2026-11-25 INFO some other log line") is None


def test_a_command_s_progress_is_printed_as_it_runs_and_a_failure_keeps_its_output(capsys):
    script = ("import sys\n"
              "print(\"Starting to train component 'X'\", flush=True)\n"
              "sys.stderr.write('Epochs:  50%|#####     | 1/2 [00:01]\\rEpochs: 100%|##########| 2/2 [00:02]\\n')\n")
    seconds = run([sys.executable, "-c", script], "demo", Progress("p", every=0))
    assert seconds >= 0
    shown = [re.sub(r"\(\d+ s\)", "(n s)", line) for line in capsys.readouterr().out.splitlines()]
    assert shown == ["[p] training X (n s)", "[p] X: epoch 1/2 (n s)", "[p] X: epoch 2/2 (n s)"]
    with pytest.raises(RuntimeError, match="(?s)demo failed.*boom"):
        run([sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], "demo")


def test_an_earlier_baseline_is_reused_only_for_the_same_data_and_seed_and_says_where_it_came_from(tmp_path):
    flat = {"train": "train.csv", "test": "dev.csv", "train_rows": 10, "test_rows": 4, "intents": 2, "seed": 42}
    earlier = tmp_path / "nlu.json"
    earlier.write_text(json.dumps({**flat, "generated_at": "2026-11-25T00:30:22Z", "accuracy": 0.9,
                                   "baseline_accuracy": 0.8, "baseline_train_seconds": 4000.0}))
    reused = earlier_baseline(earlier, flat)
    assert reused == {"baseline_accuracy": 0.8, "baseline_train_seconds": 4000.0,
                      "baseline_from": "nlu.json, generated 2026-11-25T00:30:22Z"}
    again = tmp_path / "again.json"
    again.write_text(json.dumps({**flat, "generated_at": "2026-11-26T00:00:00Z", **reused}))
    assert earlier_baseline(again, flat)["baseline_from"] == "nlu.json, generated 2026-11-25T00:30:22Z"
    with pytest.raises(ValueError, match="seed=42"):
        earlier_baseline(earlier, {**flat, "seed": 7})
    earlier.write_text(json.dumps(flat))
    with pytest.raises(ValueError, match="no baseline_"):
        earlier_baseline(earlier, flat)
    earlier.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a bench-nlu report"):
        earlier_baseline(earlier, flat)


def test_bench_nlu_refuses_a_baseline_from_other_data_before_training_anything(tmp_path, capsys):
    train, test, earlier = tmp_path / "train.csv", tmp_path / "dev.csv", tmp_path / "nlu.json"
    train.write_text("text,intent\nhello,greet\nbye,goodbye\n")
    test.write_text("text,intent\nhi,greet\n")
    earlier.write_text(json.dumps({"train": "other.csv", "baseline_accuracy": 0.8}))
    assert main(["--train", str(train), "--test", str(test), "--baseline-from", str(earlier)]) == 2
    assert "measured other data" in capsys.readouterr().err


def test_make_bench_reuses_the_replaced_report_s_baseline_only_when_it_measured_the_same_data(tmp_path, capsys):
    flat = {"train": "train.csv", "test": "dev.csv", "train_rows": 10, "test_rows": 4, "intents": 2, "seed": 42}
    report = tmp_path / "nlu.json"
    assert reusable_baseline(report, flat) is None
    assert "no earlier nlu.json; training" in capsys.readouterr().out
    report.write_text(json.dumps({**flat, "generated_at": "2026-11-25T00:30:22Z", "baseline_accuracy": 0.8}))
    assert reusable_baseline(report, flat) == {"baseline_accuracy": 0.8,
                                               "baseline_from": "nlu.json, generated 2026-11-25T00:30:22Z"}
    assert (
        "reusing Rasa's default pipeline's figures (nlu.json, generated 2026-11-25T00:30:22Z)"
        in capsys.readouterr().out
    )
    assert reusable_baseline(report, {**flat, "train_rows": 11}) is None
    assert "not reusing the earlier baseline (" in capsys.readouterr().out
    report.write_text("{not json")
    assert reusable_baseline(report, flat) is None
