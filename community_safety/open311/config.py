"""The staff-edited Open311 file (data/open311.yml): the casework system's statuses to ours, and what a
resident is told of a change that comes without notes. Each report category's service code is with
the category, in the needs file (data/signposting.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from community_safety.config_file import read_mapping
from community_safety.records.statuses import REPORT_STATUSES
from community_safety.settings import settings
from community_safety.signposting import default_signposting

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
        if "service_codes" in spec:
            raise Open311ConfigError(
                f"{path}: service_codes: each report category's code is now its open311_service_code, "
                f"with the category in the needs file (data/signposting.yml); remove them here"
            )
        codes = {value: category.open311_service_code for value, category in default_signposting().categories.items()}
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
            codes,
            {str(k): str(v) for k, v in statuses.items()},
            {str(k): " ".join(str(v).split()) for k, v in updates.items()},
        )


@lru_cache(maxsize=2)
def _config(path: str) -> Open311Config:
    return Open311Config.from_file(Path(path))


def default_config() -> Open311Config:
    return _config(str(settings().open311_file))
