"""Rasa's forms (``rasa.core.actions.forms.FormAction.request_next_slot``), measured in issue #12.

A form turn took two calls to the action server: the form's validation, then its
``action_ask_<slot>`` for the next question. Our validation action asks the next question itself
(actions/forms.py) and marks the message with ``ASKED_IN_VALIDATION``; the form then doesn't call
the ask action for that slot. Same words, same order, one round trip (and one copy of the whole
conversation sent to the action server) fewer.
"""

from __future__ import annotations

from rasa_patches.markers import ASKED_IN_VALIDATION
from rasa_patches.registry import Patch


async def request_next_slot(self, tracker, domain, output_channel, nlg, events_so_far):
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


PATCHES = [
    Patch(
        "questions asked from the form's validation",
        "rasa.core.actions.forms:FormAction",
        "request_next_slot",
        request_next_slot,
    )
]
