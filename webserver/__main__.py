"""``python -m webserver``: serve the web server with waitress on WEB_HOST:WEB_PORT (127.0.0.1:8000)."""

from __future__ import annotations

import logging

from waitress import serve

from bot.logs import configure as configure_logging
from community_safety.settings import settings
from webserver import create_app


def main() -> None:
    configure_logging()
    configured = settings()
    host, port = configured.web_host, configured.web_port
    logging.getLogger(__name__).info("Web server on http://%s:%s/ (chat widget demo at /)", host, port)
    # Waitress logs no request lines, so residents' addresses and paths stay out of the log.
    serve(create_app(), host=host, port=port, threads=configured.web_threads, ident=None)


if __name__ == "__main__":
    main()
