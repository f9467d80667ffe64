"""Signing keys for session cookies: from the environment in production; on one machine, a
random key kept in the data folder so sessions survive a restart of the web server."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def secret_key(configured: str | None, key_file: Path) -> str:
    """``configured``: the key from the settings, when there is one."""
    if configured:
        return configured
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        draft = key_file.with_name(f".{key_file.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, key_file)  # atomic: two workers starting together agree on one key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()
