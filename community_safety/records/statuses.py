"""A report's states, defined once: the stored value, what staff see on tags, filters and charts, the
tag's colour, what the resident is told, and whether a caseworker still owes the resident something.
FixMyStreet's users found "closed" unclear, so every state tells the resident what it means for them.
Every list of statuses (the staff site's filters and form, the casework system's mapping, the records'
checks) is read from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportStatus:
    value: str  # as stored in reports.status and status_changes
    name: str  # as staff see it: short, the same everywhere
    for_resident: str  # as the resident is told it (translated like the bot's other words)
    tag: str  # the staff site's tag colour (govuk-frontend's tag modifiers)
    open: bool = False  # a caseworker still owes the resident something; the others are final


REPORT_STATUSES: dict[str, ReportStatus] = {
    status.value: status
    for status in (
        ReportStatus("new", "New", "Received: a caseworker will look at it", "blue", open=True),
        ReportStatus("in_progress", "In progress", "Being looked into by a caseworker", "yellow", open=True),
        ReportStatus("action_taken", "Action taken", "Action has been taken", "green"),
        ReportStatus("closed", "Closed", "Closed: the caseworker has finished with this report", "grey"),
        ReportStatus("no_further_action", "No further action", "Closed with no further action", "grey"),
        ReportStatus("duplicate", "Duplicate", "Joined with another report about the same incident", "grey"),
        ReportStatus("referred", "Referred", "Passed to another service that can act on it", "purple"),
    )
}
OPEN_STATUSES = tuple(value for value, status in REPORT_STATUSES.items() if status.open)
