"""The staff-edited Open311 file (data/open311.yml): our categories to the casework system's service
codes, its statuses to ours, and what a resident is told of a change that comes without notes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from community_safety.config_file import read_mapping
from community_safety.records.models import CATEGORIES
from community_safety.records.statuses import REPORT_STATUSES
from community_safety.settings import settings

# Open311 GeoReport v2 has two statuses.
REMOTE_STATUSES = ("open", "closed")


class Open311ConfigError(ValueError):
    """The Open311 file is missing something or names what doesn't exist; the message says which."""


@dataclass(frozen=True)
class Open311Config:
    service_codes: dict[str, str]  # our category -> their service code
    statuses: dict[str, str]  # their status -> ours
    updates: dict[str, str]  # their status -> what the resident is told when it comes without notes

    @classmethod
    def from_file(cls, path: Path | None = None) -> Open311Config:
        path = path or settings().open311_file
        spec = read_mapping(path, Open311ConfigError)
        codes = spec.get("service_codes") or {}
        missing = [category for category in CATEGORIES if not str(codes.get(category) or "").strip()]
        if missing:
            raise Open311ConfigError(f"{path}: service_codes needs a code for {', '.join(missing)}")
        unknown = sorted(set(codes) - set(CATEGORIES))
        if unknown:
            raise Open311ConfigError(
                f"{path}: service_codes: {', '.join(unknown)} is not one of our categories ({', '.join(CATEGORIES)})"
            )
        statuses, updates = spec.get("statuses") or {}, spec.get("updates") or {}
        for name, mapping in (("statuses", statuses), ("updates", updates)):
            absent = [status for status in REMOTE_STATUSES if not str(mapping.get(status) or "").strip()]
            if absent:
                raise Open311ConfigError(f"{path}: {name} needs an entry for {', '.join(absent)}")
        wrong = {theirs: ours for theirs, ours in statuses.items() if ours not in REPORT_STATUSES}
        if wrong:
            raise Open311ConfigError(
                f"{path}: statuses: {', '.join(map(str, wrong.values()))} "
                f"is not one of ours ({', '.join(REPORT_STATUSES)})"
            )
        return cls(
            {category: str(code).strip() for category, code in codes.items()},
            {str(k): str(v) for k, v in statuses.items()},
            {str(k): " ".join(str(v).split()) for k, v in updates.items()},
        )


@lru_cache(maxsize=2)
def _config(path: str) -> Open311Config:
    return Open311Config.from_file(Path(path))


def default_config() -> Open311Config:
    return _config(str(settings().open311_file))
