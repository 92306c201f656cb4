"""Sentence embeddings. The only module that imports sentence-transformers."""
from __future__ import annotations

import os
from typing import Protocol, Sequence


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One unit-length vector per text."""
        ...


class SentenceTransformerEmbedder:
    """A local sentence-transformers model folder (the packaged MiniLM by default), loaded on first use."""

    def __init__(self, model_path: str, threads: int = 2, batch_size: int = 32):
        self.model_path = model_path
        self.threads = threads
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
        return self._model

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                      show_progress_bar=False)
        return vectors.tolist()

    def transformer(self):
        """The underlying Hugging Face model and tokenizer (for fine-tuning, e.g. the sentiment model)."""
        model = self._load()
        return model[0].auto_model, model[0].tokenizer
