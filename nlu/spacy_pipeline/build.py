"""Build the spaCy pipeline that Rasa's SpacyNLP loads by path.

    python -m nlu.spacy_pipeline.build OUTPUT_DIR

Blank English + lookup lemmatizer (tables from spacy-lookups-data, installed, never
downloaded) + an entity ruler with these case-insensitive entities:

- ``postcode``: UK postcodes ("E1 6AN", "e16an") and the borough's districts ("E14").
- ``place``: street, estate, area and landmark names from ``community_safety/data/places.yml``
  (the one list of places, which the staff site also uses for wards).
- ``time``: when something happened ("last night", "every evening", "3am", "since March").
- ``at_risk``: who may be at risk, normalised to child / teenager / elderly / disabled
  (from ``at_risk.yml`` plus ages: "7 year old", "I'm 15", "he's only 13", "my niece is 9",
  "my nephew who's only 2").
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import spacy
import yaml

from community_safety.places import Places, load_places
from community_safety.settings import settings

HERE = Path(__file__).resolve().parent
PIPELINE_NAME = "en_community_safety"

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
]
DAYS = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
]
PARTS_OF_DAY = ["morning", "afternoon", "evening", "night", "weekend", "day", "week", "month", "year"]
PARTS_OF_DAY_PLURAL = ["mornings", "afternoons", "evenings", "nights", "weekends", "days", "weeks", "months"]
DAYS_PLURAL = [d + "s" for d in DAYS[:7]]
CLOCK_TIME = r"^\d{1,2}([:.]\d{2})?(am|pm)$"  # "3am", "11.30pm"
CLOCK_DIGITS = r"^\d{1,2}[:.]\d{2}$"  # "23:15"
DATE_DIGITS = r"^\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?$"  # "12/03", "12/03/2026"
ORDINAL_DAY = r"^\d{1,2}(st|nd|rd|th)?$"
# Numbers in words, as residents write an age ("about six") or a count ("two days ago").
NUMBERS_IN_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
]
NUMBER_WORDS = ["a", "an", *NUMBERS_IN_WORDS[1:11], "few", "couple"]
# Full postcode as one token ("E16AN") or split in two ("E1 6AN"); districts only for the
# borough's own E postcodes, so that "A1" or "M25" are not taken for a place.
POSTCODE_WHOLE = r"^[a-z]{1,2}\d[a-z\d]?\d[a-z]{2}$"
POSTCODE_OUTWARD = r"^[a-z]{1,2}\d[a-z\d]?$"
POSTCODE_INWARD = r"^\d[a-z]{2}$"
BOROUGH_DISTRICT = r"^e(1w?|2|3|14|16|20)$"
AGE_CHILD = range(0, 13)
AGE_TEENAGER = range(13, 18)
# Who an age is said of: "I'm 15", "he's 14", "she is only 13", "my niece is 9", "aged 12". Only
# these, so that "the bus is 9 minutes late" or "flat 12" are not taken for a child.
AGE_SUBJECTS = [
    ["i", "'m"],
    ["i", "m"],
    ["i", "am"],
    ["he", "'s"],
    ["he", "s"],
    ["he", "is"],
    ["she", "'s"],
    ["she", "s"],
    ["she", "is"],
    ["they", "'re"],
    ["they", "re"],
    ["they", "are"],
    ["aged"],
]
RELATIVES = [
    "son",
    "daughter",
    "boy",
    "girl",
    "niece",
    "nephew",
    "brother",
    "sister",
    "grandson",
    "granddaughter",
    "child",
    "kid",
    "lad",
    "stepson",
    "stepdaughter",
    "cousin",
    "baby",
    "twins",
]
AGE_HEDGES = ["only", "just", "about", "maybe", "around", "barely", "nearly", "like"]


def _lower_in(words: list[str]) -> dict:
    return {"LOWER": {"IN": words}}


def _regex(pattern: str) -> dict:
    return {"LOWER": {"REGEX": pattern}}


def postcode_patterns() -> list[dict]:
    return [
        {"label": "postcode", "pattern": [_regex(POSTCODE_OUTWARD), _regex(POSTCODE_INWARD)]},
        {"label": "postcode", "pattern": [_regex(POSTCODE_WHOLE)]},
        {"label": "postcode", "pattern": [_regex(BOROUGH_DISTRICT)]},
    ]


def place_patterns(places: Places) -> list[dict]:
    return [{"label": "place", "pattern": name} for name in places.names()]


def time_patterns() -> list[dict]:
    patterns = [
        [_lower_in(["yesterday", "today", "tonight", "overnight", "midnight", "midday", "weekends", "nightly"])],
        [
            _lower_in(["last", "this", "every", "each", "most", "all", "yesterday"]),
            _lower_in(PARTS_OF_DAY + PARTS_OF_DAY_PLURAL + DAYS),
        ],
        [_lower_in(["on", "every", "last", "this", "since", "most"]), _lower_in(DAYS + DAYS_PLURAL)],
        [_lower_in(DAYS + DAYS_PLURAL), _lower_in(PARTS_OF_DAY + ["nights", "evenings", "mornings"])],
        [_lower_in(["in", "since", "from", "last", "this"]), _lower_in(MONTHS)],
        [
            _lower_in(["at", "around", "about", "after", "before", "till", "until"]),
            _lower_in(["night", "midnight", "weekends", "the"]),
            {"LOWER": "weekend", "OP": "?"},
        ],
        [_regex(CLOCK_TIME)],
        [_regex(ORDINAL_DAY), _lower_in(["am", "pm", "a.m.", "p.m.", "o'clock", "oclock"])],
        [_regex(CLOCK_DIGITS)],
        [_regex(DATE_DIGITS)],
        [_regex(ORDINAL_DAY), {"LOWER": "of", "OP": "?"}, _lower_in(MONTHS)],
        [_lower_in(MONTHS), _regex(ORDINAL_DAY)],
        [
            _lower_in(NUMBER_WORDS + [str(n) for n in range(1, 32)]),
            _lower_in(
                [
                    "minutes",
                    "hours",
                    "days",
                    "weeks",
                    "months",
                    "years",
                    "day",
                    "week",
                    "month",
                    "year",
                    "hour",
                    "minute",
                ]
            ),
            {"LOWER": "ago"},
        ],
        [_lower_in(["a", "an"]), _lower_in(["hour", "minute", "while", "week", "month"]), {"LOWER": "ago"}],
        [_lower_in(["right", "just"]), {"LOWER": "now"}],
        [
            {"LOWER": "for"},
            _lower_in(NUMBER_WORDS + [str(n) for n in range(1, 32)]),
            _lower_in(["days", "weeks", "months", "years", "nights"]),
        ],
        [_lower_in(["every", "each"]), {"LOWER": "single", "OP": "?"}, _lower_in(PARTS_OF_DAY)],
        [{"LOWER": "in"}, {"LOWER": "the"}, _lower_in(["morning", "afternoon", "evening", "night"])],
        [{"LOWER": "the"}, {"LOWER": "other"}, _lower_in(["day", "night", "week"])],
        [{"LOWER": "day"}, {"LOWER": "before"}, {"LOWER": "yesterday"}],
    ]
    return [{"label": "time", "pattern": pattern} for pattern in patterns]


def at_risk_patterns(at_risk_file: Path) -> list[dict]:
    groups = yaml.safe_load(at_risk_file.read_text(encoding="utf-8"))
    patterns = [
        {"label": "at_risk", "pattern": phrase, "id": value} for value, phrases in groups.items() for phrase in phrases
    ]
    for ages, value in ((AGE_CHILD, "child"), (AGE_TEENAGER, "teenager")):
        for age in ages:
            for unit in ("year", "years", "yr", "yrs"):
                # "7 year old" and "7-year-old" tokenise differently; match both.
                patterns.append({"label": "at_risk", "id": value, "pattern": f"{age} {unit} old"})
                patterns.append({"label": "at_risk", "id": value, "pattern": f"{age}-{unit}-old"})
            said = [str(age), NUMBERS_IN_WORDS[age]]
            for subject in AGE_SUBJECTS:
                tokens = [{"LOWER": word} for word in subject]
                patterns.append({"label": "at_risk", "id": value, "pattern": [*tokens, *_age(said)]})
            # "my niece is 9", and "my nephew who's only 2".
            relative = [_lower_in(RELATIVES), {"LOWER": "who", "OP": "?"}, _lower_in(["is", "'s", "are"])]
            patterns.append({"label": "at_risk", "id": value, "pattern": [*relative, *_age(said)]})
    return patterns


def _age(said: list[str]) -> list[dict]:
    """An age as said after who it is of: "15", "only 13", "about six" (the entity extractor drops
    one followed by a unit: "he's 5 minutes away")."""
    return [{**_lower_in(AGE_HEDGES), "OP": "?"}, _lower_in(said)]


def all_patterns() -> list[dict]:
    return (
        postcode_patterns()
        + time_patterns()
        + place_patterns(load_places(settings().places_file))
        + at_risk_patterns(HERE / "at_risk.yml")
    )


def build(output_dir: Path) -> Path:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe(
        "entity_ruler",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
    )
    patterns = all_patterns()
    nlp.initialize()  # loads the lemma tables from spacy-lookups-data
    ruler.add_patterns(patterns)
    digest = hashlib.sha256(json.dumps(patterns, sort_keys=True).encode()).hexdigest()
    nlp.meta.update(
        {
            "name": PIPELINE_NAME.removeprefix("en_"),
            "version": "1.0.0",
            "description": "Blank English, lookup lemmas and the borough's rule-based entities.",
            "patterns_sha256": digest,
        }
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_dir)
    return output_dir


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    out = build(Path(argv[1]).resolve())
    print(f"spaCy pipeline written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
