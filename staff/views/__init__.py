"""The staff site's pages, one module per thing a staff member does. Every page needs a
signed-in staff member unless it is listed in PUBLIC; admin pages say so with
``admin_required``."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

staff = Blueprint(
    "staff", __name__, template_folder="../templates", static_folder="../static", static_url_path="/static"
)
# The casework system fetches a photo by a signed link that expires (open311_media.py): the link is the permission.
PUBLIC = {"staff.sign_in", "staff.open311_media"}


@staff.before_request
def require_sign_in():
    if request.endpoint in PUBLIC:
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def admin_required(view):
    @functools.wraps(view)
    def checked(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    checked.admin_only = True
    return checked


from staff.views import (  # noqa: E402,F401
    audit_log,
    case_reviews,
    casework_system,
    errors,
    evidence,
    jobs,
    live_chats,
    messages_to_review,
    open311_media,
    overview,
    report,
    reports,
    residents,
    sign_in,
)
