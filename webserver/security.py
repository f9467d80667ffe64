"""Headers every page gets, and the yes/no settings for cookies and the proxy. The widget's script
and styles come from this server only, so the policy can refuse inline script and anything from
elsewhere."""

from __future__ import annotations

import os

from flask import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)


def env_flag(name: str) -> bool:
    """A yes/no setting from the environment: 1, true or yes (any case) mean yes."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response
