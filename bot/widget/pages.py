"""The widget's script (with the facts it must show even when the server is unreachable) and a
demo council page that embeds it the way any page would."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Response, current_app, render_template

from bot.messages import channel_messages
from bot.rasa_client import MAX_MESSAGE
from bot.widget import widget

SCRIPT = Path(__file__).resolve().parent / "static" / "widget.js"
CONFIG_MARKER = "/*WIDGET_CONFIG*/null"


@widget.get("/widget.js")
def script() -> Response:
    messages = channel_messages()
    config = {
        "dangerLine": messages["danger_line"],
        "offline": messages["unavailable"],
        "exitUrl": current_app.config["WIDGET_EXIT_URL"],
        "maxLength": MAX_MESSAGE,
    }
    # Read per request so a changed number reaches residents without a rebuild; it is small.
    body = SCRIPT.read_text(encoding="utf-8").replace(CONFIG_MARKER, json.dumps(config), 1)
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@widget.get("/")
def demo_page() -> str:
    return render_template("widget/demo.html")
