"""The agent API on :8090 (Sanic app factory): accounts, handoff queue, replies, live events."""
