"""bench-report: one README from the reports that exist, with charts and the published numbers beside ours."""
import json

from bot.bench.summary import build, chart_groups, main


def test_the_readme_holds_each_report_with_a_chart_and_lists_the_missing(tmp_path):
    (tmp_path / "nlu.json").write_text(json.dumps({"generated_at": "2026-11-24T00:00:00Z", "machine": "m",
                                                   "accuracy": 0.9, "baseline_accuracy": 0.85}))
    (tmp_path / "nlu.md").write_text("# NLU benchmark\n\nTrain: 10 rows.\n\n## Sweep\n\n| a |\n")
    text = build(tmp_path)
    assert "![Intent detection: BANKING77](charts/nlu.png)" in text
    assert (tmp_path / "charts" / "nlu.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Train: 10 rows." in text and "### Sweep" in text and "# NLU benchmark" not in text
    assert "| Load: the whole stack against plain Rasa | not run (`make bench-load`)" in text
    assert not (tmp_path / "charts" / "load.png").exists()


def test_published_numbers_are_marked_and_missing_values_are_left_out():
    _, groups = chart_groups("nlu_clinc150", {"in_scope_accuracy": 0.95, "oos_recall": 0.7})
    (title, bars), _ = groups
    assert title == "in-scope accuracy"
    assert [(b.label, b.value, b.published) for b in bars][:2] == [
        ("project", 0.95, False),
        ("Rasa default", None, False),
    ]
    assert {b.value for b in bars if b.published} == {0.915, 0.969, 0.962}


def test_a_missing_reports_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["--reports", str(tmp_path / "nothing")]) == 2
    assert "run a benchmark first" in capsys.readouterr().err
