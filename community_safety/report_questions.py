"""The report's questions, by name, in the order they are asked (their words are in
data/reporting.yml). The impact questions are the council's vulnerability questions. A report
category may leave some out (report_categories.py); what, where, when, whether it is anonymous and
the resident's check before sending are always asked."""

from __future__ import annotations

QUESTIONS = (
    "report_description",
    "report_location",
    "report_when",
    "report_people",
    "report_targeted",
    "report_hate",
    "report_health",
    "report_children",
    "report_safe_at_home",
    "report_agencies",
    "report_evidence",
    "report_anonymous",
    "report_contact",
    "report_confirm",
)
ALWAYS_ASKED = (
    "report_description",
    "report_location",
    "report_when",
    "report_anonymous",
    "report_contact",
    "report_confirm",
)
SKIPPABLE = tuple(question for question in QUESTIONS if question not in ALWAYS_ASKED)
