"""`make bench-sentiment [DATA=file.csv]`: 3-class message sentiment, the project's model against VADER.

By default: the 20% of each VADER ground-truth file (product-review sentences, tweets, NYT
editorials) that training never sees (`bot.sentiment.train.held_out`), and a sample of the Chinese
shopping reviews (positive / negative) for SnowNLP. `DATA=path` scores any `text,label` CSV
(labels negative / neutral / positive), every row. Writes reports/sentiment.json and .md; the
top-level `macro_f1`, `accuracy` and `rows` are those of the product-review sentences (or of DATA).
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

from bot.bench.report import percentile, write_report
from bot.sentiment.train import CLASSES, DATASETS, SHARED_FILES, held_out, read_rows
from bot.settings import PROJECT_ROOT

CHINESE = DATASETS.parent / "sentiment_zh" / "online_shopping_train.csv"
CHINESE_SAMPLE = 1000


def macro_f1(gold: list[str], predicted: list[str], classes: list[str] = CLASSES) -> float:
    scores = []
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, predicted))
        fp = sum(g != c and p == c for g, p in zip(gold, predicted))
        fn = sum(g == c and p != c for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def vader_label(compound: float) -> str:
    return "neutral" if abs(compound) < 0.05 else "positive" if compound > 0 else "negative"


def evaluate(model, rows: list[tuple[str, str]]) -> dict:
    from bot.sentiment.lexicon import vader_features

    gold = [label for _, label in rows]
    predicted, latencies = [], []
    for text, _ in rows:
        t0 = time.perf_counter()
        predicted.append(model.score_one(text).label)
        latencies.append((time.perf_counter() - t0) * 1000)
    vader = [vader_label(vader_features(text)[0]) for text, _ in rows]
    return {"rows": len(rows), "macro_f1": macro_f1(gold, predicted),
            "accuracy": sum(g == p for g, p in zip(gold, predicted)) / len(rows),
            "macro_f1_vader": macro_f1(gold, vader),
            "accuracy_vader": sum(g == p for g, p in zip(gold, vader)) / len(rows),
            "latency_p95_ms": percentile(latencies, 95)}


def chinese(model, path: Path = CHINESE, n: int = CHINESE_SAMPLE) -> dict:
    with open(path, newline="", encoding="utf-8") as f:
        rows = [(r["text"], r["label"]) for r in csv.DictReader(f) if r.get("text")]
    rows = random.Random(7).sample(rows, min(n, len(rows)))
    hits = 0
    for text, label in rows:
        s = model.score_one(text)
        hits += ("positive" if s.score > 0 else "negative") == label
    return {"rows": len(rows), "accuracy": hits / len(rows)}


def run(model, data: Path | None) -> tuple[dict, str]:
    md = ["# Sentiment benchmark", "", f"Model: {model.name}.", ""]
    if data is not None:
        r = evaluate(model, read_rows(data))
        md += [f"Data: {data}, all {r['rows']} rows.", "", "| | macro F1 | accuracy |", "|---|---|---|",
               f"| project model | {r['macro_f1']:.3f} | {r['accuracy']:.3f} |",
               f"| VADER | {r['macro_f1_vader']:.3f} | {r['accuracy_vader']:.3f} |"]
        return {"data": str(data), **r}, "\n".join(md)
    flat: dict = {}
    md += ["Held-out rows: the 20% of each file that training never sees (a hash of the text picks them). "
           "Published on the product-review sentences (all rows, 3 classes): VADER 0.63, one human rater 0.85 "
           "(Hutto & Gilbert 2014). VADER below is re-scored here on the same held-out rows with its "
           "standard +-0.05 cut.", "",
           "| data | rows | macro F1 | accuracy | VADER macro F1 | p95 ms |", "|---|---|---|---|---|---|"]
    for name in SHARED_FILES:
        path = DATASETS / name
        if not path.is_file():
            continue
        r = evaluate(model, [row for row in read_rows(path) if held_out(row[0])])
        key = name.removesuffix(".csv")
        flat.update({f"{k}_{key}": v for k, v in r.items()})
        md.append(f"| {name} | {r['rows']} | {r['macro_f1']:.3f} | {r['accuracy']:.3f} | {r['macro_f1_vader']:.3f} | "
                  f"{r['latency_p95_ms']:.0f} |")
        if name == "amazon_reviews_dev.csv":
            flat.update({"data": str(path) + " (held-out 20%)", **r})
    if CHINESE.is_file():
        zh = chinese(model)
        flat.update({"chinese_rows": zh["rows"], "chinese_accuracy": zh["accuracy"]})
        md += ["", f"Chinese shopping reviews (SnowNLP, positive/negative, {zh['rows']} sampled rows, seed 7): "
               f"accuracy {zh['accuracy']:.3f}. SnowNLP's packaged model was itself trained on shopping reviews, "
               "possibly overlapping these."]
    return flat, "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    from bot.sentiment.model import SentimentClassifier
    from bot.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m bot.bench.sentiment", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a text,label CSV to score instead of the default sets")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports")
    args = parser.parse_args(argv)
    if args.data is not None and not args.data.is_file():
        parser.error(f"{args.data} does not exist")
    model = SentimentClassifier(Settings.from_env().sentiment_model_dir)
    try:
        flat, md = run(model, args.data)
    except ValueError as e:  # a file without text,label columns or with unknown labels
        parser.error(str(e))
    json_path, md_path = write_report("sentiment", {"model": model.name, **flat}, md, args.out)
    print(md)
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
