"""Which language a resident writes in, and Bengali in Latin letters put into Bengali script.

Plain Python with no Rasa import: the NLU component (nlu/components/resident_language.py) uses it
for every message, and the channels use it to answer 999 in the resident's language when Rasa
itself is unreachable. The borough's languages, and what the bot says to someone writing in one
it can't answer in, are in the staff-edited file community_safety/data/languages.yml.

- Bengali script is recognised by its Unicode block (U+0980 to U+09FF): Sylheti written in
  Bengali script is Bengali here too, as in every tool.
- Romanised Bengali ("amar basar shamne...") is recognised by the project's own character
  n-gram classifier, trained with the model (no package recognises it), and transliterated with
  Avro Phonetic; English words in it ("police", "flat", place names) are kept as they are.
- Other languages are named by Google's CLD3, trusted only when it is sure, the message is long
  enough, and the language is one the languages file lists: on short English it guesses wildly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from community_safety.config_file import read_mapping
from community_safety.settings import settings

ENGLISH, BENGALI, ROMANISED_BENGALI = "en", "bn", "bn-Latn"
# Where the NLU puts what it read of a message's language (nlu/components/resident_language.py),
# and the intent a message in a language the bot can't answer in gets: the actions read both.
PARSE_KEY = "resident_language"
OTHER_LANGUAGE_INTENT = "other_language"
BENGALI_BLOCK = (0x0980, 0x09FF)
# A message is in Bengali when at least this share of its letters is Bengali script.
BENGALI_SHARE = 0.3
# A message in Latin letters is English when at least this share of its words are English ones.
ENGLISH_SHARE = 0.5
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _letters(text: str) -> list[str]:
    return [ch for ch in text if ch.isalpha() or 0x0980 <= ord(ch) <= 0x09FF]


def bengali_share(text: object) -> float:
    """The share of a message's letters that are Bengali script (its vowel signs count as letters)."""
    if not isinstance(text, str):
        return 0.0
    letters = _letters(text)
    if not letters:
        return 0.0
    return sum(BENGALI_BLOCK[0] <= ord(ch) <= BENGALI_BLOCK[1] for ch in letters) / len(letters)


def is_bengali_script(text: object) -> bool:
    return bengali_share(text) >= BENGALI_SHARE


def latin_words(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(text) if all(ord(ch) < 0x0250 for ch in w)]


def transliterate(text: str, keep: frozenset[str] = frozenset()) -> str:
    """Romanised Bengali into Bengali script, word by word; words in ``keep`` (English words the
    model knows, place names) and anything not in Latin letters stay as they are."""
    import avro

    def one(match: re.Match) -> str:
        word = match.group(0)
        if word.casefold() in keep or not all(ord(ch) < 0x0250 for ch in word):
            return word
        return avro.parse(word)

    return WORD.sub(one, text)


class LanguagesError(ValueError):
    """The languages file is missing or malformed."""


@dataclass(frozen=True)
class OtherLanguage:
    code: str
    name: str
    reply: str


@dataclass(frozen=True)
class Languages:
    """The staff-edited languages file: what the bot answers in, and what it says to the rest."""

    source: str
    checked: str
    answered: dict[str, str]  # code -> the language's own name ("বাংলা", "English")
    others: dict[str, OtherLanguage] = field(default_factory=dict)
    min_probability: float = 0.95
    min_words: int = 4

    @classmethod
    def from_file(cls, path: Path | None = None) -> Languages:
        spec = read_mapping(path or settings().languages_file, LanguagesError)
        others = {
            str(code): OtherLanguage(str(code), str(entry["name"]), " ".join(str(entry["reply"]).split()))
            for code, entry in (spec.get("others") or {}).items()
        }
        naming = spec.get("naming") or {}
        return cls(
            source=str(spec.get("source", "")),
            checked=str(spec.get("checked", "")),
            answered={str(code): str(name) for code, name in (spec.get("answered") or {}).items()},
            others=others,
            min_probability=float(naming.get("min_probability", 0.95)),
            min_words=int(naming.get("min_words", 4)),
        )

    def other_language(self, text: str, english_words: frozenset[str] = frozenset()) -> OtherLanguage | None:
        """A language the bot can't answer in but can name, when CLD3 is sure of it and the message
        is not mostly ``english_words`` (CLD3 calls "how do i get into detox" Portuguese, sure of it)."""
        if not isinstance(text, str) or len(text.split()) < self.min_words or is_bengali_script(text):
            return None
        words = latin_words(text)
        if words and sum(w in english_words for w in words) >= ENGLISH_SHARE * len(words):
            return None
        found = _identifier().FindLanguage(text=text)
        if not found.is_reliable or found.probability < self.min_probability:
            return None
        return self.others.get(found.language)


@lru_cache(maxsize=1)
def _identifier():
    import gcld3

    return gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)


@lru_cache(maxsize=4)
def _languages(path: str) -> Languages:
    return Languages.from_file(Path(path))


def default_languages() -> Languages:
    return _languages(str(settings().languages_file))
