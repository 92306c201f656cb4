"""Code that runs inside the Rasa server (Python 3.10 env): channels, components, policies.

Imports only what the Rasa environment has; nothing else in the project imports it.
"""
