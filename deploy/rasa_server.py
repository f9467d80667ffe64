"""``python -m deploy.rasa_server <rasa arguments>``: Rasa, started the project's one way, with its
fixes installed before it starts. Every Procfile, `make run`, `make run-prod`, `make shell`,
`make train` and the test stacks start Rasa through here (deploy/profile.py).

Privacy: Rasa 3.6 starts sentry-sdk with Rasa's own Sentry key (shipped in the package's ``keys``
file) whatever the telemetry setting, so a crash would send its error message, which may quote a
resident, to a third party. Here error reporting is never started.

Fixes to the hot path, each measured (issue #12) and tested to change nothing but cost:
- The action server's response was checked by ``jsonschema.validate``, which checks the schema
  itself and builds a new validator on every call: about 40 % of Rasa's busy time under load.
  Here the validator is built once; the same schema, the same errors, the same message.
- A form turn took two calls to the action server: the form's validation, then its
  ``action_ask_<slot>`` for the next question. Our validation action asks the next question itself
  (actions/forms.py) and marks the message with ``ASKED_IN_VALIDATION``; the form then doesn't call
  the ask action for that slot. Same words, same order, one round trip (and one copy of the whole
  conversation sent to the action server) fewer.
- Each event read back from the conversation store had its class found by listing every subclass
  of ``Event`` and checking each is not abstract: a fifth of Rasa's time in a long conversation.
  Here each type's class is found once.
- The conversation store read every event of the session as an ORM object on every message, and
  SQLAlchemy made a cache key for that query each time: a cost that grew with the conversation.
  Here the events' JSON is read as plain rows, and a conversation's events, with a tracker replayed
  from them, are kept for ``RECENT_SECONDS`` after its last message (``RECENT_CONVERSATIONS`` at
  most): a message reads only the rows added since (another replica's included), after checking no
  earlier row went (erasure, retention), and gets a copy of that tracker with just those replayed.
  Kept for less time than the shortest quiet spell before ``staff-admin purge`` scrubs a
  conversation, so a scrubbed conversation is never read from memory.
- Rasa's forms copy the tracker to try each turn's answers, and a copy replayed every event of the
  conversation; here a copy takes the events as they are (they don't change) with its own slots,
  active loop and worked-out applied events.
- Every call to the action server sent the whole session's events, so its cost grew with the
  conversation. Here it sends the last ``ACTION_SERVER_EVENTS`` (the slots, the latest message and
  the active form go as before): the actions read only recent events (a form's new answers; the
  message that led to a report, a few turns back).
- ``DialogueStateTracker.applied_events`` went through the whole conversation, undoing form turns
  with list copies, several times a message. Here it carries on from where it last stopped when
  the tracker has only gained events since (and no new form has appeared), else works afresh.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

log = logging.getLogger(__name__)
FIXES: list[str] = []
# Events sent with each call to the action server: the last ones, dozens of turns of them.
ACTION_SERVER_EVENTS = 300
# Rasa's own functions the fixes replace: some fixes fall back on them, the tests compare the two.
RASAS_OWN: dict[str, Any] = {}
# In a bot message's metadata: the validation action asked for this slot already.
ASKED_IN_VALIDATION = "asked_for_slot"


@cache
def _action_response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self, result: dict[str, Any]) -> bool:
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


async def _request_next_slot(self, tracker, domain, output_channel, nlg, events_so_far):
    """FormAction.request_next_slot (Rasa 3.6.21), asking only when the validation hasn't."""
    from rasa.shared.core.constants import REQUESTED_SLOT
    from rasa.shared.core.events import BotUttered, SlotSet

    request_slot_events = []
    if await self.is_done(output_channel, nlg, tracker, domain, events_so_far):
        return [SlotSet(REQUESTED_SLOT, None)]
    slot_to_request = next(
        (e.value for e in events_so_far if isinstance(e, SlotSet) and e.key == REQUESTED_SLOT),
        None,
    )
    temp_tracker = self._temporary_tracker(tracker, events_so_far, domain)
    if not slot_to_request:
        slot_to_request = self._find_next_slot_to_request(temp_tracker, domain)
        request_slot_events.append(SlotSet(REQUESTED_SLOT, slot_to_request))
    if slot_to_request:
        asked = any(
            isinstance(e, BotUttered) and (e.metadata or {}).get(ASKED_IN_VALIDATION) == slot_to_request
            for e in events_so_far
        )
        if asked:
            return request_slot_events
        bot_message_events = await self._ask_for_slot(domain, nlg, output_channel, slot_to_request, temp_tracker)
        return request_slot_events + bot_message_events
    return [SlotSet(REQUESTED_SLOT, None)]


_EVENT_TYPES: dict[str, Any] = {}


def _resolve_event_type(type_name: str, default: Any = None) -> Any:
    """Event.resolve_by_type (Rasa 3.6.21), finding each type's class once."""
    found = _EVENT_TYPES.get(type_name)
    if found is None:
        found = RASAS_OWN["Event.resolve_by_type"].__func__(type_name, default)
        if found is not None and found is not default:
            _EVENT_TYPES[type_name] = found
    return found


# Conversations whose stored rows are kept in memory, and for how long after their last message.
RECENT_CONVERSATIONS = 500
RECENT_SECONDS = 120.0  # below WIDGET_IDLE_MINUTES' least (5): purge scrubs only quieter chats


@dataclass
class _StoredSession:
    last_id: int  # the sender's newest row read
    rows_up_to_last: int  # how many rows the sender had up to it: fewer means some were deleted
    events: list = field(default_factory=list)  # this session's events, read (Rasa's Event objects)
    tracker: Any = None  # those events replayed, for a domain's slots: copied for each message
    used: float = 0.0


_RECENT: OrderedDict[tuple[int, str], _StoredSession] = OrderedDict()
_RECENT_LOCK = threading.Lock()


def _read(rows: Any) -> list:
    import json

    from rasa.shared.core.events import deserialise_events

    return deserialise_events([json.loads(row.data) for row in rows])


def _session_events(store: Any, session: Any, sender_id: str) -> list:
    """The sender's events since their last session start, as Rasa's own query returns them: from
    memory plus the rows added since, or read afresh. Events are not changed once made (a tracker
    replaying them leaves them be), so trackers may share them."""
    import sqlalchemy as sa

    table = store.SQLEvent.__table__
    key, now = (id(store), sender_id), time.monotonic()
    with _RECENT_LOCK:
        kept = _RECENT.get(key)
    if kept is not None and now - kept.used < RECENT_SECONDS:
        earlier = session.execute(
            sa.select(sa.func.count()).where(table.c.sender_id == sender_id, table.c.id <= kept.last_id)
        ).scalar()
        if earlier == kept.rows_up_to_last:
            new = session.execute(
                sa.select(table.c.id, table.c.type_name, table.c.data)
                .where(table.c.sender_id == sender_id, table.c.id > kept.last_id)
                .order_by(table.c.id)
            ).all()
            # A new session changes which events count: read afresh, as Rasa does.
            if not any(row.type_name == "session_started" for row in new):
                if new:
                    kept.events.extend(_read(new))
                    kept.last_id, kept.rows_up_to_last = new[-1].id, kept.rows_up_to_last + len(new)
                kept.used = now
                with _RECENT_LOCK:
                    _RECENT.move_to_end(key)
                return list(kept.events)
    query = store._event_query(session, sender_id, fetch_events_from_all_sessions=False)
    rows = query.with_entities(store.SQLEvent.id, store.SQLEvent.data).all()
    if not rows:
        with _RECENT_LOCK:
            _RECENT.pop(key, None)
        return []
    last_id = rows[-1].id
    earlier = session.execute(
        sa.select(sa.func.count()).where(table.c.sender_id == sender_id, table.c.id <= last_id)
    ).scalar()
    events = _read(rows)
    with _RECENT_LOCK:
        _RECENT[key] = _StoredSession(last_id, earlier, events, used=now)
        _RECENT.move_to_end(key)
        # Least recently used first: drop what has gone quiet, and the oldest beyond the most kept.
        while _RECENT and (
            len(_RECENT) > RECENT_CONVERSATIONS or next(iter(_RECENT.values())).used < now - RECENT_SECONDS
        ):
            _RECENT.popitem(last=False)
    return list(events)


async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool):
    """SQLTrackerStore._retrieve (Rasa 3.6.21): the session's events from memory and new rows."""
    from rasa.shared.core.trackers import DialogueStateTracker

    if fetch_events_from_all_sessions:
        return await RASAS_OWN["SQLTrackerStore._retrieve"](self, sender_id, fetch_events_from_all_sessions)
    with self.session_scope() as session:
        events = _session_events(self, session, sender_id)
    if not (self.domain and events):
        return None
    kept = _RECENT.get((id(self), sender_id))
    template = kept.tracker if kept is not None else None
    slots, done = self.domain.slots, len(template.events) if template is not None else 0
    if (
        template is None
        or getattr(template, "_slots_from", None) is not slots
        or done > len(events)
        or (done and template.events[-1] is not events[done - 1])
    ):
        template, done = DialogueStateTracker.from_events(sender_id, [], slots), 0
    for event in events[done:]:
        template.update(event)
    template.applied_events()  # worked out once here; each message's copy carries on from it
    if kept is not None:
        template._slots_from = slots
        kept.tracker = template
    return _copy_tracker(template)


def _copy_tracker(tracker: Any) -> Any:
    """A tracker in the same state as ``tracker`` that can change apart from it: its own events deque
    (the events themselves shared: they don't change), slots, active loop and worked-out applied
    events. Replaying every event again is what this saves."""
    import copy
    import dataclasses

    from rasa.shared.core.trackers import DialogueStateTracker

    twin = DialogueStateTracker.__new__(DialogueStateTracker)
    twin.__dict__.update(tracker.__dict__)
    twin.events = tracker._create_events(list(tracker.events))
    twin.slots = copy.copy(tracker.slots)
    for name, slot in tracker.slots.items():
        twin.slots[name] = copy.copy(slot)
    twin.active_loop = dataclasses.replace(tracker.active_loop) if tracker.active_loop else None
    twin.latest_action = dict(tracker.latest_action) if tracker.latest_action else tracker.latest_action
    memo = tracker.__dict__.get("_applied_so_far")
    if memo is not None and memo.events is tracker.events:
        twin._applied_so_far = _Applied(twin.events, memo.count, memo.last, set(memo.loop_names), list(memo.applied))
    else:
        twin.__dict__.pop("_applied_so_far", None)
    twin.__dict__.pop("_slots_from", None)
    return twin


@dataclass
class _Applied:
    events: Any  # the tracker's deque this was worked out from
    count: int  # how many of its events
    last: Any  # the last of them, to notice a deque that was changed other than by appending
    loop_names: set
    applied: list


def _apply_events(tracker: Any, new_events: Any, loop_names: set, applied: list) -> None:
    """The body of DialogueStateTracker.applied_events (Rasa 3.6.21), carried on over ``new_events``."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
        UserUttered,
    )

    for event in new_events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)


def _applied_events(self) -> list:
    """DialogueStateTracker.applied_events, carried on from the last time when it can be."""
    from rasa.shared.core.events import ActiveLoop

    events, memo = self.events, getattr(self, "_applied_so_far", None)
    count = len(events)
    if (
        memo is not None
        and memo.events is events
        and memo.count <= count
        and (memo.count == 0 or events[memo.count - 1] is memo.last)
    ):
        new = [events[i] for i in range(memo.count, count)]
        # A loop named for the first time changes how its earlier executions count: start afresh.
        if all(not (isinstance(e, ActiveLoop) and e.name) or e.name in memo.loop_names for e in new):
            _apply_events(self, new, memo.loop_names, memo.applied)
            memo.count, memo.last = count, events[-1] if count else None
            return list(memo.applied)
    loop_names = {e.name for e in events if isinstance(e, ActiveLoop) and e.name}
    applied: list = []
    _apply_events(self, events, loop_names, applied)
    self._applied_so_far = _Applied(events, count, events[-1] if count else None, loop_names, applied)
    return list(applied)


def _action_call_format(self, tracker: Any, domain: Any) -> dict[str, Any]:
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


def _copy(self: Any) -> Any:
    """DialogueStateTracker.copy (Rasa 3.6.21), without replaying every event: Rasa's forms copy the
    tracker on each turn to try their new answers."""
    from rasa.shared.constants import DEFAULT_SENDER_ID

    twin = _copy_tracker(self)
    # As Rasa's copy, which starts from init_copy: these are not carried over.
    twin.model_id = twin.assistant_id = twin.sender_source = None
    twin.sender_id = self.sender_id or DEFAULT_SENDER_ID
    return twin


def _no_error_reporting() -> None:
    """Instead of rasa.telemetry.initialize_error_reporting: nothing leaves the council."""


def install_fixes() -> list[str]:
    """Installs every fix (again, if something put Rasa's own back); returns their names."""
    import rasa.telemetry
    from rasa.core.actions.action import RemoteAction
    from rasa.core.actions.forms import FormAction
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    replaced = [
        (rasa.telemetry, "initialize_error_reporting", _no_error_reporting),
        (RemoteAction, "_validate_action_result", _validate_action_result),
        (RemoteAction, "_action_call_format", _action_call_format),
        (FormAction, "request_next_slot", _request_next_slot),
        (Event, "resolve_by_type", staticmethod(_resolve_event_type)),
        (DialogueStateTracker, "applied_events", _applied_events),
        (DialogueStateTracker, "copy", _copy),
        (SQLTrackerStore, "_retrieve", _retrieve),
    ]
    for owner, name, ours in replaced:
        key = f"{getattr(owner, '__name__', owner)}.{name}"
        RASAS_OWN.setdefault(key, owner.__dict__[name])
        setattr(owner, name, ours)
    FIXES[:] = [
        "no error reports to Rasa's Sentry",
        "action response validator built once",
        "questions asked from the form's validation",
        "event types found once",
        "conversation store read from recent rows",
        "applied events carried on",
        "the action server sent recent events",
        "trackers copied without a replay",
    ]
    return FIXES


def main(argv: list[str] | None = None) -> None:
    fixes = install_fixes()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    # Said on stderr before Rasa sets up its own logging; the tests read it from the process log.
    print(f"Rasa fixes installed: {', '.join(fixes)}", file=sys.stderr, flush=True)  # noqa: T201
    rasa_main()


if __name__ == "__main__":
    main()
