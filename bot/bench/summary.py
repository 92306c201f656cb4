"""`make bench-report` (the last step of `make bench`): every benchmark report under `reports/` in one
`reports/README.md`, with PNG charts (reports/charts/) that put the published reference numbers beside ours.

Reads the JSON reports the benchmarks wrote (nlu, nlu_clinc150, kb, rec, sentiment, escalation, load) and
includes each one's Markdown, which states its protocol and the rows it used. A missing report is listed
as not run; nothing is re-measured here.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    published: bool = False  # a number from a paper (other protocol), drawn hatched


@dataclass(frozen=True)
class Section:
    name: str  # the report's file name without .json
    title: str
    command: str


SECTIONS = (
    Section("nlu", "Intent detection: BANKING77", "make bench-nlu"),
    Section("nlu_clinc150", "Intent detection and out-of-scope: CLINC150",
            "make bench-nlu TRAIN=../shared/datasets/clinc150/train.csv TEST=../shared/datasets/clinc150/dev.csv "
            "NLU_REPORT=nlu_clinc150"),
    Section("kb", "Knowledge base: retrieval and grounded answers", "make bench-kb"),
    Section("rec", "Recommendations", "make bench-rec"),
    Section("sentiment", "Message sentiment", "make bench-sentiment"),
    Section("escalation", "Escalation decisions", "make bench-escalation"),
    Section("load", "Load: the whole stack against plain Rasa", "make bench-load"),
)


def _get(report: dict, key: str) -> float | None:
    value = report.get(key)
    return float(value) if isinstance(value, (int, float)) else None


def chart_groups(name: str, r: dict) -> tuple[str, list[tuple[str, list[Bar]]]]:
    """The y-axis label and the groups of bars of one report's chart (published numbers marked)."""
    if name == "nlu":
        return "accuracy", [("BANKING77 accuracy", [
            Bar("project", _get(r, "accuracy")), Bar("Rasa default", _get(r, "baseline_accuracy")),
            Bar("BERT-large (test)", 0.9366, True), Bar("USE+ConveRT (test)", 0.9336, True)])]
    if name == "nlu_clinc150":
        return "fraction", [(title, [Bar("project", _get(r, key)), Bar("Rasa default", _get(r, "baseline_" + key)),
                                     Bar("Rasa 2019 (test)", ref[0], True), Bar("BERT (test)", ref[1], True),
                                     Bar("BERT+threshold (test)", ref[2], True)])
                            for title, key, ref in (("in-scope accuracy", "in_scope_accuracy", (0.915, 0.969, 0.962)),
                                                    ("out-of-scope recall", "oos_recall", (0.453, 0.403, 0.523)))]
    if name == "kb":
        return "MAP (StackFAQ)", [("retrieval MAP", [
            Bar("lexical", _get(r, "map_lexical")), Bar("dense", _get(r, "map_dense")),
            Bar("hybrid", _get(r, "map_hybrid")), Bar("rerank", _get(r, "map_hybrid_rerank")),
            Bar("BM25 (published)", 0.665, True), Bar("BERT re-ranker (published)", 0.978, True)])]
    if name == "rec":
        return "fraction", [(metric, [Bar(model, _get(r, f"{key}_{model}")) for model in
                                      ("popularity", "item_knn", "user_knn", "ranker")] + [Bar("SASRec", ref, True)])
                            for metric, key, ref in (("Hit@10", "hit_at_10", 0.741), ("NDCG@10", "ndcg_at_10", 0.536))]
    if name == "sentiment":
        return "macro F1", [("product-review sentences", [
            Bar("project", _get(r, "macro_f1_amazon_reviews_dev")),
            Bar("VADER (here)", _get(r, "macro_f1_vader_amazon_reviews_dev")),
            Bar("VADER (published)", 0.63, True), Bar("one human (published)", 0.85, True)])]
    if name == "escalation":
        return "fraction", [("escalation", [Bar("precision", _get(r, "precision")), Bar("recall", _get(r, "recall")),
                                            Bar("two-fold recall", _get(r, "two_fold_recall"))])]
    if name == "load":
        return "ms", [(f"{kind} p95", [Bar("project", _get(r, f"p95_ms_{kind}")),
                                       Bar("plain Rasa", _get(r, f"baseline_p95_ms_{kind}"))])
                      for kind in ("rule", "form", "non_llm", "knowledge")]
    return "", []


def draw(path: Path, title: str, ylabel: str, groups: list[tuple[str, list[Bar]]]) -> bool:
    """A grouped bar chart; False when there is nothing to draw."""
    if not any(b.value is not None for _, bars in groups for b in bars):
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(groups), figsize=(4.2 * len(groups) + 1, 3.8), squeeze=False)
    for ax, (group, bars) in zip(axes[0], groups):
        shown = [b for b in bars if b.value is not None]
        xs = range(len(shown))
        colours = ["#b0b7c3" if b.published else "#2f6fb0" if i == 0 else "#7aa6d6" for i, b in enumerate(shown)]
        rects = ax.bar(xs, [b.value for b in shown], color=colours, edgecolor="#333333", linewidth=0.5)
        for rect, b in zip(rects, shown):
            if b.published:
                rect.set_hatch("//")
            ax.annotate(f"{b.value:.3g}", (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                        ha="center", va="bottom", fontsize=8)
        ax.set_xticks(list(xs), [b.label for b in shown], rotation=30, ha="right", fontsize=8)
        ax.set_title(group, fontsize=10)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.margins(y=0.15)
    fig.suptitle(f"{title}\n(hatched bars: published numbers, other protocol)", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def build(reports: Path) -> str:
    lines = ["# Concierge benchmarks", "",
             "Written by `make bench` (each benchmark, then `make bench-report`). Every benchmark fixes its seeds "
             "and states its protocol and the rows it used; rates are fractions, latencies in ms. Published "
             "numbers come from ../shared/datasets/README.md; most were measured on official test splits with "
             "other protocols (each section says which), so they are context, not a like-for-like comparison.", "",
             "| benchmark | report | generated | machine |", "|---|---|---|---|"]
    loaded: dict[str, dict] = {}
    for s in SECTIONS:
        path = reports / f"{s.name}.json"
        try:
            loaded[s.name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            lines.append(f"| {s.title} | not run (`{s.command}`) | | |")
            continue
        r = loaded[s.name]
        lines.append(f"| {s.title} | [{s.name}.md]({s.name}.md), [{s.name}.json]({s.name}.json) | "
                     f"{r.get('generated_at', '')} | {r.get('machine', '')} |")
    for s in SECTIONS:
        if s.name not in loaded:
            continue
        lines += ["", f"## {s.title}", "", f"Command: `{s.command}`", ""]
        ylabel, groups = chart_groups(s.name, loaded[s.name])
        if groups and draw(reports / "charts" / f"{s.name}.png", s.title, ylabel, groups):
            lines += [f"![{s.title}](charts/{s.name}.png)", ""]
        md = reports / f"{s.name}.md"
        if md.is_file():
            body = md.read_text(encoding="utf-8").strip().splitlines()
            lines += ["#" + line if line.startswith("#") else line for line in body[1:]]  # demote its headings
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=Path, default=PROJECT_ROOT / "reports")
    args = parser.parse_args(argv)
    if not args.reports.is_dir():
        print(f"bench-report: {args.reports} does not exist: run a benchmark first", file=sys.stderr)
        return 2
    out = args.reports / "README.md"
    out.write_text(build(args.reports), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
