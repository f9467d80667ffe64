"""The HTTP conversation with an Open311 GeoReport v2 endpoint (open311.org/GeoReport_v2), in JSON or XML.

Failures come in two kinds, because the outbox treats them differently:
- ``Open311Unavailable``: the endpoint is down, slow past the timeout, or answers 5xx: try again later;
- ``Open311Refused``: it answers 4xx (a wrong service code, a missing field): sending again won't help,
  so staff are shown its reasons.

XML is read with the standard library's parser: it resolves no external entities, and its expat
(2.4.1 or later) refuses entity expansion attacks.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any

import requests

MAX_ANSWER = 2_000_000  # bytes: an answer larger than any list of requests we ask for


class Open311Error(Exception):
    pass


class Open311Unavailable(Open311Error):
    """Try again later."""


class Open311Refused(Open311Error):
    """The endpoint said no (4xx); ``reasons`` are its own words."""

    def __init__(self, status: int, reasons: list[str]):
        self.status, self.reasons = status, reasons
        super().__init__(f"{status}: {'; '.join(reasons) or 'no reason given'}")


@dataclass(frozen=True)
class Posted:
    """What a POST gave back: the request's id, or a token to ask for it with later."""

    service_request_id: str | None
    token: str | None


def _xml_records(text: str) -> list[dict[str, str]]:
    """<service_requests><request><x>..</x></request></service_requests> and the like: the root's
    children as records of their children's text."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise Open311Unavailable(f"the casework system's XML could not be read ({error})") from None
    return [{field.tag: (field.text or "").strip() for field in record} for record in root]


class Open311Client:
    def __init__(
        self,
        endpoint: str,
        api_key: str,
        *,
        jurisdiction_id: str | None = None,
        answer_format: str = "json",
        timeout: float = 15,
        session: requests.Session | None = None,
    ):
        self.endpoint = endpoint.rstrip("/")
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self.format = answer_format
        self.timeout = timeout
        self.http = session or requests.Session()

    @classmethod
    def from_settings(cls) -> Open311Client | None:
        """The configured endpoint's client; None when no endpoint is set. Only what sends to the
        casework system (the scheduler, staff-admin) holds the key, so it is checked here."""
        from community_safety.settings import SettingsError, secret, settings

        configured = settings()
        if not configured.open311_endpoint:
            return None
        if not configured.open311_api_key:
            raise SettingsError("OPEN311_ENDPOINT is set but OPEN311_API_KEY is not: the casework system needs its key")
        return cls(
            configured.open311_endpoint,
            secret(configured.open311_api_key) or "",
            jurisdiction_id=configured.open311_jurisdiction_id,
            answer_format=configured.open311_format,
            timeout=configured.open311_timeout_seconds,
        )

    def _url(self, path: str) -> str:
        return f"{self.endpoint}/{path}.{self.format}"

    def _params(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        params = dict(extra or {})
        if self.jurisdiction_id:
            params["jurisdiction_id"] = self.jurisdiction_id
        return params

    def _records(self, response: requests.Response) -> list[dict[str, Any]]:
        if len(response.content) > MAX_ANSWER:
            raise Open311Unavailable(f"the casework system's answer was larger than {MAX_ANSWER:,} bytes")
        if 400 <= response.status_code < 500:
            raise Open311Refused(response.status_code, self._reasons(response))
        if response.status_code >= 300:  # 5xx, or a redirect: a POST is not followed to another address
            raise Open311Unavailable(f"the casework system answered {response.status_code}")
        if self.format == "xml":
            return _xml_records(response.text)
        try:
            body = response.json()
        except ValueError:
            raise Open311Unavailable("the casework system's answer was not JSON") from None
        if isinstance(body, dict):
            body = [body]
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise Open311Unavailable("the casework system's answer was not a list of records")
        return body

    def _reasons(self, response: requests.Response) -> list[str]:
        """An Open311 error list ([{"code": 400, "description": "..."}]), as the endpoint's own words."""
        try:
            records = _xml_records(response.text) if self.format == "xml" else response.json()
        except (ValueError, Open311Unavailable):
            records = None
        if isinstance(records, dict):
            records = [records]
        if isinstance(records, list):
            reasons = [str(r.get("description") or "").strip() for r in records if isinstance(r, dict)]
            if any(reasons):
                return [reason[:500] for reason in reasons if reason]
        return [response.text.strip()[:500]] if response.text.strip() else []

    def _read_capped(self, response: requests.Response) -> None:
        """The answer's body, read no further than MAX_ANSWER (a system sending without end is cut off,
        not downloaded) and for no longer than the timeout in all."""
        body, started = bytearray(), time.monotonic()
        try:
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_ANSWER:
                    raise Open311Unavailable(f"the casework system's answer was larger than {MAX_ANSWER:,} bytes")
                if time.monotonic() - started > self.timeout:
                    raise Open311Unavailable(
                        f"the casework system did not finish answering in {self.timeout:g} seconds"
                    )
        finally:
            response.close()
        response._content = bytes(body)  # what .json() and .text read

    def _call(self, method: str, path: str, **kwargs: Any) -> list[dict[str, Any]]:
        try:
            response = self.http.request(
                method, self._url(path), timeout=self.timeout, allow_redirects=False, stream=True, **kwargs
            )
            self._read_capped(response)
        except requests.Timeout:
            raise Open311Unavailable(f"the casework system did not answer within {self.timeout:g} seconds") from None
        except requests.RequestException as error:
            raise Open311Unavailable(f"the casework system could not be reached ({type(error).__name__})") from None
        return self._records(response)

    def services(self) -> list[dict[str, Any]]:
        """GET services: what the system takes, each with its ``service_code``."""
        return self._call("GET", "services", params=self._params())

    def post_request(self, fields: dict[str, Any]) -> Posted:
        """POST requests: one report, form-encoded as GeoReport v2 asks."""
        records = self._call("POST", "requests", data=self._params({**fields, "api_key": self.api_key}))
        first = records[0] if records else {}
        request_id = str(first.get("service_request_id") or "").strip() or None
        token = str(first.get("token") or "").strip() or None
        if not request_id and not token:
            raise Open311Unavailable("the casework system took the report but gave neither a reference nor a token")
        return Posted(request_id, token)

    def request_id_for(self, token: str) -> str | None:
        """GET tokens/{token}: the request's id once the system has made it, else None."""
        records = self._call("GET", f"tokens/{requests.utils.quote(token, safe='')}", params=self._params())
        for record in records:
            if str(record.get("service_request_id") or "").strip():
                return str(record["service_request_id"]).strip()
        return None

    def requests(self, request_ids: list[str]) -> list[dict[str, Any]]:
        """GET requests for these ids: each one's status, status_notes and updated_datetime."""
        return self._call("GET", "requests", params=self._params({"service_request_id": ",".join(request_ids)}))
