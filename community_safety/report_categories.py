"""What a report is filed as, declared in the needs file with the need that takes it: staff filter and
count reports by category, the council's casework system is sent its service code, the reference
starts with its prefix, and only some categories count toward the ASB case review.

In a need's entry (data/signposting.yml):

    report:
      when: incident            # or `offered`: when the report is started (see the file's header)
      category:                 # a category of its own, defined here once ...
        name: asb
        title: Anti-social behaviour
        reference_prefix: ASB
        open311_service_code: asb
        counts_toward_case_review: yes
        also_when: hate_motivated   # optional: a report answered yes to this is filed here, whatever its need
        skip_questions: [report_targeted]   # optional: the report's questions that don't fit it

or ``category: asb`` to file under a category another need defines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from community_safety.report_questions import SKIPPABLE

REPORT_KINDS = ("incident", "offered")
# What a report's answers may name in `also_when`: the yes/no answers about its impact.
ANSWERED_FIELDS = ("feels_targeted", "hate_motivated", "health_affected", "children_in_home")


class ReportCategoryError(ValueError):
    """A need's report entry is malformed; the message names the need and field."""


@dataclass(frozen=True)
class ReportCategory:
    value: str  # as stored on the report
    title: str  # as staff see it
    reference_prefix: str  # "ASB" in ASB-2026-00042
    open311_service_code: str
    counts_toward_case_review: bool = True
    also_when: str | None = None
    skip_questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportEntry:
    """A need's report: when it is started, and the category it is filed under."""

    when: str
    category: str


def parse_report(need: str, spec: Any) -> tuple[ReportEntry | None, ReportCategory | None]:
    """A need's `report:` entry: what it says, and the category it defines (if it defines one)."""
    where = f"signposting need '{need}', field 'report'"
    if spec is None:
        return None, None
    if not isinstance(spec, Mapping):
        raise ReportCategoryError(f"{where}: expected 'when' and 'category'")
    when = spec.get("when")
    if when not in REPORT_KINDS:
        raise ReportCategoryError(f"{where}, 'when': {when!r} is not one of {', '.join(REPORT_KINDS)}")
    category = spec.get("category")
    if isinstance(category, str) and category.strip():
        return ReportEntry(when, category.strip()), None
    if not isinstance(category, Mapping):
        raise ReportCategoryError(f"{where}, 'category': the name of a category, or one defined here")
    for key in ("name", "title", "reference_prefix", "open311_service_code"):
        if not str(category.get(key) or "").strip():
            raise ReportCategoryError(f"{where}, 'category': '{key}' is missing")
    name, prefix = str(category["name"]).strip(), str(category["reference_prefix"]).strip()
    if not re.fullmatch(r"[a-z][a-z_]*", name):
        raise ReportCategoryError(f"{where}, 'category': its name is stored, in lower case with underscores")
    if not re.fullmatch(r"[A-Z]{2,6}", prefix):
        raise ReportCategoryError(f"{where}, 'category': reference_prefix is 2 to 6 capital letters")
    also_when = category.get("also_when")
    if also_when is not None and also_when not in ANSWERED_FIELDS:
        raise ReportCategoryError(f"{where}, 'category': also_when is one of {', '.join(ANSWERED_FIELDS)}")
    counts = category.get("counts_toward_case_review", True)
    if not isinstance(counts, bool):
        raise ReportCategoryError(f"{where}, 'category': counts_toward_case_review: yes or no")
    skip = category.get("skip_questions") or []
    wrong = [str(q) for q in skip if q not in SKIPPABLE] if isinstance(skip, list) else [str(skip)]
    if wrong:
        raise ReportCategoryError(
            f"{where}, 'category': skip_questions: {', '.join(wrong)} is not one of {', '.join(SKIPPABLE)}"
        )
    defined = ReportCategory(
        name,
        str(category["title"]).strip(),
        prefix,
        str(category["open311_service_code"]).strip(),
        counts,
        also_when,
        tuple(skip),
    )
    return ReportEntry(when, name), defined


def collect_categories(defined: list[tuple[str, ReportCategory]], used: dict[str, str]) -> dict[str, ReportCategory]:
    """Every category, each defined by one need; ``used``: need -> the category it files under."""
    categories: dict[str, ReportCategory] = {}
    for need, category in defined:
        if category.value in categories:
            raise ReportCategoryError(
                f"signposting need '{need}', field 'report': category '{category.value}' is defined twice; "
                f"give its name alone to file under it"
            )
        categories[category.value] = category
    for need, name in used.items():
        if name not in categories:
            raise ReportCategoryError(f"signposting need '{need}', field 'report': no need defines category '{name}'")
    return categories


def category_for(
    categories: Mapping[str, ReportCategory], entry: ReportEntry | None, fields: Mapping[str, Any], default: str
) -> ReportCategory:
    """The category a report is filed under: one its answers call for (``also_when``), else its need's,
    else ``default`` (a report started without a need, from the menu's "report" button)."""
    for category in categories.values():
        if category.also_when and fields.get(category.also_when):
            return category
    if entry is not None:
        return categories[entry.category]
    return categories[default]
