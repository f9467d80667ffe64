"""One list of places: the chat's `place` entity and the staff site's wards come from the same file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from community_safety.places import PlacesError, default_places, load_places, ward_for


def test_a_report_is_filed_under_the_ward_of_its_place():
    assert ward_for("outside 12 Brick Lane") == "Spitalfields & Banglatown"
    assert ward_for("by the gates of Stepney Green Park") == "Stepney Green"  # the longest name wins
    assert ward_for("Whitechapel station") == "Whitechapel"  # "Whitechapel" is in that ward's list
    assert ward_for("Aldgate") is None  # named across ward lines: recognised, never guessed
    assert ward_for("") is None and ward_for(None) is None


def test_the_chat_recognises_every_place_in_the_file():
    pipeline = Path(os.environ["SPACY_PIPELINE_PATH"])
    patterns = [json.loads(line) for line in (pipeline / "entity_ruler" / "patterns.jsonl").read_text().splitlines()]
    recognised = {p["pattern"] for p in patterns if p["label"] == "place"}
    assert recognised == set(default_places().names())


@pytest.mark.parametrize(
    "text,message",
    [
        ("wards: []\n", "wards"),
        ("wards:\n  Bow: Bow Road\n", "Bow"),
        ("wards:\n  Bow: [Bow Road]\nnot_in_one_ward: Aldgate\n", "not_in_one_ward"),
    ],
)
def test_places_file_mistakes_are_named(tmp_path, text, message):
    path = tmp_path / "places.yml"
    path.write_text(text)
    with pytest.raises(PlacesError, match=message):
        load_places(path)
