"""`make bench-rec`: collaborative filtering on Amazon Video Games, then the labelled demo-catalog requests.

Leave-last-item-out: each user's last interaction is held out, everything before it is training
data. The held-out item is ranked among itself and 100 items the user never interacted with, sampled
uniformly; as in SASRec's evaluation, 10,000 users are sampled when there are more. Ties are counted
at their expected position (half of the tied items ahead). The second part is `bot.bench.rec_demo`.
Writes reports/rec.json and rec.md.
"""
from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from bot.bench.report import write_report
from bot.recommend.collaborative import Blend, BlendWeights, ItemKNN, Popularity, Transitions, UserKNN
from bot.settings import PROJECT_ROOT

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"
NEGATIVES = 100
MAX_USERS = 10_000


def load_sequences(path: Path) -> dict[str, list[str]]:
    sequences: dict[str, list[str]] = defaultdict(list)
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise ValueError(f"{path}:{n}: expected 'user_id item_id', got {line!r}")
        sequences[parts[0]].append(parts[1])
    return sequences


def rank_of_first(scores: np.ndarray) -> float:
    """Expected 0-based rank of scores[0] among all, ties broken at random."""
    ahead = float((scores[1:] > scores[0]).sum())
    tied = float((scores[1:] == scores[0]).sum())
    return ahead + tied / 2


@dataclass
class Split:
    """Training matrix (with purchase order) and one held-out item per evaluated user."""

    matrix: sparse.csr_matrix
    sequences: dict[int, list[int]]
    held_out: dict[int, int]


def make_split(sequences: dict[str, list[str]], user_ids: dict[str, int], item_ids: dict[str, int],
               holdout: int) -> Split:
    """holdout=1: the last item is the target (test); holdout=2: the one before it (validation), and the
    last is not seen at all. Users with fewer than holdout+2 items are training data only."""
    rows, cols, held_out, ordered = [], [], {}, {}
    for u, seq in sequences.items():
        uid = user_ids[u]
        if len(seq) >= holdout + 2:
            train = seq[:-holdout]
            held_out[uid] = item_ids[seq[-holdout]]
        else:
            train = seq if holdout == 1 else seq[:-1] if len(seq) > 1 else seq
        ordered[uid] = [item_ids[i] for i in train]
        rows.extend([uid] * len(train))
        cols.extend(ordered[uid])
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(user_ids), len(item_ids)))
    m.sum_duplicates()
    m.data[:] = 1.0
    return Split(m, ordered, held_out)


def sample_candidates(split: Split, users: list[int], n_items: int, rng: random.Random) -> dict[int, list[int]]:
    candidates = {}
    for u in users:
        seen = set(split.matrix.indices[split.matrix.indptr[u]:split.matrix.indptr[u + 1]].tolist())
        seen.add(split.held_out[u])
        unseen = n_items - len(seen)
        if unseen <= 2 * NEGATIVES:  # small catalogues: draw without rejection
            negs = rng.sample([t for t in range(n_items) if t not in seen], min(NEGATIVES, unseen))
        else:
            negs = []
            while len(negs) < NEGATIVES:
                t = rng.randrange(n_items)
                if t not in seen and t not in negs:
                    negs.append(t)
        candidates[u] = [split.held_out[u]] + negs
    return candidates


def metrics(score_rows: list[np.ndarray]) -> tuple[float, float]:
    hits, ndcg = 0, 0.0
    for scores in score_rows:
        r = rank_of_first(scores)
        if r < 10:
            hits += 1
            ndcg += 1 / math.log2(r + 2)
    n = len(score_rows) or 1
    return hits / n, ndcg / n


def scaled(scores: np.ndarray) -> np.ndarray:
    lo, hi = scores.min(), scores.max()
    return (scores - lo) / (hi - lo) if hi > lo else np.zeros_like(scores)


DECAYS = (1.0, 0.8, 0.5)
STEP = 10
WEIGHT_GRID = [(a / STEP, b / STEP, c / STEP, (STEP - a - b - c) / STEP)
               for a in range(STEP + 1) for b in range(STEP + 1 - a) for c in range(STEP + 1 - a - b)]


def tune(split: Split, users: list[int], candidates: dict[int, list[int]]) -> tuple[BlendWeights, float, float]:
    """Blend weights and recency decay with the best NDCG@10 on the validation item."""
    pop, user_knn = Popularity().fit(split.matrix), UserKNN().fit(split.matrix)
    item_knn = ItemKNN().fit(split.matrix, split.sequences)
    nxt = Transitions().fit(split.matrix, split.sequences)
    fixed = {u: np.stack([scaled(user_knn.score(u, candidates[u])), scaled(pop.score(u, candidates[u])),
                          scaled(nxt.score(u, candidates[u]))]) for u in users}
    best = (BlendWeights(), 1.0, -1.0)
    for decay in DECAYS:
        item_knn.decay = decay
        items = {u: scaled(item_knn.score(u, candidates[u])) for u in users}
        for wi, wu, wp, wt in WEIGHT_GRID:
            w = np.array([wu, wp, wt])
            _, ndcg = metrics([wi * items[u] + w @ fixed[u] for u in users])
            if ndcg > best[2]:
                best = (BlendWeights(wi, wu, wp, wt), decay, ndcg)
    return best


def run(path: Path, max_users: int = MAX_USERS, seed: int = 7, tune_users: int = 3000) -> tuple[dict, str]:
    sequences = load_sequences(path)
    user_ids = {u: n for n, u in enumerate(sequences)}
    item_ids: dict[str, int] = {}
    for seq in sequences.values():
        for i in seq:
            item_ids.setdefault(i, len(item_ids))
    n_items = len(item_ids)
    rng = random.Random(seed)

    # 1. choose the ranker's weights on the validation item (the second-to-last), never on the test item
    t0 = time.perf_counter()
    valid = make_split(sequences, user_ids, item_ids, holdout=2)
    valid_users = sorted(valid.held_out)
    valid_users = sorted(rng.sample(valid_users, min(tune_users, len(valid_users))))
    weights, decay, valid_ndcg = tune(valid, valid_users, sample_candidates(valid, valid_users, n_items, rng))
    tune_seconds = time.perf_counter() - t0

    # 2. test: train on everything but the last item, rank the last item
    test = make_split(sequences, user_ids, item_ids, holdout=1)
    eval_users = sorted(test.held_out)
    if len(eval_users) > max_users:
        eval_users = sorted(rng.sample(eval_users, max_users))
    candidates = sample_candidates(test, eval_users, n_items, rng)
    models, fit_seconds = {}, {}
    for model in (Popularity(), ItemKNN(), UserKNN()):
        t0 = time.perf_counter()
        models[model.name] = model.fit(test.matrix)
        fit_seconds[model.name] = time.perf_counter() - t0
    t0 = time.perf_counter()
    recent = ItemKNN(decay=decay).fit(test.matrix, test.sequences)
    nxt = Transitions().fit(test.matrix, test.sequences)
    models["ranker"] = Blend(recent, models["user_knn"], models["popularity"], weights, nxt)
    fit_seconds["ranker"] = time.perf_counter() - t0 + fit_seconds["user_knn"] + fit_seconds["popularity"]

    results = {}
    for name, model in models.items():
        t0 = time.perf_counter()
        hit, ndcg = metrics([model.score(u, candidates[u]) for u in eval_users])
        results[name] = {"hit_at_10": hit, "ndcg_at_10": ndcg, "train_seconds": fit_seconds[name],
                         "score_ms_per_user": 1000 * (time.perf_counter() - t0) / len(eval_users)}
    flat = {"users": len(eval_users), "users_total": len(sequences), "items": n_items,
            "interactions": int(test.matrix.nnz), "hit_at_10": results["ranker"]["hit_at_10"],
            "ndcg_at_10": results["ranker"]["ndcg_at_10"], "ranker_weight_item_knn": weights.item_knn,
            "ranker_weight_user_knn": weights.user_knn, "ranker_weight_popularity": weights.popularity,
            "ranker_weight_transitions": weights.transitions,
            "ranker_recency_decay": decay, "validation_ndcg_at_10": valid_ndcg, "tune_users": len(valid_users),
            "tune_seconds": tune_seconds}
    for name, r in results.items():
        for k, v in r.items():
            flat[f"{k}_{name}"] = v
    md = ["# Recommendation benchmark: Amazon Video Games", "",
          f"Data: {path} ({len(sequences)} users, {n_items} items). Protocol of SASRec (Kang & McAuley 2018): "
          "leave the last item out, rank it among itself and 100 sampled items the user never interacted with; "
          f"{len(eval_users)} users evaluated (SASRec samples 10,000 when there are more), seed {seed}. "
          "Ties count at their expected position. Published: SASRec Hit@10 0.741, NDCG@10 0.536.", "",
          "| model | Hit@10 | NDCG@10 | training s | scoring ms/user |", "|---|---|---|---|---|"]
    for name, r in results.items():
        md.append(f"| {name} | {r['hit_at_10']:.3f} | {r['ndcg_at_10']:.3f} | {r['train_seconds']:.1f} | "
                  f"{r['score_ms_per_user']:.2f} |")
    md += ["", f"ranker = {weights.item_knn} item-kNN (recent purchases weighted by {decay} per later purchase) + "
           f"{weights.user_knn} user-kNN + {weights.popularity} popularity + {weights.transitions} next-purchase "
           "transitions (last 3 purchases), each scaled to 0..1 over the candidates: "
           "the collaborative part of the project's product ranker. Weights and decay were chosen on the "
           f"validation item (each user's second-to-last, {len(valid_users)} users, NDCG@10 {valid_ndcg:.3f}, "
           f"{tune_seconds:.0f} s) with the last item unseen; the test item was not used for any choice."]
    return flat, "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.bench.rec", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATASETS / "rec_videogames" / "interactions.txt")
    parser.add_argument("--users", type=int, default=MAX_USERS, help="most users evaluated (default: %(default)s)")
    parser.add_argument("--no-llm", action="store_true", help="skip the run where the chat model phrases reasons")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"{args.data} does not exist")
    flat, md = run(args.data, args.users)
    from bot.bench import rec_demo
    from bot.services import Services

    demo_flat, demo_md = rec_demo.run(Services(), llm=not args.no_llm)
    json_path, md_path = write_report("rec", {**flat, **demo_flat}, md + "\n" + demo_md, args.out)
    print(md + "\n" + demo_md)
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
