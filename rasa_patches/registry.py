"""How a patch is described and installed, and the one Rasa version they were all written against."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

# Every patch replaces a Rasa internal as it is in this release; another release may have changed it.
RASA_VERSION = "3.6.21"
# Rasa's own functions the patches replace: some patches fall back on them, the tests compare the two.
RASAS_OWN: dict[str, Any] = {}


class RasaVersionError(RuntimeError):
    """Rasa is not the release the patches were written against."""


@dataclass(frozen=True)
class Patch:
    said: str  # said in the process log when installed
    owner: str  # "module:Class" or "module" holding the replaced function
    attribute: str
    replacement: Any

    @property
    def key(self) -> str:
        owner = self.owner.split(":")[-1].rsplit(".", 1)[-1]
        return f"{owner}.{self.attribute}"

    def install(self) -> None:
        module, _, cls = self.owner.partition(":")
        owner = importlib.import_module(module)
        if cls:
            owner = getattr(owner, cls)
        RASAS_OWN.setdefault(self.key, owner.__dict__[self.attribute])
        setattr(owner, self.attribute, self.replacement)


def check_rasa_version(found: str | None = None) -> None:
    if found is None:
        import rasa

        found = rasa.__version__
    if found != RASA_VERSION:
        raise RasaVersionError(
            f"Rasa {found} is installed, but the project's patches to Rasa (rasa_patches/) were written "
            f"against Rasa {RASA_VERSION} and replace its internals. Install rasa=={RASA_VERSION} "
            f"(`make install` does), or check each patch against the new release's code "
            f"(tests/rasa_patches compare each with Rasa's own) and then change RASA_VERSION in "
            f"rasa_patches/registry.py."
        )
