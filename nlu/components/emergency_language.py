"""Recognise danger-to-life language with rules a person can read and change.

Plain Python with no Rasa import, so the channels can use the same rules to answer
999 when Rasa itself is unreachable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGE_FILE = Path(__file__).resolve().parent.parent / "emergency_language.yml"
# What a parse result carries when danger was found, and by whom: the safety net's rules, or the
# danger classifier (nlu/components/danger_classifier.py). The actions read the same keys.
SAFETY_NET_KEY = "emergency_safety_net"
DANGER_CLASSIFIER_KEY = "danger_classifier"
# Curly quotes come from phone keyboards; the patterns are written with straight ones.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


class EmergencyLanguageError(ValueError):
    """The emergency language file is missing, malformed or holds a bad pattern."""


@dataclass(frozen=True)
class PatternGroup:
    name: str
    past_can_clear: bool
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class DangerMatch:
    group: str
    text: str


_WORD = re.compile(r"[a-z0-9']+")
_LETTER_RUN = re.compile(r"([a-z])\1{2,}")
_DOUBLE = re.compile(r"([a-z])\1")
_LITERAL_ING = re.compile(r"\b[a-z]{3,}ing\b")


class EmergencyLanguage:
    def __init__(
        self,
        groups: list[PatternGroup],
        past_cues: list[re.Pattern],
        present_cues: list[re.Pattern],
        spellings: dict[str, str] | None = None,
    ):
        self.groups = groups
        self.past_cues = past_cues
        self.present_cues = present_cues
        self.spellings = dict(spellings or {})
        # Typed fast, "-ing" loses its g ("hidin", "breathin", "bleedin"): every "-ing" word the
        # rules are written with is read back whole.
        for group in groups:
            for pattern in group.patterns:
                for word in _LITERAL_ING.findall(re.sub(r"\\.", " ", pattern.pattern)):
                    self.spellings.setdefault(word[:-1], word)

    @classmethod
    def from_file(cls, path: Path = LANGUAGE_FILE) -> EmergencyLanguage:
        try:
            spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise EmergencyLanguageError(f"cannot read {path}: {error}") from error
        if not isinstance(spec, dict) or not isinstance(spec.get("groups"), list):
            raise EmergencyLanguageError(f"{path}: expected a mapping with a 'groups' list")
        weapon = str(spec.get("weapon", ""))

        def compile_all(where: str, patterns) -> tuple[re.Pattern, ...]:
            if not isinstance(patterns, list) or not patterns:
                raise EmergencyLanguageError(f"{path}: {where} needs a non-empty list of patterns")
            compiled = []
            for pattern in patterns:
                try:
                    compiled.append(re.compile(str(pattern).replace("WEAPON", weapon)))
                except re.error as error:
                    raise EmergencyLanguageError(f"{path}: {where}: bad pattern {pattern!r}: {error}") from error
            return tuple(compiled)

        groups = []
        for index, group in enumerate(spec["groups"]):
            if not isinstance(group, dict) or not group.get("name"):
                raise EmergencyLanguageError(f"{path}: group {index + 1} needs a name")
            name = str(group["name"])
            groups.append(
                PatternGroup(
                    name=name,
                    past_can_clear=bool(group.get("past_can_clear", False)),
                    patterns=compile_all(f"group {name!r}", group.get("patterns")),
                )
            )
        spellings = spec.get("spellings") or {}
        if not isinstance(spellings, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip() for k, v in spellings.items()
        ):
            raise EmergencyLanguageError(f"{path}: spellings: give a mapping of a word as typed to its usual spelling")
        return cls(
            groups,
            list(compile_all("past_cues", spec.get("past_cues"))),
            list(compile_all("present_cues", spec.get("present_cues"))),
            {k.casefold().strip(): v.casefold().strip() for k, v in spellings.items()},
        )

    @staticmethod
    def normalise(text: str) -> str:
        return " ".join(text.translate(_QUOTES).casefold().split())

    def forms(self, normalised: str) -> list[str]:
        """The message as typed, then with fast typing undone: letters held down ("pleeeease") kept
        to two, words typed short or phonetically ("sum1", "tonite", "hidin") in their usual
        spelling; then doubled letters as one too (romanised "jhaap", "shaash" → "jhap", "shash")."""
        held = _LETTER_RUN.sub(r"\1\1", normalised)
        spelled = _WORD.sub(lambda word: self.spellings.get(word.group(0), word.group(0)), held)
        single = _WORD.sub(lambda word: self._single(word.group(0)), spelled)
        return list(dict.fromkeys((normalised, spelled, single)))

    def _single(self, word: str) -> str:
        single = _DOUBLE.sub(r"\1", word)
        return self.spellings.get(single, single)

    def says_now(self, *forms: str) -> bool:
        """Something in the (normalised) text says it is happening now."""
        return any(cue.search(form) for cue in self.present_cues for form in forms)

    def only_past(self, *forms: str) -> bool:
        """The (normalised) text talks of the past, and nothing in it says it is happening now."""
        return any(cue.search(form) for cue in self.past_cues for form in forms) and not self.says_now(*forms)

    def find(self, text: str) -> DangerMatch | None:
        """The first danger-to-life phrase in ``text`` as typed, or else with fast typing undone; or None."""
        if not isinstance(text, str) or not text.strip():
            return None
        forms = self.forms(self.normalise(text))
        # Past and present are read from every form: "been" is no past cue once spelled "ben".
        only_past = self.only_past(*forms)
        for form in forms:
            found = self._find(form, only_past)
            if found is not None:
                return found
        return None

    def _find(self, normalised: str, only_past: bool) -> DangerMatch | None:
        for group in self.groups:
            if only_past and group.past_can_clear:
                continue
            for pattern in group.patterns:
                found = pattern.search(normalised)
                if found:
                    return DangerMatch(group=group.name, text=found.group(0).strip())
        return None


@lru_cache(maxsize=4)
def load(path: str = str(LANGUAGE_FILE)) -> EmergencyLanguage:
    return EmergencyLanguage.from_file(Path(path))
