"""The project's replacements of Rasa 3.6.21 internals, each beside the reason it was made.

Rasa Open Source is in maintenance mode, so what it does slowly or unsafely is fixed here rather than
upstream. Each module replaces one Rasa class's (or module's) functions and says what it measured;
tests/rasa_patches compare each replacement with Rasa's own. ``install()`` refuses any Rasa release
but the one they were written against. Everything that starts Rasa goes through
``python -m deploy.rasa_server``, which installs them first.
"""

from __future__ import annotations

from rasa_patches import action_server, events, forms, privacy, tracker_store, trackers
from rasa_patches.registry import RASA_VERSION, RASAS_OWN, Patch, RasaVersionError, check_rasa_version

PATCHES: list[Patch] = [
    *privacy.PATCHES,
    *action_server.PATCHES,
    *forms.PATCHES,
    *events.PATCHES,
    *tracker_store.PATCHES,
    *trackers.PATCHES,
]


def install() -> list[str]:
    """Installs every patch (again, if something put Rasa's own back); returns what each does."""
    check_rasa_version()
    for patch in PATCHES:
        patch.install()
    return [patch.said for patch in PATCHES]


__all__ = ["PATCHES", "RASAS_OWN", "RASA_VERSION", "Patch", "RasaVersionError", "check_rasa_version", "install"]
