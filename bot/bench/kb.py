"""`make bench-kb`: retrieval on StackFAQ, grounded answers on the demo store's labelled set, latency.

    python -m bot.bench.kb [--queries PATH] [--faqs PATH] [--labelled bench/kb_demo.yml] [--out reports]

Writes reports/kb.json (flat) and reports/kb.md. The chat model is the configured one (LLM_BACKEND,
LLM_MODEL), so `make bench-kb LLM_MODEL=qwen2.5-coder-0.5b` measures another model the same way.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import yaml

from bot.answers.grounding import numbers
from bot.answers.prompt import phrasing_messages
from bot.bench import stackfaq
from bot.bench.faithfulness import evaluate as evaluate_pairs
from bot.bench.report import percentile, write_report
from bot.knowledge.indexer import index_folder
from bot.llm.base import ChatModelError
from bot.settings import PROJECT_ROOT, Settings

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"


def calibrate(positives: list[float], negatives: list[float]) -> tuple[float, float]:
    """The threshold (midpoint between neighbouring scores) that best separates answerable from
    unanswerable questions by best-passage score; ties go to the higher threshold (refuse rather than
    guess). Returns (threshold, accuracy on these scores)."""
    scores = sorted(set(positives + negatives))
    cuts = [(a + b) / 2 for a, b in zip(scores, scores[1:])] or scores
    best = (0.0, -1.0)
    for t in cuts:
        acc = (sum(p >= t for p in positives) + sum(n < t for n in negatives)) / (len(positives) + len(negatives))
        if acc >= best[1]:
            best = (t, acc)
    return round(best[0], 3), best[1]


def two_fold(positives: list[float], negatives: list[float]) -> float:
    """Accuracy of a threshold calibrated on one half (even items) when applied to the other, averaged."""
    accs = []
    for fit in (0, 1):
        t, _ = calibrate(positives[fit::2], negatives[fit::2])
        ps, ns = positives[1 - fit::2], negatives[1 - fit::2]
        accs.append((sum(p >= t for p in ps) + sum(n < t for n in ns)) / (len(ps) + len(ns)))
    return sum(accs) / 2


def answer_body(text: str) -> str:
    return text.rsplit("\n\nSource", 1)[0]


def judge(answer, parts: list[dict]) -> tuple[bool, bool]:
    """(correct, cited): every part's fact is in the answer text and every part's source is cited."""
    if not answer.found:
        return False, False
    cited = {s.source for s in answer.sources}
    # a part's source may be a list: pages that each state the fact ("invoices are kept for 7 years")
    return (all(re.search(p["fact"], answer.text, re.I) for p in parts),
            all(bool(cited & set([p["source"]] if isinstance(p["source"], str) else p["source"])) for p in parts))


def score_split(spec: dict, ask, knowledge_numbers: set[str], prefix: str = "") -> tuple[dict, list[str], list, list]:
    """Answer every labelled question of one split. A wrong answer with a source: an answer given (so with a
    citation) that misses a fact, cites the wrong page, or answers a question the pages do not answer."""
    items = ([{**i, "parts": [i]} for i in spec.get("answerable", []) + spec.get("follow_ups", [])]
             + [dict(i) for i in spec.get("multi_part", [])])
    correct = cited = generated = invented = wrong = refused_answerable = 0
    pos, neg, failures = [], [], []
    for item in items:
        a = ask(item["q"], [item["previous"]] if "previous" in item else None)
        if "previous" not in item:
            pos.append(a.score)
        ok, src = judge(a, item["parts"])
        correct += ok and src
        cited += src
        generated += a.generated
        refused_answerable += not a.found
        wrong += a.found and not (ok and src)
        if a.found:
            invented += len(numbers(answer_body(a.text)) - knowledge_numbers - numbers(" ".join(a.evidence)))
        if not (ok and src):
            failures.append(f"- {prefix}answerable: {item['q']!r} -> found={a.found} score={a.score:.3f} "
                            f"cited={[s.source for s in a.sources]} text={answer_body(a.text)[:160]!r}")
    refused = 0
    for q in spec.get("unanswerable", []):
        a = ask(q)
        neg.append(a.score)
        refused += not a.found
        if a.found:
            wrong += 1
            invented += len(numbers(answer_body(a.text)) - knowledge_numbers - numbers(" ".join(a.evidence)))
            failures.append(f"- {prefix}unanswerable answered: {q!r} score={a.score:.3f} -> "
                            f"{answer_body(a.text)[:120]!r}")
    n, m = len(items), len(spec.get("unanswerable", []))
    results = {"answerable": n, "unanswerable": m, "multi_part": len(spec.get("multi_part", [])),
               "answer_correctness": correct / n if n else 0.0, "citation_correctness": cited / n if n else 0.0,
               "refusal_rate_answerable": refused_answerable / n if n else 0.0,
               "refusal_rate_unanswerable": refused / m if m else 0.0,
               "wrong_with_source": wrong, "wrong_with_source_rate": wrong / (n + m) if n + m else 0.0,
               "generated_share": generated / n if n else 0.0, "invented_facts": invented}
    return results, failures, pos, neg


def demo_store(labelled: Path, settings: Settings, work: Path) -> tuple[dict, list[str]]:
    from bot.services import Services

    spec = yaml.safe_load(labelled.read_text(encoding="utf-8"))
    docs = work / "docs"
    shutil.copytree(settings.knowledge_dir / "policies", docs)
    planted = PROJECT_ROOT / spec["planted"]["document"]
    shutil.copy(planted, docs / planted.name)
    settings = replace(settings, data_dir=work, chroma_path=work / "chroma", kb_collection="bench_demo")
    services = Services(settings)
    index_folder(docs, services.kb_index, services.embedder)
    answers = services.answers
    answers.gaps = None
    knowledge_numbers = numbers(" ".join(p.read_text(encoding="utf-8") for p in docs.glob("*.md")))
    lines: list[str] = []
    answers.answer("warm-up: how long do I have to return something?")  # loads the models before timing

    totals, retrievals, generations = [], [], []

    def ask(q: str, history: list[str] | None = None):
        t0 = time.perf_counter()
        a = answers.answer(q, history)
        totals.append((time.perf_counter() - t0) * 1000)
        retrievals.append(a.timings_ms.get("retrieval_ms", 0.0))
        if "generation_ms" in a.timings_ms:
            generations.append(a.timings_ms["generation_ms"])
        return a

    dev, failures, pos_scores, neg_scores = score_split(spec, ask, knowledge_numbers)
    test, test_failures, _, _ = score_split(spec.get("test") or {}, ask, knowledge_numbers, prefix="test ")
    failures += test_failures
    injected = 0
    for item in spec["injections"]:
        a = ask(item["q"])
        if a.found and re.search(item["forbidden"], a.text, re.I):
            injected += 1
            failures.append(f"- injection succeeded: {item['q']!r} -> {a.text[:160]!r}")
    planted_hits = 0
    for q in spec["planted"]["questions"]:
        a = ask(q)
        if a.found and re.search(spec["planted"]["forbidden"], a.text, re.I):
            planted_hits += 1
            failures.append(f"- planted injection succeeded: {q!r} -> {a.text[:160]!r}")

    ttft, stream_total = [], []
    model = services.chat_model
    if model is not None:
        for item in spec["answerable"][:20]:
            facts = answers.answer(item["q"]).evidence
            t0 = time.perf_counter()
            first = None
            try:
                for _ in model.stream(phrasing_messages(item["q"], facts), 120):
                    first = first or time.perf_counter()
            except ChatModelError as e:
                lines.append(f"- stream failed: {e}")
                continue
            end = time.perf_counter()
            ttft.append(((first or end) - t0) * 1000)
            stream_total.append((end - t0) * 1000)

    threshold, cal_acc = calibrate(pos_scores, neg_scores)
    # headline figures over both splits; dev_* (tuned on) and test_* (never tuned on) beside them
    both = {k: dev[k] + test[k] for k in ("answerable", "unanswerable", "multi_part", "wrong_with_source",
                                          "invented_facts")}
    for key in ("answer_correctness", "citation_correctness", "refusal_rate_answerable", "generated_share",
                "refusal_rate_unanswerable"):
        count = "unanswerable" if key == "refusal_rate_unanswerable" else "answerable"
        both[key] = (dev[key] * dev[count] + test[key] * test[count]) / (both[count] or 1)
    both["wrong_with_source_rate"] = both["wrong_with_source"] / ((both["answerable"] + both["unanswerable"]) or 1)
    results = {
        **both, "injection_attempts": len(spec["injections"]),
        "planted_questions": len(spec["planted"]["questions"]),
        "injection_successes": injected + planted_hits, "injection_successes_user": injected,
        "injection_successes_planted": planted_hits,
        **{f"dev_{k}": v for k, v in dev.items()}, **{f"test_{k}": v for k, v in test.items()},
        "threshold_configured": settings.kb_min_score, "threshold_calibrated": threshold,
        "threshold_calibration_accuracy": cal_acc, "threshold_two_fold_accuracy": two_fold(pos_scores, neg_scores),
        "retrieval_p50_ms": percentile(retrievals, 50), "retrieval_p95_ms": percentile(retrievals, 95),
        "answer_p50_ms": percentile(totals, 50), "answer_p95_ms": percentile(totals, 95),
        "generation_p50_ms": percentile(generations, 50), "generation_p95_ms": percentile(generations, 95),
        "ttft_p50_ms": percentile(ttft, 50), "ttft_p95_ms": percentile(ttft, 95),
        "stream_total_p50_ms": percentile(stream_total, 50),
        "llm": model.name if model is not None else "none",
    }
    return results, failures + lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.bench.kb", description=__doc__.splitlines()[0])
    parser.add_argument("--faqs", type=Path, default=DATASETS / "faq_stackfaq" / "faqs.jsonl")
    parser.add_argument("--queries", type=Path, default=DATASETS / "faq_stackfaq" / "queries_dev.jsonl",
                        help="JSONL with query and faq_id (default: StackFAQ dev queries)")
    parser.add_argument("--labelled", type=Path, default=PROJECT_ROOT / "bench" / "kb_demo.yml")
    parser.add_argument("--pairs", type=Path, default=PROJECT_ROOT / "bench" / "faithfulness.yml",
                        help="labelled sentence pairs for the faithfulness check")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports")
    parser.add_argument("--skip-stackfaq", action="store_true")
    parser.add_argument("--name", default="kb", help="report name: reports/<name>.json and .md (default: %(default)s)")
    args = parser.parse_args(argv)
    for p in ([] if args.skip_stackfaq else [args.faqs, args.queries]) + [args.labelled, args.pairs]:
        if not p.is_file():
            parser.error(f"{p} does not exist")
    from bot.services import Services

    settings = Settings.from_env()
    flat: dict = {}
    md = ["# Knowledge base benchmark", ""]
    (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=PROJECT_ROOT / "var") as tmp:
        if not args.skip_stackfaq:
            print("StackFAQ: indexing the FAQ pairs and ranking the queries...", file=sys.stderr)
            results, info = stackfaq.run(args.faqs, args.queries, Services(settings).embedder, Path(tmp))
            flat.update({"queries": info["queries"], "faq_pairs": info["faq_pairs"]})
            for mode, r in results.items():
                key = {"rerank": "hybrid_rerank"}.get(mode, mode)
                flat.update({f"map_{key}": r.map, f"mrr_{key}": r.mrr, f"recall_at_1_{key}": r.recall_at_1,
                             f"recall_at_5_{key}": r.recall_at_5, f"ms_per_query_{key}": r.ms_per_query})
            md += [f"## StackFAQ retrieval ({args.queries.name}, {info['queries']} queries)", "",
                   f"{info['faq_threads']} FAQ threads, {info['faq_pairs']} question-answer pairs indexed "
                   f"through the project's ingestion ({info['chunks']} chunks, {info['index_seconds']} s). "
                   "Protocol of the published numbers: each pair is a unit, all pairs of the query's thread "
                   "are relevant; AP over the top 100; recall@k = share of queries with a relevant pair in "
                   "the top k. Published: BM25 MAP about 0.665, fine-tuned BERT re-ranker 0.978. The re-ranking "
                   "weights (0.85 cosine, 0.15 term coverage) were chosen on these dev queries, so the rerank row "
                   "is not an independent measurement; hybrid is reciprocal-rank fusion with no tuned weight.", "",
                   "| retriever | MAP | MRR | recall@1 | recall@5 | ms/query |", "|---|---|---|---|---|---|"]
            for mode, r in results.items():
                md.append(f"| {mode} | {r.map:.3f} | {r.mrr:.3f} | {r.recall_at_1:.3f} | {r.recall_at_5:.3f} "
                          f"| {r.ms_per_query:.1f} |")
            md.append("")
        print("Demo store: answering the labelled questions...", file=sys.stderr)
        demo, notes = demo_store(args.labelled, settings, Path(tmp) / "demo")
    flat.update(demo)
    faithfulness, pair_misses = evaluate_pairs(args.pairs, Services(settings).grounding)
    flat.update(faithfulness)
    md += ["## Demo store, labelled set (bench/kb_demo.yml)", "", f"Chat model: {demo['llm']}.", "",
           "| measure | value |", "|---|---|"]
    md += [f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in demo.items() if k != "llm"]
    md += ["", "Threshold calibration: the best-passage score of every answerable and unanswerable question; "
           "the cut between neighbouring scores with the highest accuracy (ties: the higher cut). The two-fold "
           "figure calibrates on half the questions and measures on the other half.", "",
           "## Faithfulness check, labelled sentence pairs (bench/faithfulness.yml)", "",
           f"{faithfulness['faithfulness_dev_pairs']} dev pairs (tuned on) and {faithfulness['faithfulness_pairs']} "
           "test pairs (never tuned on), written from the demo store's pages: faithful paraphrases, and claims with "
           "a swapped subject, words recombined across sentences, a contradiction, a number moved, a condition "
           "dropped or an invented fact. Targets on the test pairs: 0 unfaithful accepted, >= 80% of the faithful "
           "accepted.", "", "| measure | value |", "|---|---|"]
    md += [f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in faithfulness.items()]
    md += ["", "## Misses", ""] + (notes or ["none"]) + pair_misses
    json_path, md_path = write_report(args.name, flat, "\n".join(md), args.out)
    print(f"wrote {json_path} and {md_path}")
    for k in (
        "map_hybrid",
        "map_hybrid_rerank",
        "answer_correctness",
        "citation_correctness",
        "refusal_rate_unanswerable",
        "wrong_with_source",
        "test_answer_correctness",
        "test_wrong_with_source",
        "test_refusal_rate_unanswerable",
        "faithfulness_unfaithful_accepted",
        "faithfulness_faithful_accepted_rate",
        "invented_facts",
        "injection_successes",
        "retrieval_p95_ms",
        "answer_p95_ms",
        "threshold_calibrated",
    ):
        if k in flat:
            print(f"  {k}: {flat[k]:.3f}" if isinstance(flat[k], float) else f"  {k}: {flat[k]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
