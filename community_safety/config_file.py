"""Reading the staff-editable YAML files: one place that turns a missing or malformed file into
the file's own error, naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_mapping(path: Path | str, error: type[Exception]) -> dict[str, Any]:
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as problem:
        raise error(f"cannot read {path}: {problem}") from problem
    if not isinstance(document, dict):
        raise error(f"{path}: expected a mapping of names to values")
    return document
