"""The live chat's settings and words, from ``data/live_chat.yml`` (LIVE_CHAT_FILE)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from community_safety.config_file import read_mapping
from community_safety.services import ServicesDirectory, default_directory, fill_contacts
from community_safety.settings import settings
from community_safety.translations import default_translations

MESSAGES = (
    "talk_button", "callback_button", "leave_button", "keep_waiting_button", "end_button",
    "offer", "offer_callback", "bot_wrong",
    "in_queue", "still_in_queue", "waited_too_long", "nobody_free", "nobody_free_in_form", "callback_after_form",
    "joined", "joined_who", "left_queue", "handed_back", "handed_back_question", "ended", "resident_ended",
    "danger", "not_sent",
    "callback_anonymous", "ask_callback_phone", "ask_callback_time", "ask_callback_consent",
    "callback_yes_button", "callback_no_button", "callback_bad_phone", "callback_filed", "callback_not_kept",
    "callback_when_open",
)  # fmt: skip
# What the chat itself fills in; anything else in braces is a mistake in the file.
OWN_PLACEHOLDERS = {"place", "hours", "who", "name", "role", "question", "reference", "when"}
_ANY_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class LiveChatConfigError(ValueError):
    """The live chat file is missing a value or holds a wrong one; the message names it."""


@dataclass(frozen=True)
class LiveChatConfig:
    hours_from: str
    presence_seconds: int
    idle_minutes: int
    wait_minutes: int
    show_first_name: bool
    role: str
    messages: dict[str, str]

    @property
    def presence(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.presence_seconds)

    @property
    def wait(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.wait_minutes)

    def say(self, key: str, language: str | None = None, /, **values: Any) -> str:
        """A message in the resident's language: the template is translated before the values go in,
        so a Bengali sentence keeps its own order."""
        return default_translations().say(self.messages[key], language).format(**values)

    def button(self, key: str, payload: str, language: str | None = None) -> dict[str, str]:
        return {"title": self.say(key, language), "payload": payload}

    def hours(self, language: str | None = None, directory: ServicesDirectory | None = None) -> str:
        return (directory or default_directory())[self.hours_from].hours_text(language)

    def is_open(self, moment: dt.datetime, directory: ServicesDirectory | None = None) -> bool:
        return (directory or default_directory())[self.hours_from].is_open(moment)

    def who(self, first_name: str | None, language: str | None = None) -> str:
        """The caseworker as residents see them: their role, with their first name if shown."""
        role = default_translations().say(self.role, language)
        if self.show_first_name and first_name:
            return self.say("joined_who", language, name=first_name, role=role)
        return role[:1].upper() + role[1:]


def _whole(spec: dict, key: str, path: Path) -> int:
    value = spec.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise LiveChatConfigError(f"{path}: '{key}' must be a whole number above 0")
    return value


def load_live_chat(path: Path | str, directory: ServicesDirectory | None = None) -> LiveChatConfig:
    directory = directory or default_directory()
    spec = read_mapping(path, LiveChatConfigError)
    hours_from = spec.get("hours_from")
    if hours_from not in directory:
        raise LiveChatConfigError(f"{path}: 'hours_from' must name a service in services.yml, not {hours_from!r}")
    if not isinstance(spec.get("show_first_name"), bool):
        raise LiveChatConfigError(f"{path}: 'show_first_name' must be yes or no")
    role = spec.get("role")
    if not isinstance(role, str) or not role.strip():
        raise LiveChatConfigError(f"{path}: 'role' is missing")
    given = spec.get("messages")
    if not isinstance(given, dict):
        raise LiveChatConfigError(f"{path}: 'messages' is missing")
    messages = {}
    for name in MESSAGES:
        text = given.get(name)
        if not isinstance(text, str) or not text.strip():
            raise LiveChatConfigError(f"{path}: message '{name}' is missing or empty")

        text = fill_contacts(
            text,
            directory,
            lambda placeholder, name=name: LiveChatConfigError(
                f"{path}: message '{name}' names {placeholder}, which services.yml lacks"
            ),
        )
        unknown = set(_ANY_PLACEHOLDER.findall(text)) - OWN_PLACEHOLDERS
        if unknown:
            raise LiveChatConfigError(f"{path}: message '{name}' has {{{sorted(unknown)[0]}}}, which nothing fills")
        messages[name] = text
    return LiveChatConfig(
        hours_from=hours_from,
        presence_seconds=_whole(spec, "presence_seconds", path),
        idle_minutes=_whole(spec, "idle_minutes", path),
        wait_minutes=_whole(spec, "wait_minutes", path),
        show_first_name=spec["show_first_name"],
        role=" ".join(role.split()),
        messages=messages,
    )


@lru_cache(maxsize=1)
def default_live_chat() -> LiveChatConfig:
    return load_live_chat(settings().live_chat_file)
