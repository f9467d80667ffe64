"""The project's web server: the chat widget (and its demo page) at the root, the caseworkers'
site under /staff/. Two Flask apps with their own cookies, joined here; nothing is made at
import time."""

from __future__ import annotations

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

from community_safety.settings import settings


def create_app():
    from bot.widget.app import create_app as create_widget_app
    from staff.app import create_app as create_staff_app

    widget = create_widget_app()
    widget.wsgi_app = DispatcherMiddleware(widget.wsgi_app, {"/staff": create_staff_app()})
    if settings().web_behind_proxy:
        # Behind the profile's nginx: the resident's address (for rate limits) is the one nginx saw.
        widget.wsgi_app = ProxyFix(widget.wsgi_app, x_for=1, x_proto=1)
    return widget
