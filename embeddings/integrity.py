"""Integrity of the built default model: its directory's layout, its manifest and SHA-256 hashes.

Shared by the one-time build (``convert`` writes the manifest, last) and the run time
(``encoders`` and ``onnx_encoder`` compare the files they load with it). No heavy imports.

The manifest (``claimalign-build.json``) records the SHA-256, size and modification time of every
file of the directory: a cheap check compares sizes and times (and hashes a file whose time
differs), a full one hashes every file. The SHA-256 of the source weights is remembered next to
the built models with the source's size and time, so that an unchanged source is not read on
every start.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MANIFEST = "claimalign-build.json"
#: ONNX graphs of the default model by precision, and the run-time tokenizer (relative paths)
ONNX_FILES = {"fp32": "onnx/fp32.onnx", "int8": "onnx/int8.onnx"}
TOKENIZER_FILE = "onnx/tokenizer.bin"
SOURCE_STAMPS = ".source-sha256.json"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file (hex), read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path: Path, obj) -> None:
    """``obj`` as indented UTF-8 JSON, with a final newline."""
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def _write_json_atomic(path: Path, obj) -> None:
    """``write_json`` through a hidden temporary sibling renamed into place; best effort (an
    OSError leaves ``path`` as it was).
    """
    tmp = path.with_name(f".{path.name.lstrip('.')}.{os.getpid()}.tmp")
    try:
        write_json(tmp, obj)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# the manifest


def read_manifest(model_dir: Path) -> dict | None:
    """The build manifest of a model directory, or None (missing or unreadable)."""
    try:
        return json.loads((model_dir / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def file_records(model_dir: Path) -> dict[str, dict]:
    """``{relative path: {sha256, size, mtime_ns}}`` of every file under ``model_dir`` but the manifest."""
    records = {}
    for f in sorted(p for p in Path(model_dir).rglob("*") if p.is_file() and p.name != MANIFEST):
        st = f.stat()
        records[f.relative_to(model_dir).as_posix()] = {"sha256": file_sha256(f), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    return records


def write_manifest(model_dir: Path, fields: dict) -> None:
    """Write the manifest of a finished directory: ``fields``, then ``"files"``, the records of
    every other file (so it must be written last).
    """
    write_json(Path(model_dir) / MANIFEST, {**fields, "files": file_records(model_dir)})


def check_files(model_dir: Path, manifest: dict, *, full: bool = False) -> tuple[list[str], dict[str, int]]:
    """Files of a built directory that differ from its manifest, and intact files whose time moved.

    Cheap by default: a file whose size and modification time are those recorded is taken as
    intact; one whose time differs is hashed. ``full=True`` hashes every file. Returns
    ``(["path (reason)", ...], {path: new mtime_ns of an intact file whose time changed})``.
    """
    records = manifest.get("files")
    if not isinstance(records, dict) or not records:
        return ["(the manifest lists no files)"], {}
    bad, moved = [], {}
    for rel, rec in records.items():
        f = Path(model_dir) / rel
        try:
            st = f.stat()
        except OSError:
            bad.append(f"{rel} (missing)")
            continue
        if st.st_size != rec.get("size"):
            bad.append(f"{rel} (size {st.st_size}, expected {rec.get('size')})")
        elif full or st.st_mtime_ns != rec.get("mtime_ns"):
            if file_sha256(f) != rec.get("sha256"):
                bad.append(f"{rel} (SHA-256 differs)")
            elif st.st_mtime_ns != rec.get("mtime_ns"):
                moved[rel] = st.st_mtime_ns
    return bad, moved


def damaged_files(model_dir: Path, manifest: dict, *, full: bool = False) -> list[str]:
    """``check_files``' damaged files only: ``"path (reason)"`` each."""
    return check_files(model_dir, manifest, full=full)[0]


def restamp(model_dir: Path, manifest: dict, moved: dict[str, int]) -> None:
    """Record new modification times of files found intact (a copied home keeps cheap checks).
    Best effort: the manifest is replaced atomically, or left as it is.
    """
    updated = json.loads(json.dumps(manifest))
    for rel, mtime in moved.items():
        updated["files"][rel]["mtime_ns"] = mtime
    _write_json_atomic(Path(model_dir) / MANIFEST, updated)


def expected_sha256(model_dir: Path, manifest: dict, *rel_paths: str) -> dict[str, str]:
    """``{absolute path: sha256}`` of the given files, from the manifest."""
    files = manifest.get("files") or {}
    return {str(Path(model_dir) / rel): files.get(rel, {}).get("sha256", "") for rel in rel_paths}


# ---------------------------------------------------------------------------------------------
# the source weights


def _source_key(source: Path) -> tuple[str, dict]:
    st = source.stat()
    return str(source.resolve()), {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def source_digest(source: Path, models: Path, *, fresh: bool = False) -> tuple[str, bool]:
    """SHA-256 of the source weights, and whether it was computed now (not remembered).

    ``remember_source`` keeps it in ``models/.source-sha256.json`` with the file's path, size and
    modification time, so that an unchanged file is not read on every start (71 MB, ~50 ms);
    ``fresh=True`` always hashes.
    """
    key, stat = _source_key(source)
    if not fresh:
        try:
            saved = json.loads((models / SOURCE_STAMPS).read_text()).get(key)
        except (OSError, ValueError, AttributeError):
            saved = None
        if isinstance(saved, dict) and all(saved.get(k) == v for k, v in stat.items()) and len(str(saved.get("sha256", ""))) == 64:
            return saved["sha256"], False
    return file_sha256(source), True


def remember_source(source: Path, models: Path, digest: str) -> None:
    """Record the source's digest with its path, size and time (best effort, atomic)."""
    key, stat = _source_key(source)
    path = models / SOURCE_STAMPS
    try:
        stamps = json.loads(path.read_text())
        stamps = stamps if isinstance(stamps, dict) else {}
    except (OSError, ValueError):
        stamps = {}
    stamps[key] = {**stat, "sha256": digest}
    _write_json_atomic(path, stamps)
