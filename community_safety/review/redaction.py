"""Residents' words with what names a person taken out, before anyone reviews them (issue #27).

A message a caseworker reviews to teach the bot, or that leaves the conversation store as a
training example, keeps what it says about the need and loses what identifies someone: each
piece found is replaced by a placeholder naming its kind ("my neighbour [name] at [address]").

Found reliably: e-mail addresses, UK and international phone numbers, full UK postcodes, the
council's and the police's reference numbers, dates of birth told as such, UK vehicle
registrations, house and flat numbers with their street, and names after a title ("Mrs
Begum"), after "my name is", "called" or "named", or after who someone is ("my neighbour Dave",
"his brother Tom"), or signed at the end ("Thanks, Sarah"). Not found: a name with nothing
before it that says it is one ("Dave keeps parking there"), a name typed in lower case after
no cue, nicknames, a street named without a house number, a place a resident describes ("the
flat above the chemist on the corner"), faces and voices: a person reads and confirms every
example before it is used, and the council's data-protection officer is told these limits.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

PLACEHOLDERS = {
    "email": "[email]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "reference": "[reference]",
    "date_of_birth": "[date of birth]",
    "vehicle": "[vehicle]",
    "address": "[address]",
    "name": "[name]",
}

_NAME = r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?"
_FULL_NAME = rf"{_NAME}(?:\s+{_NAME})?"
# Who someone is, before their name: "my neighbour Dave", "her ex Jason".
_WHO = (
    r"neighbou?rs?|son|daughter|brother|sister|husband|wife|partner|boyfriend|girlfriend|ex|friend|mate|"
    r"mum|mom|mother|dad|father|uncle|aunt|auntie|cousin|nephew|niece|grandson|granddaughter|nan|nana|"
    r"gran|grandma|grandad|grandfather|grandmother|landlord|landlady|carer|tenant|lodger|flatmate|colleague|"
    r"boss|stepdad|stepmum|stepfather|stepmother|child|kid|baby|teacher|caseworker|officer"
)
_STREET = (
    r"road|rd|street|st|lane|ln|avenue|ave|close|court|ct|way|place|pl|gardens|gdns|square|sq|terrace|walk|"
    r"row|grove|drive|crescent|hill|green|parade|mews|house|estate|buildings|tower|mansions|yard|wharf|"
    r"quay|reach|path|rise"
)
_DATE = (
    r"\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4}"
)

# In order: each kind is replaced before the next looks, so a phone number inside an e-mail
# address, or a postcode inside an address, is not found twice.
_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), 0),
    ("reference", re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,6}\b"), 0),
    (
        "reference",
        re.compile(
            r"\b(?:ref(?:erence)?|crime (?:ref(?:erence)?|number|no)|case (?:number|no|ref)|incident (?:number|no)|"
            r"cad|cris|log)\s*(?:number|no\.?)?\s*[:#]?\s*([A-Z0-9]*\d[A-Z0-9/-]{3,})",
            re.IGNORECASE,
        ),
        1,
    ),
    (
        "date_of_birth",
        re.compile(
            rf"\b(?:born(?:\s+on)?|d\.?o\.?b\.?|date of birth|birthday(?:\s+is)?)\s*:?\s*({_DATE})", re.IGNORECASE
        ),
        1,
    ),
    (
        "phone",
        re.compile(r"(?<![\w+])(?:(?:\+|00)\s?\d{1,3}[\s-]?\(?0?\)?|0)(?:[\s-]?\d){9,10}(?!\d)"),
        0,
    ),
    (
        "postcode",
        re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE),
        0,
    ),
    ("vehicle", re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b", re.IGNORECASE), 0),
    ("vehicle", re.compile(r"\b(?:[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])\b"), 0),
    (
        "address",
        re.compile(
            rf"\b(?:(?:flat|apartment|apt|unit|room)\s+\d+[a-z]?\b,?\s*)?\d{{1,4}}[a-z]?,?\s+(?:[a-z'-]+\s+){{1,3}}(?:{_STREET})\b",
            re.IGNORECASE,
        ),
        0,
    ),
    ("address", re.compile(r"\b(?:flat|apartment|apt|unit|house|number|no\.)\s*\d+[a-z]?\b", re.IGNORECASE), 0),
    ("name", re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame)\.?\s+({_FULL_NAME})"), 1),
    (
        "name",
        re.compile(rf"\b(?:[Mm]y name is|[Mm]y name's|[Cc]alled|[Nn]amed|[Cc]alls? (?:him|her)self)\s+({_FULL_NAME})"),
        1,
    ),
    (
        "name",
        # "my neighbour Dave", and whose: "my son's friend Kai", "my sons friend Kai".
        re.compile(rf"\b(?:[Mm]y|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur|[Tt]he)\s+(?:[a-z]+'?s\s+)?(?:{_WHO})\s+({_FULL_NAME})"),
        1,
    ),
    (
        "name",
        re.compile(
            rf"(?:^|[.!?]\s+|\n)(?:[Tt]hanks|[Tt]hank you|[Rr]egards|[Cc]heers|[Mm]any thanks)[,!]?"
            rf"\s+({_FULL_NAME})\.?\s*$"
        ),
        1,
    ),
    ("name", re.compile(rf"(?:^|\n)\s*[-–—]\s*({_FULL_NAME})\s*$"), 1),
]

# Capitalised words after "my neighbour" that are not names.
_NOT_NAMES = {
    "The",
    "This",
    "That",
    "He",
    "She",
    "They",
    "It",
    "Is",
    "Has",
    "Was",
    "And",
    "But",
    "Who",
    "Upstairs",
    "Downstairs",
    "Next",
    "Opposite",
    "Across",
    "Keeps",
    "Says",
    "Said",
    "Won't",
    "Can't",
    "Always",
    "Never",
    "Again",
    "Every",
    "From",
    "In",
    "On",
    "At",
    "Of",
    "To",
    "For",
    "With",
    "I",
    "Council",
    "Police",
}


@dataclass
class Redacted:
    text: str
    found: Counter = field(default_factory=Counter)  # how many of each kind were taken out

    @property
    def changed(self) -> bool:
        return bool(self.found)


def redact(text: object) -> Redacted:
    """``text`` with every piece the patterns find replaced by its placeholder."""
    if not isinstance(text, str):
        return Redacted("")
    found: Counter = Counter()
    for kind, pattern, group in _PATTERNS:

        def replace(match: re.Match[str], kind: str = kind, group: int = group) -> str:
            piece = match.group(group)
            if kind == "name" and piece.split()[0] in _NOT_NAMES:
                return match.group(0)
            if kind == "phone" and sum(ch.isdigit() for ch in piece) > 13:
                return match.group(0)
            found[kind] += 1
            start, end = match.start(group) - match.start(0), match.end(group) - match.start(0)
            whole = match.group(0)
            return whole[:start] + PLACEHOLDERS[kind] + whole[end:]

        text = pattern.sub(replace, text)
    return Redacted(text, found)
