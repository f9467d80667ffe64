"""Headers every page gets. The widget's script
and styles come from this server only, so the policy can refuse inline script and anything from
elsewhere."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, request
from flask.sessions import SecureCookieSessionInterface

from community_safety.settings import is_loopback, settings

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


def cookies_secure() -> bool:
    """Secure cookies and HSTS: as WEB_COOKIE_SECURE says, or, when it is not set, whenever this request
    reached the site by a name or address other than loopback's (the public name behind a proxy)."""
    configured = settings().web_cookie_secure
    if configured is not None:
        return configured
    return not is_loopback(urlsplit(f"//{request.host}").hostname)


class SessionsSecureOffLoopback(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, Secure by the rule in ``cookies_secure``."""

    def get_cookie_secure(self, app) -> bool:
        return cookies_secure()


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if cookies_secure():
        # Served over HTTPS (that is what the secure-cookie setting says): browsers keep to it.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
