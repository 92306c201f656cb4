"""`make bench-nlu TRAIN=train.csv TEST=test.csv`: intent detection by the project's NLU pipeline
(`config.yml`) against Rasa's default pipeline (what `rasa init` trains), both trained on TRAIN and
tested on TEST in the same run. CSVs have `text,intent` columns; the intent `oos` means out of scope.

A message counts as out of scope when the model predicts `oos` or falls back (`nlu_fallback`). Reports
accuracy, macro F1 (over the gold labels), in-scope accuracy and out-of-scope recall (when TEST has
`oos`), training time and parse latency; and, for the project's model, the same figures at other
fallback thresholds (a sweep on TEST: it shows the trade-off; the shipped threshold is the one in
`config.yml`). Writes reports/<name>.json and .md.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path

import yaml

from bot.bench.report import percentile, write_report
from bot.settings import PROJECT_ROOT, Settings

OOS, FALLBACK = "oos", "nlu_fallback"
NOT_FOR_INTENTS = ("bot.rasa_addons.sentiment.SentimentAnalyzer",)  # adds sentiment, not intents
SEEDED = ("DIETClassifier", "ResponseSelector", "bot.rasa_addons.linear_intent_classifier.LinearIntentClassifier")
SWEEP = (0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7)  # 0.0: no fallback
# Rasa 3.6's default pipeline: what `rasa init`'s config (pipeline left empty) trains, written out so the
# seed can be fixed
BASELINE_PIPELINE = [
    {"name": "WhitespaceTokenizer"}, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100}, {"name": "EntitySynonymMapper"},
    {"name": "ResponseSelector", "epochs": 100},
    {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1}]
PUBLISHED = {  # ../shared/datasets/README.md; the official test splits, ours are the dev splits
    "banking77": "BANKING77 test accuracy: BERT-large fine-tuned 93.66, USE+ConveRT 93.36 (Casanueva et al. 2020)",
    "clinc150": "CLINC150 test in-scope accuracy / out-of-scope recall: Rasa (2019) 91.5 / 45.3, BERT 96.9 / 40.3, "
                "BERT with a threshold 96.2 / 52.3 (Larson et al. 2019)",
}


def read_rows(path: Path) -> list[tuple[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or not {"text", "intent"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected the columns text,intent; found {reader.fieldnames}")
        rows = [(" ".join((r["text"] or "").split()), (r["intent"] or "").strip()) for r in reader]
    rows = [(t, i) for t, i in rows if t and i]
    if not rows:
        raise ValueError(f"{path}: no rows with a text and an intent")
    return rows


def nlu_yaml(rows: list[tuple[str, str]]) -> str:
    """Rasa training data; brackets become parentheses so no text reads as an entity annotation."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in rows:
        by_intent[intent].append(text.replace("[", "(").replace("]", ")"))
    nlu = [{"intent": intent, "examples": "".join(f"- {t}\n" for t in dict.fromkeys(texts))}
           for intent, texts in sorted(by_intent.items())]
    return yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False, width=10_000)


def with_seed(pipeline: list[dict], seed: int) -> list[dict]:
    return [{**c, "random_seed": seed} if c["name"] in SEEDED else dict(c)
            for c in pipeline]


def entities_only(component: dict) -> bool:
    """A DIETClassifier that only extracts entities: it has nothing to learn from intent-only data (and Rasa
    refuses to train it), and it does not change intents."""
    return component["name"] == "DIETClassifier" and component.get("intent_classification") is False


def project_pipeline(config_file: Path) -> list[dict]:
    """config.yml's pipeline without what does not decide intents (the training CSVs hold no entities)."""
    pipeline = yaml.safe_load(config_file.read_text(encoding="utf-8"))["pipeline"]
    return [c for c in pipeline if c["name"] not in NOT_FOR_INTENTS and not entities_only(c)]


def nlu_config(pipeline: list[dict], seed: int) -> str:
    return yaml.safe_dump({"recipe": "default.v1", "language": "en", "assistant_id": "bench_nlu",
                           "pipeline": with_seed(pipeline, seed), "policies": []}, sort_keys=False)


def outcome(prediction: dict) -> str:
    return OOS if prediction["intent"] in (OOS, FALLBACK) else prediction["intent"]


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    scores = []
    for label in sorted(set(gold)):
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def metrics(gold: list[str], predicted: list[str]) -> dict:
    """accuracy, macro_f1, and with `oos` in the gold labels in_scope_accuracy and oos_recall (fractions)."""
    out = {"accuracy": sum(g == p for g, p in zip(gold, predicted)) / len(gold), "macro_f1": macro_f1(gold, predicted)}
    in_scope = [(g, p) for g, p in zip(gold, predicted) if g != OOS]
    out_scope = [p for g, p in zip(gold, predicted) if g == OOS]
    if out_scope:
        out["in_scope_accuracy"] = sum(g == p for g, p in in_scope) / len(in_scope) if in_scope else 0.0
        out["oos_recall"] = sum(p == OOS for p in out_scope) / len(out_scope)
    return {k: round(v, 4) for k, v in out.items()}


def at_threshold(predictions: list[dict], threshold: float) -> list[str]:
    """What the model would answer with the fallback at `threshold` (from the top real intent's confidence)."""
    return [OOS if p["top_confidence"] < threshold or p["top"] == OOS else p["top"] for p in predictions]


EPOCHS = re.compile(r"Epochs:.*?\|\s*(\d+)/(\d+)")
COMPONENT = re.compile(r"Starting to train component '([^']+)'")


class Progress:
    """Turns a Rasa command's output into a few progress lines: each component as its training starts, and
    the epoch count of the neural ones at most every `every` seconds (tqdm's bars are \\r-separated)."""

    def __init__(self, label: str, every: float = 30.0, clock=time.monotonic) -> None:
        self.label, self.every, self.clock = label, every, clock
        self.started = clock()
        self.component = ""
        self.last_shown = -every

    def feed(self, line: str) -> str | None:
        """The progress line to print for one line of output, if any."""
        if found := COMPONENT.search(line):
            self.component = found.group(1)
            return f"[{self.label}] training {self.component} ({self.clock() - self.started:.0f} s)"
        if found := EPOCHS.search(line):
            done, total = int(found.group(1)), int(found.group(2))
            now = self.clock()
            if now - self.last_shown >= self.every or done == total:
                self.last_shown = now
                return (
                    f"[{self.label}] {self.component or 'training'}: epoch {done}/{total} ({now - self.started:.0f} s)"
                )
        return None


def run(cmd: list[str], what: str, progress: Progress | None = None) -> float:
    """Runs `cmd` in the project root, printing its progress; raises with the end of its output if it fails."""
    t0 = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "TF_CPP_MIN_LOG_LEVEL": "2",  # the project's components
           "RASA_TELEMETRY_ENABLED": "false"}
    tail: deque[str] = deque(maxlen=60)
    with subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace") as proc:  # text mode reads tqdm's \r as line ends
        for line in proc.stdout:
            tail.append(line.rstrip())
            shown = progress.feed(line) if progress else None
            if shown:
                print(shown, flush=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed:\n" + "\n".join(tail)[-3000:])
    return time.monotonic() - t0


def train_and_test(label: str, config: str, train_file: Path, texts_file: Path, work: Path,
                   settings: Settings) -> tuple[list[dict], float]:
    (work / f"{label}.yml").write_text(config, encoding="utf-8")
    print(f"[{label}] training ...", flush=True)
    seconds = run([str(settings.rasa_bin), "train", "nlu", "--config", str(work / f"{label}.yml"), "--nlu",
                   str(train_file), "--out", str(work), "--fixed-model-name", label], f"training {label}",
                  Progress(label))
    print(f"[{label}] trained in {seconds:.0f} s; parsing the test set ...", flush=True)
    out = work / f"{label}.jsonl"
    run([str(settings.rasa_bin.parent / "python"), "-m", "bot.rasa_addons.nlu_predict", str(work / f"{label}.tar.gz"),
         str(texts_file), str(out)], f"parsing with {label}")
    predictions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return predictions, seconds


def summary(predictions: list[dict], gold: list[str], seconds: float) -> dict:
    latencies = [p["ms"] for p in predictions]
    return {**metrics(gold, [outcome(p) for p in predictions]), "train_seconds": round(seconds, 1),
            "parse_p50_ms": round(percentile(latencies, 50), 1), "parse_p95_ms": round(percentile(latencies, 95), 1)}


SAME_RUN = ("train", "test", "train_rows", "test_rows", "intents", "seed")


def earlier_baseline(report: Path, flat: dict) -> dict:
    """The `baseline_` figures of an earlier report of the same data and seed (Rasa's default pipeline does not
    depend on config.yml; it takes over an hour on BANKING77), with where they came from."""
    earlier = json.loads(report.read_text(encoding="utf-8"))
    if not isinstance(earlier, dict):
        raise ValueError(f"{report} is not a bench-nlu report (a JSON object)")
    differ = [k for k in SAME_RUN if earlier.get(k) != flat[k]]
    if differ:
        raise ValueError(f"{report} measured other data: {', '.join(f'{k}={earlier.get(k)!r}' for k in differ)}")
    baseline = {k: v for k, v in earlier.items() if k.startswith("baseline_") and k != "baseline_from"}
    if not baseline:
        raise ValueError(f"{report} holds no baseline_ figures")
    source = earlier.get("baseline_from") or f"{report.name}, generated {earlier.get('generated_at', '?')}"
    return {**baseline, "baseline_from": source}  # where they were measured, also when reused twice


def reusable_baseline(report: Path, flat: dict) -> dict | None:
    """`earlier_baseline` of the report this run replaces, or None (and why, printed) when there is none to
    reuse: then the baseline is trained in this run."""
    try:
        reused = earlier_baseline(report, flat)
    except FileNotFoundError:
        print(f"bench-nlu: no earlier {report.name}; training Rasa's default pipeline too", flush=True)
        return None
    except (OSError, ValueError) as exc:
        print(f"bench-nlu: not reusing the earlier baseline ({exc}); training Rasa's default pipeline too", flush=True)
        return None
    print(f"bench-nlu: reusing Rasa's default pipeline's figures ({reused['baseline_from']})", flush=True)
    return reused


def markdown(flat: dict, sweep: list[dict], train: Path, test: Path) -> str:
    keys = [k for k in ("accuracy", "macro_f1", "in_scope_accuracy", "oos_recall", "train_seconds", "parse_p50_ms",
                        "parse_p95_ms") if k in flat]
    lines = ["# NLU benchmark", "",
             f"Train: `{train}` ({flat['train_rows']} rows, {flat['intents']} intents). Test: `{test}` "
             f"({flat['test_rows']} rows, every row). Seed {flat['seed']}. Out of scope = predicted `oos` or "
             "`nlu_fallback`. Rates are fractions. The project pipeline is `config.yml`'s without the sentiment "
             "component and the entities-only DIET (neither sets intents; the CSVs hold no entities).", "",
             "| | project (`config.yml`) | Rasa default (`rasa init`) |", "|---|---|---|"]
    lines += [f"| {k} | {flat[k]} | {flat.get('baseline_' + k, 'not run')} |" for k in keys]
    if "baseline_from" in flat:
        lines += ["", f"The Rasa default column is from an earlier run on the same data and seed "
                      f"({flat['baseline_from']}); only the project pipeline was trained in this run."]
    ref = next((v for k, v in PUBLISHED.items() if k in str(train).lower()), None)
    if ref:
        lines += ["", f"Published (other protocol: official test split, not this dev split): {ref}."]
    lines += ["", "Project model at other fallback thresholds (swept on this test set: it shows the trade-off, "
                  f"it is not a tuned result; `config.yml` uses {flat['fallback_threshold']}; 0.0 = no fallback):", ""]
    if "oos_recall" in flat:
        lines += ["| threshold | in-scope accuracy | out-of-scope recall | accuracy |", "|---|---|---|---|"]
        lines += [
            f"| {s['threshold']} | {s['in_scope_accuracy']} | {s['oos_recall']} | {s['accuracy']} |" for s in sweep
        ]
    else:
        lines += ["| threshold | accuracy | macro F1 |", "|---|---|---|"]
        lines += [f"| {s['threshold']} | {s['accuracy']} | {s['macro_f1']} |" for s in sweep]
    return "\n".join(lines)


OUT_OF_SCOPE_INTENT = "out_of_scope"  # the project's own out-of-scope intent counts as `oos`


def served_model(model: Path, test: Path, name: str, settings: Settings, only: str | None = None) -> int:
    """The model `make run` serves (trained on data/), on a held-apart test CSV of customer messages: accuracy,
    macro F1, per-intent accuracy and the misses. Nothing is trained. `only`: keep the rows of that label (the
    out-of-scope rows of another data set, whose other intents are not the store's)."""
    try:
        rows = read_rows(test)
        if only:
            rows = [(t, i) for t, i in rows if i == only]
            if not rows:
                raise ValueError(f"{test}: no rows with the intent {only!r}")
    except (OSError, ValueError) as exc:
        print(f"bench-nlu: {exc}", file=sys.stderr)
        return 2
    if not model.is_file():
        print(f"bench-nlu: {model} does not exist: run `make train` first", file=sys.stderr)
        return 2
    gold = [OOS if i == OUT_OF_SCOPE_INTENT else i for _, i in rows]
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        texts, out = Path(tmp) / "texts.json", Path(tmp) / "out.jsonl"
        texts.write_text(json.dumps([t for t, _ in rows], ensure_ascii=False), encoding="utf-8")
        run([str(settings.rasa_bin.parent / "python"), "-m", "bot.rasa_addons.nlu_predict", str(model), str(texts),
             str(out)], "parsing the test set")
        predictions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    predicted = [OOS if outcome(p) == OUT_OF_SCOPE_INTENT else outcome(p) for p in predictions]
    latencies = [p["ms"] for p in predictions]
    flat = {"model": str(model), "test": str(test), "only": only or "", "test_rows": len(rows),
            "intents": len(set(gold)),
            **metrics(gold, predicted), "parse_p50_ms": round(percentile(latencies, 50), 1),
            "parse_p95_ms": round(percentile(latencies, 95), 1)}
    per_intent = {}
    for label in sorted(set(gold)):
        pairs = [(g, p) for g, p in zip(gold, predicted) if g == label]
        per_intent[label] = round(sum(g == p for g, p in pairs) / len(pairs), 4)
    flat.update({f"accuracy_{label}": v for label, v in per_intent.items()})
    misses = [f"- {t!r}: {g} -> {p}" for (t, _), g, p in zip(rows, gold, predicted) if g != p]
    md = "\n".join([f"# Intents of the served model on {test.name}", "",
                     f"The model `make run` serves ({model.name}, trained on `data/`), on {len(rows)} customer "
                     "messages that are not in its training data (a test split that is never tuned on). `oos` is "
                     "the out-of-scope intent or the fallback.", "", "| measure | value |", "|---|---|"]
                    + [f"| {k} | {v} |" for k, v in flat.items() if not k.startswith("accuracy_")]
                    + ["", "| intent | accuracy |", "|---|---|"] + [f"| {k} | {v} |" for k, v in per_intent.items()]
                    + ["", "## Misses", ""] + (misses or ["none"]))
    json_path, md_path = write_report(name, flat, md, PROJECT_ROOT / "reports")
    print(md)
    print(f"wrote {json_path} and {md_path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, help="training CSV (not with --model)")
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--name", default="nlu", help="report name: reports/<name>.json and .md")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--limit-train", type=int, default=0, help="train on a seeded sample of this many rows")
    parser.add_argument("--no-baseline", action="store_true", help="skip Rasa's default pipeline")
    parser.add_argument("--baseline-from", type=Path,
                        help="take Rasa's default pipeline's figures from this earlier report (same data and seed) "
                             "instead of training it again")
    parser.add_argument("--reuse-baseline", action="store_true",
                        help="reuse Rasa's default pipeline's figures from reports/<name>.json when that report "
                             "measured the same data and seed; otherwise train it (what `make bench` does)")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml",
                        help="the project pipeline to measure (default: config.yml)")
    parser.add_argument("--model", type=Path, help="measure this trained model (the served one) on TEST instead of "
                                                     "training on TRAIN")
    parser.add_argument("--only", help="with --model: keep only the TEST rows of this intent (e.g. oos)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.model:
        return served_model(args.model, args.test, args.name, settings, args.only)
    if not args.train:
        parser.error("--train is required without --model")
    try:
        train_rows, test_rows = read_rows(args.train), read_rows(args.test)
    except (OSError, ValueError) as exc:
        print(f"bench-nlu: {exc}", file=sys.stderr)
        return 2
    if args.limit_train and args.limit_train < len(train_rows):
        train_rows = random.Random(args.seed).sample(train_rows, args.limit_train)
    gold = [intent for _, intent in test_rows]
    project = project_pipeline(args.config)
    threshold = next((c.get("threshold") for c in project if c["name"] == "FallbackClassifier"), None)
    flat: dict = {"train": str(args.train), "test": str(args.test), "train_rows": len(train_rows),
                  "test_rows": len(test_rows), "intents": len({i for _, i in train_rows}), "seed": args.seed,
                  "config": str(args.config),
                  "fallback_threshold": threshold}
    reused: dict | None = None
    if args.baseline_from:
        try:
            reused = earlier_baseline(args.baseline_from, flat)
        except (OSError, ValueError) as exc:
            print(f"bench-nlu: --baseline-from: {exc}", file=sys.stderr)
            return 2
    elif args.reuse_baseline and not args.no_baseline:
        reused = reusable_baseline(PROJECT_ROOT / "reports" / f"{args.name}.json", flat)
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        work = Path(tmp)
        train_file, texts_file = work / "train.yml", work / "texts.json"
        train_file.write_text(nlu_yaml(train_rows), encoding="utf-8")
        texts_file.write_text(json.dumps([t for t, _ in test_rows], ensure_ascii=False), encoding="utf-8")
        predictions, seconds = train_and_test("project", nlu_config(project, args.seed), train_file, texts_file,
                                              work, settings)
        flat.update(summary(predictions, gold, seconds))
        sweep = [{"threshold": t, **metrics(gold, at_threshold(predictions, t))} for t in SWEEP]
        flat["accuracy_without_fallback"] = sweep[0]["accuracy"]
        if reused is not None:
            flat.update(reused)
        elif not args.no_baseline:
            predictions, seconds = train_and_test("baseline", nlu_config(BASELINE_PIPELINE, args.seed), train_file,
                                                  texts_file, work, settings)
            flat.update({f"baseline_{k}": v for k, v in summary(predictions, gold, seconds).items()})
    json_path, md_path = write_report(args.name, flat, markdown(flat, sweep, args.train, args.test),
                                      PROJECT_ROOT / "reports")
    print(md_path.read_text(encoding="utf-8"))
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
