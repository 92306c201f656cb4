"""The Rasa server as Concierge starts it (bot/rasa_addons/server.py), in Rasa's own environment: action
server replies are validated against Rasa's schema exactly as stock Rasa 3.6 does, with the schema compiled
once. Form turns through the running server are in test_conversations.py."""
import json
import subprocess

import pytest

from bot.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.e2e

CHECK = r"""
import json
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from bot.rasa_addons.server import install_cached_action_validation

action = RemoteAction("action_check_order_status", None)
good = {"events": [{"event": "slot", "name": "email", "value": "a@b.example"}],
        "responses": [{"response": "utter_order_not_found", "order_id": "10023"}]}
bad = [{"events": [{"event": "slot", "name": 3}], "responses": []}, {"events": [], "responses": "nope"},
       {"events": [{"event": "no_such_event"}]}]

def outcome(reply):
    try:
        return action._validate_action_result(reply)
    except ValidationError as e:
        return e.message

stock = [outcome(r) for r in [good, *bad]]
install_cached_action_validation()
install_cached_action_validation()  # twice is the same as once
cached = [outcome(r) for r in [good, *bad]] + [outcome(good)]
print(json.dumps({"stock": stock, "cached": cached,
                  "installed": getattr(RemoteAction._validate_action_result, "concierge", False)}))
"""


def test_action_replies_are_validated_as_stock_rasa_does_with_the_schema_compiled_once():
    python = Settings.from_env().rasa_bin.parent / "python"
    done = subprocess.run([str(python), "-c", CHECK], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(PROJECT_ROOT), "TF_CPP_MIN_LOG_LEVEL": "3",
                               "RASA_TELEMETRY_ENABLED": "false"})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["installed"]
    assert result["stock"][0] is True and all(isinstance(m, str) for m in result["stock"][1:])
    assert result["cached"] == [*result["stock"], True]  # same verdicts, same messages (Rasa's hint included)
    assert all("Failed to validate Action server response" in m for m in result["cached"][1:4])
