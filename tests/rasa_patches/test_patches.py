"""Each of the project's patches to Rasa changes nothing but cost: compared with Rasa's own."""

from __future__ import annotations

import copy

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import rasa_patches
from rasa_patches import RASAS_OWN, action_server, events, forms, tracker_store, trackers
from rasa_patches.markers import ASKED_IN_VALIDATION

GOOD = {
    "events": [{"event": "slot", "name": "need", "value": "report_asb", "timestamp": None}],
    "responses": [{"text": "Is anyone in danger right now?", "buttons": [{"title": "Yes", "payload": "yes"}]}],
}
MALFORMED = [
    {"events": "not a list"},
    {"events": [{"event": 42}]},
    {"events": [{"name": "need"}]},
    {"responses": {"text": "not a list"}},
]


def test_the_validator_is_built_once_and_in_effect():
    original = RemoteAction._validate_action_result
    try:
        assert "action response validator built once" in rasa_patches.install()
        assert RemoteAction._validate_action_result is action_server.validate_action_result
        assert RemoteAction(name="action_x", action_endpoint=None)._validate_action_result(GOOD)
        assert action_server._action_response_validator() is action_server._action_response_validator()
    finally:
        RemoteAction._validate_action_result = original


@pytest.mark.parametrize("result", MALFORMED)
def test_a_malformed_action_response_is_refused_with_rasas_own_message(result):
    action = RemoteAction(name="action_x", action_endpoint=None)
    with pytest.raises(ValidationError) as rasas:
        RemoteAction._validate_action_result(action, copy.deepcopy(result))
    with pytest.raises(ValidationError) as ours:
        action_server.validate_action_result(action, copy.deepcopy(result))
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_rasa_sends_no_error_report_to_its_sentry():
    import rasa.telemetry
    import sentry_sdk

    # Rasa 3.6 ships a Sentry key and would start sentry-sdk with it, telemetry or not.
    assert rasa.telemetry.sentry_write_key()
    original = rasa.telemetry.initialize_error_reporting
    try:
        rasa_patches.install()
        rasa.telemetry.initialize_error_reporting()
        assert sentry_sdk.Hub.current.client is None
    finally:
        rasa.telemetry.initialize_error_reporting = original


def _form_and_tracker():
    from rasa.core.actions.forms import FormAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.from_yaml(
        """
        slots:
          report_location: {type: text, mappings: [{type: from_text}]}
          report_when: {type: text, mappings: [{type: from_text}]}
        forms:
          report_form: {required_slots: [report_location, report_when]}
        actions: [action_ask_report_when]
        """
    )
    tracker = DialogueStateTracker.from_events("resident", [], slots=domain.slots)
    return FormAction("report_form", None), tracker, domain


@pytest.mark.parametrize("asked_in_validation", [True, False])
def test_the_form_asks_only_what_its_validation_did_not(asked_in_validation, monkeypatch):
    import asyncio

    from rasa.core.actions.forms import FormAction
    from rasa.shared.core.events import BotUttered, SlotSet

    original = FormAction.request_next_slot
    try:
        assert "questions asked from the form's validation" in rasa_patches.install()
        assert FormAction.request_next_slot is forms.request_next_slot
        form, tracker, domain = _form_and_tracker()
        asked = []

        async def ask(self, domain, nlg, output_channel, slot, tracker):
            asked.append(slot)
            return [BotUttered("When did it happen?")]

        monkeypatch.setattr(FormAction, "_ask_for_slot", ask)
        mark = {ASKED_IN_VALIDATION: "report_when"} if asked_in_validation else {}
        validation = [
            SlotSet("report_location", "Brick Lane"),
            BotUttered("When did it happen?", metadata=mark),
            SlotSet("requested_slot", "report_when"),
        ]
        events = asyncio.run(form.request_next_slot(tracker, domain, None, None, validation))
        assert asked == ([] if asked_in_validation else ["report_when"])
        assert len(events) == (0 if asked_in_validation else 1)
        # A mark for another slot changes nothing: that question is still asked.
        other = [BotUttered("Where?", metadata={ASKED_IN_VALIDATION: "report_location"})]
        asyncio.run(form.request_next_slot(tracker, domain, None, None, [*validation[::2], *other]))
        assert asked[-1] == "report_when"
    finally:
        FormAction.request_next_slot = original


def test_each_event_type_is_found_once_and_is_rasas_own_answer():
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    rasa_patches.install()
    rasas = RASAS_OWN["Event.resolve_by_type"].__func__
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is rasas(cls.type_name)
        assert cls.type_name in events._EVENT_TYPES
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nonsense", default=Event) is Event
    with pytest.raises(ValueError, match="Unknown event name 'nonsense'"):
        Event.resolve_by_type("nonsense")


def _event_strategy():
    from hypothesis import strategies as st
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionExecutionRejected,
        ActionReverted,
        ActiveLoop,
        Restarted,
        SessionStarted,
        SlotSet,
        UserUtteranceReverted,
        UserUttered,
    )

    return st.sampled_from(
        [
            lambda: UserUttered("hello", {"name": "greet"}),
            lambda: ActionExecuted("action_listen"),
            lambda: ActionExecuted("report_form"),
            lambda: ActionExecuted("signpost_form"),
            lambda: ActionExecuted("action_x"),
            lambda: ActiveLoop("report_form"),
            lambda: ActiveLoop("signpost_form"),
            lambda: ActiveLoop(None),
            lambda: ActionExecutionRejected("report_form"),
            lambda: SlotSet("report_when", "last night"),
            lambda: Restarted(),
            lambda: SessionStarted(),
            lambda: ActionReverted(),
            lambda: UserUtteranceReverted(),
        ]
    )


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.lists(_event_strategy(), max_size=40), st.lists(st.booleans(), max_size=40))
def test_applied_events_carried_on_are_rasas_own(makers, ask_after):
    """Events appended one at a time, applied_events asked between (or not): the same as Rasa's."""
    from rasa.shared.core.trackers import DialogueStateTracker

    rasa_patches.install()
    rasas = RASAS_OWN["DialogueStateTracker.applied_events"]
    tracker = DialogueStateTracker("resident", [])
    for number, make in enumerate(makers):
        tracker.events.append(make())
        if number < len(ask_after) and ask_after[number]:
            assert trackers.applied_events(tracker) == rasas(tracker)
    assert trackers.applied_events(tracker) == rasas(tracker)


def test_the_conversation_store_reads_as_rasa_does(tmp_path, monkeypatch):
    """Kept rows and rows added since, another replica's, a deleted conversation and a new session:
    always the events Rasa's own reading gives."""
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    rasa_patches.install()
    rasas = RASAS_OWN["SQLTrackerStore._retrieve"]
    domain = Domain.from_yaml("slots:\n  report_when: {type: text, mappings: [{type: from_text}]}")
    one = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    another_replica = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))

    def same(store, sender="resident"):
        ours = asyncio.run(store.retrieve(sender))
        theirs = asyncio.run(rasas(store, sender, False))
        assert (ours is None) == (theirs is None)
        if ours is not None:
            assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in theirs.events]
            assert ours.current_state(EventVerbosity.ALL) == theirs.current_state(EventVerbosity.ALL)
            assert [e.as_dict() for e in ours.applied_events()] == [e.as_dict() for e in theirs.applied_events()]
        return ours

    assert same(one) is None
    tracker = DialogueStateTracker("resident", domain.slots)
    for event in (SessionStarted(), UserUttered("hi"), SlotSet("report_when", "x")):
        tracker.update(event)
    asyncio.run(one.save(tracker))
    tracker = same(one)
    assert [e.as_dict()["event"] for e in tracker.events] == ["session_started", "user", "slot"]
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(one.save(tracker))
    assert same(one).events[-1].as_dict()["name"] == "action_listen"  # one row read, the rest kept
    # What one message does to its tracker, unsaved, is not in the next message's.
    changed = same(one)
    for event in (SlotSet("report_when", "changed"), ActiveLoop("report_form"), ActionExecuted("report_form")):
        changed.update(event)
    changed.interrupt_loop(True)
    assert same(one).get_slot("report_when") == "x" and same(one).active_loop is None
    later = same(another_replica)
    later.update(UserUttered("on the other replica"))
    asyncio.run(another_replica.save(later))
    assert same(one).events[-1].text == "on the other replica"
    later.update(SessionStarted())  # a new session: what counts changes
    later.update(UserUttered("new session"))
    asyncio.run(another_replica.save(later))
    assert [e.as_dict()["event"] for e in same(one).events] == ["session_started", "user"]
    with one.session_scope() as session:  # erased: every row gone
        session.query(one.SQLEvent).delete()
        session.commit()
    assert same(one) is None
    monkeypatch.setattr(tracker_store, "RECENT_SECONDS", 0)  # nothing kept: read afresh each time
    asyncio.run(one.save(tracker))
    assert same(one) is not None


def test_the_action_server_is_sent_what_rasa_sends_with_the_latest_events(monkeypatch):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    rasa_patches.install()
    rasas = RASAS_OWN["RemoteAction._action_call_format"]
    domain = Domain.from_yaml("slots:\n  report_when: {type: text, mappings: [{type: from_text}]}")
    action = RemoteAction(name="action_x", action_endpoint=None)
    tracker = DialogueStateTracker("resident", domain.slots)
    for number in range(40):
        tracker.update(UserUttered(f"message {number}", {"name": "greet"}))
        tracker.update(SlotSet("report_when", f"{number} days ago"))
        tracker.update(ActionExecuted("action_listen"))
    # A short conversation: exactly what Rasa sends.
    assert action_server.action_call_format(action, tracker, domain) == rasas(action, tracker, domain)
    # A long one: the same, but only the latest events.
    monkeypatch.setattr(action_server, "ACTION_SERVER_EVENTS", 30)
    ours, theirs = action_server.action_call_format(action, tracker, domain), rasas(action, tracker, domain)
    assert ours["tracker"]["events"] == theirs["tracker"]["events"][-30:]
    ours["tracker"]["events"] = theirs["tracker"]["events"] = None
    assert ours == theirs


@settings(max_examples=150, deadline=None)
@given(st.lists(_event_strategy(), max_size=30), st.lists(_event_strategy(), max_size=10))
def test_a_copied_tracker_carries_on_as_one_replayed_from_the_start(before, after):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    rasa_patches.install()
    slots = Domain.from_yaml("slots:\n  report_when: {type: text, mappings: [{type: from_text}]}").slots
    first, then = [make() for make in before], [make() for make in after]
    template = DialogueStateTracker.from_events("resident", first, slots)
    template.applied_events()
    copied = trackers.copy_tracker(template)
    for event in then:
        copied.update(event)
    replayed = DialogueStateTracker.from_events("resident", first + then, slots)
    assert copied.current_state(EventVerbosity.ALL) == replayed.current_state(EventVerbosity.ALL)
    assert copied.applied_events() == replayed.applied_events()
    assert len(template.events) == len(first)  # the template is as it was


@settings(max_examples=150, deadline=None)
@given(st.lists(_event_strategy(), max_size=30), st.lists(_event_strategy(), max_size=10))
def test_a_tracker_copy_is_rasas_copy_without_the_replay(before, after):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    rasa_patches.install()
    rasas = RASAS_OWN["DialogueStateTracker.copy"]
    slots = Domain.from_yaml("slots:\n  report_when: {type: text, mappings: [{type: from_text}]}").slots
    tracker = DialogueStateTracker.from_events("resident", [make() for make in before], slots)
    tracker.model_id = "model"
    ours, theirs = trackers.copy_without_replay(tracker), rasas(tracker)
    for event in [make() for make in after]:
        ours.update(event)
        theirs.update(event)
    assert ours.current_state(EventVerbosity.ALL) == theirs.current_state(EventVerbosity.ALL)
    assert ours.applied_events() == theirs.applied_events()
    assert (ours.model_id, ours.sender_id) == (theirs.model_id, theirs.sender_id)


def test_the_conversation_store_on_sqlite_keeps_a_write_ahead_log(tmp_path):
    """Commits append to the log without waiting for the disk; what is saved is read back, also by
    a second store (a restarted Rasa) on the same file."""
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    rasa_patches.install()
    domain = Domain.from_yaml("slots:\n  report_when: {type: text, mappings: [{type: from_text}]}")
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        first = connection.connection.dbapi_connection
    with store.engine.connect() as connection:  # kept for the next session, not opened again
        assert connection.connection.dbapi_connection is first
    tracker = DialogueStateTracker("resident", domain.slots)
    for event in (SessionStarted(), UserUttered("the music is still going")):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    restarted = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert asyncio.run(restarted.retrieve("resident")).latest_message.text == "the music is still going"


class _BrokenStore:
    """A conversation store whose database can't be reached; its error carries a resident's words,
    as SQLAlchemy's do (the statement's parameters)."""

    domain = None
    event_broker = None

    async def retrieve(self, sender_id):
        raise OSError("could not send: [parameters: ('my neighbour hit me',)]")

    async def save(self, tracker):
        raise OSError("could not send: [parameters: ('my neighbour hit me',)]")


def test_a_conversation_store_out_of_reach_fails_the_message_and_logs_no_words(caplog):
    """Rasa's own gives an empty conversation (an open report forgotten) and keeps what it writes in
    one process's memory; here the message fails, so the channel says it wasn't read (999 first)."""
    import asyncio

    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    rasa_patches.install()
    broken = _BrokenStore()
    broken.domain = Domain.empty()
    store = FailSafeTrackerStore(broken)
    with pytest.raises(tracker_store.ConversationStoreUnavailable, match="read: OSError"):
        asyncio.run(store.retrieve("web:resident"))
    with pytest.raises(tracker_store.ConversationStoreUnavailable, match="written: OSError"):
        asyncio.run(store.save(DialogueStateTracker("web:resident", [])))
    assert store._fallback_tracker_store is None  # nothing kept in this process's memory
    assert "neighbour" not in caplog.text and "OSError" in caplog.text
    # Rasa's own, for comparison: an empty conversation in place of the resident's.
    own = FailSafeTrackerStore(broken, fallback_tracker_store=InMemoryTrackerStore(Domain.empty()))
    assert asyncio.run(RASAS_OWN["FailSafeTrackerStore.retrieve"](own, "web:resident")) is None
