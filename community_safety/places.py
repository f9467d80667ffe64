"""The borough's places, from ``data/places.yml`` (PLACES_FILE): every name the chat recognises in
residents' messages (the spaCy pipeline's `place` entity), and which ward a report is in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from community_safety.config_file import read_mapping
from community_safety.settings import settings

PLACES_FILE = Path(__file__).resolve().parent / "data" / "places.yml"


class PlacesError(ValueError):
    """The places file is missing or malformed."""


@dataclass(frozen=True)
class Places:
    wards: dict[str, tuple[str, ...]]
    not_in_one_ward: tuple[str, ...]

    def names(self) -> list[str]:
        """Every place name, once, in order."""
        every = [name for names in self.wards.values() for name in names] + list(self.not_in_one_ward)
        return sorted(set(every))

    def ward_for(self, location: str | None) -> str | None:
        if not location:
            return None
        return next((ward for ward, pattern in self._patterns if pattern.search(location)), None)

    @cached_property
    def _patterns(self) -> list[tuple[str, re.Pattern]]:
        named = [(len(place), place, ward) for ward, names in self.wards.items() for place in names]
        # Longest names first: "Stepney Green Park" before "Stepney".
        return [
            (ward, re.compile(rf"\b{re.escape(place)}\b", re.IGNORECASE))
            for _, place, ward in sorted(named, reverse=True)
        ]


def load_places(path: Path | str = PLACES_FILE) -> Places:
    document = read_mapping(path, PlacesError)
    wards = document.get("wards")
    if not isinstance(wards, dict) or not wards:
        raise PlacesError(f"{path}: needs a 'wards:' mapping of ward names to place names")
    for ward, names in wards.items():
        if not isinstance(names, list) or not all(isinstance(name, str) and name.strip() for name in names):
            raise PlacesError(f"{path}: ward '{ward}' needs a list of place names")
    others = document.get("not_in_one_ward") or []
    if not isinstance(others, list) or not all(isinstance(name, str) and name.strip() for name in others):
        raise PlacesError(f"{path}: 'not_in_one_ward' needs a list of place names")
    return Places(
        {str(ward): tuple(name.strip() for name in names) for ward, names in wards.items()},
        tuple(name.strip() for name in others),
    )


@cache
def default_places() -> Places:
    return load_places(settings().places_file)


def ward_names() -> list[str]:
    return sorted(default_places().wards)


def ward_for(location: str | None) -> str | None:
    return default_places().ward_for(location)
