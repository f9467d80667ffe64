"""The ASB report conversation, without Rasa: its questions, reading the answers, the summary
a resident confirms, and the fields stored. Wording lives in ``data/reporting.yml``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from community_safety.answers import Answer, plain_words, yes_no
from community_safety.config_file import read_mapping
from community_safety.report_questions import QUESTIONS
from community_safety.settings import settings
from community_safety.signposting import Prompt
from community_safety.translations import default_translations
from community_safety.when import read_when
from community_safety.wording import day

REPORTING_FILE = Path(__file__).resolve().parent / "data" / "reporting.yml"
MAX_TEXT = 2000
POSTCODE = re.compile(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})\b")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,200}\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[\d ()-]{10,16}$")

IMPACT = {
    "report_targeted": "feels_targeted",
    "report_hate": "hate_motivated",
    "report_health": "health_affected",
    "report_children": "children_in_home",
    "report_safe_at_home": "feels_safe_at_home",
}
# Slots the form fills as it reads answers, beside the ones it asks.
DERIVED = (
    "report_postcode", "report_date", "report_date_from", "report_date_to", "report_approximate",
    "report_ongoing", "report_frequency", "report_files",
)  # fmt: skip
ALL_SLOTS = (*QUESTIONS, "report_change", *DERIVED)
CHANGE_GROUPS = {
    "report_description": ("report_description",),
    "report_location": ("report_location", "report_postcode"),
    "report_when": (
        "report_when",
        "report_date",
        "report_date_from",
        "report_date_to",
        "report_approximate",
        "report_ongoing",
        "report_frequency",
    ),  # fmt: skip
    "report_people": ("report_people",),
    "report_targeted": tuple(IMPACT),
    "report_anonymous": ("report_anonymous", "report_contact"),
}
SUMMARY_LABELS = (
    ("report_description", "What happened"),
    ("report_location", "Where"),
    ("report_when", "When"),
    ("report_people", "Who"),
    ("report_agencies", "Also told"),
)
NOT_SURE = "not sure"
# What an open question keeps when the resident says "no", "don't know" or "not sure".
NOT_KNOWN = "not known"
_NOTHING_KNOWN = re.compile(
    r"^\W*(?:no|nope|nah|none|nobody|no one|noone|nothing|n/?a|not sure|unsure|unknown|no idea|idk|dunno|"
    r"(?:i )?(?:don'?t|do not|dont) know|(?:i )?can'?t (?:say|remember|tell)|not known|no clue)\b[\W\w]{0,20}$"
)


# Every message the report conversation says (reporting.yml, `messages`).
MESSAGES = (
    "not_understood", "too_short", "kept_first_part", "future_date", "no_date", "kept_when", "kept_words",
    "moved_on", "kept_anonymous", "kept_no_contact", "not_safe_at_home", "bad_contact", "started",
    "resumed", "cancelled", "paused", "filed", "filed_anonymously", "standing_count", "standing_tell",
    "standing_eligible", "not_saved", "no_reports", "report_line", "report_line_update",
    "application_filed", "application_not_eligible", "evidence_send_now", "evidence_send_more",
    "evidence_done_button", "evidence_which_report", "evidence_for_report", "evidence_added_waiting",
    "evidence_report_not_found", "evidence_report_closed", "evidence_report_full", "evidence_or_add",
)  # fmt: skip


class ReportingError(ValueError):
    """reporting.yml is missing a question or message."""


@dataclass(frozen=True)
class Reporting:
    questions: dict[str, Prompt]
    messages: dict[str, str]

    def say(self, key: str, language: str | None = None, **values: Any) -> str:
        """A message, in the resident's language when it is translated (data/bengali.yml), with its values."""
        return default_translations().say(self.messages[key], language).format(**values)

    def questions_to_ask(self, slots: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
        """All the questions that apply, answered or not (the form asks the first empty one). ``skip``:
        those the report's category leaves out (its `skip_questions` in the needs file)."""
        wanted = [
            q
            for q in QUESTIONS
            if q not in skip and not (q == "report_contact" and slots.get("report_anonymous") == "anonymous")
        ]
        if slots.get("report_confirm") == "change":
            wanted.insert(wanted.index("report_confirm"), "report_change")
        return wanted

    def prompt(self, slot: str, slots: dict[str, Any], language: str | None = None) -> Prompt:
        prompt = self.questions[slot]
        if slot == "report_confirm":
            return Prompt(prompt.text.replace("{summary}", summary(slots, language)), prompt.buttons)
        if slot == "report_evidence" and slots.get("report_files") is not None:
            # Said yes, or already sent one: how to send (more), and how to say they've finished.
            count = int(slots["report_files"])
            text = self.say("evidence_send_more" if count else "evidence_send_now", language, count=count)
            return Prompt(text, ((self.messages["evidence_done_button"], FILES_DONE),))
        return prompt


def _clean(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


# Reading each answer. Every reader takes what the resident typed (or a button's words) and returns
# the slots to keep, with the message to say when it can't be read; the report form's
# validate_<slot> methods (actions/reporting.py) name the reader for their slot.


# "I want to report noisy neighbours", "how do I report drug dealing", "reporting a fight on my road".
_ASKS_TO_REPORT = re.compile(
    r"\b(?:i(?:'d| would)? (?:want|need|wanna|wish|like) to|i'?m (?:trying|wanting|looking) to|(?:can|could|may|how "
    r"(?:do|can|would)) i|where (?:do|can) i|i'?d like to|i'?m|i am|want to|like to)\s+(?:make a |file a )?"
    r"(?:report|complain(?:t)?)(?:ing)?\b(?:\s+(?:about|of|on))?|^\W*report(?:ing)?\b(?:\s+(?:about|of|on))?"
)


def asks_to_report(text: str) -> bool:
    """The resident says they want to report something (not only what is happening)."""
    return bool(_ASKS_TO_REPORT.search(plain_words(text)))


def without_the_asking(text: str) -> str:
    """What a message says happened, once "I want to report" is taken out: "noisy neighbours"."""
    return _ASKS_TO_REPORT.sub(" ", plain_words(text)).strip(" .,!?")


# The same in Bengali and romanised Bengali ("জানি না", "কেউ না", "jani na").
_NOTHING_KNOWN_BENGALI = re.compile(
    r"^\W*(?:না|নাই|নেই|কেউ (?:না|নেই|নাই)|কিছু না|জানি ?না|মনে (?:নেই|নাই)|বলতে পারব না|নিশ্চিত না|"
    r"jani ?na|keu ?(?:na|nai|nei)|kichu ?na|mone (?:nai|nei)|na|nai)(?![\u0980-\u09FF\w])[\W\w]{0,20}$"
)


def nothing_known(text: str) -> bool:
    """ "no", "don't know", "not sure, sorry": the resident can't say."""
    lowered = text.lower().replace("\u2019", "'")
    return bool(_NOTHING_KNOWN.match(lowered) or _NOTHING_KNOWN_BENGALI.match(lowered))


def _free_text(slot: str, value: Any, shortest: int = 1) -> Answer:
    text = _clean(value)
    if len(text) < shortest:
        return Answer({slot: None}, "too_short")
    if nothing_known(text):
        return Answer({slot: NOT_KNOWN})
    return Answer({slot: text[:MAX_TEXT]}, "kept_first_part" if len(text) > MAX_TEXT else None)


def read_description(value: Any) -> Answer:
    text = _clean(value)
    if nothing_known(text):
        # Every report needs what happened, in the resident's words.
        return Answer({"report_description": None}, "too_short")
    return _free_text("report_description", value, shortest=3)


def read_people(value: Any) -> Answer:
    return _free_text("report_people", value)


def read_location(value: Any) -> Answer:
    answer = _free_text("report_location", value)
    if answer.slots["report_location"] in (None, NOT_KNOWN):
        return Answer({**answer.slots, "report_postcode": None}, answer.problem)
    postcode = POSTCODE.search(answer.slots["report_location"])
    found = f"{postcode.group(1)} {postcode.group(2)}".upper() if postcode else None
    return Answer({**answer.slots, "report_postcode": found}, answer.problem)


def read_agencies(value: Any) -> Answer:
    text = _clean(value)
    if yes_no(text) == "no" or re.match(r"^\W*(?:no one|nobody|noone|none|not yet)\b", text.lower()):
        return Answer({"report_agencies": "no one else"})
    return _free_text("report_agencies", value)


def read_when_answer(value: Any, today: dt.date | None = None, language: str | None = None) -> Answer:
    text = _clean(value)
    when = read_when(text, today or dt.date.today(), language)
    if when is None:
        return Answer({"report_when": None}, "no_date")
    if when.in_future:
        return Answer({"report_when": None}, "future_date")
    return Answer(
        {
            "report_when": text[:200],
            "report_date": _iso(when.occurred_on),
            "report_date_from": _iso(when.earliest),
            "report_date_to": _iso(when.latest),
            "report_approximate": when.approximate,
            "report_ongoing": when.ongoing,
            "report_frequency": when.frequency,
        }
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def read_impact(slot: str, value: Any) -> Answer:
    """One of the vulnerability questions: yes, no, or not sure (which includes "prefer not to say")."""
    text = _clean(value)
    unsure = re.search(r"not sure|unsure|don'?t know|prefer not", text.lower())
    answer = yes_no(text) or (NOT_SURE if unsure else None)
    return Answer({slot: answer}, None if answer else "not_understood")


def read_anonymous(value: Any) -> Answer:
    text = _clean(value)
    lowered = text.lower()
    if "anon" in lowered or yes_no(text) == "no":
        return Answer({"report_anonymous": "anonymous", "report_contact": None})
    if "link" in lowered or yes_no(text) == "yes" or lowered in ("me", "linked"):
        return Answer({"report_anonymous": "linked"})
    return Answer({"report_anonymous": None}, "not_understood")


FILES_DONE = "that's all"
_FILES_DONE = re.compile(
    r"^\W*(?:that'?s (?:all|it)|that is (?:all|it)|done|finished|all (?:done|sent)|sent (?:them|it)|skip|"
    r"no files?|later|i'?ll send (?:them |it )?later|not now|"
    r"শেষ|আর নেই|এই সব|কোনো ফাইল নেই|shesh|ses|ei shob|ei sob|kono file nei)(?:\W|$)"
)


def read_evidence(value: Any, files: int | None = None) -> Answer:
    """Whether they have files to send: "no" or "that's all" moves on; "yes" keeps the question open
    (counted in ``report_files``, so it is asked again as "send them now"). Files themselves arrive
    as their own messages, which the form thanks them for (actions/forms.py)."""
    text = _clean(value)
    if _FILES_DONE.match(text.lower()) or yes_no(text) == "no":
        return Answer({"report_evidence": "done"})
    if yes_no(text) == "yes":
        return Answer({"report_evidence": None, "report_files": files or 0})
    return Answer({"report_evidence": None}, "not_understood")


def read_contact(value: Any) -> Answer:
    text = _clean(value)
    if yes_no(text) == "no" or "no contact" in text.lower():
        return Answer({"report_contact": "none"})
    if EMAIL.match(text) or PHONE.match(text):
        return Answer({"report_contact": text})
    return Answer({"report_contact": None}, "bad_contact")


def read_confirm(value: Any) -> Answer:
    text = _clean(value)
    lowered = text.lower()
    for choice in ("send", "change", "cancel"):
        if choice in lowered:
            return Answer({"report_confirm": choice})
    if yes_no(text) == "yes":
        return Answer({"report_confirm": "send"})
    return Answer({"report_confirm": None}, "not_understood")


def read_change(value: Any) -> Answer:
    """Which part of the summary to change: its answers are cleared, so the form asks them again."""
    lowered = _clean(value).lower()
    for group, members in CHANGE_GROUPS.items():
        label = dict(SUMMARY_LABELS).get(group, "")
        if lowered == group or (label and label.lower() in lowered) or group.split("_", 1)[1] in lowered:
            return Answer({**dict.fromkeys(members), "report_change": None, "report_confirm": None})
    return Answer({"report_change": None}, "not_understood")


def after_two_tries(slot: str, value: Any) -> Answer:
    """The answer kept when one still can't be read after asking again: never a third time.

    Open answers keep the resident's own words; when it happened keeps them as a date to check; the
    rest take the answer that keeps the resident safest, which they see in the summary and can change.
    The message named says what was kept."""
    words = _clean(value)[:MAX_TEXT] or NOT_KNOWN
    if slot == "report_when":
        return Answer(
            {slot: words[:200], "report_date": None, "report_date_from": None, "report_date_to": None,
             "report_approximate": True, "report_ongoing": None, "report_frequency": None},
            "kept_when",
        )  # fmt: skip
    if slot in ("report_description", "report_location", "report_people", "report_agencies"):
        return Answer({slot: words}, "kept_words")
    if slot in IMPACT:
        return Answer({slot: NOT_SURE}, "moved_on")
    if slot == "report_anonymous":
        return Answer({slot: "anonymous", "report_contact": None}, "kept_anonymous")
    if slot == "report_contact":
        return Answer({slot: "none"}, "kept_no_contact")
    if slot == "report_change":
        return Answer({slot: None, "report_confirm": None}, "moved_on")
    if slot == "report_evidence":
        # Files can still be sent: the form thanks them for any that come during the later questions.
        return Answer({slot: "done"}, "moved_on")
    return Answer({slot: None}, "not_understood")


def when_words(slots: dict[str, Any], language: str | None = None) -> str:
    """When, in the resident's words, with the days they allow when those are a range."""
    said, first, last = slots.get("report_when"), slots.get("report_date_from"), slots.get("report_date_to")
    if said and first and last and first != last:
        between = default_translations().say("(between {first} and {last})", language)
        first, last = (day(dt.date.fromisoformat(d), language) for d in (first, last))
        return f"{said} {between.format(first=first, last=last)}"
    return said or ""


IMPACT_WORDS = {
    "report_targeted": "feels targeted",
    "report_hate": "may be hate-related",
    "report_health": "affects health or disability",
    "report_children": "children at home",
    "report_safe_at_home": "feels safe at home",
}
# Answers the form stores in its own words (not the resident's), said back in the resident's language.
STORED_WORDS = ("yes", "no", NOT_SURE, NOT_KNOWN, "no one else")


def summary(slots: dict[str, Any], language: str | None = None) -> str:
    """The report as the resident is asked to check it: the form's words in their language, theirs as typed."""
    say = partial(default_translations().say, language=language)

    def answer(key: str) -> str:
        if key == "report_when":
            return when_words(slots, language)
        value = str(slots[key])
        return say(value) if value in STORED_WORDS else value

    lines = [f"{say(label)}: {answer(key)}" for key, label in SUMMARY_LABELS if slots.get(key)]
    answered = [f"{say(words)}: {answer(key)}" for key, words in IMPACT_WORDS.items() if slots.get(key)]
    if answered:
        lines.append(f"{say('About you')}: " + "; ".join(answered))
    anonymous = slots.get("report_anonymous") == "anonymous"
    lines.append(say("Anonymous") if anonymous else say("Linked to you in this chat"))
    if slots.get("report_contact") not in (None, "none"):
        lines.append(f"{say('Contact')}: {slots['report_contact']}")
    return "\n".join(lines)


def _yes_no_or_none(value: Any) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def report_fields(slots: dict[str, Any]) -> dict[str, Any]:
    """The stored report, from the form's slots."""

    def day(slot: str) -> dt.date | None:
        return dt.date.fromisoformat(slots[slot]) if slots.get(slot) else None

    fields = {
        "asb_type": None,
        "description": slots.get("report_description"),
        "location_text": slots.get("report_location"),
        "postcode": slots.get("report_postcode"),
        "occurred_on": day("report_date"),
        "occurred_from": day("report_date_from"),
        "occurred_to": day("report_date_to"),
        "occurred_approximate": bool(slots.get("report_approximate")),
        "occurred_text": slots.get("report_when"),
        "ongoing": slots.get("report_ongoing"),
        "frequency": slots.get("report_frequency"),
        "people_involved": slots.get("report_people"),
        "other_agencies": None if slots.get("report_agencies") == "no one else" else slots.get("report_agencies"),
    }
    for slot, column in IMPACT.items():
        fields[column] = _yes_no_or_none(slots.get(slot))
    return fields


def load_reporting(path: Path | str = REPORTING_FILE) -> Reporting:
    document = read_mapping(path, ReportingError)
    questions = {}
    for slot in (*QUESTIONS, "report_change"):
        spec = (document.get("questions") or {}).get(slot)
        if not isinstance(spec, dict) or not spec.get("ask"):
            raise ReportingError(f"{path}: question '{slot}' needs 'ask'")
        questions[slot] = Prompt(
            str(spec["ask"]).strip(), tuple((str(t), str(p)) for t, p in spec.get("buttons") or [])
        )
    messages = {key: str(value).strip() for key, value in (document.get("messages") or {}).items()}
    missing = [key for key in MESSAGES if not messages.get(key)]
    if missing:
        raise ReportingError(f"{path}: messages missing: {', '.join(missing)}")
    return Reporting(questions, messages)


@lru_cache(maxsize=1)
def default_reporting() -> Reporting:
    return load_reporting(settings().reporting_file)
