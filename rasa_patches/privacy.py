"""Rasa 3.6 starts sentry-sdk with Rasa's own Sentry key (shipped in the package's ``keys`` file)
whatever the telemetry setting, so a crash would send its error message, which may quote a resident,
to a third party. Replaces ``rasa.telemetry.initialize_error_reporting``: error reporting is never
started."""

from __future__ import annotations

from rasa_patches.registry import Patch


def _no_error_reporting() -> None:
    """Instead of rasa.telemetry.initialize_error_reporting: nothing leaves the council."""


PATCHES = [
    Patch("no error reports to Rasa's Sentry", "rasa.telemetry", "initialize_error_reporting", _no_error_reporting)
]
