"""Which ward a report is in, from the place names in ``data/wards.yml``."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

WARDS_FILE = Path(__file__).resolve().parent / "data" / "wards.yml"


@lru_cache(maxsize=1)
def _patterns(path: str = str(WARDS_FILE)) -> list[tuple[str, re.Pattern]]:
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    places = [(len(place), place, ward) for ward, names in spec["wards"].items() for place in names]
    # Longest names first: "Stepney Green Park" before "Stepney".
    return [(ward, re.compile(rf"\b{re.escape(place)}\b", re.IGNORECASE))
            for _, place, ward in sorted(places, reverse=True)]


def ward_names() -> list[str]:
    return sorted({ward for ward, _ in _patterns()})


def ward_for(location: str | None) -> str | None:
    if not location:
        return None
    return next((ward for ward, pattern in _patterns() if pattern.search(location)), None)
