"""What the bot says, in Bengali: one staff-edited file, keyed by the English words.

``community_safety/data/bengali.yml`` (BENGALI_FILE setting) holds a list of entries, each the
English text exactly as the bot says it (in domain.yml or a data file), its Bengali, and whether
a Bengali-speaking officer has reviewed it. Keyed by the English, as gettext is: when the
English changes, its old Bengali stops matching, the bot says the new English until someone
translates it, and a test names what is missing. ``python -m community_safety.translations``
lists what awaits review; `make needs` writes the list to docs/generated/translations-awaiting-review.md
(a test checks it is current).

Domain responses (which must work even when the action server is down, like the 999 reply)
get their Bengali variants as blocks in domain.yml, made by ``make needs`` from this file
(community_safety/needs.py); the actions translate at the moment they speak.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from community_safety.config_file import read_mapping
from community_safety.languages import BENGALI, ENGLISH
from community_safety.settings import settings

LANGUAGE_SLOT = "language"
CHOOSE_LANGUAGE = "/choose_language"
# The 999 reply is said in Bengali and then in English: whoever is with the resident may read either.
BOTH_LANGUAGES = ("utter_emergency",)


class TranslationsError(ValueError):
    """The translations file is missing or malformed."""


def _key(text: str) -> str:
    return " ".join(str(text).split())


def _lines(text: str) -> str:
    """Spaces tidied, line breaks kept: a Bengali message with lines (write it with "\\n" or a
    YAML block) keeps them, as its English does."""
    return "\n".join(_key(line) for line in str(text).strip().split("\n"))


@dataclass(frozen=True)
class Entry:
    english: str
    bengali: str
    reviewed: bool


@dataclass(frozen=True)
class Translations:
    entries: dict[str, Entry]

    @classmethod
    def from_file(cls, path: Path | None = None) -> Translations:
        path = path or settings().bengali_file
        spec = read_mapping(path, TranslationsError)
        entries: dict[str, Entry] = {}
        for index, item in enumerate(spec.get("entries") or []):
            if not isinstance(item, dict) or not item.get("en") or not item.get("bn"):
                raise TranslationsError(f"{path}: entry {index + 1} needs 'en' and 'bn'")
            entry = Entry(_key(item["en"]), _lines(item["bn"]), bool(item.get("reviewed", False)))
            if entry.english in entries:
                raise TranslationsError(f"{path}: entry {index + 1} translates {entry.english[:40]!r} again")
            entries[entry.english] = entry
        return cls(entries)

    def bengali(self, english: str) -> str | None:
        entry = self.entries.get(_key(english))
        return entry.bengali if entry else None

    def say(self, english: str, language: str | None) -> str:
        """The words in the resident's language: Bengali when asked for and translated, else English."""
        if language == BENGALI:
            return self.bengali(english) or english
        return english

    def in_both(self, english: str) -> str:
        """Bengali, then English, as two paragraphs (Rasa and the channels send each as a message of
        its own); English alone while it has no Bengali."""
        bengali = self.bengali(english)
        return f"{bengali}\n\n{english}" if bengali else english

    def unreviewed(self) -> list[Entry]:
        return [entry for entry in self.entries.values() if not entry.reviewed]


@lru_cache(maxsize=4)
def _translations(path: str) -> Translations:
    return Translations.from_file(Path(path))


def default_translations() -> Translations:
    return _translations(str(settings().bengali_file))


def language_button(language: str) -> dict[str, str]:
    """The "বাংলা / English" choice: the button to the other language."""
    other = ENGLISH if language == BENGALI else BENGALI
    title = "English" if other == ENGLISH else "বাংলা"
    return {"title": title, "payload": f'{CHOOSE_LANGUAGE}{{"language": "{other}"}}'}


def bengali_variant(name: str, english: dict[str, Any], translations: Translations) -> dict[str, Any]:
    """A domain response's Bengali variation, for the language slot; missing words stay English."""
    text = _key(english.get("text", ""))
    variant: dict[str, Any] = {
        "condition": [{"type": "slot", "name": LANGUAGE_SLOT, "value": BENGALI}],
        "text": translations.in_both(text) if name in BOTH_LANGUAGES else translations.say(text, BENGALI),
    }
    buttons = []
    for button in english.get("buttons") or []:
        if str(button.get("payload", "")).startswith(CHOOSE_LANGUAGE):
            buttons.append(language_button(BENGALI))
        else:
            buttons.append({"title": translations.say(button["title"], BENGALI), "payload": button["payload"]})
    if buttons:
        variant["buttons"] = buttons
    return variant


def render_variant(variant: dict[str, Any], indent: str) -> str:
    """As YAML lines in domain.yml's style (flow-style buttons)."""
    lines = [f"{indent}- condition: {json.dumps(variant['condition'], ensure_ascii=False)}"]
    lines.append(f"{indent}  text: {json.dumps(variant['text'], ensure_ascii=False)}")
    if variant.get("buttons"):
        lines.append(f"{indent}  buttons:")
        for button in variant["buttons"]:
            title, payload = json.dumps(button["title"], ensure_ascii=False), json.dumps(button["payload"])
            lines.append(f"{indent}    - {{title: {title}, payload: {payload}}}")
    return "".join(f"{line}\n" for line in lines)


AWAITING_REVIEW = "Awaiting review by a Bengali-speaking officer"


def awaiting_review(translations: Translations | None = None) -> str:
    """The list of the translations no officer has reviewed yet."""
    translations = translations or default_translations()
    waiting = translations.unreviewed()
    lines = [f"{AWAITING_REVIEW} ({len(waiting)} of {len(translations.entries)}):"]
    lines += [f"- {entry.english if len(entry.english) <= 90 else entry.english[:87] + '...'}" for entry in waiting]
    return "\n".join(lines)


AWAITING_REVIEW_DOC = Path(__file__).resolve().parent.parent / "docs" / "generated" / "translations-awaiting-review.md"


def awaiting_review_doc(needs_awaiting_translation: list[str] = ()) -> str:
    """docs/generated/translations-awaiting-review.md, whole (`make needs` writes it)."""
    needs = "".join(f"- {title}\n" for title in needs_awaiting_translation) or "None.\n"
    return (
        "# Bengali translations awaiting review\n\n"
        "Made by `make needs` from `community_safety/data/bengali.yml` and the needs file (a test checks "
        "this file is current). An officer marks an entry `reviewed: true` in `bengali.yml` once they "
        "have checked it.\n\n"
        "Needs whose words await translation (marked `bengali: awaiting translation` in "
        "`community_safety/data/signposting.yml`; the Bengali menus show their English words meanwhile):\n\n"
        + needs
        + "\n"
        + awaiting_review()
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The Bengali translations file.")
    parser.parse_args(argv)
    print(awaiting_review())  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
