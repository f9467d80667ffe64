"""The web chat widget: one ``<script>`` tag on any council page, talking only to this web
server, which forwards to Rasa with a sender id kept in the resident's session cookie."""

from flask import Blueprint

widget = Blueprint(
    "widget", __name__, static_folder="static", static_url_path="/widget/static", template_folder="templates"
)

from bot.widget import chat, pages  # noqa: E402,F401  (registers the routes)
