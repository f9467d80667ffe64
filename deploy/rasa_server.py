"""``python -m deploy.rasa_server <rasa arguments>``: Rasa, started the project's one way, with the
project's patches (rasa_patches/) installed before it starts. Every Procfile, `make run`,
`make run-prod`, `make shell`, `make train` and the test stacks start Rasa through here
(deploy/profile.py). On any Rasa release but the one the patches were written against it stops with
a message saying what to do, before Rasa starts."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    import rasa_patches

    try:
        patches = rasa_patches.install()
    except rasa_patches.RasaVersionError as wrong_version:
        print(f"Rasa not started: {wrong_version}", file=sys.stderr, flush=True)  # noqa: T201
        raise SystemExit(2) from None
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    # Said on stderr before Rasa sets up its own logging; the tests read it from the process log.
    print(f"Rasa fixes installed: {', '.join(patches)}", file=sys.stderr, flush=True)  # noqa: T201
    rasa_main()


if __name__ == "__main__":
    main()
