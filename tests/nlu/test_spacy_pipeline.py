"""The project's spaCy pipeline: built from rules, loaded by path, finds the borough's entities."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy

from nlu.spacy_pipeline.build import build


@pytest.fixture(scope="module")
def nlp():
    """The pipeline `make spacy` built, which the Rasa model loads."""
    path = Path(os.environ["SPACY_PIPELINE_PATH"])
    assert path.is_absolute()
    assert (path / "meta.json").exists(), f"run `make spacy` first ({path})"
    return spacy.load(path)


def entities(nlp, text: str) -> set[tuple[str, str]]:
    return {(ent.label_, ent.ent_id_ or ent.text.lower()) for ent in nlp(text).ents}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("it happened at E1 6AN", ("postcode", "e1 6an")),
        ("postcode e14 2bg", ("postcode", "e14 2bg")),
        ("my postcode is E16AN", ("postcode", "e16an")),
        ("they hang about in E14", ("postcode", "e14")),
        ("outside the chicken shop on Brick Lane", ("place", "brick lane")),
        ("on the OCEAN ESTATE", ("place", "ocean estate")),
        ("by mile end park", ("place", "mile end park")),
        ("near Whitechapel station", ("place", "whitechapel station")),
        ("it was last night", ("time", "last night")),
        ("Every evening they come", ("time", "every evening")),
        ("woke me at 3am", ("time", "3am")),
        ("about 11 pm", ("time", "11 pm")),
        ("it's been going on since March", ("time", "since march")),
        ("two days ago", ("time", "two days ago")),
        ("my 7 year old is scared", ("at_risk", "child")),
        ("a 15-year-old boy", ("at_risk", "teenager")),
        ("the kids next door", ("at_risk", "child")),
        ("a TEENAGER on his own", ("at_risk", "teenager")),
        ("my elderly neighbour", ("at_risk", "elderly")),
        ("my nan lives alone", ("at_risk", "elderly")),
        ("he is disabled", ("at_risk", "disabled")),
        ("a man in a wheelchair", ("at_risk", "disabled")),
        # Ages said of someone, as residents write them.
        ("im 15 and my mum drinks", ("at_risk", "teenager")),
        ("I'm 16 and doing everything", ("at_risk", "teenager")),
        ("he's only 13, and", ("at_risk", "teenager")),
        ("My niece is 9 and she hides", ("at_risk", "child")),
        ("she's got my nephew who's only 2", ("at_risk", "child")),
        ("my daughter who is 15 and", ("at_risk", "teenager")),
        ("the boys, they're about six, come round", ("at_risk", "child")),
        ("aged 12", ("at_risk", "child")),
    ],
)
def test_entities(nlp, text, expected):
    assert expected in entities(nlp, text)


@pytest.mark.parametrize(
    "text", ["Im 19 and I walked out", "the bus is 9 minutes late", "flat 12 again", "he's 5 minutes away", "at 7 am"]
)
def test_a_number_that_is_no_childs_age_names_no_child(nlp, text):
    from nlu.components.borough_entities import BoroughEntityExtractor

    found = BoroughEntityExtractor._extract_entities(nlp(text))
    assert [e for e in found if e["entity"] == "at_risk"] == []


@pytest.mark.parametrize("text", ["take the A1 north", "the M25 was busy", "my bike was stolen"])
def test_no_false_postcodes(nlp, text):
    assert not [e for e in nlp(text).ents if e.label_ == "postcode"]


def test_lemmas_come_from_the_lookup_tables(nlp):
    assert [t.lemma_ for t in nlp("they were threatening kids")][1:3] == ["be", "threaten"]


def test_build_writes_a_loadable_pipeline_with_the_patterns_hash(tmp_path):
    out = build(tmp_path / "pipeline")
    loaded = spacy.load(out)
    assert loaded.pipe_names == ["lemmatizer", "entity_ruler"]
    assert len(loaded.meta["patterns_sha256"]) == 64
    assert ("place", "roman road") in entities(loaded, "down roman road")
