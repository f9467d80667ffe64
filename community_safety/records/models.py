"""The tables. Personal data (names, contact details) is held only with the resident's consent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.sql import false, text

Base = declarative_base()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def day_of(moment: dt.datetime) -> dt.datetime:
    """Midnight of the moment's day: what an anonymous report keeps of its times, so that they
    can't be matched to the minute a conversation filed it."""
    return dt.datetime.combine(moment.date(), dt.time())


PRIORITIES = {"normal": "Normal", "high": "High", "urgent": "Urgent"}
# The report's own fields a resident's answers fill (records/reports.py file_report takes only these).
REPORT_FIELDS = {
    "asb_type",
    "description",
    "language",
    "location_text",
    "postcode",
    "occurred_on",
    "occurred_from",
    "occurred_to",
    "occurred_approximate",
    "occurred_text",
    "ongoing",
    "frequency",
    "people_involved",
    "feels_targeted",
    "hate_motivated",
    "health_affected",
    "children_in_home",
    "feels_safe_at_home",
    "other_agencies",
    "agency_references",
}
ROLES = ("caseworker", "admin")
DECISIONS = {
    "threshold_met": "Threshold met: the case review will go ahead",
    "threshold_not_met": "Threshold not met",
}
# Not a caseworker's decision: what the retention rule records on an application left undecided
# for data/casework.yml's open_records_months.
LAPSED = "lapsed"
DECISION_LABELS = {**DECISIONS, LAPSED: "Closed without a decision: nothing changed for the retention period"}
# The longest a staff session lasts, signed out or not (then sign in again): a working day.
STAFF_SESSION_LONGEST = dt.timedelta(hours=9)


class Resident(Base):
    __tablename__ = "residents"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id", name="uq_resident_channel_user"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)  # telegram, web, rest
    channel_user_id = Column(String(128), nullable=False)  # opaque id from the channel, never a phone number
    name = Column(String(200))
    phone = Column(String(40))
    email = Column(String(254))
    contact_consent = Column(Boolean, nullable=False, default=False)
    consented_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    reports = relationship("Report", back_populates="resident", order_by="Report.created_at")


class Report(Base):
    __tablename__ = "reports"

    id = Column(Integer, primary_key=True)
    reference = Column(String(20), unique=True)
    # A retried action must not file the same report twice.
    submission_key = Column(String(128), unique=True, nullable=False)
    resident_id = Column(Integer, ForeignKey("residents.id"))  # empty when reported anonymously
    anonymous = Column(Boolean, nullable=False, default=False)
    channel = Column(String(20), nullable=False)
    category = Column(String(40), nullable=False, default="asb")
    asb_type = Column(String(60))
    description = Column(Text, nullable=False)  # in the resident's own words
    language = Column(String(10), nullable=False, default="en", server_default="en")  # they wrote in: en, bn
    location_text = Column(String(500))
    postcode = Column(String(10))
    occurred_on = Column(Date)  # the day, when the resident's words name one
    # The days the words allow ("last weekend": Saturday to Sunday); approximate when not one sure day.
    occurred_from = Column(Date)
    occurred_to = Column(Date)
    occurred_approximate = Column(Boolean, nullable=False, default=False, server_default=false())
    occurred_text = Column(String(200))  # "last night about 11pm", as the resident said it
    ongoing = Column(Boolean)
    frequency = Column(String(200))
    people_involved = Column(Text)  # described, not accused
    feels_targeted = Column(Boolean)
    hate_motivated = Column(Boolean)
    health_affected = Column(Boolean)
    children_in_home = Column(Boolean)
    feels_safe_at_home = Column(Boolean)
    other_agencies = Column(Text)
    agency_references = Column(Text)
    status = Column(String(30), nullable=False, default="new")
    ward = Column(String(60))  # from the place names in data/places.yml
    priority = Column(String(10), nullable=False, default="normal", server_default="normal")
    assignee_id = Column(Integer, ForeignKey("staff_users.id"))
    due_on = Column(Date)  # contact the resident by (working days)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    resident = relationship("Resident", back_populates="reports")
    assignee = relationship("StaffUser")
    history = relationship("StatusChange", back_populates="report", order_by="StatusChange.changed_at")
    sending = relationship("Open311Sending", back_populates="report", uselist=False)


class StatusChange(Base):
    __tablename__ = "status_changes"

    id = Column(Integer, primary_key=True)
    report_id = Column(Integer, ForeignKey("reports.id"), nullable=False)
    from_status = Column(String(30))
    to_status = Column(String(30), nullable=False)
    note = Column(Text)  # internal: staff only
    resident_update = Column(Text)  # what the resident is told
    changed_by = Column(String(254), nullable=False)
    changed_at = Column(DateTime, nullable=False, default=utcnow)
    # When the resident_update reached the resident, and how (telegram, web, asked).
    delivered_at = Column(DateTime)
    delivered_by = Column(String(20))

    report = relationship("Report", back_populates="history")


class CaseReviewApplication(Base):
    __tablename__ = "case_review_applications"

    id = Column(Integer, primary_key=True)
    reference = Column(String(20), unique=True)
    submission_key = Column(String(128), unique=True, nullable=False)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False)
    on_behalf_of = Column(String(200))  # empty when the victim applies themselves
    report_references = Column(Text, nullable=False)
    standing_reason = Column(Text, nullable=False)
    status = Column(String(30), nullable=False, default="received")
    respond_by = Column(Date)  # decision due (working days, data/casework.yml)
    decision = Column(String(30))  # a key of DECISIONS
    decision_reason = Column(Text)
    decided_by = Column(String(254))
    decided_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    resident = relationship("Resident")


class StaffUser(Base):
    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)  # argon2id
    role = Column(String(20), nullable=False)  # caseworker | admin
    active = Column(Boolean, nullable=False, default=True, server_default="1")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime)
    # What residents see when this caseworker joins a live chat ("Sam"), if live_chat.yml says to show it.
    first_name = Column(String(60))


class AuditEvent(Base):
    """Append-only: the database refuses updates and deletes (migration 0002's triggers)."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(254), nullable=False)  # staff email, or "system" for commands
    action = Column(String(60), nullable=False)
    object_type = Column(String(40), nullable=False)
    object_id = Column(String(80), nullable=False)
    changes = Column(Text, nullable=False, default="{}")  # JSON {field: [before, after]}


class EndedChat(Base):
    """A web chat the resident ended: its cookie no longer reads or continues the conversation,
    even copied. Kept by a hash of the chat id, only until such a cookie would have expired."""

    __tablename__ = "ended_chats"

    chat_key = Column(String(64), primary_key=True)  # sha256 of the chat id in the cookie
    ended_at = Column(DateTime, nullable=False, default=utcnow, index=True)


# Sending a report to the council's casework system over Open311 (community_safety/open311/).
SENDING_STATES = {
    "waiting": "Waiting to be sent",
    "awaiting_id": "Sent; waiting for the casework system's reference",
    "sent": "Sent",
    "refused": "Refused by the casework system: not sent",
}


class Open311Sending(Base):
    """The outbox: written with the report, in the same transaction, so no report is lost; a sender
    claims it (``claimed_until``), so two senders never send it twice."""

    __tablename__ = "open311_sendings"

    id = Column(Integer, primary_key=True)
    report_id = Column(Integer, ForeignKey("reports.id"), nullable=False, unique=True)
    endpoint = Column(String(500), nullable=False)  # where it goes (set when queued)
    state = Column(String(20), nullable=False, default="waiting", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    last_attempt_at = Column(DateTime)
    last_error = Column(Text)  # the casework system's reason, or what went wrong: shown to staff
    claimed_by = Column(String(80))
    claimed_until = Column(DateTime)
    token = Column(String(200))  # when the system answers with a token before its reference
    service_request_id = Column(String(200))  # the casework system's reference
    sent_at = Column(DateTime)
    # The casework system's last status and notes for it, as fetched: a change becomes an update.
    remote_status = Column(String(40))
    remote_notes = Column(Text)
    remote_updated = Column(String(40))
    checked_at = Column(DateTime)

    report = relationship("Report", back_populates="sending")


# A resident talking to a person (community_safety/live_chat/). Exactly one of the bot or a person
# answers: while a live chat is open (waiting or with a caseworker) the channels keep the resident's
# messages from the bot.
LIVE_CHAT_STATES = {
    "waiting": "Waiting for a caseworker",
    "active": "With a caseworker",
    "handed_back": "Handed back to the bot",
    "ended": "Ended by the caseworker",
    "left": "The resident left the queue",
}
OPEN_LIVE_CHAT_STATES = ("waiting", "active")


class LiveChat(Base):
    __tablename__ = "live_chats"
    __table_args__ = (
        # One open live chat per conversation, however many replicas take the resident's messages.
        Index(
            "uq_live_chats_open_sender",
            "sender",
            unique=True,
            sqlite_where=text("state IN ('waiting', 'active')"),
            postgresql_where=text("state IN ('waiting', 'active')"),
        ),
    )

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False)
    sender = Column(String(160), nullable=False, index=True)  # Rasa's sender id: "web:...", "telegram:..."
    channel = Column(String(20), nullable=False)
    need = Column(String(40))  # what the bot understood the conversation was about
    language = Column(String(10), nullable=False, default="en")
    state = Column(String(20), nullable=False, default="waiting", index=True)
    caseworker_id = Column(Integer, ForeignKey("staff_users.id"))
    requested_at = Column(DateTime, nullable=False, default=utcnow)
    taken_at = Column(DateTime)
    closed_at = Column(DateTime)
    callback_offered_at = Column(DateTime)  # told nobody is free yet, and offered a call-back
    danger_at = Column(DateTime)  # the last time the resident's words sounded like danger

    resident = relationship("Resident")
    caseworker = relationship("StaffUser")
    messages = relationship("LiveChatMessage", back_populates="chat", order_by="LiveChatMessage.id")


LIVE_CHAT_AUTHORS = ("resident", "caseworker", "system")


class LiveChatMessage(Base):
    """What the resident and the caseworker said, and what the chat itself told the resident
    (joined, left, queue): stored before anyone is told it was sent."""

    __tablename__ = "live_chat_messages"

    id = Column(Integer, primary_key=True)
    live_chat_id = Column(Integer, ForeignKey("live_chats.id"), nullable=False, index=True)
    author = Column(String(20), nullable=False)  # resident | caseworker | system
    kind = Column(String(30), nullable=False, default="message")  # message, joined, left, danger, ...
    text = Column(Text, nullable=False)
    buttons = Column(Text)  # JSON [{title, payload}] offered with a system message
    staff_user_id = Column(Integer, ForeignKey("staff_users.id"))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    delivered_at = Column(DateTime)  # to the resident: shown in the widget or sent on Telegram

    chat = relationship("LiveChat", back_populates="messages")
    staff_user = relationship("StaffUser")


CALLBACK_STATES = {"open": "Waiting for a call", "done": "Called back", "not_reached": "Could not reach them"}


class CallbackRequest(Base):
    """A resident asked to be called back when nobody could chat: kept only with their consent."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    reference = Column(String(20), unique=True)
    submission_key = Column(String(128), unique=True, nullable=False)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False)
    sender = Column(String(160), nullable=False, index=True)
    channel = Column(String(20), nullable=False)
    need = Column(String(40))
    language = Column(String(10), nullable=False, default="en")
    phone = Column(String(40), nullable=False)
    safe_time = Column(String(200), nullable=False)  # in the resident's words
    consented_at = Column(DateTime, nullable=False)
    state = Column(String(20), nullable=False, default="open", index=True)
    outcome_note = Column(Text)
    handled_by = Column(String(254))
    handled_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    resident = relationship("Resident")


class StaffPresence(Base):
    """A caseworker available for live chats: only while their live-chat page keeps checking in."""

    __tablename__ = "staff_presence"

    staff_user_id = Column(Integer, ForeignKey("staff_users.id"), primary_key=True)
    available = Column(Boolean, nullable=False, default=False)
    seen_at = Column(DateTime, nullable=False, default=utcnow)  # the page's last check-in
    active_at = Column(DateTime, nullable=False, default=utcnow)  # the caseworker's last use of the page


class SignInFailure(Base):
    """Wrong passwords for one account from one address (both as keyed hashes): after a few, that
    pair waits. Never the account alone, so nobody can lock a caseworker out from elsewhere."""

    __tablename__ = "sign_in_failures"

    account_key = Column(String(64), primary_key=True)
    address_key = Column(String(64), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    first_at = Column(DateTime, nullable=False, default=utcnow)
    blocked_until = Column(DateTime)


class StaffSession(Base):
    """A signed-in staff session, kept on the server: signing out revokes it, so a copied cookie
    stops working. The cookie holds a random token; only its hash is kept here."""

    __tablename__ = "staff_sessions"

    key = Column(String(64), primary_key=True)
    staff_user_id = Column(Integer, ForeignKey("staff_users.id"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    revoked_at = Column(DateTime)


class JobRun(Base):
    """The scheduler's last run of each job (community_safety/jobs/): shown to admins, so a purge or
    a scrub that stopped running is seen, not assumed."""

    __tablename__ = "job_runs"

    name = Column(String(40), primary_key=True)
    started_at = Column(DateTime)
    finished_at = Column(DateTime)
    outcome = Column(String(120))  # "done", or the kind of error (never its message: it may quote data)
    summary = Column(Text)  # JSON: what the last run did, as counts
    last_success_at = Column(DateTime)
    every_seconds = Column(Integer)  # how often it is meant to run, to tell when it is overdue
    watermark = Column(Float)  # where the job's last successful run got to (a conversation time)


class AuditLogRetention(Base):
    """How long audit entries are kept (one row; set by the owner from data/casework.yml). The
    database refuses to delete an entry younger than this, whoever asks (migration 0009)."""

    __tablename__ = "audit_log_retention"

    id = Column(Integer, primary_key=True)
    days = Column(Integer, nullable=False)


class ReviewItem(Base):
    """A resident's message the bot was unsure of (or a sample of the ones it was sure of), for
    caseworkers to say what it was about (issue #27; community_safety/review/). Only the redacted
    words are ever stored: the message as sent stays in the conversation store.

    ``conversation_key`` (a SHA-256 of Rasa's sender id) finds a conversation's items when its
    resident is erased or it passes its retention; it is never shown. It is cleared then on items a
    caseworker has labelled: those stay, as redacted examples, tied to no one."""

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("conversation_key", "sent_at", name="uq_review_item_message"),
        Index("ix_review_items_state", "state"),
    )

    id = Column(Integer, primary_key=True)
    conversation_key = Column(String(64), index=True)
    sent_at = Column(Float, nullable=False)  # the conversation store's time of the message
    text = Column(Text, nullable=False)  # redacted
    redacted = Column(String(200))  # what was taken out, as counts: "name 1, phone 1"
    channel = Column(String(20))
    language = Column(String(10))
    bot_need = Column(String(80))  # how the bot read it
    bot_confidence = Column(Float)
    bot_reply = Column(Text)  # the bot's first answer to it, redacted
    reasons = Column(String(300), nullable=False)  # community_safety/review/selection.py REASONS, comma-separated
    collected_at = Column(DateTime, default=utcnow, nullable=False)
    # to_label, to_confirm, agreed, disagreed: kept in step with the labels by review/queue.py
    state = Column(String(20), nullable=False, default="to_label")
    agreed_needs = Column(String(300))  # comma-separated, once two caseworkers gave the same answer
    agreed_at = Column(DateTime)

    labels = relationship("ReviewLabel", cascade="all, delete-orphan", order_by="ReviewLabel.id", lazy="selectin")


class ReviewLabel(Base):
    """One caseworker's answer to what a review item was about: needs, "not_a_need", or
    "emergency" (danger now). One per caseworker per item; they may change it."""

    __tablename__ = "review_labels"
    __table_args__ = (UniqueConstraint("review_item_id", "staff_email", name="uq_review_label_staff"),)

    id = Column(Integer, primary_key=True)
    review_item_id = Column(Integer, ForeignKey("review_items.id", ondelete="CASCADE"), nullable=False, index=True)
    staff_email = Column(String(254), nullable=False)  # to tell a second caseworker from the first; never exported
    staff_role = Column(String(20), nullable=False)
    needs = Column(String(300), nullable=False)  # comma-separated, sorted
    at = Column(DateTime, default=utcnow, nullable=False)


class Evidence(Base):
    """A file a resident sent with a report (issue #28; community_safety/evidence/): only the
    cleaned copy is kept (no EXIF, GPS or other metadata), in the evidence store under
    ``<public_id>/file.<extension>``; its SHA-256 and size show it was not altered since it arrived.

    Sent before the report was filed, it waits with ``conversation_key`` (a SHA-256 of Rasa's
    sender id, as review items use) and no report; filing links it. Erasure and retention go with
    its report, or with its conversation while it has none."""

    __tablename__ = "evidence"

    id = Column(Integer, primary_key=True)
    public_id = Column(String(32), nullable=False, unique=True)  # random: the store's key and the staff URL
    report_id = Column(Integer, ForeignKey("reports.id"), index=True)
    conversation_key = Column(String(64), index=True)
    channel = Column(String(20), nullable=False)
    kind = Column(String(20), nullable=False)  # image, video, audio, document
    content_type = Column(String(60), nullable=False)  # of the kept copy
    extension = Column(String(10), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    has_thumbnail = Column(Boolean, nullable=False, default=False)
    received_at = Column(DateTime, nullable=False, default=utcnow)

    report = relationship("Report")

    @property
    def file_key(self) -> str:
        return f"{self.public_id}/file.{self.extension}"

    @property
    def thumbnail_key(self) -> str:
        return f"{self.public_id}/thumbnail.jpg"
