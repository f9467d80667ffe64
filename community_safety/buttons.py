"""The words the bot's own buttons send (their payloads: "no", "not sure", "link"), from the
staff-edited files. Never a resident's own words, so what they mean can be worked out once and
remembered (nlu/components/sentence_embeddings.py); payloads starting "/" name an intent and are
not read by the NLU at all."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from community_safety.reporting import FILES_DONE
from community_safety.settings import STAFF_EDITABLE


def _payloads(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "buttons" and isinstance(value, list):
                for button in value:
                    if isinstance(button, list) and len(button) == 2:
                        found.add(str(button[1]))
                    elif isinstance(button, dict) and "payload" in button:
                        found.add(str(button["payload"]))
            else:
                found |= _payloads(value)
    elif isinstance(node, list):
        for item in node:
            found |= _payloads(item)
    return found


@lru_cache(maxsize=1)
def button_payloads() -> frozenset[str]:
    found = {FILES_DONE}  # "That's all", made in code beside the evidence question
    for path in sorted(STAFF_EDITABLE.glob("*.yml")):
        try:
            found |= _payloads(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError):
            continue  # the file's own loader says what is wrong with it
    return frozenset(payload for payload in found if payload and not payload.startswith("/"))
