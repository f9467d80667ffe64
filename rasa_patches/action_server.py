"""Rasa's calls to the action server (``rasa.core.actions.action.RemoteAction``), measured in issue #12.

- ``_validate_action_result``: the response was checked by ``jsonschema.validate``, which checks the
  schema itself and builds a new validator on every call: about 40 % of Rasa's busy time under load.
  Here the validator is built once; the same schema, the same errors, the same message.
- ``_action_call_format``: every call sent the whole session's events, so its cost grew with the
  conversation. Here it sends the last ``ACTION_SERVER_EVENTS`` (the slots, the latest message and
  the active form go as before): the actions read only recent events (a form's new answers; the
  message that led to a report, a few turns back).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rasa_patches.registry import Patch

# Events sent with each call to the action server: the last ones, dozens of turns of them.
ACTION_SERVER_EVENTS = 300


@cache
def _action_response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator built once."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    # As jsonschema.validate chooses which error to raise: the best match of them all.
    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def action_call_format(self, tracker: Any, domain: Any) -> dict[str, Any]:
    """RemoteAction._action_call_format (Rasa 3.6.21), with the session's latest events only."""
    import itertools

    import rasa
    from rasa.shared.core.trackers import EventVerbosity

    state = tracker.current_state(EventVerbosity.NONE)
    latest = list(itertools.islice(reversed(tracker.events), ACTION_SERVER_EVENTS))[::-1]
    state["events"] = [event.as_dict() for event in latest]
    result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state, "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


_REMOTE_ACTION = "rasa.core.actions.action:RemoteAction"
PATCHES = [
    Patch("action response validator built once", _REMOTE_ACTION, "_validate_action_result", validate_action_result),
    Patch("the action server sent recent events", _REMOTE_ACTION, "_action_call_format", action_call_format),
]
