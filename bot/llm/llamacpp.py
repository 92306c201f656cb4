"""Embedded llama.cpp back end through the prebuilt `xllamacpp` wheel. The only module that imports it."""
from __future__ import annotations

import os
import queue
import threading
from typing import Iterator

from bot.llm.base import ChatModelError, Message

_DONE = object()


class LlamaCppChatModel:
    """A GGUF model run in-process. Loaded on first use; greedy decoding, so answers are repeatable.

    `nice` lowers the CPU priority of llama.cpp's threads (its loop and compute workers, started when the model
    loads), so a long generation does not slow the quick work beside it: other conversations' turns in this
    process and the Rasa server's."""

    def __init__(self, model_path: str, threads: int = 2, n_ctx: int = 2048, timeout_s: float = 20.0,
                 nice: int = 0):
        self.model_path = model_path
        self.name = f"llama.cpp:{model_path.rsplit('/', 1)[-1]}"
        self.threads = threads
        self.nice = nice
        self.n_ctx = n_ctx
        self.timeout_s = timeout_s
        self._server = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._server is None:
                import xllamacpp as xlc

                params = xlc.CommonParams()
                params.model.path = self.model_path
                params.n_ctx = self.n_ctx
                params.n_parallel = 1
                params.cpuparams.n_threads = self.threads
                params.cpuparams_batch.n_threads = self.threads
                params.sampling.temp = 0.0
                params.sampling.seed = 7
                params.warmup = False
                try:
                    params.verbosity = -1
                except AttributeError:
                    pass
                self._server = self._start(xlc.Server, params)
        return self._server

    def _start(self, server_class, params):
        """Create the server on a thread whose priority is lowered first: the threads llama.cpp starts inherit
        it, and the caller's thread keeps its own."""
        box: dict = {}

        def create() -> None:
            try:
                if self.nice > 0:
                    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)  # this thread only (Linux)
                box["server"] = server_class(params)
            except Exception as e:  # the extension raises plain RuntimeError/ValueError on a bad file
                box["error"] = e

        thread = threading.Thread(target=create, name="llamacpp-load", daemon=True)
        thread.start()
        thread.join()
        if "error" in box:
            raise ChatModelError(f"could not load {self.model_path}: {box['error']}") from box["error"]
        return box["server"]

    def _request(self, messages: list[Message], max_tokens: int, stream: bool) -> dict:
        # no prompt cache: a reused prefix changes the arithmetic slightly, and with it greedy output;
        # without it the same prompt always gives the same answer
        return {"messages": messages, "max_tokens": max_tokens, "temperature": 0.0, "stream": stream,
                "cache_prompt": False}

    def complete(self, messages: list[Message], max_tokens: int) -> str:
        return "".join(self.stream(messages, max_tokens))

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        server = self._load()
        deltas: queue.Queue = queue.Queue()

        def on_chunk(chunk) -> None:
            if isinstance(chunk, dict):
                if "error" in chunk:
                    deltas.put(ChatModelError(str(chunk["error"])))
                    return
                for choice in chunk.get("choices", []):
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        deltas.put(text)

        def work() -> None:
            try:
                result = server.handle_chat_completions(self._request(messages, max_tokens, True), on_chunk)
                if isinstance(result, dict) and "error" in result:
                    deltas.put(ChatModelError(str(result["error"])))
            except Exception as e:  # surfaced to the caller as a ChatModelError
                deltas.put(ChatModelError(f"llama.cpp failed: {e}"))
            finally:
                deltas.put(_DONE)

        threading.Thread(target=work, name="llamacpp", daemon=True).start()
        while True:
            try:
                item = deltas.get(timeout=self.timeout_s)
            except queue.Empty:
                raise ChatModelError(f"no output from llama.cpp within {self.timeout_s} s") from None
            if item is _DONE:
                return
            if isinstance(item, ChatModelError):
                raise item
            yield item
