"""Rasa's conversation trackers (``rasa.shared.core.trackers.DialogueStateTracker``), measured in
issue #12.

- ``copy``: Rasa's forms copy the tracker to try each turn's answers, and a copy replayed every event
  of the conversation; here a copy takes the events as they are (they don't change) with its own
  slots, active loop and worked-out applied events.
- ``applied_events`` went through the whole conversation, undoing form turns with list copies,
  several times a message. Here it carries on from where it last stopped when the tracker has only
  gained events since (and no new form has appeared), else works afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_patches.registry import Patch


def copy_tracker(tracker: Any) -> Any:
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


def applied_events(self) -> list:
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


def copy_without_replay(self: Any) -> Any:
    """DialogueStateTracker.copy (Rasa 3.6.21), without replaying every event: Rasa's forms copy the
    tracker on each turn to try their new answers."""
    from rasa.shared.constants import DEFAULT_SENDER_ID

    twin = copy_tracker(self)
    # As Rasa's copy, which starts from init_copy: these are not carried over.
    twin.model_id = twin.assistant_id = twin.sender_source = None
    twin.sender_id = self.sender_id or DEFAULT_SENDER_ID
    return twin


_TRACKER = "rasa.shared.core.trackers:DialogueStateTracker"
PATCHES = [
    Patch("applied events carried on", _TRACKER, "applied_events", applied_events),
    Patch("trackers copied without a replay", _TRACKER, "copy", copy_without_replay),
]
