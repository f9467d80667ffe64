"""Which messages go to the caseworkers' review queue (community_safety/review/selection.py)."""

from __future__ import annotations

from community_safety.review.selection import select

_clock = iter(range(1_000, 100_000))


def said(text, intent, confidence=0.9, language="en"):
    return {
        "event": "user",
        "text": text,
        "timestamp": float(next(_clock)),
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "resident_language": {"language": language},
        },
    }


def action(name):
    return {"event": "action", "name": name, "timestamp": float(next(_clock))}


def slot(name, value):
    return {"event": "slot", "name": name, "value": value, "timestamp": float(next(_clock))}


def form(name):
    return {"event": "active_loop", "name": name, "timestamp": float(next(_clock))}


def reasons(events, share=0.0):
    return [(c.text, c.reasons) for c in select(events, sample_share=share)]


def test_a_message_not_understood_and_its_second_try_are_chosen():
    events = [
        said("the geezers by the bins are proper taking liberties", "nlu_fallback", 0.2),
        action("action_default_fallback"),
        said("lads causing trouble by the bins every night", "report_asb", 0.95),
    ]
    assert reasons(events) == [
        ("the geezers by the bins are proper taking liberties", ["not_understood", "rephrased"]),
        ("lads causing trouble by the bins every night", ["rephrased"]),
    ]


def test_a_checked_reading_answered_no_is_chosen():
    events = [
        said("the youths at the bus stop frighten my mum", "report_asb", 0.45),
        slot("need_candidates", ["hate_crime"]),
        said("no", "deny"),
        slot("need_check", "_not_this"),
    ]
    assert reasons(events) == [("the youths at the bus stop frighten my mum", ["checked", "checked_said_no"])]


def test_something_else_bot_wrong_and_asking_for_a_person_mark_the_message_before():
    events = [
        said("my landlord wont fix the damp", "homelessness", 0.8),
        said("/help", "help"),
        said("someone keeps ringing my buzzer at night", "report_asb", 0.95),
        said("that's not what I meant", "bot_wrong"),
        said("my ex keeps turning up at my work", "domestic_abuse", 0.9),
        said("can I talk to a real person", "request_person"),
    ]
    assert reasons(events) == [
        ("my landlord wont fix the damp", ["something_else"]),
        ("someone keeps ringing my buzzer at night", ["said_bot_wrong"]),
        ("my ex keeps turning up at my work", ["asked_for_a_person"]),
    ]


def test_buttons_and_answers_to_a_forms_questions_are_never_chosen():
    events = [
        said("/report_asb", "report_asb", 1.0),
        form("report_form"),
        said("Flat 3 Cable Street, they do it every night", "nlu_fallback", 0.1),
        action("action_default_fallback"),
        said("anonymous", "nlu_fallback", 0.1),
        form(None),
    ]
    assert reasons(events) == []


def test_a_steady_sample_of_confident_messages():
    events = [said(f"the music upstairs is loud again, night {i}", "report_asb", 0.97) for i in range(400)]
    sampled = [c for c in select(events, sample_share=0.05) if c.reasons == ["sample"]]
    assert 5 <= len(sampled) <= 40
    # The same messages every time the queue is collected.
    assert [c.text for c in select(events, sample_share=0.05)] == [c.text for c in sampled]
    assert select(events, sample_share=0.0) == []


def test_what_the_bot_read_and_the_language_come_with_the_message():
    (chosen,) = select([said("ami bipode achi", "nlu_fallback", 0.25, "bn-Latn"), action("action_default_fallback")])
    assert (chosen.intent, chosen.confidence, chosen.language) == ("nlu_fallback", 0.25, "bn-Latn")


def test_odd_events_are_ignored():
    assert (
        select([{}, {"event": "user"}, {"event": "user", "text": None}, {"event": "slot"}, {"event": "action"}]) == []
    )


def test_the_names_read_are_the_ones_the_bot_writes():
    import yaml

    from actions.questions import NEED_CANDIDATES_SLOT
    from actions.signposting import NEED_CHECK_SLOT, NOT_THIS
    from community_safety.review import selection as rules
    from tests.conftest import PROJECT

    read = (rules.CHECK_SLOT, rules.CHECK_ANSWER_SLOT, rules.SAID_NO)
    assert read == (NEED_CANDIDATES_SLOT, NEED_CHECK_SLOT, NOT_THIS)
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))
    assert {rules.BOT_WRONG_INTENT, *rules.PERSON_INTENTS, *rules.REPLY_INTENTS} <= set(domain["intents"])
