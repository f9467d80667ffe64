"""The needs are declared once, in ``data/signposting.yml``; Rasa's own files must list them too.

Rasa reads its intents, rules and menu buttons from ``domain.yml`` and ``dialogue/rules.yml``,
so those files keep blocks made from the needs file, between marker comments:

    # needs (intents): made from community_safety/data/signposting.yml by `make needs`
    ...
    # end of needs (intents)

``python -m community_safety.needs`` rewrites the blocks, and the docs made from the data files
(docs/generated/: every setting, the translations awaiting review): ``make needs``, which ``make
run``, ``make train`` and ``make test`` run first; ``--check`` only says whether they are current.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from community_safety.settings import SETTINGS_DOC, settings_doc
from community_safety.signposting import Signposting, default_signposting
from community_safety.translations import (
    AWAITING_REVIEW_DOC,
    awaiting_review_doc,
    bengali_variant,
    default_translations,
    render_variant,
)

PROJECT = Path(__file__).resolve().parent.parent
DOMAIN_FILE = PROJECT / "domain.yml"
RULES_FILE = PROJECT / "dialogue" / "rules.yml"
# Danger to life has rules of its own (999 first, even mid-form); every other need starts signposting.
EMERGENCY = "emergency"
# "# needs (bengali utter_greet): made from community_safety/data/bengali.yml ...": that response in Bengali.
BENGALI_BLOCK = "bengali "
_BLOCK = re.compile(
    r"(?P<opening>^(?P<indent>[ ]*)# needs \((?P<kind>[a-z_ ]+)\): made from [^\n]*\n)"
    r"(?P<body>.*?)"
    r"(?P<closing>^[ ]*# end of needs \((?P=kind)\)[ ]*$)",
    re.MULTILINE | re.DOTALL,
)


class NeedsBlockError(ValueError):
    """A Rasa file lacks a needs block, or names one this module cannot make."""


@dataclass(frozen=True)
class Stale:
    path: Path
    kinds: tuple[str, ...]


def _lines(indent: str, items: list[str]) -> str:
    return "".join(f"{indent}- {item}\n" for item in items)


def _menu(signposting: Signposting, name: str) -> Callable[[str], str]:
    def render(indent: str) -> str:
        entries = signposting.menu(name)
        return _lines(
            indent, [f"{{title: {json.dumps(label)}, payload: {json.dumps('/' + need)}}}" for label, need in entries]
        )

    return render


def block_makers(signposting: Signposting) -> dict[str, Callable[[str], str]]:
    """Each kind of block, and how its lines are made at a given indent."""
    return {
        "intents": lambda indent: _lines(indent, list(signposting.needs)),
        "signposting rule": lambda indent: _lines(
            indent, [f"intent: {need}" for need in signposting.needs if need != EMERGENCY]
        ),
        "main menu": _menu(signposting, "main"),
        "more menu": _menu(signposting, "more"),
    }


def refreshed(text: str, signposting: Signposting, where: str) -> tuple[str, list[str]]:
    """The file's text with its needs blocks made anew, and the kinds of block that changed."""
    makers = block_makers(signposting)
    changed: list[str] = []

    def remake(match: re.Match) -> str:
        kind, indent = match["kind"], match["indent"]
        if kind.startswith(BENGALI_BLOCK):
            return match.group(0)  # made below, from the English these blocks have just been given
        if kind not in makers:
            raise NeedsBlockError(f"{where}: no needs block called '{kind}' (known: {', '.join(makers)})")
        body = makers[kind](indent)
        if body != match["body"]:
            changed.append(kind)
        return match["opening"] + body + match["closing"]

    new_text, count = _BLOCK.subn(remake, text)
    if count == 0:
        raise NeedsBlockError(f"{where}: has no needs block; see the README, 'Adding a need'")
    if any(match["kind"].startswith(BENGALI_BLOCK) for match in _BLOCK.finditer(new_text)):
        new_text = _bengali_blocks(new_text, where, changed)
    return new_text, changed


def _bengali_blocks(text: str, where: str, changed: list[str]) -> str:
    """A domain response's Bengali variation, made from its English one and the translations file."""
    responses = (yaml.safe_load(text) or {}).get("responses") or {}
    translations = default_translations()

    def remake(match: re.Match) -> str:
        kind, indent = match["kind"], match["indent"]
        if not kind.startswith(BENGALI_BLOCK):
            return match.group(0)
        name = kind.removeprefix(BENGALI_BLOCK)
        english = [v for v in responses.get(name) or [] if isinstance(v, dict) and "condition" not in v]
        if not english:
            raise NeedsBlockError(f"{where}: '{kind}' block, but {name} has no English variation")
        body = render_variant(bengali_variant(name, english[0], translations), indent)
        if body != match["body"]:
            changed.append(kind)
        return match["opening"] + body + match["closing"]

    return _BLOCK.sub(remake, text)


def sync(write: bool, signposting: Signposting | None = None, files: tuple[Path, ...] = ()) -> list[Stale]:
    """Brings (or, without ``write``, checks) every needs block up to date; returns what was stale."""
    signposting = signposting or default_signposting()
    stale = []
    for path in files or (DOMAIN_FILE, RULES_FILE):
        text = path.read_text(encoding="utf-8")
        new_text, changed = refreshed(text, signposting, str(path))
        if changed:
            stale.append(Stale(path, tuple(changed)))
            if write:
                path.write_text(new_text, encoding="utf-8")
    return stale


def generated_docs(signposting: Signposting | None = None) -> dict[Path, str]:
    """The docs made from the data files, each whole: the settings table, what awaits translation."""
    signposting = signposting or default_signposting()
    awaiting = [need.title for need in signposting.needs.values() if need.awaiting_translation]
    return {SETTINGS_DOC: settings_doc(), AWAITING_REVIEW_DOC: awaiting_review_doc(awaiting)}


def sync_docs(write: bool, signposting: Signposting | None = None) -> list[Path]:
    """Writes (or, without ``write``, checks) the generated docs; returns those that were stale."""
    stale = []
    for path, text in generated_docs(signposting).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if write:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the blocks are current")
    args = parser.parse_args(argv)
    stale = sync(write=not args.check)
    verb = "out of date" if args.check else "updated"
    for item in stale:
        print(f"{item.path.relative_to(PROJECT)}: needs blocks {verb}: {', '.join(item.kinds)}")
    docs = sync_docs(write=not args.check)
    for path in docs:
        print(f"{path.relative_to(PROJECT)}: {verb}")
    if args.check and (stale or docs):
        print("Run `make needs` to make them from community_safety/data/signposting.yml.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
