"""What a file is, from its first bytes, and whether it is a kind of evidence the council takes.

The name and the type a phone or browser claims are never trusted: a renamed program or web page
is refused whatever it is called. Decided by `filetype` (magic numbers); the cleaning step then has
to open the file as that kind, so a file that only starts like one is refused there.
"""

from __future__ import annotations

from dataclasses import dataclass

import filetype

# What we take, by the type the bytes show: (kind, the extension a stored copy gets).
TAKEN = {
    "image/jpeg": ("image", "jpg"),
    "image/png": ("image", "png"),
    "image/heic": ("image", "heic"),
    "image/heif": ("image", "heif"),
    "image/webp": ("image", "webp"),
    "video/mp4": ("video", "mp4"),
    "video/quicktime": ("video", "mov"),
    "video/webm": ("video", "webm"),
    "audio/ogg": ("audio", "ogg"),
    "audio/mpeg": ("audio", "mp3"),
    "audio/mp4": ("audio", "m4a"),
    "audio/x-m4a": ("audio", "m4a"),
    "audio/x-wav": ("audio", "wav"),
    "audio/wav": ("audio", "wav"),
    "application/pdf": ("document", "pdf"),
}
KINDS = ("image", "video", "audio", "document")
# What residents and caseworkers call each kind.
KIND_WORDS = {"image": "photo", "video": "video", "audio": "recording", "document": "document"}


class EvidenceRefused(ValueError):
    """A file we do not keep; ``reason`` says why, in words the channels turn into a reply."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


# Reasons, for the replies (bot/messages.yml) and the tests.
NOT_TAKEN = "not_taken"
EMPTY = "empty"
TOO_BIG = "too_big"
TOO_MANY = "too_many"
DAMAGED = "damaged"


@dataclass(frozen=True)
class Identified:
    mime: str
    kind: str
    extension: str


def identify(data: bytes) -> Identified:
    """The file's type from its bytes; refused when empty or not one we take."""
    if not data:
        raise EvidenceRefused(EMPTY)
    found = filetype.guess(data[:8192])
    if found is None or found.mime not in TAKEN:
        raise EvidenceRefused(NOT_TAKEN, found.mime if found else "unknown")
    kind, extension = TAKEN[found.mime]
    return Identified(found.mime, kind, extension)


# What a channel sends the bot once a file is kept: the intent, and which file in the metadata.
TO_THE_BOT = "/send_evidence"


def as_said(kind: str | None) -> str:
    """How a file shows where words would: to a caseworker (live chat, a report's conversation), in
    the widget's transcript."""
    return f"(sent a {KIND_WORDS.get(kind or '', 'file')})"
