"""``/chat/messages``: the browser's only way to the bot.

The sender id Rasa sees is made here and kept in the signed session cookie, so a resident can
neither choose nor read another's conversation. Every bad request gets a 4xx with a sentence a
person can act on; Rasa being down gets the 999/101 answer, never a 5xx."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from flask import Response, current_app, jsonify, request, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from bot.evidence import keep_for_conversation, refusal_words
from bot.evidence import limits as evidence_limits
from bot.live_chat import for_a_person, for_the_bot
from bot.messages import channel_messages
from bot.rasa_client import MAX_MESSAGE, RasaClient, RasaUnavailable, clean_text, unavailable_replies
from bot.widget import widget
from community_safety.channels import sender_id
from community_safety.evidence.kinds import TO_THE_BOT, as_said
from community_safety.languages import BENGALI
from community_safety.live_chat.chats import (
    LEAVE,
    mark_delivered,
    offer_callbacks_to_the_long_waiting,
    resident_gone,
    said_to,
    status_for_resident,
    whole_chat,
)
from community_safety.records.chat_sessions import end_chat, is_ended
from community_safety.records.conversations import events as conversation_events
from community_safety.records.database import session_scope
from community_safety.translations import default_translations
from community_safety.updates import shown_in_the_widget
from web_security.limits import SlidingWindow

log = logging.getLogger(__name__)
SESSION_KEY = "chat_id"
EMPTY = "Your message was empty. Type what's happening, or choose an option."
NO_FILE = "Choose a photo, video, recording or document to send."
TRANSCRIPT_LIMIT = 200
NOT_RECORDED = (
    "The chat is cleared from this browser, but we could not close it on our side just now. Please press "
    "End chat again in a minute."
)


def _rasa() -> RasaClient:
    clients = current_app.extensions.setdefault("rasa_client", {})
    if "client" not in clients:
        clients["client"] = RasaClient(current_app.config["RASA_URL"])
    return clients["client"]


def _problem(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def _in_widgets_language(message: str) -> str:
    """A message to the resident in the language the widget shows (it sends it with each message)."""
    body = request.get_json(silent=True) if request.is_json else None
    language = body.get("language") if isinstance(body, dict) else None
    return default_translations().say(message, BENGALI if language == BENGALI else None)


def _ended(chat_id: str) -> bool | None:
    """Whether this chat was ended; None when the database can't say."""
    try:
        with session_scope() as db:
            return is_ended(db, chat_id)
    except SQLAlchemyError as error:
        log.warning("Could not check for an ended chat (%s)", type(error).__name__)
        return None


def _sender(create: bool) -> str | None:
    """The resident's sender id. Reading (``create`` false) fails closed: while the database can't say
    whether the chat was ended, a copied cookie reads nothing. Sending stays open, so a message still
    gets the bot's answer, 999 first in danger."""
    ended = _ended(session[SESSION_KEY]) if SESSION_KEY in session else False
    if ended:
        session.clear()  # a copy of an ended chat's cookie: it starts afresh, as anyone would
    if ended is None and not create:
        return None
    if SESSION_KEY not in session:
        if not create:
            return None
        session.permanent = True  # dated, so it expires when idle (WIDGET_IDLE_MINUTES)
        session[SESSION_KEY] = secrets.token_urlsafe(24)
    return sender_id("web", session[SESSION_KEY])


def _origin_allowed() -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return True
    return origin == request.host_url.rstrip("/") or origin in current_app.config["WIDGET_ALLOWED_ORIGINS"]


@widget.after_app_request
def allow_embedding_origins(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if request.path.startswith("/chat/") and origin in current_app.config["WIDGET_ALLOWED_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers.add("Vary", "Origin")
    return response


@widget.route("/chat/messages", methods=["OPTIONS"])
@widget.route("/chat/evidence", methods=["OPTIONS"])
@widget.route("/chat/end", methods=["OPTIONS"])
def preflight() -> tuple[str, int]:
    return "", 204


def _limits() -> tuple[SlidingWindow, SlidingWindow]:
    limits = current_app.extensions.setdefault("widget_limits", {})
    if not limits:
        limits["session"] = SlidingWindow(current_app.config["WIDGET_RATE_PER_SESSION"])
        limits["address"] = SlidingWindow(current_app.config["WIDGET_RATE_PER_ADDRESS"])
    return limits["session"], limits["address"]


def _too_fast() -> tuple[Response, int] | None:
    per_session, per_address = _limits()
    wait = per_address.allow(request.remote_addr or "unknown")
    if not wait and SESSION_KEY in session:
        wait = per_session.allow(session[SESSION_KEY])
    if not wait:
        return None
    response, status = _problem(429, _in_widgets_language(channel_messages()["too_fast"]))
    response.headers["Retry-After"] = str(int(wait) + 1)
    return response, status


@widget.post("/chat/messages")
def send_message():
    if not _origin_allowed():
        return _problem(403, "This page is not allowed to use the chat.")
    limited = _too_fast()
    if limited:
        return limited
    if not request.is_json:
        return _problem(415, 'Send JSON like {"message": "your words"} with Content-Type application/json.')
    body = request.get_json(silent=True)
    if body is None:
        return _problem(400, 'The message could not be read. Send JSON like {"message": "your words"}.')
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return _problem(400, 'Send JSON like {"message": "your words"}: "message" must be text.')
    text = clean_text(body["message"])
    if not text:
        return _problem(400, _in_widgets_language(EMPTY))
    if len(text) > MAX_MESSAGE:
        return _problem(400, f"That message is too long. Please send it in parts of up to {MAX_MESSAGE:,} characters.")
    return _converse(_sender(create=True), text)


def _converse(sender: str, text: str, metadata: dict | None = None, to_a_person: str | None = None):
    """One message to the bot (or to the person who has the conversation), and the replies as JSON.
    ``to_a_person``: what a caseworker in a live chat reads instead of ``text`` (a payload)."""
    said = to_a_person or text
    turn = for_a_person(sender, said)
    if turn is not None and turn.to_the_bot is None:
        # A person has (or will have) this conversation: stored for them, not sent to the bot.
        return jsonify({"replies": [reply.as_json() for reply in turn.replies], "degraded": False, "live": turn.live})
    to_the_bot = for_the_bot(turn, text, said)
    try:
        replies = _rasa().send(sender, to_the_bot, {"channel": "web", **(metadata or {})})
        degraded = False
    except RasaUnavailable as error:
        log.warning("Rasa unavailable (%s): answered a widget message with the fallback", error)
        replies, degraded = unavailable_replies(said, error), True
    replies = (turn.replies if turn else []) + replies
    # The bot has just put them in the queue (its reply offers to leave it): the widget starts to follow.
    joined = any(button.payload == LEAVE for reply in replies for button in reply.buttons)
    live = _live(sender) if joined else None
    return jsonify({"replies": [reply.as_json() for reply in replies], "degraded": degraded, "live": live})


@widget.post("/chat/evidence")
def send_evidence():
    """A file from the widget's attach button (multipart, field ``file``): kept for the resident's
    report and the bot told; or refused, saying why, with nothing else lost."""
    if not _origin_allowed():
        return _problem(403, "This page is not allowed to use the chat.")
    limited = _too_fast()
    if limited:
        return limited
    language = BENGALI if request.args.get("language") == BENGALI else None
    most = evidence_limits().file_bytes
    # Only this route takes a body this large; every other keeps the app's small limit.
    request.max_content_length = most + 64 * 1024
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _problem(413, refusal_words("evidence_too_big", language))
    if upload is None:
        return _problem(400, default_translations().say(NO_FILE, language))
    data = upload.read(most + 1)
    if len(data) > most:
        return _problem(413, refusal_words("evidence_too_big", language))
    sender = _sender(create=True)
    received = keep_for_conversation(sender, data, "web")
    if received.refusal:
        return _problem(422, refusal_words(received.refusal, language))
    kind = received.metadata["evidence"]["kind"]
    return _converse(sender, TO_THE_BOT, received.metadata, to_a_person=as_said(kind))


def _live(sender: str) -> dict[str, Any] | None:
    """The live chat the widget should follow, if the bot has just put the resident in the queue."""
    try:
        with session_scope() as db:
            return status_for_resident(db, sender)
    except SQLAlchemyError as error:
        log.warning("Could not read the live chat's state (%s)", type(error).__name__)
        return None


@widget.get("/chat/live")
def live_messages():
    """What the person (and the chat) said since ``after``: the widget asks every second or two
    while a live chat is open. Each message has an id; the widget sends the last one it has."""
    after = request.args.get("after", "0")
    if not after.isascii() or not after.isdigit() or len(after) > 18:
        return _problem(400, "after must be the number of the last message you have.")
    sender = _sender(create=False)
    if sender is None:
        return jsonify({"messages": [], "live": None})
    try:
        with session_scope() as db:
            messages = [m.as_json() for m in said_to(db, sender, int(after))]
            live = status_for_resident(db, sender)
            if live and live["state"] == "waiting":
                offer_callbacks_to_the_long_waiting(db)  # someone waiting: is it time to offer a call-back?
    except SQLAlchemyError as error:
        log.warning("Could not read a live chat (%s)", type(error).__name__)
        return jsonify({"messages": [], "live": {"state": "unknown"}, "degraded": True})
    return jsonify({"messages": messages, "live": live})


def _transcript(events: list[dict[str, Any]], keep_times: bool = False) -> list[dict[str, Any]]:
    restarts = [i for i, e in enumerate(events) if e.get("event") == "restart"]
    messages: list[dict[str, Any]] = []
    titles: dict[str, str] = {}
    for event in events[restarts[-1] + 1 if restarts else 0 :]:
        when = {"at": float(event.get("timestamp") or 0)} if keep_times else {}
        if event.get("event") == "user" and event.get("text"):
            text = event["text"]
            if text == "/start" and not messages:
                continue  # the widget's own hello, not something the resident said
            if text == TO_THE_BOT:  # a file they sent: what it was, not the channel's word to the bot
                kind = ((event.get("metadata") or {}).get("evidence") or {}).get("kind")
                text = as_said(kind)
            messages.append({"from": "resident", "text": titles.get(text, text), "buttons": [], **when})
        elif event.get("event") == "bot" and (event.get("text") or (event.get("data") or {}).get("buttons")):
            buttons = [b for b in (event.get("data") or {}).get("buttons") or [] if isinstance(b, dict)]
            titles.update({str(b.get("payload")): str(b.get("title")) for b in buttons})
            messages.append(
                {
                    "from": "bot",
                    "text": str(event.get("text") or ""),
                    "buttons": [{"title": str(b.get("title")), "payload": str(b.get("payload"))} for b in buttons],
                    **when,
                }
            )
    return messages if keep_times else messages[-TRANSCRIPT_LIMIT:]


def _caseworker_updates(chat_id: str) -> list[dict[str, Any]]:
    """Updates caseworkers wrote since the resident last looked; shown once, then marked delivered."""
    try:
        with session_scope() as db:
            texts = shown_in_the_widget(db, chat_id)
        return [{"from": "bot", "text": text, "buttons": []} for text in texts]
    except SQLAlchemyError as error:
        log.warning("Could not read caseworkers' updates (%s)", type(error).__name__)
        return []


@widget.get("/chat/messages")
def transcript():
    sender = _sender(create=False)
    if sender is None:
        return jsonify({"messages": []})
    # Read from the conversation store, as the staff site reads it: Rasa's own API, which could
    # read any resident's conversation, is not served.
    events = conversation_events(sender, kinds=("user", "bot", "restart"))
    live = _live_transcript(sender)
    if events is None:
        log.warning("Conversation store unavailable: could not show a widget transcript")
        return jsonify({"messages": _caseworker_updates(session[SESSION_KEY]), "degraded": True})
    return jsonify(
        {
            "messages": _with_the_live_chat(events, live["messages"]) + _caseworker_updates(session[SESSION_KEY]),
            "live": live["live"],
            "last": live["last"],
        }
    )


def _live_transcript(sender: str) -> dict[str, Any]:
    """The live chats' messages (the resident's and the person's) and where the widget picks up."""
    try:
        with session_scope() as db:
            said = whole_chat(db, sender)
            live = status_for_resident(db, sender)
            if live:
                mark_delivered(db, [m.id for m in said if m.author != "resident"])  # shown now: polls start after
    except SQLAlchemyError as error:
        log.warning("Could not read a live chat (%s)", type(error).__name__)
        return {"messages": [], "live": None, "last": 0}
    return {"messages": said, "live": live, "last": max((m.id for m in said), default=0)}


def _with_the_live_chat(events: list[dict[str, Any]], said: list) -> list[dict[str, Any]]:
    """The bot's conversation and the live chats' messages, in the order they were said."""
    timeline: list[tuple[float, int, dict[str, Any]]] = []
    for order, message in enumerate(_transcript(events, keep_times=True)):
        timeline.append((message.pop("at"), order, message))
    for message in said:
        entry = message.as_json()
        entry.pop("at")
        entry.pop("id")
        timeline.append((message.at.replace(tzinfo=dt.timezone.utc).timestamp(), 0, entry))
    timeline.sort(key=lambda item: (item[0], item[1]))
    return [message for _, _, message in timeline][-TRANSCRIPT_LIMIT:]


@widget.post("/chat/end")
def end_conversation():
    # The cookie goes, and the chat is remembered as ended, so no copy of the cookie reads or
    # continues it; the record stays with the council under its retention rules.
    if not _origin_allowed():
        return _problem(403, "This page is not allowed to use the chat.")
    chat_id = session.get(SESSION_KEY)
    session.clear()
    if chat_id:
        try:
            with session_scope() as db:
                end_chat(db, chat_id)
                resident_gone(db, sender_id("web", chat_id))  # a person talking to them is told
        except SQLAlchemyError as error:
            log.warning("Could not record an ended chat (%s)", type(error).__name__)
            # Said only when recorded: here the browser has forgotten it, the server has not yet.
            return jsonify({"ended": False, "error": _in_widgets_language(NOT_RECORDED)}), 503
    return jsonify({"ended": True})


@widget.app_errorhandler(HTTPException)
def chat_errors(error: HTTPException):
    if not request.path.startswith("/chat/"):
        return error
    messages = {
        413: "That message is too big to send. Please send it in shorter parts.",
        405: "Use POST to send a message.",
        404: "There is nothing here.",
    }
    return _problem(
        error.code or 400, messages.get(error.code, error.description or "That request was not understood.")
    )
