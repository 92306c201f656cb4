"""rasa-sdk actions: thin adapters that read the tracker, call one `bot/` service and dispatch."""
