"""The photo sent with a report to the casework system (Open311's `media_url`): a link to the
cleaned copy that the system can fetch without signing in, signed so it can't be guessed or
altered, and ending after OPEN311_MEDIA_LINK_HOURS. Sent only when OPEN311_MEDIA_BASE_URL says
where the system reaches the staff site; the file behind it is the copy without hidden details."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from community_safety.records.models import Evidence
from community_safety.settings import Settings, settings

SALT = "open311-media"
ROUTE = "/open311/media/"


class LinkExpired(Exception):
    """The link was ours, and its time is up."""


class NotALink(Exception):
    """Not a link we made (or made with a key since changed)."""


def _signer(config: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(config.secret_or_kept("open311_media_secret", "open311-media-key"), salt=SALT)


def first_photo(evidence: list[Evidence]) -> Evidence | None:
    return next((item for item in evidence if item.kind == "image"), None)


def media_url(evidence: Evidence, config: Settings | None = None) -> str | None:
    """The link to ``evidence`` for the casework system; None when it is not set to receive one."""
    config = config or settings()
    if not config.open311_media_base_url:
        return None
    return f"{config.open311_media_base_url}{ROUTE}{_signer(config).dumps(evidence.public_id)}"


def linked_evidence(token: str, config: Settings | None = None) -> str:
    """The public id a link names, if it is ours and still in time."""
    config = config or settings()
    try:
        return str(_signer(config).loads(token, max_age=int(config.open311_media_link_hours * 3600)))
    except SignatureExpired:
        raise LinkExpired from None
    except BadSignature:
        raise NotALink from None
