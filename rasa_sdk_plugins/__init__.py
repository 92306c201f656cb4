"""rasa-sdk's plugin package (found by name when the action server starts): see actions/warm_up.py."""
from actions.warm_up import init_hooks

__all__ = ["init_hooks"]
