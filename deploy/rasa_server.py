"""``python -m deploy.rasa_server <rasa arguments>``: Rasa, started the project's one way, with its
fixes installed before it starts. Every Procfile, `make run`, `make run-prod`, `make shell`,
`make train` and the test stacks start Rasa through here (deploy/profile.py).

Privacy: Rasa 3.6 starts sentry-sdk with Rasa's own Sentry key (shipped in the package's ``keys``
file) whatever the telemetry setting, so a crash would send its error message, which may quote a
resident, to a third party. Here error reporting is never started.

Fixes to the hot path, each measured (issue #12) and tested to change nothing but cost:
- The action server's response was checked by ``jsonschema.validate``, which checks the schema
  itself and builds a new validator on every call: about 40 % of Rasa's busy time under load.
  Here the validator is built once; the same schema, the same errors, the same message.
"""

from __future__ import annotations

import logging
import sys
from functools import cache
from typing import Any

log = logging.getLogger(__name__)
FIXES: list[str] = []


@cache
def _action_response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator built once."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    # As jsonschema.validate chooses which error to raise: the best match of them all.
    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _no_error_reporting() -> None:
    """Instead of rasa.telemetry.initialize_error_reporting: nothing leaves the council."""


def install_fixes() -> list[str]:
    import rasa.telemetry
    from rasa.core.actions.action import RemoteAction

    if "no error reports to Rasa's Sentry" not in FIXES:
        rasa.telemetry.initialize_error_reporting = _no_error_reporting
        FIXES.append("no error reports to Rasa's Sentry")
    if "action response validator built once" not in FIXES:
        RemoteAction._validate_action_result = _validate_action_result
        FIXES.append("action response validator built once")
    return FIXES


def main(argv: list[str] | None = None) -> None:
    fixes = install_fixes()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    # Said on stderr before Rasa sets up its own logging; the tests read it from the process log.
    print(f"Rasa fixes installed: {', '.join(fixes)}", file=sys.stderr, flush=True)  # noqa: T201
    rasa_main()


if __name__ == "__main__":
    main()
