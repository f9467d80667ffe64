"""Messages to review (issue #27): residents' messages the bot was unsure of, redacted, for
caseworkers to say what each was about; two alike make it a training example (review/)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community_safety.channels import CHANNELS
from community_safety.records.database import session_scope
from community_safety.records.models import ReviewItem
from community_safety.review.queue import (
    REASON_NAMES,
    STATES,
    Filters,
    LabelError,
    check_answer,
    label,
    label_choices,
    needs_of,
    next_for,
    page_of_items,
    remove,
)
from community_safety.wording import language_name
from staff.forms import REMOVAL_REASONS, RemoveReviewForm, ReviewAnswerForm
from staff.queries import LANGUAGES
from staff.views import staff

PER_PAGE = 20
# The roles that may answer: every staff role there is today, named so a new one is not let in unseen.
LABELLERS = ("caseworker", "admin")


def _may_label() -> None:
    if current_user.role not in LABELLERS:
        abort(403)


def _filters() -> Filters:
    args = request.args
    need = args.get("need", "")
    return Filters(
        # What is still to agree unless asked otherwise: that is the work.
        state=args.get("state", "") if args.get("state", "") in (*STATES, "open", "all") else "open",
        need=need if need in dict(label_choices()) else "",
        language=args.get("language", "") if args.get("language", "") in LANGUAGES else "",
        channel=args.get("channel", "") if args.get("channel", "") in CHANNELS else "",
    )


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 10_000))
    except ValueError:
        return 1


@staff.get("/messages-to-review")
def messages_to_review():
    _may_label()
    filters, number = _filters(), _page_number()
    with session_scope() as db:
        items, total = page_of_items(db, filters, number, PER_PAGE)
        mine = {item.id for item in items if any(lab.staff_email == current_user.email for lab in item.labels)}
        return render_template(
            "staff/messages_to_review.html",
            items=items,
            total=total,
            pages=max(1, -(-total // PER_PAGE)),
            number=number,
            filters=filters,
            answered_by_me=mine,
            needs=dict(label_choices()),
            states=STATES,
            options={
                "state": [("all", "All"), *STATES.items()],
                "need": label_choices(),
                "language": [(key, language_name(key)) for key in LANGUAGES],
                "channel": [(key, channel.name) for key, channel in CHANNELS.items()],
            },
        )


def _item(db, item_id: int) -> ReviewItem:
    item = db.get(ReviewItem, item_id)
    if item is None:
        abort(404)
    return item


def _page(db, item: ReviewItem, form: ReviewAnswerForm, remove_form: RemoveReviewForm, error: str = "", status=200):
    mine = next((lab for lab in item.labels if lab.staff_email == current_user.email), None)
    if mine is not None and not form.needs.data:
        form.needs.data = mine.needs.split(",")
    return render_template(
        "staff/message_to_review.html",
        item=item,
        form=form,
        remove_form=remove_form,
        error=error,
        mine=mine,
        # A second caseworker answers without seeing the first's answer; then both are shown.
        show_answers=mine is not None or item.state == "agreed",
        others_waiting=mine is None and bool(item.labels) and item.state != "agreed",
        choices=label_choices(),
        needs=dict(label_choices()),
        titles=_titles,
        reasons=[REASON_NAMES.get(reason, reason) for reason in item.reasons.split(",") if reason],
        states=STATES,
    ), status


def _titles(answer: str | None) -> str:
    """An answer as caseworkers read it: "In danger now, Domestic abuse"."""
    names = dict(label_choices())
    return ", ".join(names.get(need, need) for need in needs_of(answer))


@staff.get("/messages-to-review/<int:item_id>")
def message_to_review(item_id: int):
    _may_label()
    with session_scope() as db:
        return _page(db, _item(db, item_id), ReviewAnswerForm(formdata=None), RemoveReviewForm(formdata=None))


@staff.post("/messages-to-review/<int:item_id>/answer")
def answer_message(item_id: int):
    _may_label()
    form = ReviewAnswerForm()
    with session_scope() as db:
        item = _item(db, item_id)
        if not form.validate_on_submit():
            abort(400)
        try:
            check_answer(form.needs.data or [])
        except LabelError as error:
            return _page(db, item, form, RemoveReviewForm(formdata=None), error=str(error), status=400)
        label(db, item, current_user.email, current_user.role, form.needs.data)
        outcome = {
            "agreed": "Saved: two caseworkers agree, so it can teach the bot.",
            "disagreed": "Saved. Your answer differs from another caseworker's: a third answer settles it.",
            "to_confirm": "Saved. A second caseworker will answer it too.",
        }[item.state]
        following = next_for(db, current_user.email, item.id)
    flash(outcome)
    if following is None:
        flash("That was the last message waiting for your answer.")
        return redirect(url_for("staff.messages_to_review"))
    return redirect(url_for("staff.message_to_review", item_id=following.id))


@staff.post("/messages-to-review/<int:item_id>/remove")
def remove_message(item_id: int):
    _may_label()
    form = RemoveReviewForm()
    with session_scope() as db:
        item = _item(db, item_id)
        if not form.validate_on_submit():
            return _page(db, item, ReviewAnswerForm(formdata=None), form, status=400)
        remove(db, item, current_user.email, REMOVAL_REASONS[form.why.data])
    flash("The message was removed from the queue. The audit log keeps that it was, not what it said.")
    return redirect(url_for("staff.messages_to_review"))
