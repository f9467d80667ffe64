"""The services directory: every door the bot can send a resident through.

Loaded and checked once at start-up from ``data/services.yml``. A mistake in the file stops
start-up with a message naming the entry and the field, so a wrong edit never surfaces as
a crash in the middle of a frightened resident's conversation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from community_safety.languages import BENGALI
from community_safety.settings import settings
from community_safety.translations import default_translations

DIRECTORY_FILE = Path(__file__).resolve().parent / "data" / "services.yml"
LONDON = ZoneInfo("Europe/London")

CONTACT_KINDS = ("phone", "textphone", "text", "web", "email", "post", "app")
AUDIENCES = ("anyone", "adult", "child")
CONFIDENCES = ("H", "M", "L")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS = {"daily": DAY_NAMES, "mon-fri": DAY_NAMES[:5], "sat-sun": DAY_NAMES[5:]}
# Digits and spaces, optionally followed by a note in brackets: "020 7364 5006 (option 2 or 3)".
PHONE = re.compile(r"^\d[\d ]{1,20}\d( \([^()]{1,60}\))?$")
REQUIRED = ("name", "use_for", "contacts", "hours", "audience", "source", "checked")


class DirectoryError(ValueError):
    """The services file is missing or malformed; the message names the entry and field."""


@dataclass(frozen=True)
class OpeningTimes:
    days: tuple[int, ...]  # 0 = Monday
    opens: dt.time
    closes: dt.time

    def covers(self, moment: dt.datetime) -> bool:
        return moment.weekday() in self.days and self.opens <= moment.time() < self.closes

    def describe(self, language: str | None = None) -> str:
        say = default_translations().say
        days = next(
            (name for name, group in DAY_GROUPS.items() if tuple(DAY_NAMES.index(d) for d in group) == self.days), None
        )
        label = (
            say({"daily": "every day", "mon-fri": "Monday to Friday", "sat-sun": "weekends"}[days], language)
            if days
            else ", ".join(say(DAY_NAMES[d].title(), language) for d in self.days)
        )
        return say("{days}, {opens} to {closes}", language).format(
            days=label, opens=_clock(self.opens, language), closes=_clock(self.closes, language)
        )


# Bengali tells the time by the part of the day ("সকাল 9টা", "বিকেল 5টা"); these are the parts, from
# the hour each starts, by the English key of their Bengali in data/bengali.yml.
PARTS_OF_THE_DAY = ((20, "at night"), (18, "in the evening"), (15, "in the afternoon"), (12, "at midday"),
                    (5, "in the morning"), (0, "at night"))  # fmt: skip


def _clock(moment: dt.time, language: str | None = None) -> str:
    hour = moment.hour % 12 or 12
    if language == BENGALI:
        say = default_translations().say
        part = next(name for starts, name in PARTS_OF_THE_DAY if moment.hour >= starts)
        time = str(hour) if moment.minute == 0 else f"{hour}:{moment.minute:02d}"
        return say("{time} {part_of_the_day}", language).format(time=time, part_of_the_day=say(part, language))
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}.{moment.minute:02d}{suffix}"


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    use_for: str
    contacts: dict[str, str]
    opening_times: tuple[OpeningTimes, ...]  # empty: open all the time
    audience: str
    source: str
    checked: dt.date
    confidence: str = "M"
    out_of_hours: str | None = None

    @property
    def always_open(self) -> bool:
        return not self.opening_times

    def is_open(self, moment: dt.datetime) -> bool:
        if self.always_open:
            return True
        local = moment.astimezone(LONDON) if moment.tzinfo else moment
        return any(times.covers(local) for times in self.opening_times)

    def hours_text(self, language: str | None = None) -> str:
        if self.always_open:
            return default_translations().say("24 hours, every day", language)
        return "; ".join(times.describe(language) for times in self.opening_times)

    @property
    def phone(self) -> str | None:
        return self.contacts.get("phone")


@dataclass(frozen=True)
class ServicesDirectory:
    services: dict[str, Service] = field(default_factory=dict)

    def __getitem__(self, service_id: str) -> Service:
        return self.services[service_id]

    def __contains__(self, service_id: object) -> bool:
        return service_id in self.services

    def available(self, service_id: str, moment: dt.datetime) -> list[Service]:
        """The service, and its out-of-hours alternative first when it is closed now."""
        service = self.services[service_id]
        if service.is_open(moment) or not service.out_of_hours:
            return [service]
        return [self.services[service.out_of_hours], service]

    def phone_numbers(self) -> set[str]:
        """Every number a resident may be told to call or text, as digits only."""
        numbers = set()
        for service in self.services.values():
            for kind in ("phone", "textphone", "text"):
                if kind in service.contacts:
                    numbers.add(digits(service.contacts[kind].split("(")[0]))
        return numbers


CONTACT_PLACEHOLDER = re.compile(r"\{(\w+)\.(\w+)\}")


def fill_contacts(text: str, directory: ServicesDirectory, missing: Callable[[str], Exception]) -> str:
    """A staff-written message with each {service.kind} ({emergency.phone}) replaced by that contact from
    the directory, so a number changed there changes everywhere; ``missing`` makes the error for a
    placeholder the directory lacks. Spaces tidied to one."""

    def fill(found: re.Match) -> str:
        service, kind = found.groups()
        if service not in directory or kind not in directory[service].contacts:
            raise missing(found.group(0))
        return directory[service].contacts[kind]

    return " ".join(CONTACT_PLACEHOLDER.sub(fill, text).split())


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _parse_time(entry: str, value: object) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise DirectoryError(
            f"services entry '{entry}', field 'hours': {value!r} is not a time like \"09:00\""
        ) from None


def _parse_hours(entry: str, hours: object) -> tuple[OpeningTimes, ...]:
    if hours == "always":
        return ()
    if not isinstance(hours, list) or not hours:
        raise DirectoryError(f"services entry '{entry}', field 'hours': give \"always\" or a list of opening times")
    parsed = []
    for times in hours:
        if not isinstance(times, dict) or set(times) != {"days", "open", "close"}:
            raise DirectoryError(f"services entry '{entry}', field 'hours': each item needs days, open and close")
        days_value = str(times["days"]).lower()
        if days_value in DAY_GROUPS:
            days = tuple(DAY_NAMES.index(d) for d in DAY_GROUPS[days_value])
        elif days_value in DAY_NAMES:
            days = (DAY_NAMES.index(days_value),)
        else:
            raise DirectoryError(
                f"services entry '{entry}', field 'hours': days {times['days']!r} is not one of "
                f"{', '.join([*DAY_GROUPS, *DAY_NAMES])}"
            )
        opens, closes = _parse_time(entry, times["open"]), _parse_time(entry, times["close"])
        if opens >= closes:
            raise DirectoryError(f"services entry '{entry}', field 'hours': opens at {opens} but closes at {closes}")
        parsed.append(OpeningTimes(days, opens, closes))
    return tuple(parsed)


def _parse_service(entry: str, spec: object, today: dt.date) -> Service:
    if not isinstance(spec, dict):
        raise DirectoryError(f"services entry '{entry}': expected the fields {', '.join(REQUIRED)}")
    for name in REQUIRED:
        if spec.get(name) in (None, "", [], {}):
            raise DirectoryError(f"services entry '{entry}', field '{name}': missing")
    unknown = set(spec) - {*REQUIRED, "confidence", "out_of_hours"}
    if unknown:
        raise DirectoryError(f"services entry '{entry}', field '{sorted(unknown)[0]}': not a known field")
    contacts = spec["contacts"]
    if not isinstance(contacts, dict):
        raise DirectoryError(f"services entry '{entry}', field 'contacts': expected kinds such as phone and web")
    for kind, value in contacts.items():
        if kind not in CONTACT_KINDS:
            raise DirectoryError(
                f"services entry '{entry}', field 'contacts.{kind}': not one of {', '.join(CONTACT_KINDS)}"
            )
        if not isinstance(value, str) or not value.strip():
            raise DirectoryError(
                f"services entry '{entry}', field 'contacts.{kind}': must be text (put numbers in quotes)"
            )
        if kind in ("phone", "textphone", "text") and not PHONE.match(value):
            raise DirectoryError(f"services entry '{entry}', field 'contacts.{kind}': {value!r} is not a phone number")
    if spec["audience"] not in AUDIENCES:
        raise DirectoryError(
            f"services entry '{entry}', field 'audience': {spec['audience']!r} is not one of {', '.join(AUDIENCES)}"
        )
    checked = spec["checked"]
    if not isinstance(checked, dt.date):
        raise DirectoryError(f"services entry '{entry}', field 'checked': {checked!r} is not a date like 2026-11-26")
    if checked > today:
        raise DirectoryError(f"services entry '{entry}', field 'checked': {checked} is in the future")
    confidence = spec.get("confidence", "M")
    if confidence not in CONFIDENCES:
        raise DirectoryError(f"services entry '{entry}', field 'confidence': {confidence!r} is not one of H, M, L")
    return Service(
        id=entry,
        name=str(spec["name"]),
        use_for=str(spec["use_for"]),
        contacts={k: v.strip() for k, v in contacts.items()},
        opening_times=_parse_hours(entry, spec["hours"]),
        audience=spec["audience"],
        source=str(spec["source"]),
        checked=checked,
        confidence=confidence,
        out_of_hours=spec.get("out_of_hours"),
    )


def load_directory(path: Path | str = DIRECTORY_FILE, today: dt.date | None = None) -> ServicesDirectory:
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DirectoryError(f"cannot read the services file {path}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise DirectoryError(f"the services file {path} is not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("services"), dict) or not document["services"]:
        raise DirectoryError(f"the services file {path} needs a 'services:' mapping of entries")
    today = today or dt.date.today()
    services = {str(entry): _parse_service(str(entry), spec, today) for entry, spec in document["services"].items()}
    for service in services.values():
        if service.out_of_hours and service.out_of_hours not in services:
            raise DirectoryError(
                f"services entry '{service.id}', field 'out_of_hours': no entry called '{service.out_of_hours}'"
            )
        if service.out_of_hours and not services[service.out_of_hours].always_open:
            raise DirectoryError(
                f"services entry '{service.id}', field 'out_of_hours': '{service.out_of_hours}' "
                "must be open all the time"
            )
    return ServicesDirectory(services)


@cache
def default_directory() -> ServicesDirectory:
    """The directory the running bot uses (SERVICES_FILE), read once."""
    return load_directory(settings().services_file)
