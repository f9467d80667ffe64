"""The staff site's forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from community_safety.records.models import DECISIONS, PRIORITIES
from community_safety.records.statuses import REPORT_STATUSES

NOTE_LIMIT = 5000


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@council.gov.uk"),
            Length(max=254),
        ],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=1024)])


class StatusForm(FlaskForm):
    status = SelectField(
        "New status",
        choices=[(key, status.name) for key, status in REPORT_STATUSES.items()],
        validators=[DataRequired("Choose the new status")],
    )
    note = TextAreaField(
        "Internal note (staff only)",
        validators=[DataRequired("Write a note saying why the status is changing"), Length(max=NOTE_LIMIT)],
    )
    resident_update = TextAreaField(
        "Update for the resident (optional)", validators=[Optional(), Length(max=NOTE_LIMIT)]
    )


class AssignmentForm(FlaskForm):
    assignee = SelectField("Caseworker", choices=[], validate_choice=True)
    priority = SelectField("Priority", choices=[(key, label) for key, label in PRIORITIES.items()])
    due_on = DateField("Contact the resident by", validators=[Optional()])


class DecisionForm(FlaskForm):
    decision = SelectField(
        "Threshold decision",
        choices=[(key, label) for key, label in DECISIONS.items()],
        validators=[DataRequired("Choose a decision")],
    )
    reason = TextAreaField(
        "Reason (told to the applicant)",
        validators=[DataRequired("Give the reason for the decision"), Length(max=NOTE_LIMIT)],
    )


class ConfirmForm(FlaskForm):
    """A button that changes data: only the CSRF token."""


class ReviewAnswerForm(FlaskForm):
    """What a message to review was about: its choices come from the needs file (review/queue.py)."""

    needs = SelectMultipleField("What was this message about?", choices=[], validate_choice=False)


REMOVAL_REASONS = {
    "names_someone": "It still says who someone is",
    "not_a_message": "It isn't a resident telling us something (a test, a mistake)",
}


class RemoveReviewForm(FlaskForm):
    why = RadioField(
        "Why remove it?",
        choices=list(REMOVAL_REASONS.items()),
        validators=[DataRequired("Choose why the message should be removed")],
    )
