"""Parse texts with a trained Rasa NLU model (run in the Rasa environment by `make bench-nlu`):

    python -m bot.rasa_addons.nlu_predict MODEL.tar.gz TEXTS.json OUT.jsonl

TEXTS.json is a JSON list of strings; OUT.jsonl gets, per text in order, the predicted intent and its
confidence, the best intent other than `nlu_fallback` (`top`, `top_confidence`), and the parse time."""
from __future__ import annotations

import asyncio
import json
import sys
import time


async def predict(model: str, texts_file: str, out_file: str) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    texts = json.load(open(texts_file, encoding="utf-8"))
    with open(out_file, "w", encoding="utf-8") as out:
        for n, text in enumerate(texts, 1):
            t0 = time.perf_counter()
            parsed = await agent.parse_message(text)
            ms = (time.perf_counter() - t0) * 1000
            intent = parsed.get("intent") or {}
            top = next((r for r in parsed.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"), intent)
            out.write(json.dumps({"intent": intent.get("name"), "confidence": intent.get("confidence"),
                                  "top": top.get("name"), "top_confidence": top.get("confidence") or 0.0,
                                  "ms": round(ms, 2)}) + "\n")
            if n % 500 == 0:
                print(f"  parsed {n}/{len(texts)}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    asyncio.run(predict(*sys.argv[1:]))
