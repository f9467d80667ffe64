"""The widget's script (with the facts it must show even when the server is unreachable) and a
demo council page that embeds it the way any page would."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Response, current_app, render_template

from bot.evidence import limits as evidence_limits
from bot.messages import channel_messages
from bot.rasa_client import MAX_MESSAGE
from bot.widget import widget
from community_safety.languages import BENGALI, ENGLISH
from community_safety.settings import settings
from community_safety.translations import default_translations

SCRIPT = Path(__file__).resolve().parent / "static" / "widget.js"
CONFIG_MARKER = "/*WIDGET_CONFIG*/null"
# The widget's own labels; it shows them in the language the bot last answered in (their Bengali
# is in community_safety/data/bengali.yml, like everything else the bot says).
LABELS = {
    "launcher": "Chat with us: report or get help",
    "title": "Community safety chat",
    "quickExit": "Quick exit",
    "close": "Close",
    "closeLabel": "Close chat",
    "conversation": "Conversation",
    "yourMessage": "Your message",
    "send": "Send",
    "end": "End chat and clear it from this browser",
    "replying": "The assistant is replying…",
    "typeFirst": "Type a message first, or choose an option.",
    "chooseReply": "Choose a reply",
    "assistant": "Assistant:",
    "you": "You:",
    "person": "Person from the council:",
    "notice": "Chat:",
    "waiting": "Waiting for a person: you are number {place} in the queue.",
    "withPerson": "You are talking to a person.",
    "attach": "Send a photo, video, recording or document",
    "dropHere": "Drop the file here to send it",
    "sending": "Sending your file: {percent}%",
    "sentFile": "(sent a file: {name})",
}


def widget_words() -> dict[str, dict[str, str]]:
    """Every label and message the widget shows by itself, in English and Bengali."""
    messages = channel_messages()
    english = {**LABELS, "dangerLine": messages["danger_line"], "offline": messages["unavailable"],
               "tooBig": messages["evidence_too_big"]}  # fmt: skip
    say = default_translations().say
    return {ENGLISH: english, BENGALI: {key: say(text, BENGALI) for key, text in english.items()}}


@widget.get("/widget.js")
def script() -> Response:
    config = {
        "words": widget_words(),
        "exitUrl": current_app.config["WIDGET_EXIT_URL"],
        "maxLength": MAX_MESSAGE,
        # Checked here first, so a resident is told before a large file is sent for nothing.
        "maxFileBytes": evidence_limits().file_bytes,
        "maxFileMegabytes": f"{settings().evidence_max_file_mb:g}",
    }
    # Read per request so a changed number reaches residents without a rebuild; it is small.
    body = SCRIPT.read_text(encoding="utf-8").replace(CONFIG_MARKER, json.dumps(config), 1)
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@widget.get("/")
def demo_page() -> str:
    return render_template("widget/demo.html")
