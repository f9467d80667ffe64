"""No wrong door: from a need and a few answers to the right services, in plain words.

The wording and routes live in ``data/signposting.yml`` and the numbers in
``data/services.yml``; this module only reads, checks and applies them, so it can be
tested without Rasa and used by any channel.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from community_safety.answers import speaks_as_parent
from community_safety.case_review import CaseReviewRules
from community_safety.config_file import read_mapping
from community_safety.report_categories import (
    ReportCategory,
    ReportCategoryError,
    ReportEntry,
    category_for,
    collect_categories,
    parse_report,
)
from community_safety.services import LONDON, Service, ServicesDirectory
from community_safety.settings import settings
from community_safety.translations import default_translations

SIGNPOSTING_FILE = Path(__file__).resolve().parent / "data" / "signposting.yml"

# The questions that can change the door, and the answers each takes.
ANSWERS: dict[str, tuple[str, ...]] = {
    "danger_now": ("yes", "no"),
    "happening_now": ("yes", "no"),
    "about": ("self", "other"),
    "age_group": ("child", "adult"),
    "homeless_tonight": ("yes", "no"),
}


class SignpostingError(ValueError):
    """The signposting file is malformed; the message names the need and field."""


def _answer(value: object) -> str:
    # YAML reads a bare yes/no as a boolean.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


@dataclass(frozen=True)
class Question:
    slot: str
    only_when: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    when: dict[str, str]
    say: str = ""
    services: tuple[str, ...] = ()
    use_need: str | None = None
    next: str | None = None  # overrides the need's `next` for this route

    def matches(self, answers: dict[str, str | None]) -> bool:
        return all(answers.get(slot) == value for slot, value in self.when.items())


# What a need's `report` says: the resident's message describes an incident, or a report is offered.
MENUS = ("main", "more")
EVERY_NEED = "every need"  # in `first_however_faint`: any more urgent need goes first


@dataclass(frozen=True)
class Need:
    name: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    routes: tuple[Route, ...]
    next: str
    button: str = ""
    report_entry: ReportEntry | None = None
    suggested: bool = False  # offered when the bot can't tell what a message is about
    offer_a_person: bool = False  # its reply also offers to talk to a person
    # Not offered as a second door to a parent whose message is about one of these needs: a family
    # without a home is not a child on their own (issue #25).
    not_second_for_a_parent_with: tuple[str, ...] = ()
    # Its words in Bengali are in data/bengali.yml, or await translation (then the Bengali menus show
    # the English words, and the list of translations awaiting review names the need).
    awaiting_translation: bool = False

    @property
    def report(self) -> str | None:
        """When a report is started: "incident", "offered", or None when this need takes no report."""
        return self.report_entry.when if self.report_entry else None

    @property
    def reportable(self) -> bool:
        """A report can be made in the chat after this need's reply."""
        return self.report_entry is not None


@dataclass(frozen=True)
class Prompt:
    text: str
    buttons: tuple[tuple[str, str], ...]  # (title, payload): payloads are words a resident could type

    def as_buttons(self) -> list[dict[str, str]]:
        return [{"title": title, "payload": payload} for title, payload in self.buttons]


MESSAGES = (
    "not_understood",
    "gave_up",
    "anything_else",
    "after_emergency",
    "suggest_needs",
    "check_need",
    "next_need",
    "when_safe",
)
FORM_QUESTIONS = tuple(ANSWERS)


@dataclass(frozen=True)
class Doors:
    """What one message is answered with: its first need, the need offered next, needs named too,
    and after 999, the needs its story told, offered for when everyone is safe."""

    first: str | None
    next: str | None = None
    also: tuple[str, ...] = ()
    when_safe: tuple[str, ...] = ()

    @property
    def all(self) -> list[str]:
        return [need for need in (self.first, *self.when_safe, self.next, *self.also) if need]


@dataclass(frozen=True)
class WordsNaming:
    """Words in a message that name a need (`also_needs`), beside any first need or only these."""

    pattern: re.Pattern
    beside: frozenset[str] | None = None

    def name_it(self, lowered: str, main_need: str) -> bool:
        return (self.beside is None or main_need in self.beside) and bool(self.pattern.search(lowered))


@dataclass(frozen=True)
class Reply:
    text: str
    services: tuple[str, ...]


CONTACT_WORDS = (
    ("phone", "call {contact}"),
    ("textphone", "textphone {contact}"),
    ("text", "text {contact}"),
    ("email", "email {contact}"),
    ("web", "{contact}"),
    ("app", "{contact}"),
    ("post", "write to {contact}"),
)
# "020 7364 5006 (option 2 or 3)": the number or address as written, and a note in brackets.
_NOTE = re.compile(r"^(?P<contact>.*?)\s*\((?P<note>[^()]+)\)$")
SERVICE_LINES = {
    "open_all_day": "- {name}: {contacts} (24 hours).",
    "open_hours": "- {name}: {contacts} (open {hours}).",
    "open": "- {name}: {contacts}.",
    "closed": "- {name} is closed now (open {hours}). Until then: {instead}, {contacts}.",
}


def describe_contact(value: str, language: str | None = None) -> str:
    """A number, address or app as written (residents dial and search them as they are), its note
    in the resident's language."""
    found = _NOTE.match(value)
    if not found:
        return value
    return f"{found['contact']} ({default_translations().say(found['note'], language)})"


def describe_contacts(service: Service, language: str | None = None) -> str:
    say = default_translations().say
    return ", ".join(
        say(words, language).format(contact=describe_contact(service.contacts[kind], language))
        for kind, words in CONTACT_WORDS
        if kind in service.contacts
    )


def describe_service(
    service: Service, directory: ServicesDirectory, moment: dt.datetime, language: str | None = None
) -> str:
    """One line of an answer: the service, how to reach it, and when (or who to reach until it opens)."""

    def line(kind: str, **values: str) -> str:
        return default_translations().say(SERVICE_LINES[kind], language).format(**values)

    name = default_translations().say(service.name, language)
    reachable_now = directory.available(service.id, moment)
    if reachable_now == [service]:
        contacts = describe_contacts(service, language)
        if not service.always_open:
            return line("open_hours", name=name, contacts=contacts, hours=service.hours_text(language))
        # A website is always open; only say so for people you can reach at any hour.
        if any(kind in service.contacts for kind in ("phone", "textphone", "text")):
            return line("open_all_day", name=name, contacts=contacts)
        return line("open", name=name, contacts=contacts)
    instead = reachable_now[0]
    return line(
        "closed",
        name=name,
        hours=service.hours_text(language),
        instead=default_translations().say(instead.name, language),
        contacts=describe_contacts(instead, language),
    )


def opening_hours_moment() -> dt.datetime:
    """When services' opening hours are judged: now, unless a rehearsal set OPENING_HOURS_AT."""
    fixed = settings().opening_hours_at
    if fixed is None:
        return dt.datetime.now(LONDON)
    return fixed if fixed.tzinfo else fixed.replace(tzinfo=LONDON)


class Signposting:
    def __init__(
        self,
        needs: dict[str, Need],
        menus: dict[str, tuple[str, ...]],
        also_needs: dict[str, list[WordsNaming]],
        directory: ServicesDirectory,
        facts: dict[str, object],
        questions: dict[str, dict[str, Prompt]],
        messages: dict[str, str],
        check_reading: float = 0.7,
        urgency: tuple[str, ...] = (),
        second_need_first_at: float = 0.3,
        named_first: tuple[str, ...] = (),
        categories: dict[str, ReportCategory] | None = None,
        default_category: str = "",
        offer_likely: int = 0,
        child_at_risk_first: tuple[str, ...] = (),
        first_however_faint: dict[str, frozenset[str] | None] | None = None,
    ):
        self.categories = categories or {}
        self.default_category = default_category
        self.check_reading = check_reading
        self.urgency = urgency
        self._urgency_rank = {name: i for i, name in enumerate(urgency)}
        self.second_need_first_at = second_need_first_at
        self.named_first = named_first
        self.child_at_risk_first = child_at_risk_first
        self.first_however_faint = first_however_faint or {}
        self.offer_likely = offer_likely
        self.needs = needs
        self.menus = menus
        self.also_needs = also_needs
        self.directory = directory
        self.facts = facts
        self.questions = questions
        self.messages = messages

    def report_category(self, need: str | None, fields: dict | None = None) -> ReportCategory:
        """The category a report is filed under (report_categories.category_for)."""
        found = self.needs.get(need or "")
        return category_for(self.categories, found.report_entry if found else None, fields or {}, self.default_category)

    def counts_toward_case_review(self, category: str | None) -> bool:
        """A stored category no longer in the needs file still counts, as every report once did."""
        known = self.categories.get(category or "")
        return known is None or known.counts_toward_case_review

    def category_name(self, category: str | None) -> str:
        """A report's category as staff see it: "Anti-social behaviour"."""
        known = self.categories.get(category or "")
        return known.title if known else (category or "").replace("_", " ").capitalize()

    @property
    def suggested(self) -> list[str]:
        """The needs offered when the bot has no useful guess, in the file's order."""
        return [name for name, need in self.needs.items() if need.suggested]

    def menu(self, name: str) -> list[tuple[str, str]]:
        """A menu's entries as (button words, intent), in order."""
        return [(self.needs[need].button, need) for need in self.menus[name]]

    def needs_with_report(self, kind: str) -> frozenset[str]:
        return frozenset(name for name, need in self.needs.items() if need.report == kind)

    def question(self, slot: str, answers: dict[str, str | None]) -> Prompt:
        wording = self.questions[slot]
        return wording.get("self", wording["ask"]) if answers.get("about") == "self" else wording["ask"]

    def questions_for(self, need: str, answers: dict[str, str | None]) -> list[str]:
        """The questions that matter for this need given the answers so far, answered or not."""
        if need not in self.needs:
            return []
        return [
            question.slot
            for question in self.needs[need].questions
            if all(answers.get(slot) == value for slot, value in question.only_when.items())
        ]

    def questions_to_ask(self, need: str, answers: dict[str, str | None]) -> list[str]:
        """The questions still to ask for this need, in order."""
        return [slot for slot in self.questions_for(need, answers) if answers.get(slot) is None]

    def route(self, need: str, answers: dict[str, str | None]) -> tuple[Need, Route]:
        definition = self.needs[need]
        route = next(r for r in definition.routes if r.matches(answers))
        if route.use_need:
            return self.route(route.use_need, answers)
        return definition, route

    def doors(self, need: str | None, read: Sequence[dict] = (), text: str = "") -> Doors:
        """The needs one message brings, in the order the bot answers them.

        ``need`` is the message's reading; ``read`` the needs the model found in it (the parse result's
        ``story``, nlu/stories.py), a second need among them. The more urgent of the two (`urgency`)
        comes first when the model gives the second at least `second_need_first_at` (at least
        `check_reading` when only its own yes/no model found it; however faintly when it is a child at risk
        the story found beside a need in `child_at_risk_first`, or a need `first_however_faint` puts
        before the need read, not found by its own model alone), and the other is offered next; danger
        to life is always first and alone. A second need is not offered to a parent when the first is
        one it is `not_second_for_a_parent_with` (a family without a home is not a child on their own).
        Needs the message's words name (`also_needs`) are answered in the same reply, a second need the
        model found among them unless it goes first.
        """
        if need not in self.needs:
            return Doors(None)
        if need == "emergency":
            return Doors(need, when_safe=self.needs_when_safe(read, text))
        found = next(
            (
                n
                for n in read
                if isinstance(n, dict) and n.get("name") in self.needs and n.get("name") not in (need, "emergency")
            ),
            None,
        )
        first, second = need, found and found["name"]
        if second and need in self.needs[second].not_second_for_a_parent_with and speaks_as_parent(text):
            found, second = None, None
        # A second need the resident named in words ("sleeping rough") is answered in the same reply,
        # not behind a button, however the model found it (whether its reading sits just over or
        # just under a threshold should not change the answer), unless it goes first; found only by
        # its own yes/no model, it never does.
        named = bool(second) and second in self.other_needs(text, need)
        if found and not (named and found.get("apart")):
            confidence = found.get("confidence")
            # Found by its own yes/no model alone, it goes first only as sure as a reading the bot
            # acts on without checking: "people smoking weed in the lift" is drugs too (0.58), but
            # the resident is reporting the behaviour.
            enough = self.second_need_first_at
            if found.get("apart"):
                enough = max(enough, self.check_reading)
            clear = isinstance(confidence, (int, float)) and confidence >= enough
            # A child at risk the story found beside this need (a child named, or the resident a child:
            # nlu/stories.py) is heard first however faintly the one reading shares it out.
            clear = clear or (need in self.child_at_risk_first and bool(found.get("child_at_risk")))
            # Advice waits for the report or help the same message needs, and a roof comes before the
            # drink, however faintly the one reading shares the more urgent need out (`first_however_faint`).
            clear = clear or (self.goes_first_however_faint(second, need) and not found.get("apart"))
            if clear and self.more_urgent(second, need):
                first, second = second, need
        if named and first == need:
            second = None
        also = tuple(other for other in self.other_needs(text, first) if other != second)
        # Abuse at home named in words goes before a less urgent first need (`named_first`): the
        # resident who was hit and now has nowhere to go hears about safety first, housing after.
        before = sorted((n for n in also if n in self.named_first and self.more_urgent(n, first)), key=self._rank)
        if before:
            first, moved = before[0], first
            also = (moved, *(n for n in self.other_needs(text, first) if n not in (second, moved)))
            second = None if second == first else second
        return Doors(first, second, also)

    def likely_needs(self, ranking: Sequence[str], doors: Doors) -> tuple[str, ...]:
        """The needs the model read likeliest after those the reply answers (``ranking``: the
        message's needs, likeliest first), offered as buttons when the answer ends (`offer_likely`):
        a second need read too faintly to name is one tap away, not behind the menu."""
        given = set(doors.all) | {"emergency"}
        likely = [name for name in ranking if name in self.needs and name not in given]
        return tuple(dict.fromkeys(likely))[: self.offer_likely]

    def needs_offered(self, following: str | None, likely: Sequence[str]) -> tuple[str, ...]:
        """The needs the answer's buttons offer: the need offered next, then the likeliest others,
        `offer_likely` in all."""
        offered = [following] if following in self.needs else []
        rest = [name for name in likely if name in self.needs and name not in offered]
        return (*offered, *rest[: max(self.offer_likely - len(offered), 0)])

    def goes_first_however_faint(self, found: str | None, read: str) -> bool:
        """Whether `first_however_faint` lets ``found`` beside the need ``read`` first go before it
        however faintly read; `doors` puts it first only when it is also the more urgent."""
        if read not in self.first_however_faint:
            return False
        before = self.first_however_faint[read]
        return before is None or found in before

    def _rank(self, need: str) -> int:
        return self._urgency_rank.get(need, len(self._urgency_rank))

    def needs_when_safe(self, read: Sequence[dict], text: str = "") -> tuple[str, ...]:
        """After 999, the needs a story sent to 999 told, more urgent first, to offer for when everyone
        is safe: little children left alone by a parent on drugs, crying now, are a child at risk and
        drugs once the call is made, not a story the resident should have to tell again.

        Only when the story told two needs: two the model read, or one it read and another the
        message names in words (`also_needs`: "a far-right group" beside a child). One need read
        alone beside danger to life is too often the model's guess at the danger itself ("I don't
        want to live any more" read as homelessness).
        """
        told = []
        for found in read:
            name = found.get("name") if isinstance(found, dict) else None
            if name in self.needs and name != "emergency" and name not in told:
                told.append(name)
        if len(told) == 1:
            told += [name for name in self.other_needs(text, told[0]) if name != "emergency"][:1]
        if len(told) < 2:
            return ()
        pair = told[:2]
        if speaks_as_parent(text):  # a family without a home is not a child on their own, here too
            pair = [name for name in pair if not set(pair) & set(self.needs[name].not_second_for_a_parent_with)]
        return tuple(sorted(pair, key=self._rank))

    def more_urgent(self, need: str, than: str) -> bool:
        return self._rank(need) < self._rank(than)

    def door_gives(self, need: str, other: str) -> bool:
        """Whether ``need``'s answer already gives everything ``other``'s would: every service its
        usual route names, and a report in the chat if ``other`` takes one. The hate crime door names
        the police and Crimestoppers, all the crime door names, so a hate-motivated assault has
        reached both doors through one; the domestic abuse door does not name Crimestoppers."""
        if need not in self.needs or other not in self.needs:
            return False
        given, wanted = self.needs[need].routes[-1], self.needs[other].routes[-1]
        reports = not self.needs[other].reportable or self.needs[need].reportable
        return need == other or (not wanted.use_need and set(wanted.services) <= set(given.services) and reports)

    def other_needs(self, text: str, main_need: str) -> list[str]:
        """Second needs a message names ("sleeping rough and being exploited")."""
        lowered = (text or "").casefold()
        return [
            need
            for need, naming in self.also_needs.items()
            if need != main_need and any(words.name_it(lowered, main_need) for words in naming)
        ]

    def reply(
        self,
        need: str,
        answers: dict[str, str | None],
        moment: dt.datetime | None = None,
        other_needs: list[str] | tuple[str, ...] = (),
        language: str | None = None,
    ) -> Reply:
        """What to do, and where: in ``language`` where data/bengali.yml has the words (numbers,
        addresses and the caseworkers' own words stay as written)."""
        translations = default_translations()

        def words(text: str) -> str:
            return translations.say(text, language) if text else ""

        moment = moment or opening_hours_moment()
        definition, route = self.route(need, answers)
        lines = [" ".join(part for part in (words(self.needs[need].intro), self._fill(words(route.say))) if part)]
        lines += [describe_service(self.directory[s], self.directory, moment, language) for s in route.services]
        services = list(route.services)
        for other in other_needs:
            if other not in self.needs or other == need:
                continue
            other_definition, other_route = self.route(other, answers)
            title = other_definition.title.lower() if language != "bn" else words(other_definition.title)
            lines.append(words("Also, about {title}:").format(title=title))
            lines.append(self._fill(words(other_route.say)))
            lines += [
                describe_service(self.directory[s], self.directory, moment, language)
                for s in other_route.services
                if s not in services
            ]
            services += [s for s in other_route.services if s not in services]
        lines.append(words(route.next or definition.next))
        return Reply("\n".join(line for line in lines if line), tuple(services))

    def _fill(self, text: str) -> str:
        return text.format(**self.facts) if text else ""


AWAITING_TRANSLATION = "awaiting translation"


def _parse_need(name: str, spec: object) -> tuple[Need, ReportCategory | None]:
    where = f"signposting need '{name}'"
    if not isinstance(spec, dict):
        raise SignpostingError(f"{where}: expected title, intro, routes and next")
    for key in ("title", "routes", "next"):
        if not spec.get(key):
            raise SignpostingError(f"{where}, field '{key}': missing")
    questions = []
    for item in spec.get("questions") or []:
        slot, only_when = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        if slot not in ANSWERS:
            raise SignpostingError(f"{where}, field 'questions': '{slot}' is not one of {', '.join(ANSWERS)}")
        only_when = {k: _answer(v) for k, v in (only_when or {}).items()}
        questions.append(Question(slot, only_when))
    routes = []
    for index, route in enumerate(spec["routes"]):
        when = {k: _answer(v) for k, v in (route.get("when") or {}).items()}
        for slot, value in when.items():
            if value not in ANSWERS.get(slot, ()):
                raise SignpostingError(
                    f"{where}, route {index + 1}, field 'when': {slot}={value!r} is not a possible answer"
                )
        if not route.get("use_need") and not route.get("say"):
            raise SignpostingError(f"{where}, route {index + 1}: needs 'say' (or 'use_need')")
        routes.append(
            Route(
                when,
                str(route.get("say") or "").strip(),
                tuple(route.get("services") or ()),
                route.get("use_need"),
                str(route["next"]).strip() if route.get("next") else None,
            )
        )
    if routes[-1].when:
        raise SignpostingError(f"{where}, field 'routes': the last route must have no 'when'")
    try:
        report, defined = parse_report(name, spec.get("report"))
    except ReportCategoryError as error:
        raise SignpostingError(str(error)) from error
    bengali = spec.get("bengali")
    if bengali is not None and bengali != AWAITING_TRANSLATION:
        raise SignpostingError(f"{where}, field 'bengali': only '{AWAITING_TRANSLATION}' (or leave it out)")
    for flag in ("suggested", "offer_a_person"):
        if not isinstance(spec.get(flag, False), bool):
            raise SignpostingError(f"{where}, field '{flag}': yes or no")
    not_for_a_parent = spec.get("not_second_for_a_parent_with") or []
    if not isinstance(not_for_a_parent, list) or not all(isinstance(n, str) for n in not_for_a_parent):
        raise SignpostingError(f"{where}, field 'not_second_for_a_parent_with': a list of needs")
    if not re.fullmatch(r"[a-z][a-z_]*", name):
        raise SignpostingError(f"{where}: a need's name is its intent, in lower case with underscores")
    return Need(
        name,
        str(spec["title"]),
        str(spec.get("intro") or ""),
        tuple(questions),
        tuple(routes),
        str(spec["next"]).strip(),
        button=str(spec.get("button") or spec["title"]),
        report_entry=report,
        suggested=spec.get("suggested", False),
        offer_a_person=spec.get("offer_a_person", False),
        not_second_for_a_parent_with=tuple(not_for_a_parent),
        awaiting_translation=bengali == AWAITING_TRANSLATION,
    ), defined


def _parse_menus(document: dict, needs: dict[str, Need]) -> dict[str, tuple[str, ...]]:
    menus = document.get("menus")
    if not isinstance(menus, dict) or set(menus) != set(MENUS):
        raise SignpostingError(f"menus: needs exactly these menus: {', '.join(MENUS)}")
    listed: list[str] = []
    for menu, entries in menus.items():
        for need in entries or ():
            if need not in needs:
                raise SignpostingError(f"menus, '{menu}': '{need}' is not a need")
            listed.append(need)
    missing = [need for need in needs if need not in listed]
    twice = sorted({need for need in listed if listed.count(need) > 1})
    if missing or twice:
        raise SignpostingError(f"menus: each need is on one menu once; missing {missing}, twice {twice}")
    return {menu: tuple(entries) for menu, entries in menus.items()}


def load_signposting(
    directory: ServicesDirectory, path: Path | str = SIGNPOSTING_FILE, rules: CaseReviewRules | None = None
) -> Signposting:
    """``rules``: the case review's, whose values the replies may name ({threshold_incidents})."""
    document = read_mapping(path, SignpostingError)
    facts = dataclasses.asdict(rules or CaseReviewRules.from_file())
    if not isinstance(document.get("needs"), dict):
        raise SignpostingError(f"{path}: needs a 'needs:' mapping")
    parsed = {name: _parse_need(name, spec) for name, spec in document["needs"].items()}
    needs = {name: need for name, (need, _) in parsed.items()}
    try:
        categories = collect_categories(
            [(name, defined) for name, (_, defined) in parsed.items() if defined],
            {name: need.report_entry.category for name, need in needs.items() if need.report_entry},
        )
    except ReportCategoryError as error:
        raise SignpostingError(str(error)) from error
    default_category = document.get("report_category_without_a_need")
    if default_category not in categories:
        raise SignpostingError(
            f"report_category_without_a_need: {default_category!r} is not a category a need defines "
            f"({', '.join(categories) or 'none'})"
        )
    for need in needs.values():
        unknown = [n for n in need.not_second_for_a_parent_with if n not in needs]
        if unknown:
            raise SignpostingError(
                f"signposting need '{need.name}': not_second_for_a_parent_with '{unknown[0]}' is not a need"
            )
        for route in need.routes:
            if route.use_need and route.use_need not in needs:
                raise SignpostingError(f"signposting need '{need.name}': use_need '{route.use_need}' is not a need")
            for service in route.services:
                if service not in directory:
                    raise SignpostingError(
                        f"signposting need '{need.name}': service '{service}' is not in services.yml"
                    )
            placeholders = {f for _, f, _, _ in string.Formatter().parse(route.say) if f}
            missing = placeholders - set(facts or {})
            if missing:
                raise SignpostingError(f"signposting need '{need.name}': unknown placeholder {{{sorted(missing)[0]}}}")
    also = {}
    for need, spec in (document.get("also_needs") or {}).items():
        if need not in needs:
            raise SignpostingError(f"also_needs: '{need}' is not a need")
        also[need] = _words_naming(need, spec, needs)
    questions = {}
    for slot in FORM_QUESTIONS:
        spec = (document.get("questions") or {}).get(slot)
        if not isinstance(spec, dict) or not spec.get("ask") or not spec.get("buttons"):
            raise SignpostingError(f"questions: '{slot}' needs 'ask' and 'buttons'")
        buttons = tuple((str(title), str(payload)) for title, payload in spec["buttons"])
        questions[slot] = {"ask": Prompt(str(spec["ask"]).strip(), buttons)}
        if spec.get("ask_self"):
            questions[slot]["self"] = Prompt(str(spec["ask_self"]).strip(), buttons)
    messages = document.get("messages") or {}
    for key in MESSAGES:
        if not messages.get(key):
            raise SignpostingError(f"messages: '{key}' is missing")
    check_reading = _confidence(document, "check_reading", 0.7)
    return Signposting(
        needs,
        _parse_menus(document, needs),
        also,
        directory,
        facts or {},
        questions,
        {k: str(v).strip() for k, v in messages.items()},
        check_reading,
        _parse_urgency(document, needs),
        _confidence(document, "second_need_first_at", 0.3),
        _parse_needs(document, "named_first", needs),
        categories,
        default_category,
        _parse_count(document, "offer_likely"),
        child_at_risk_first=_parse_needs(document, "child_at_risk_first", needs),
        first_however_faint=_parse_first_however_faint(document, needs),
    )


def _words_naming(need: str, spec: object, needs: dict[str, Need]) -> list[WordsNaming]:
    """An `also_needs` entry: a pattern, or a list of patterns and of {beside: [first needs],
    words: pattern or list} (words that name the need only beside those first needs)."""
    naming = []
    for item in spec if isinstance(spec, list) else [spec]:
        beside = None
        if isinstance(item, dict):
            beside = item.get("beside")
            if not isinstance(beside, list) or not beside:
                raise SignpostingError(f"also_needs '{need}': 'beside' is a list of needs")
            unknown = [name for name in beside if name not in needs]
            if unknown:
                raise SignpostingError(f"also_needs '{need}': beside '{unknown[0]}' is not a need")
            item = item.get("words")
        patterns = item if isinstance(item, list) else [item]
        if not patterns or not all(isinstance(pattern, str) and pattern for pattern in patterns):
            raise SignpostingError(f"also_needs '{need}': words are a pattern or a list of patterns")
        try:
            pattern = re.compile("|".join(f"(?:{words})" for words in patterns))
        except re.error as error:
            raise SignpostingError(f"also_needs '{need}': bad pattern: {error}") from error
        naming.append(WordsNaming(pattern, frozenset(beside) if beside else None))
    if not naming:
        raise SignpostingError(f"also_needs '{need}': words are a pattern or a list of patterns")
    return naming


def _confidence(document: dict, key: str, default: float) -> float:
    value = document.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise SignpostingError(f"{key}: give a confidence between 0 and 1, e.g. {default}")
    return float(value)


def _parse_count(document: dict, key: str) -> int:
    value = document.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
        raise SignpostingError(f"{key}: a whole number from 0 to 3, not {value!r}")
    return value


def _parse_needs(document: dict, key: str, needs: dict[str, Need]) -> tuple[str, ...]:
    listed = document.get(key) or []
    if not isinstance(listed, list) or any(name not in needs for name in listed):
        raise SignpostingError(f"{key}: a list of needs, not {listed!r}")
    return tuple(listed)


def _parse_first_however_faint(document: dict, needs: dict[str, Need]) -> dict[str, frozenset[str] | None]:
    """`first_however_faint`: each need read first, with the needs found beside it that go before it
    however faintly read: a list of needs, or `every need`."""
    listed = document.get("first_however_faint") or {}
    if not isinstance(listed, dict):
        raise SignpostingError("first_however_faint: give each need read first, and the needs that go before it")
    parsed: dict[str, frozenset[str] | None] = {}
    for need, before in listed.items():
        if need not in needs:
            raise SignpostingError(f"first_however_faint: '{need}' is not a need")
        if before == EVERY_NEED:
            parsed[need] = None
        elif isinstance(before, list) and before and all(name in needs for name in before):
            parsed[need] = frozenset(before)
        else:
            raise SignpostingError(f"first_however_faint '{need}': a list of needs, or '{EVERY_NEED}', not {before!r}")
    return parsed


def _parse_urgency(document: dict, needs: dict[str, Need]) -> tuple[str, ...]:
    """Needs from the most urgent; needs not listed follow in the order they are written (a new
    need need not be placed to work). Danger to life is always first, so it is not listed."""
    urgency = document.get("urgency") or []
    if not isinstance(urgency, list):
        raise SignpostingError("urgency: give a list of needs, the most urgent first")
    unknown = sorted({str(n) for n in urgency} - (set(needs) - {"emergency"}))
    twice = sorted({str(n) for n in urgency if urgency.count(n) > 1})
    if unknown or twice:
        raise SignpostingError(f"urgency: list needs (not emergency) once each; not needs {unknown}, twice {twice}")
    return (*urgency, *(need for need in needs if need != "emergency" and need not in urgency))


@lru_cache(maxsize=1)
def default_signposting() -> Signposting:
    """The signposting the running bot uses: the staff-edited files, read once."""
    from community_safety.case_review import default_rules
    from community_safety.services import default_directory

    # A deployment may keep its own copies of the staff-edited files.
    return load_signposting(default_directory(), settings().signposting_file, default_rules())
