"""A small Open311 GeoReport v2 server of the tests' own, on loopback: a real HTTP peer that answers in
JSON or XML (by the path's extension) and can be told to be down, slow, failing (500), refusing
(400 with an error list) or to answer with tokens first, as casework systems do."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

API_KEY = "open311-key-for-tests"


def _xml(root: str, item: str, records: list[dict]) -> str:
    body = "".join(
        f"<{item}>" + "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in record.items() if v is not None) + f"</{item}>"
        for record in records
    )
    return f'<?xml version="1.0" encoding="utf-8"?><{root}>{body}</{root}>'


class FakeOpen311:
    def __init__(self, service_codes: tuple[str, ...] = ("asb", "hate")):
        self.service_codes = service_codes
        self.mode = "ok"  # ok | token | 500 | 400 | slow
        self.slow_seconds = 0.0
        self.token_polls_before_id = 1
        self.requests: dict[str, dict] = {}  # service_request_id -> what was posted, and its status
        self.posts: list[dict] = []  # every POST that was taken, in order
        self.tokens: dict[str, dict] = {}
        self.calls: list[tuple[str, str]] = []
        self._ids = itertools.count(1001)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/open311/v2"

    def up(self) -> None:
        """Listening (again, on the same port after ``down``)."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                fake._answer(self, "GET")

            def do_POST(self):
                fake._answer(self, "POST")

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def down(self) -> None:
        """Not listening at all: connections are refused."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def stop(self) -> None:
        self.down()

    # --- what the tests look at -------------------------------------------------------------------
    def posted_references(self) -> list[str]:
        return [post.get("attribute[reference]", "") for post in self.posts]

    def request_id_of(self, reference: str) -> str:
        """The id this system gave the (last) request carrying our reference."""
        return [i for i, record in self.requests.items() if record["reference"] == reference][-1]

    def set_status(self, request_id: str, status: str, notes: str | None = None) -> None:
        with self._lock:
            record = self.requests[request_id]
            record["status"], record["status_notes"] = status, notes
            record["updated_datetime"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    # --- the server ---------------------------------------------------------------------------------
    def _answer(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urllib.parse.urlsplit(handler.path)
        path, _, extension = url.path.rpartition(".")
        query = dict(urllib.parse.parse_qsl(url.query))
        self.calls.append((method, url.path))
        if self.mode == "slow":
            time.sleep(self.slow_seconds)
        if self.mode == "500":
            return self._send(handler, 500, extension, "errors", "error", [{"code": 500, "description": "Oops"}])
        length = int(handler.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(handler.rfile.read(length).decode())) if method == "POST" else {}
        route = path.removeprefix("/open311/v2")
        if method == "GET" and route == "/services":
            services = [{"service_code": c, "service_name": c.upper(), "type": "realtime"} for c in self.service_codes]
            return self._send(handler, 200, extension, "services", "service", services)
        if method == "POST" and route == "/requests":
            return self._post(handler, extension, form)
        if method == "GET" and route.startswith("/tokens/"):
            return self._token(handler, extension, urllib.parse.unquote(route.removeprefix("/tokens/")))
        if method == "GET" and route == "/requests":
            ids = [i for i in query.get("service_request_id", "").split(",") if i]
            with self._lock:
                found = [
                    {"service_request_id": i, **{k: v for k, v in self.requests[i].items() if k != "reference"}}
                    for i in ids
                    if i in self.requests
                ]
            return self._send(handler, 200, extension, "service_requests", "request", found)
        return self._send(handler, 404, extension, "errors", "error", [{"code": 404, "description": "Not found"}])

    def _post(self, handler, extension: str, form: dict) -> None:
        problems = []
        if form.get("api_key") != API_KEY:
            problems.append({"code": 403, "description": "Invalid api_key"})
        if self.mode == "400" or form.get("service_code") not in self.service_codes:
            problems.append({"code": 400, "description": f"Unknown service_code {form.get('service_code')}"})
        if not form.get("description"):
            problems.append({"code": 400, "description": "description is required"})
        if problems:
            return self._send(handler, 400, extension, "errors", "error", problems)
        with self._lock:
            request_id = str(next(self._ids))
            self.requests[request_id] = {
                "status": "open",
                "status_notes": None,
                "updated_datetime": None,
                "reference": form.get("attribute[reference]"),
            }
            self.posts.append(form)
            if self.mode == "token":
                token = f"token-{request_id}"
                self.tokens[token] = {"id": request_id, "polls": 0}
                answer = {"token": token}
            else:
                answer = {"service_request_id": request_id, "service_notice": "Thank you"}
        return self._send(handler, 201, extension, "service_requests", "request", [answer])

    def _token(self, handler, extension: str, token: str) -> None:
        with self._lock:
            known = self.tokens.get(token)
            if known is None:
                unknown = [{"code": 404, "description": "No token"}]
                return self._send(handler, 404, extension, "errors", "error", unknown)
            known["polls"] += 1
            ready = known["polls"] > self.token_polls_before_id
            answer = {"token": token, "service_request_id": known["id"] if ready else None}
        return self._send(handler, 200, extension, "service_requests", "request", [answer])

    @staticmethod
    def _send(handler, status: int, extension: str, root: str, item: str, records: list[dict]) -> None:
        if extension == "xml":
            body, kind = _xml(root, item, records).encode(), "text/xml; charset=utf-8"
        else:
            body, kind = json.dumps(records).encode(), "application/json"
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the slow endpoint)
