"""What a training example is marked with in nlu/data: ``metadata`` on the example or its block.

- ``language``: the language of examples that are not English (nlu/data/bengali/);
- ``also``: a second need the example carries beside its intent (nlu/data/two_needs.yml).

Rasa's YAML writer gives a whole intent the first example's block metadata, so anything that
writes examples out again (the cross-validation folds) first puts the marks on each example.
"""

from __future__ import annotations

from rasa.shared.nlu.constants import METADATA, METADATA_EXAMPLE, METADATA_INTENT
from rasa.shared.nlu.training_data.message import Message

MARKS = ("language", "also")


def mark(message: Message, name: str) -> str | None:
    """The example's mark ``name``: on the example itself, or on its block."""
    metadata = message.get(METADATA) or {}
    if not isinstance(metadata, dict):
        return None
    for level in (METADATA_EXAMPLE, METADATA_INTENT):
        marked = metadata.get(level)
        if isinstance(marked, dict) and isinstance(marked.get(name), str) and marked[name]:
            return marked[name]
    return None


def marked_on_the_example(message: Message) -> Message:
    """The example with its marks on itself rather than its block."""
    marks = {name: value for name in MARKS if (value := mark(message, name))}
    if marks:
        message.set(METADATA, {METADATA_EXAMPLE: marks})
    return message
