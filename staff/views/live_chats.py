"""Live chats: residents waiting for a person and call-back requests (one queue, updating by
itself), taking a chat (exactly one caseworker gets it), talking, sending a service, handing the
resident back to the bot, ending; and marking yourself available. Caseworkers and admins."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from community_safety.live_chat import callbacks as callback_requests
from community_safety.live_chat import chats
from community_safety.live_chat.cards import card, cards_for
from community_safety.live_chat.config import default_live_chat
from community_safety.live_chat.presence import available_caseworkers, check_in, is_available
from community_safety.records import audit
from community_safety.records.conversations import conversation, where_the_bot_was
from community_safety.records.database import session_scope
from community_safety.records.models import CALLBACK_STATES, CallbackRequest, LiveChat, StaffPresence, StaffUser, utcnow
from staff.views import staff


class ReplyForm(FlaskForm):
    message = TextAreaField(
        "Your reply",
        validators=[DataRequired("Write a message before sending"), Length(max=chats.MAX_TEXT)],
    )


class CallbackForm(FlaskForm):
    outcome = SelectField("Outcome", choices=[(k, v) for k, v in CALLBACK_STATES.items() if k != "open"])
    note = TextAreaField("Note (staff only)", validators=[Optional(), Length(max=5000)])


def _me(db) -> StaffUser:
    return db.get(StaffUser, current_user.id)


def _queue(db) -> dict:
    now = utcnow()
    open_chats = list(
        db.query(LiveChat).filter(LiveChat.state.in_(("waiting", "active"))).order_by(LiveChat.requested_at).all()
    )
    return {
        "waiting": [c for c in open_chats if c.state == "waiting"],
        "active": [c for c in open_chats if c.state == "active"],
        "callbacks": callback_requests.open_callbacks(db),
        "available": available_caseworkers(db, now),
        "me_available": is_available(db.get(StaffPresence, current_user.id), now),
        "now": now,
    }


@staff.get("/live-chats")
def live_chats():
    with session_scope() as db:
        chats.offer_callbacks_to_the_long_waiting(db)
    with session_scope() as db:
        return render_template(
            "staff/live_chats.html", **_queue(db), config=default_live_chat(), form=FlaskForm(), states=CALLBACK_STATES
        )


@staff.get("/live-chats/queue")
def live_chat_queue():
    """The queue as HTML, for the page to put in place every few seconds."""
    with session_scope() as db:
        chats.offer_callbacks_to_the_long_waiting(db)
    with session_scope() as db:
        return render_template("staff/_live_chat_queue.html", **_queue(db), form=FlaskForm())


@staff.post("/live-chats/presence")
def set_presence():
    """The availability switch (a form, so it works without the page's script)."""
    available = request.form.get("available") == "yes"
    if not FlaskForm().validate_on_submit():
        abort(400)
    with session_scope() as db:
        before = db.get(StaffPresence, current_user.id)
        was = bool(before and before.available)
        check_in(db, current_user.id, available=available)
        if was != available:
            audit.record(
                db, current_user.email, "changed live chat availability", "staff_user", current_user.id,
                {"available": (was, available)},
            )  # fmt: skip
    flash("You are available for live chats." if available else "You are not taking live chats.")
    return redirect(url_for("staff.live_chats"))


@staff.post("/live-chats/check-in")
def presence_check_in():
    """The page is still open (and, if ``active``, was used since the last check-in)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    with session_scope() as db:
        presence = check_in(db, current_user.id, active=request.form.get("active") == "yes")
        available = is_available(presence, utcnow())
    return jsonify({"available": available})


def _chat(db, chat_id: int) -> LiveChat:
    chat = db.get(LiveChat, chat_id)
    if chat is None:
        abort(404)
    return chat


@staff.post("/live-chats/<int:chat_id>/take")
def take_live_chat(chat_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        with session_scope() as db:
            chat = chats.take(db, chat_id, _me(db))
            audit.record(
                db, current_user.email, "took live chat", "live_chat", chat.id, {"state": ("waiting", "active")}
            )
    except chats.LiveChatError as error:
        flash(str(error))
        return redirect(url_for("staff.live_chats")), 303
    return redirect(url_for("staff.live_chat", chat_id=chat_id))


def _transcript(db, chat: LiveChat) -> list[dict]:
    """The conversation with the bot (without an anonymous report's parts, as on a report's page) and
    every live chat of this conversation, in the order things were said."""
    turns = [
        {
            "who": "Resident" if t.speaker == "resident" else "Bot",
            "text": t.text,
            "at": t.at,
            "id": 0,
            "kind": "message",
        }
        for t in (conversation(chat.sender) or [])
    ]
    turns += [_turn(said) for said in chats.whole_chat(db, chat.sender)]
    return sorted(turns, key=lambda t: (t["at"], t["id"]))


def _turn(said: chats.Said) -> dict:
    who = {"resident": "Resident", "caseworker": "Caseworker", "system": "Chat"}[said.author]
    return {"who": who, "text": said.text, "at": said.at, "id": said.id, "kind": said.kind}


def _conversation_page(db, chat: LiveChat, form: ReplyForm | None = None, status: int = 200):
    transcript = _transcript(db, chat)
    return render_template(
        "staff/live_chat.html",
        chat=chat,
        transcript=transcript,
        last=max((t["id"] for t in transcript), default=0),
        form=form or ReplyForm(),
        action_form=FlaskForm(),
        cards=cards_for(chat.need, chat.language),
        mine=chat.state == "active" and chat.caseworker_id == current_user.id,
        caseworker=chat.caseworker,
    ), status


@staff.get("/live-chats/<int:chat_id>")
def live_chat(chat_id: int):
    with session_scope() as db:
        return _conversation_page(db, _chat(db, chat_id))


@staff.get("/live-chats/<int:chat_id>/messages")
def live_chat_messages(chat_id: int):
    """New messages since ``after``, as table rows, for the page to add every couple of seconds."""
    after = request.args.get("after", "0")
    if not after.isascii() or not after.isdigit() or len(after) > 18:
        abort(400)
    with session_scope() as db:
        chat = _chat(db, chat_id)
        # Only the live chat moves while the page is open: the bot's part is not read again.
        new = [_turn(said) for said in chats.whole_chat(db, chat.sender, int(after))]
        return jsonify(
            {
                "rows": render_template("staff/_live_chat_rows.html", transcript=new) if new else "",
                "last": max((t["id"] for t in new), default=int(after)),
                "state": chat.state,
                "danger": any(t["kind"] == "danger" for t in new),
            }
        )


@staff.post("/live-chats/<int:chat_id>/reply")
def reply_to_live_chat(chat_id: int):
    form = ReplyForm()
    with session_scope() as db:
        chat = _chat(db, chat_id)
        if not form.validate_on_submit():
            return _conversation_page(db, chat, form, 400)
        try:
            message = chats.reply(db, chat_id, _me(db), form.message.data)
        except chats.LiveChatError as error:
            form.message.errors = [str(error)]
            return _conversation_page(db, chat, form, 409)
        audit.record(
            db, current_user.email, "replied in live chat", "live_chat", chat_id, {"message": (None, message.id)}
        )
    return redirect(url_for("staff.live_chat", chat_id=chat_id, _anchor="reply"), 303)


@staff.post("/live-chats/<int:chat_id>/service")
def send_service_card(chat_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    with session_scope() as db:
        chat = _chat(db, chat_id)
        found = card(request.form.get("service", ""), chat.language)
        if found is None:
            abort(400)
        try:
            message = chats.send_service(db, chat_id, _me(db), found.text)
        except chats.LiveChatError as error:
            flash(str(error))
            return redirect(url_for("staff.live_chat", chat_id=chat_id), 303)
        audit.record(
            db, current_user.email, "sent a service in live chat", "live_chat", chat_id,
            {"service": (None, found.service_id), "message": (None, message.id)},
        )  # fmt: skip
    return redirect(url_for("staff.live_chat", chat_id=chat_id, _anchor="reply"), 303)


@staff.post("/live-chats/<int:chat_id>/hand-back")
def hand_back_live_chat(chat_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    with session_scope() as db:
        chat = _chat(db, chat_id)
        where = where_the_bot_was(chat.sender, chat.requested_at)
        try:
            chats.hand_back(db, chat_id, _me(db), where)
        except chats.LiveChatError as error:
            flash(str(error))
            return redirect(url_for("staff.live_chat", chat_id=chat_id), 303)
        audit.record(
            db,
            current_user.email,
            "handed live chat back to the bot",
            "live_chat",
            chat_id,
            {"state": ("active", "handed_back")},
        )
    flash("The resident is back with the bot" + (", at the question it had asked." if where else "."))
    return redirect(url_for("staff.live_chats"), 303)


@staff.post("/live-chats/<int:chat_id>/end")
def end_live_chat(chat_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    with session_scope() as db:
        try:
            chats.end(db, chat_id, _me(db))
        except chats.LiveChatError as error:
            flash(str(error))
            return redirect(url_for("staff.live_chat", chat_id=chat_id), 303)
        audit.record(db, current_user.email, "ended live chat", "live_chat", chat_id, {"state": ("active", "ended")})
    flash("The chat has ended. The resident was told, and can carry on with the bot.")
    return redirect(url_for("staff.live_chats"), 303)


@staff.post("/callbacks/<int:request_id>")
def record_callback(request_id: int):
    form = CallbackForm()
    if not form.validate_on_submit():
        abort(400)
    with session_scope() as db:
        found = db.get(CallbackRequest, request_id)
        if found is None:
            abort(404)
        if found.state != "open":
            flash(f"{found.reference} was already recorded as {CALLBACK_STATES[found.state].lower()}.")
            return redirect(url_for("staff.live_chats"), 303)
        found.state, found.outcome_note = form.outcome.data, (form.note.data or "").strip() or None
        found.handled_by, found.handled_at = current_user.email, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        audit.record(
            db,
            current_user.email,
            "recorded call-back",
            "callback_request",
            found.reference,
            {"state": ("open", found.state)},
        )
        reference = found.reference
    flash(f"{reference}: recorded as {CALLBACK_STATES[form.outcome.data].lower()}.")
    return redirect(url_for("staff.live_chats"), 303)
