"""The Rasa server as Concierge runs it: Rasa's own command line (`python -m bot.rasa_addons.server run ...`,
the same arguments as `rasa`) with one change made before it starts.

Rasa 3.6 checks every reply of the action server against a JSON schema with `jsonschema.validate`, which
first checks the schema itself against its meta-schema, again on every custom-action call. Under load that was
the largest single cost of a form turn inside the Rasa server (py-spy, 20 simulated customers: about a quarter
of its busy time). Here the schema is checked once and its validator kept; every reply is still validated
against the same schema, with the same error (`jsonschema.exceptions.best_match`, as `validate` raises it) and
Rasa's own message added."""
from __future__ import annotations

import sys
import threading
from typing import Any, Callable


def cached_validator(schema_of: Callable[[], dict]) -> Callable[[Any], None]:
    """`jsonschema.validate(instance, schema_of())` with the schema checked and compiled on the first call."""
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for

    compiled: list = []
    lock = threading.Lock()

    def validate(instance: Any) -> None:
        if not compiled:
            with lock:
                if not compiled:
                    schema = schema_of()
                    cls = validator_for(schema)
                    cls.check_schema(schema)
                    compiled.append(cls(schema))
        error = best_match(compiled[0].iter_errors(instance))
        if error is not None:
            raise error

    return validate


def install_cached_action_validation() -> None:
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    if getattr(RemoteAction._validate_action_result, "concierge", False):
        return
    validate = cached_validator(RemoteAction.action_response_format_spec)

    def _validate_action_result(self: RemoteAction, result: dict) -> bool:
        try:
            validate(result)
            return True
        except ValidationError as e:  # as Rasa 3.6 words it
            e.message += (". Failed to validate Action server response from API, make sure your response from "
                          "the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
            raise e

    _validate_action_result.concierge = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = _validate_action_result


def main() -> None:
    install_cached_action_validation()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
