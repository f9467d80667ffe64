"""Sentence vectors kept between trainings, so a retraining encodes only the texts it has not seen.

Encoding every training example (and each part of a long one) with both encoders is most of a
training's time, and most retrainings change a few examples: a need added, the reviewed messages
(`make reviewed`), a test's copy of the project. Used at training time only, never when the bot
answers: the running servers read nothing from here.

One file per encoder, weights hash and encoder version under ``SENTENCE_VECTORS_CACHE`` (the Makefile sets it to
build/cache/sentence-vectors): a changed weights file starts a new one. The texts themselves are
not kept, only their SHA-256 (the training data is in the repository anyway; the cache is not
where anyone should find it). Written whole to a temporary file and renamed into place, so two
trainings at once leave one complete file, never half of one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nlu.pretrained.encoders import SentenceEncoder

logger = logging.getLogger(__name__)
CACHE_VARIABLE = "SENTENCE_VECTORS_CACHE"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class CachedEncoder:
    """An encoder whose vectors for texts seen before come from the cache file."""

    def __init__(self, encoder: SentenceEncoder, path: Path) -> None:
        self._encoder, self._path = encoder, path
        self.dimensions = encoder.dimensions
        self._vectors: dict[str, np.ndarray] = {}
        self._added = 0
        try:
            with np.load(path, allow_pickle=False) as saved:
                keys, vectors = saved["keys"], saved["vectors"]
            if vectors.ndim == 2 and vectors.shape[1] == encoder.dimensions and len(keys) == len(vectors):
                self._vectors = {str(key): vector for key, vector in zip(keys, vectors, strict=True)}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError) as error:
            # A damaged cache is only slower: start a new one.
            logger.warning(f"Sentence vector cache {path} could not be read ({type(error).__name__}); starting afresh.")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(text) for text in texts]
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in self._vectors}
        if missing:
            for key, vector in zip(missing, self._encoder.encode(list(missing.values())), strict=True):
                self._vectors[key] = vector
            self._added += len(missing)
        if not keys:
            return np.zeros((0, self.dimensions), np.float32)
        return np.vstack([self._vectors[key] for key in keys]).astype(np.float32)

    def save(self) -> None:
        if not self._added:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self._path.parent, suffix=".npz")
            try:
                with os.fdopen(handle, "wb") as file:
                    keys = np.array(list(self._vectors), dtype=str)
                    np.savez(file, keys=keys, vectors=np.vstack(list(self._vectors.values())))
                os.replace(temporary, self._path)
            finally:
                Path(temporary).unlink(missing_ok=True)
            self._added = 0
        except OSError as error:
            logger.warning(f"Sentence vector cache {self._path} could not be written ({error.strerror}); not kept.")


def training_cache(encoder: SentenceEncoder, name: str, weights_sha256: str) -> CachedEncoder | None:
    """The encoder with the cache around it, when ``SENTENCE_VECTORS_CACHE`` names a folder."""
    folder = os.environ.get(CACHE_VARIABLE)
    if not folder:
        return None
    version = getattr(encoder, "version", 1)
    return CachedEncoder(encoder, Path(folder) / f"{name}-{weights_sha256[:16]}-v{version}.npz")
