"""What the channels say when the dialogue cannot: loaded from ``messages.yml``, with every
phone number taken from the services directory."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from community_safety.config_file import read_mapping
from community_safety.services import ServicesDirectory, default_directory, fill_contacts
from community_safety.settings import settings

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"
NEEDED = (
    "danger_line",
    "unavailable",
    "no_answer",
    "danger_while_unavailable",
    "text_only",
    "edited",
    "expired_button",
    "too_fast",
    "empty",
    "private_only",
    "evidence_not_taken",
    "evidence_damaged",
    "evidence_too_big",
    "evidence_too_many",
    "evidence_not_kept",
)


class MessagesError(ValueError):
    """The messages file is malformed or names a service or contact the directory does not have."""


def load_messages(path: Path = MESSAGES_FILE, directory: ServicesDirectory | None = None) -> dict[str, str]:
    directory = directory or default_directory()
    spec = read_mapping(path, MessagesError)
    messages = {}
    for name in NEEDED:
        text = spec.get(name)
        if not isinstance(text, str) or not text.strip():
            raise MessagesError(f"{path}: message '{name}' is missing or empty")

        messages[name] = fill_contacts(
            text,
            directory,
            lambda placeholder, name=name: MessagesError(
                f"{path}: message '{name}' names {placeholder}, which the directory lacks"
            ),
        )
    return messages


@lru_cache(maxsize=1)
def channel_messages() -> dict[str, str]:
    return load_messages(settings().channel_messages_file)
