"""Which ward a report is in, from the place names in ``data/wards.yml``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from community_safety.config_file import read_mapping

WARDS_FILE = Path(__file__).resolve().parent / "data" / "wards.yml"


class WardsError(ValueError):
    """The wards file is missing or malformed."""


@lru_cache(maxsize=1)
def _patterns(path: str = str(WARDS_FILE)) -> list[tuple[str, re.Pattern]]:
    wards = read_mapping(path, WardsError).get("wards")
    if not isinstance(wards, dict):
        raise WardsError(f"{path}: needs a 'wards:' mapping of ward names to place names")
    places = [(len(place), place, ward) for ward, names in wards.items() for place in names]
    # Longest names first: "Stepney Green Park" before "Stepney".
    return [
        (ward, re.compile(rf"\b{re.escape(place)}\b", re.IGNORECASE)) for _, place, ward in sorted(places, reverse=True)
    ]


def ward_names() -> list[str]:
    return sorted({ward for ward, _ in _patterns()})


def ward_for(location: str | None) -> str | None:
    if not location:
        return None
    return next((ward for ward, pattern in _patterns() if pattern.search(location)), None)
