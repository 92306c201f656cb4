"""Benchmark reports: a flat JSON object and a Markdown summary under `reports/`."""
from __future__ import annotations

import json
import math
import platform
import time
from pathlib import Path


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def cpu_model() -> str:
    """The processor's name as Linux reports it ('' where /proc/cpuinfo does not say)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _reference_workload() -> None:
    total = 0
    for i in range(200_000):
        total += i * i % 7
    words = [f"w{i % 997}" for i in range(50_000)]
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1


def cpu_reference_ms(repeats: int = 7, workload=_reference_workload, clock=time.perf_counter) -> float:
    """Median milliseconds of a fixed single-threaded Python workload: a yardstick for reading absolute
    latencies measured on different machines (a slower machine takes longer for the same work)."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    times = []
    for _ in range(repeats):
        t0 = clock()
        workload()
        times.append((clock() - t0) * 1000)
    return round(sorted(times)[len(times) // 2], 1)


def write_report(name: str, flat: dict, markdown: str, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    flat = {"generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(), **flat}
    json_path, md_path = out_dir / f"{name}.json", out_dir / f"{name}.md"
    json_path.write_text(json.dumps(flat, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown.rstrip() + "\n", encoding="utf-8")
    return json_path, md_path
