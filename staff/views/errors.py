"""Error pages in plain words."""

from __future__ import annotations

from flask import render_template
from flask_wtf.csrf import CSRFError

from staff.views import staff


@staff.app_errorhandler(403)
def forbidden(_error):
    return render_template(
        "staff/error.html",
        title="You can't see this page",
        message="Only admins can use this page. Ask an admin if you need it.",
    ), 403


@staff.app_errorhandler(404)
def not_found(_error):
    return render_template(
        "staff/error.html", title="Page not found", message="Check the address, or go back to the reports."
    ), 404


@staff.app_errorhandler(CSRFError)
def csrf_failed(_error):
    return render_template(
        "staff/error.html",
        title="That form has expired",
        message="Go back, reload the page and try again. Nothing was changed.",
    ), 400
