"""Reading events back (``rasa.shared.core.events.Event.resolve_by_type``), measured in issue #12.

Each event read back from the conversation store had its class found by listing every subclass of
``Event`` and checking each is not abstract: a fifth of Rasa's time in a long conversation. Here each
type's class is found once.
"""

from __future__ import annotations

from typing import Any

from rasa_patches.registry import RASAS_OWN, Patch

_EVENT_TYPES: dict[str, Any] = {}


def resolve_event_type(type_name: str, default: Any = None) -> Any:
    """Event.resolve_by_type (Rasa 3.6.21), finding each type's class once."""
    found = _EVENT_TYPES.get(type_name)
    if found is None:
        found = RASAS_OWN["Event.resolve_by_type"].__func__(type_name, default)
        if found is not None and found is not default:
            _EVENT_TYPES[type_name] = found
    return found


PATCHES = [
    Patch(
        "event types found once", "rasa.shared.core.events:Event", "resolve_by_type", staticmethod(resolve_event_type)
    )
]
