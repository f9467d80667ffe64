"""A fake Telegram Bot API on loopback: the one outside service the tests stand in for.

It answers the methods the bridge calls, hands out updates the test queues through long
polling (getUpdates), and records every call so tests can read what residents were sent."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

TOKEN = "123456:TEST-token"


class FakeTelegram:
    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.updates: list[dict] = []
        self._changed = threading.Condition()
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self.refusing: set[str] = set()  # methods answered as a Bot API that is down (HTTP 502)
        self.files: dict[str, bytes] = {}  # what residents sent, by file_id, for getFile and its download
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                method = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                params = fake._params(body, self.headers.get("Content-Type", ""))
                if method in fake.refusing:
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                result = fake._answer(method, params)
                data = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # The bridge may give up on a long poll while stopping.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def do_GET(self):
                if not self.path.startswith("/file/bot"):
                    return self.do_POST()
                # The file download: /file/bot<token>/<file_path>, where file_path is the file_id here.
                data = fake.files.get(self.path.rsplit("/", 1)[-1])
                with fake._changed:
                    fake.calls.append(("downloadFile", {"path": self.path}))
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data or b"")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"
        self.base_file_url = f"http://127.0.0.1:{self.server.server_address[1]}/file/bot"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def _params(body: bytes, content_type: str) -> dict:
        if not body:
            return {}
        if "json" in content_type:
            return json.loads(body)
        params = {}
        for key, values in parse_qs(body.decode(), keep_blank_values=True).items():
            try:
                params[key] = json.loads(values[0])
            except ValueError:
                params[key] = values[0]
        return params

    def _answer(self, method: str, params: dict):
        if method == "getUpdates":
            return self._get_updates(params)
        with self._changed:
            self.calls.append((method, params))
            self._changed.notify_all()
        if method == "getMe":
            return {"id": 42, "is_bot": True, "first_name": "Community Safety", "username": "test_safety_bot"}
        if method == "getFile":
            file_id = str(params["file_id"])
            size = len(self.files.get(file_id, b""))
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size, "file_path": file_id}
        if method == "sendMessage":
            message = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        return True

    def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        with self._changed:
            if offset:
                # As Telegram does: asking from an offset confirms, and forgets, every earlier update.
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                if pending or time.monotonic() >= deadline:
                    return pending
                self._changed.wait(timeout=0.1)

    # --- what a resident does -------------------------------------------------------------
    def update(self, **content) -> dict:
        update = {"update_id": next(self._ids), **content}
        with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        return update

    @staticmethod
    def message(chat_id: int, language_code: str | None = None, **fields) -> dict:
        sender = {"id": chat_id, "is_bot": False, "first_name": "Resident"}
        if language_code:
            sender["language_code"] = language_code  # as the resident's Telegram app is set
        return {
            "message_id": int(time.time() * 1000) % 10**9,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": sender,
            **fields,
        }

    def text_update(self, chat_id: int, text: str, language_code: str | None = None) -> dict:
        fields = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"message": self.message(chat_id, language_code, **fields)}

    def send_text(self, chat_id: int, text: str, language_code: str | None = None) -> dict:
        return self.update(**self.text_update(chat_id, text, language_code))

    def send_file(self, chat_id: int, kind: str, data: bytes, caption: str | None = None, size: int | None = None):
        """A resident sends a file: ``kind`` is the Bot API's field (photo, video, video_note, voice,
        audio, document); ``size`` what Telegram says of it, when not its real size."""
        file_id = f"f{next(self._ids)}"
        self.files[file_id] = data
        described = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size or len(data)}
        if kind == "photo":
            field = [{**described, "width": 90, "height": 60}]
        elif kind in ("video", "video_note"):
            field = {**described, "width": 160, "height": 120, "duration": 1, "length": 160}
        elif kind in ("voice", "audio"):
            field = {**described, "duration": 1}
        else:
            field = {**described, "file_name": "letter.pdf"}
        fields = {kind: field, **({"caption": caption} if caption else {})}
        return self.update(message=self.message(chat_id, **fields))

    def press(self, chat_id: int, data: str) -> dict:
        return self.update(
            callback_query={
                "id": f"cq{next(self._ids)}",
                "chat_instance": "ci",
                "data": data,
                "from": {"id": chat_id, "is_bot": False, "first_name": "Resident"},
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "text": "question",
                },
            }
        )

    # --- what the bridge did ---------------------------------------------------------------
    def sent(self, chat_id: int, method: str = "sendMessage") -> list[dict]:
        with self._changed:
            return [p for m, p in self.calls if m == method and int(p.get("chat_id", 0)) == chat_id]

    def called(self, method: str) -> list[dict]:
        with self._changed:
            return [p for m, p in self.calls if m == method]

    def wait_for(self, chat_id: int, count: int, timeout: float = 60.0) -> list[dict]:
        """The chat's first ``count`` messages, once the bridge has sent them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                messages = [p for m, p in self.calls if m == "sendMessage" and int(p.get("chat_id", 0)) == chat_id]
                if len(messages) >= count:
                    return messages
                if time.monotonic() >= deadline:
                    raise AssertionError(f"waited {timeout}s for {count} messages to chat {chat_id}; got {messages}")
                self._changed.wait(timeout=0.2)

    def reply_after(self, chat_id: int, action, timeout: float = 60.0, settle: float = 0.5) -> list[dict]:
        """Do ``action`` and return the messages the bridge sent in answer: waits for the first, then
        until none has come for ``settle`` seconds (a turn's messages are sent one straight after
        another, a few milliseconds apart)."""
        before = len(self.sent(chat_id))
        action()
        self.wait_for(chat_id, before + 1, timeout)
        settled = time.monotonic() + settle
        count = len(self.sent(chat_id))
        while time.monotonic() < settled:
            time.sleep(0.1)
            if len(self.sent(chat_id)) != count:
                count, settled = len(self.sent(chat_id)), time.monotonic() + settle
        return self.sent(chat_id)[before:]
