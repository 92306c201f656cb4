"""The faithfulness check on labelled sentence pairs (bench/faithfulness.yml), part of `make bench-kb`.

For each claim: does `check_faithfulness(claim, evidence)` accept it? Reported per split (dev: tuned on; test:
never tuned on) and per kind: unfaithful claims accepted (target 0 on test) and faithful paraphrases accepted
(target >= 80%).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bot.answers.grounding import GroundingConfig, check_faithfulness


def evaluate(labelled: Path, cfg: GroundingConfig) -> tuple[dict, list[str]]:
    spec = yaml.safe_load(labelled.read_text(encoding="utf-8"))
    flat: dict = {}
    misses: list[str] = []
    for split in ("dev", "test"):
        groups = [g for g in spec["groups"] if g.get("split", "dev") == split]
        faithful = unfaithful = faithful_ok = unfaithful_accepted = 0
        accepted_kinds: Counter = Counter()
        for g in groups:
            for c in g["claims"]:
                accepted = check_faithfulness(c["text"], g["evidence"], cfg).supported
                if c["faithful"]:
                    faithful += 1
                    faithful_ok += accepted
                else:
                    unfaithful += 1
                    unfaithful_accepted += accepted
                    accepted_kinds[c["kind"]] += accepted
                if accepted != c["faithful"]:
                    misses.append(f"- {split} {c['kind']} {'rejected' if c['faithful'] else 'ACCEPTED'}: "
                                  f"{c['text']!r}")
        prefix = "faithfulness_" if split == "test" else "faithfulness_dev_"
        flat.update({f"{prefix}pairs": faithful + unfaithful, f"{prefix}unfaithful_accepted": unfaithful_accepted,
                     f"{prefix}unfaithful_accepted_rate": unfaithful_accepted / (unfaithful or 1),
                     f"{prefix}faithful_accepted_rate": faithful_ok / (faithful or 1)})
        flat.update({f"{prefix}accepted_{kind}": n for kind, n in sorted(accepted_kinds.items())})
    return flat, misses
