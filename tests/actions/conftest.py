"""Actions run in-process on tracker fixtures, as RasaHQ's financial-demo tests them: no Rasa
server, no action server; the same calls rasa_sdk makes."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.conftest import PROJECT


@pytest.fixture(scope="session")
def domain() -> dict:
    return Domain.load(str(PROJECT / "domain.yml")).as_dict()


def parsed(text: str, intent: str = "emergency", confidence: float = 0.95, entities=(), **evidence) -> dict:
    """A message as Rasa's NLU gives it to the actions."""
    return {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": list(entities), **evidence}


def tracker(slots: dict | None = None, latest: dict | None = None, events: list | None = None, **kwargs) -> Tracker:
    return Tracker(
        sender_id=kwargs.pop("sender_id", "web:resident-1"),
        slots=dict(slots or {}),
        latest_message=latest or {},
        events=list(events or []),
        paused=False,
        followup_action=None,
        active_loop=kwargs.pop("active_loop", {}),
        latest_action_name=kwargs.pop("latest_action_name", "action_listen"),
    )


def run(action: Action, domain: dict, the_tracker: Tracker) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, the_tracker, domain))
    return events, dispatcher


def validate(action, domain: dict, slots: dict, requested: str, answer: dict) -> tuple[list, CollectingDispatcher]:
    """Runs a form's validation as Rasa would after extracting ``answer`` for ``requested``."""
    value = answer["text"]
    the_tracker = tracker(
        slots={**slots, "requested_slot": requested, requested: value},
        latest=answer,
        events=[
            {"event": "user", "text": value, "parse_data": answer},
            {"event": "slot", "name": requested, "value": value},
        ],
        active_loop={"name": action.form_name()},
    )
    return run(action, domain, the_tracker)


def slots_set(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(dispatcher: CollectingDispatcher) -> list:
    return [m.get("response") for m in dispatcher.messages]


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") for m in dispatcher.messages if m.get("text")]


def buttons(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]
