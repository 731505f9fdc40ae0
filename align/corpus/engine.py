"""The corpus run: partitions of work, executed in-process or on a Dask cluster, resumable.

Two kinds of task do the heavy work; both are plain module-level functions of plain data, so
the same code runs in this process (:class:`LocalExecutor`) or on the workers of a
``dask.distributed`` cluster (:class:`DaskExecutor`: a ``Client`` given by the caller, a
scheduler address, or a ``LocalCluster`` of n worker processes started here):

- :func:`prepare_partition`: load, segment, attribute speakers, split into claims and embed a
  partition of articles (``partition_size`` of them), each article embedded once; returns its
  segments, claim embeddings, article vector and profile (``align.corpus.profile``).
- :func:`align_partition`: for a partition of candidate pairs (``pair_partition_size``), the
  pairs' features (``align.corpus.events``) and calibrated score, and for each confirmed pair
  the comparable-mode alignment (``align.pipeline.compare_sides`` on the prepared sides, one row
  per claim). A pair's features depend on its two articles only (and the model's fixed
  background samples, ``align.background``).

Workers are stateless: they get their inputs with the task and return their results; only this
process reads the input and writes files, so a cluster needs no shared file system (workers need
claimalign installed and the model available offline). Memory per worker is bounded by one
task's inputs (a partition of articles, or the pairs of a partition and the prepared articles
they need) besides the model and the fixed background samples; this process holds the article
vectors and the results, and keeps only a few tasks in flight at a time.

Every finished partition is written atomically under ``workdir`` (``OUTDIR/.partitions``),
named by a hash of everything its result depends on (articles and their texts, model
fingerprint, settings, format); a run that was interrupted finds them there and recomputes only
the rest (and the embedding cache makes re-embedding cheap). Partitions that the finished run
did not use are removed.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import inspect
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from embeddings import Encoder

from .. import background
from ..calibration import Calibration, EventCalibration, resolve
from ..documents import load_document
from ..errors import InputError
from ..matching import best_links
from ..pipeline import compare_sides, model_record
from ..settings import CompareSettings
from ..sides import Side, prepare_side, show_progress
from ..text import model_text
from ..types import Document, segment_from_record, segment_record
from ..writers.files import atomic_write
from . import events as ev
from .inputs import Article, BadRow, bad_rows_message
from .profile import Profile, profile
from .profile import compare as compare_profiles
from .settings import CorpusSettings

FORMAT = 3  # partition format; part of every partition's key (2: segments carry their label; 3: profiles, fixed vectors)
_ENCODERS: dict[str, Encoder] = {}  # per worker process: encoders built from a spec


# -- encoders on workers ------------------------------------------------------------------------

def encoder_spec(encoder: Encoder) -> dict[str, Any]:
    """The constructor arguments of ``encoder`` (what a worker needs to build the same one)."""
    params = inspect.signature(type(encoder).__init__).parameters
    spec = {name: getattr(encoder, name) for name in params if name != "self" and hasattr(encoder, name)}
    spec["show_progress"] = False
    return spec


def _encoder(enc: Encoder | dict) -> Encoder:
    """An Encoder as given (in-process; anything with the Encoder's ``encode``, ``model``,
    ``fingerprint`` and ``precision``) or built once per process from a spec (on a worker).
    """
    if not isinstance(enc, dict):
        return enc
    key = repr(sorted(enc.items()))
    if key not in _ENCODERS:
        _ENCODERS[key] = Encoder(**enc)
    return _ENCODERS[key]


@contextlib.contextmanager
def _faiss_threads(n: int):
    """Faiss on ``n`` threads for the block (many tiny searches: threads only add overhead)."""
    import faiss

    old = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(old)


def _no_embedding(texts: list[str]) -> np.ndarray:
    return np.zeros((len(texts), 0), np.float32)


# -- task: prepare (embed) a partition of articles ----------------------------------------------

def prepare_partition(items: list[dict[str, Any]], encoder: Encoder | dict) -> dict[str, Any]:
    """Prepare a partition of articles: document, sentences, speakers, claims, embeddings, profile.

    Parameters
    ----------
    items : list of dict
        ``id, text, lang, title`` per article.
    encoder : Encoder or dict
        The encoder, or its spec (:func:`encoder_spec`) on a worker.

    Returns
    -------
    dict
        ``articles`` (id, lang, counts, ``profile``: ``align.corpus.profile``), ``segments`` (one
        dict per document, sentence and claim), ``bad`` (articles that could not be prepared),
        ``claims`` (float32 claim embeddings in the order of the claim segments), ``mean`` and
        ``lead`` (article vectors).
    """
    enc = _encoder(encoder)
    prepared: list[tuple[dict, Side]] = []
    bad = []
    for it in items:
        try:
            doc = load_document(it["text"], kind="text", lang=it["lang"], name=it["id"])
            prepared.append((it, prepare_side(doc, _no_embedding)))
        except InputError as exc:
            bad.append({"id": it["id"], "reason": str(exc).removeprefix("text: ").removeprefix(f"{it['id']}: ")})
    texts = [model_text(c.text, c.lang) for _, s in prepared for c in s.claims]
    titles = [(n, it["title"]) for n, (it, s) in enumerate(prepared)
              if it.get("title") and it["title"].strip() != (s.sentences[0].text.strip() if s.sentences else "")]
    vectors = (enc.encode(texts + [model_text(t, prepared[n][1].document.lang) for n, t in titles]) if texts
               else np.zeros((0, 0), np.float32))
    dim = vectors.shape[1] if vectors.size else 0
    claim_vectors = vectors[: len(texts)]
    title_of = {n: vectors[len(texts) + k] for k, (n, _) in enumerate(titles)}
    out: dict[str, Any] = {"articles": [], "segments": [], "bad": bad, "claims": claim_vectors.astype(np.float32)}
    vectors_out = []
    offset = 0
    languages: dict[str, np.ndarray] = {}
    for n, (it, side) in enumerate(prepared):
        e = claim_vectors[offset: offset + len(side.claims)]
        offset += len(side.claims)
        active = np.array([c.duplicate_of is None for c in side.claims], bool)
        mean, lead = ev.article_vectors(e[active] if active.any() else e, title_of.get(n))
        lang = side.document.lang
        if lang not in languages:
            sample = background.embeddings(lang, enc.encode) if dim else None
            languages[lang] = sample.mean(0) if sample is not None and sample.shape[1] == dim else np.zeros(dim, np.float32)
        vectors_out.append(ev.centre(mean[None, :], lead[None, :], languages[lang][None, :])[0])
        _add_article(out, it, side)
    out["vector"] = np.array(vectors_out, np.float32) if vectors_out else np.zeros((0, dim), np.float32)
    return out


def _add_article(out: dict[str, Any], item: dict[str, Any], side: Side) -> None:
    """One prepared article's record (with its profile) and segments, into ``out``."""
    doc = side.document
    claims = [c for c in side.claims if c.duplicate_of is None]
    texts = ([item["title"]] if item.get("title") else []) + [c.text for c in claims]
    out["articles"].append({"id": item["id"], "lang": doc.lang, "n_sentences": len(side.sentences), "n_claims": len(side.claims),
                            "chars": len(doc.text), "extracted_from": doc.extracted_from,
                            "profile": profile(texts, [c.speaker for c in claims]).to_dict()})
    out["segments"].append({"article": item["id"], "unit": "document", "text": doc.text, "lang": doc.lang})
    for unit, segs in (("sentence", side.sentences), ("claim", side.claims)):
        for s in segs:
            out["segments"].append({"article": item["id"], "unit": unit, **segment_record(s), "lang": s.lang})


# -- task: features, scores and alignments of a partition of candidate pairs --------------------

def _side(payload: dict[str, Any]) -> Side:
    doc = Document(payload["text"], payload["id"], payload["lang"])
    sentences = [segment_from_record(s, s["lang"]) for s in payload["sentences"]]
    claims = [segment_from_record(s, s["lang"]) for s in payload["claims"]]
    return Side(doc, sentences, claims, np.asarray(payload["embeddings"], np.float32))


def _remembered(encode: Callable[[list[str]], np.ndarray]) -> Callable[[list[str]], np.ndarray]:
    """``encode`` that embeds each text once (for the life of one task)."""
    seen: dict[str, np.ndarray] = {}

    def remembered(texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in seen]
        if new:
            seen.update(zip(new, encode(new), strict=True))
        return np.stack([seen[t] for t in texts]) if texts else encode([])

    return remembered


class _Scorer:
    """The features and score of candidate pairs among a job's prepared articles (each claim's
    background against a language's fixed sample computed once per article and language).
    """

    def __init__(self, job: dict[str, Any], enc: Encoder, options: dict[str, Any]):
        self.enc = enc
        self.encode = _remembered(enc.encode)  # the background samples' probes are embedded once per task
        self.sides = {aid: _side(p) for aid, p in job["sides"].items()}
        self.profiles = {aid: Profile.from_dict(p["profile"]) for aid, p in job["sides"].items()}
        self.active = {aid: np.array([c.duplicate_of is None for c in s.claims], bool) for aid, s in self.sides.items()}
        self.calibration = EventCalibration(**options["calibration"])
        self.run = resolve(CompareSettings(unit="claim", k=options["k"], min_score=options["min_score"],
                                           same_speaker=options["same_speaker"], cache=True, progress=False))
        self.samples: dict[str, np.ndarray | None] = {}
        self.backgrounds: dict[tuple[str, str], ev.ClaimBackground] = {}

    def background(self, aid: str, lang: str) -> ev.ClaimBackground:
        """The claims of ``aid`` against the background sample of ``lang``."""
        if (aid, lang) not in self.backgrounds:
            if lang not in self.samples:
                self.samples[lang] = background.embeddings(lang, self.encode)
            self.backgrounds[aid, lang] = ev.background(self.sides[aid].embeddings, self.samples[lang])
        return self.backgrounds[aid, lang]

    def features(self, a_id: str, b_id: str) -> dict[str, float]:
        """The features (``align.corpus.events.FEATURES``) of one candidate pair."""
        a, b = self.sides[a_id], self.sides[b_id]
        bg_a, bg_b = self.background(a_id, b.document.lang), self.background(b_id, a.document.lang)
        act_a, act_b = self.active[a_id], self.active[b_id]
        pairs = best_links(a, b, k=self.run.k, min_score=0.0, same_speaker=self.run.same_speaker, encode=self.encode,
                           encode_tokens=self.enc.encode_tokens)
        return {**ev.pair_features(a.embeddings, b.embeddings, bg_a, bg_b, act_a, act_b),
                **ev.lead_features(a.embeddings, b.embeddings, bg_a, bg_b, act_a, act_b),
                **ev.match_features(pairs, act_a, act_b, self.run.equivalent),
                **compare_profiles(self.profiles[a_id], self.profiles[b_id])}

    def alignments(self, a_id: str, b_id: str, model) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Coverage and the claim alignment (one record per matched claim pair) of a confirmed pair."""
        a, b = self.sides[a_id], self.sides[b_id]
        bg_a, bg_b = self.background(a_id, b.document.lang), self.background(b_id, a.document.lang)
        report = compare_sides(a, b, self.run, self.encode, model, self.enc.encode_tokens)
        index_a = {c.label: i for i, c in enumerate(a.claims)}
        index_b = {c.label: i for i, c in enumerate(b.claims)}
        matches = report.matches
        matched = [([index_a[x] for x in r.a_labels], [index_b[x] for x in r.b_labels]) for r in matches]
        cov = ev.coverage(a.embeddings, b.embeddings, bg_a, bg_b, matched, self.active[a_id], self.active[b_id])
        rows = []
        for r, (ia, ib) in zip(matches, matched, strict=True):
            base = (bg_a.top[ia[0]] + bg_b.top[ib[0]]) / 2.0
            rows.append({
                "a": a_id, "b": b_id, "a_claims": list(r.a_labels), "b_claims": list(r.b_labels),
                "a_text": r.a_text, "b_text": r.b_text, "a_speaker": r.a_speaker, "b_speaker": r.b_speaker,
                "confidence": r.confidence, "relation": r.relation, "similarity": r.similarity, "margin": r.margin,
                "gain": None if not np.isfinite(base) else float(a.embeddings[ia[0]] @ b.embeddings[ib[0]] - base),
                "flags": list(r.flags),
            })
        return {**cov, "n_matches": len(matches)}, rows


def align_partition(job: dict[str, Any], encoder: Encoder | dict, options: dict[str, Any]) -> dict[str, Any]:
    """Features, score and (when confirmed) claim alignment of a partition of candidate pairs.

    Parameters
    ----------
    job : dict
        ``pairs``: (a id, b id, cos, date gap) tuples; ``sides``: the prepared articles they need.
    encoder : Encoder or dict
        The encoder or its spec (the matcher embeds merged claims; the background samples are
        the model's).
    options : dict
        ``k``, ``min_score``, ``same_speaker``, ``min_pair_score``, ``calibration``.
        Features and score of every candidate; ``coverage`` and the alignment of the confirmed
        ones only (the comparable-mode alignment is the expensive step).

    Returns
    -------
    dict
        ``pairs``: one record of features and score per candidate; ``alignments``: one record
        per matched claim pair of the confirmed candidates.
    """
    enc = _encoder(encoder)
    scorer = _Scorer(job, enc, options)
    model = model_record(enc)
    pairs, alignments = [], []
    # many small matrix products: threads only add overhead (and contend with other tasks)
    with _faiss_threads(1), threadpool_limits(1):
        for a_id, b_id, cos, gap in job["pairs"]:
            feats = scorer.features(a_id, b_id)
            score = ev.score(scorer.calibration, feats)
            record = {"a": a_id, "b": b_id, "date_gap_days": gap, "cos": float(cos), **feats, "coverage_a": None,
                      "coverage_b": None, "coverage": None, "score": score, "confirmed": score >= options["min_pair_score"],
                      "n_matches": None}
            if record["confirmed"]:
                found, rows = scorer.alignments(a_id, b_id, model)
                record.update(found)
                alignments += rows
            pairs.append(record)
    return {"pairs": pairs, "alignments": alignments}


# -- executors ----------------------------------------------------------------------------------

class LocalExecutor:
    """Runs tasks one after another in this process."""

    workers = 1
    kind = "in-process"

    def encoder(self, encoder: Encoder) -> Encoder | dict:
        """What the tasks get for the encoder: the object itself."""
        return encoder

    def run(self, fn: Callable, jobs: Iterable[tuple[int, Any]], common: dict[str, Any]) -> Iterator[tuple[int, Any]]:
        """(job index, result) for each job, as they finish."""
        for i, job in jobs:
            yield i, fn(job, **common)

    def peak_rss_mb(self) -> dict[str, float]:
        """Peak resident memory of this process."""
        return {"in-process": _peak_rss_mb()}

    def cpu_seconds(self) -> float:
        """CPU seconds this process has used."""
        return _cpu_seconds()

    def close(self) -> None:
        """Nothing to release."""


class DaskExecutor:
    """Runs tasks on a dask.distributed cluster, a few in flight per worker.

    Parameters
    ----------
    client : distributed.Client
        The cluster's client (closed by :meth:`close` only when this object started it).
    own : bool
        Whether :meth:`close` shuts the client (and its LocalCluster) down.
    """

    kind = "dask"

    def __init__(self, client, own: bool = False):
        self.client = client
        self.own = own

    @property
    def workers(self) -> int:
        """Workers connected now (at least 1)."""
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def encoder(self, encoder: Encoder) -> dict:
        """What the tasks get for the encoder: its constructor arguments (an encoder that takes a
        thread count gets one thread: a worker runs one task per thread).
        """
        spec = encoder_spec(encoder)
        if "threads" in spec and spec["threads"] is None:
            spec["threads"] = 1
        return spec

    def run(self, fn: Callable, jobs: Iterable[tuple[int, Any]], common: dict[str, Any]) -> Iterator[tuple[int, Any]]:
        """(job index, result) for each job, as they finish; at most 2 per worker + 2 in flight."""
        from distributed import as_completed

        limit = 2 * self.workers + 2
        it = iter(jobs)
        pending = as_completed()
        index = {}

        def submit() -> bool:
            try:
                i, job = next(it)
            except StopIteration:
                return False
            f = self.client.submit(fn, job, **common, pure=False)
            index[f.key] = i
            pending.add(f)
            return True

        for _ in range(limit):
            if not submit():
                break
        for f in pending:
            result = f.result()
            i = index.pop(f.key)
            f.release()
            submit()
            yield i, result

    def peak_rss_mb(self) -> dict[str, float]:
        """Peak resident memory of every worker process."""
        return {str(k): float(v) for k, v in sorted(self.client.run(_peak_rss_mb).items())}

    def cpu_seconds(self) -> float:
        """CPU seconds the worker processes have used, together."""
        return float(sum(self.client.run(_cpu_seconds).values()))

    def close(self) -> None:
        """Shut down the cluster this object started (a caller's client is left alone)."""
        if self.own:
            cluster = getattr(self.client, "cluster", None)
            self.client.close()
            if cluster is not None:
                cluster.close()


def _cpu_seconds() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 1024.0 if sys.platform != "darwin" else peak / 2**20, 1)


def make_executor(client=None, workers: int | None = None):
    """An executor: a given ``Client`` (or a scheduler address), a LocalCluster of ``workers``
    processes (one thread each), or (neither) this process.
    """
    if client is None and not workers:
        return LocalExecutor()
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise InputError("a Dask cluster needs dask[distributed]: pip install 'dask[distributed]'") from exc
    if client is not None and workers:
        raise InputError("give either a Dask client/scheduler address or a number of local workers, not both")
    if isinstance(client, str):
        return DaskExecutor(connect(client), own=True)
    if client is not None:
        return DaskExecutor(client)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a positive integer, got {workers!r}")
    import logging

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    return DaskExecutor(Client(cluster), own=True)


CONNECT_SECONDS = 10  # a scheduler that does not answer within this is an error


def connect(address: str, timeout: float = CONNECT_SECONDS):
    """A ``distributed.Client`` connected to the scheduler at ``address``, or one InputError
    that says why not, within about ``timeout`` seconds: an address that is not a Dask address
    (``http://...``, no port, not a URL), a host that does not resolve or refuses the
    connection, or a server that does not answer as a Dask scheduler.
    """
    import socket
    import threading

    from distributed import Client
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    def fail(why: str) -> InputError:
        return InputError(f"cannot connect to the Dask scheduler at {address!r}: {why}")

    try:
        scheme, location = parse_address(address.strip())
        host, port = parse_host_port(location) if scheme in ("tcp", "tls", "ws", "wss") else (None, None)
    except (ValueError, TypeError) as exc:
        raise fail(f"{exc} (an address looks like tcp://host:8786)") from None
    if host is not None:
        try:  # fails fast: nothing listening, an unknown host
            socket.create_connection((host, port), timeout=min(timeout, 5)).close()
        except OSError as exc:
            raise fail(exc.strerror or str(exc) or exc.__class__.__name__) from None
    found: dict = {}

    def run() -> None:
        try:
            found["client"] = Client(address.strip(), timeout=f"{timeout}s")
        except Exception as exc:  # reported as one line below
            found["error"] = exc

    if host is None:  # in-process (inproc://) or UCX: distributed's timeout holds
        run()
    else:  # distributed's timeout does not bound the handshake with a server that never answers
        thread = threading.Thread(target=run, name="claimalign-dask-connect", daemon=True)
        thread.start()
        thread.join(timeout + 2)
    if "client" in found:
        return found["client"]
    why = found.get("error")
    if why is None:
        raise fail(f"no answer as a Dask scheduler within {timeout:g} s")
    raise fail((str(why).splitlines() or [why.__class__.__name__])[0])


# -- partition files ----------------------------------------------------------------------------

def digest(obj: Any) -> str:
    """A short stable hash of JSON-able data."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:24]


def write_partition(path: Path, payload: dict[str, Any]) -> Path:
    """Write a partition atomically: JSON fields and float32 arrays in one ``.npz``."""
    arrays = {k: v for k, v in payload.items() if isinstance(v, np.ndarray)}
    meta = {k: v for k, v in payload.items() if not isinstance(v, np.ndarray)}
    buf = io.BytesIO()
    np.savez(buf, _meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), np.uint8), **arrays)
    return atomic_write(path, buf.getvalue())


def read_partition(path: Path) -> dict[str, Any]:
    """Read a partition written by :func:`write_partition`."""
    with np.load(path, allow_pickle=False) as data:
        out = json.loads(bytes(data["_meta"]).decode("utf-8"))
        out.update({k: data[k] for k in data.files if k != "_meta"})
    return out


def _partition_sides(path: Path) -> dict[str, dict]:
    """The prepared articles of one partition as side payloads (see :func:`_side`)."""
    data = read_partition(path)
    docs: dict[str, dict] = {}
    for s in data["segments"]:
        aid = s["article"]
        d = docs.setdefault(aid, {"id": aid, "sentences": [], "claims": []})
        if s["unit"] == "document":
            d["text"], d["lang"] = s["text"], s["lang"]
        else:
            fields = {k: v for k, v in s.items() if k not in ("article", "unit")}
            d["sentences" if s["unit"] == "sentence" else "claims"].append(fields)
    offset = 0
    for a in data["articles"]:
        n = a["n_claims"]
        docs[a["id"]]["embeddings"] = data["claims"][offset: offset + n]
        docs[a["id"]]["profile"] = a["profile"]
        offset += n
    return docs


def _pair_jobs(chunks: list[list[tuple]], todo: list[int], paths: list[Path], part_of: dict[str, int]) -> Iterator[tuple[int, dict]]:
    """(chunk index, job) for the chunks to compute, in order. Every prepared partition is read
    once; an article's payload is kept until the last chunk that needs it.
    """
    last_use: dict[str, int] = {}
    for k, n in enumerate(todo):
        for p in chunks[n]:
            last_use[p[0]] = last_use[p[1]] = k
    store: dict[str, dict] = {}
    for k, n in enumerate(todo):
        need = sorted({x for p in chunks[n] for x in p[:2]}, key=lambda x: (part_of[x], x))
        for x in need:
            if x not in store:
                for aid, d in _partition_sides(paths[part_of[x]]).items():
                    if last_use.get(aid, -1) >= k and aid not in store:
                        store[aid] = d
        yield n, {"pairs": chunks[n], "sides": {x: store[x] for x in need}}
        for x in need:
            if last_use[x] == k:
                del store[x]


# -- the run ------------------------------------------------------------------------------------

class _Progress:
    def __init__(self, show: bool, total: int, desc: str):
        self.bar = None
        if show and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="part", file=sys.stderr, leave=False)

    def update(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _run_partitions(executor, fn, jobs: Iterator[tuple[int, dict]], common: dict, paths: list[Path], bar: _Progress) -> None:
    """Run ``fn`` on every ``(n, job)`` through the executor; partition n is written to
    ``paths[n]`` (atomically) as soon as it is back, so an interrupted run keeps what finished.
    """
    try:
        for n, payload in executor.run(fn, jobs, common):
            write_partition(paths[n], payload)
            bar.update()
    finally:
        bar.close()


@dataclass
class RunOutput:
    """What a corpus run returns: the articles as read, per usable article its prepared counts
    (``meta``), the bad rows, one record per candidate pair and per matched claim pair of the
    confirmed ones (as the tasks return them), every sentence and claim, the run record and
    statistics.
    """

    articles: list[Article]
    meta: list[dict[str, Any]]
    bad_rows: list[BadRow]
    pairs: list[dict[str, Any]]
    alignments: list[dict[str, Any]]
    segments: list[dict[str, Any]]
    run: dict[str, Any]
    stats: dict[str, Any]


class _Stages:
    """Wall and CPU seconds of each stage of a run (CPU of the workers and of this process: a
    measure of the work that does not depend on other jobs sharing the machine).
    """

    def __init__(self, executor):
        self.executor = executor
        self.stats: dict[str, Any] = {"executor": executor.kind, "workers": executor.workers, "seconds": {}, "cpu_seconds": {}}
        self.t0 = self.last = time.perf_counter()
        self.cpu = self._cpu()

    def _cpu(self) -> dict[str, float]:
        return {"workers": self.executor.cpu_seconds() if self.executor.kind == "dask" else 0.0, "here": _cpu_seconds()}

    def done(self, name: str, *, cpu: bool = True) -> None:
        """The stage ``name`` ends now."""
        now = time.perf_counter()
        self.stats["seconds"][name] = round(now - self.last, 2)
        self.last = now
        if cpu:
            cpu_now = self._cpu()
            self.stats["cpu_seconds"][name] = {k: round(cpu_now[k] - self.cpu[k], 2) for k in cpu_now}
            self.cpu = cpu_now


@dataclass
class _Prepared:
    """The prepared partitions, read back: paths, keys, the usable articles' counts and vectors."""

    paths: list[Path]
    keys: list[str]
    meta: list[dict[str, Any]]
    part_of: dict[str, int]
    vectors: list[np.ndarray]
    bad: list[BadRow]


def _prepare(articles: list[Article], settings: CorpusSettings, encoder: Encoder, executor, workdir: Path, show: bool,
             stats: dict[str, Any]) -> list[Path]:
    """Stage 1: prepare and embed the articles, partition by partition (finished ones reused)."""
    size = settings.partition_size
    chunks = [articles[i: i + size] for i in range(0, len(articles), size)]
    keys = [digest([FORMAT, encoder.fingerprint, [[a.id, a.lang, a.title, hashlib.sha256(a.text.encode()).hexdigest()]
                                                  for a in c]]) for c in chunks]
    paths = [workdir / f"prep-{k}.npz" for k in keys]
    todo = [(n, [{"id": a.id, "text": a.text, "lang": a.lang, "title": a.title} for a in c])
            for n, c in enumerate(chunks) if not paths[n].exists()]
    stats["prepare_partitions"], stats["prepare_reused"] = len(chunks), len(chunks) - len(todo)
    _run_partitions(executor, prepare_partition, iter(todo), {"encoder": executor.encoder(encoder)}, paths,
                    _Progress(show, len(todo), "embedding articles"))
    return paths


def _read_prepared(paths: list[Path], by_id: dict[str, Article]) -> _Prepared:
    """The article table and vectors of the prepared partitions (read one at a time)."""
    out = _Prepared(paths, [p.stem.removeprefix("prep-") for p in paths], [], {}, [], [])
    for n, path in enumerate(paths):
        data = read_partition(path)
        out.bad += [BadRow(b["id"], by_id[b["id"]].where, b["reason"]) for b in data["bad"]]
        for a, v in zip(data["articles"], data["vector"], strict=True):
            out.meta.append({k: x for k, x in a.items() if k != "profile"})  # profiles go to the align tasks only
            out.part_of[a["id"]] = n
            out.vectors.append(v)
    return out


def _align(prep: _Prepared, candidates: list[tuple], ids: list[str], settings: CorpusSettings, encoder: Encoder,
           executor, workdir: Path, show: bool, stats: dict[str, Any], options: dict[str, Any]) -> list[Path]:
    """Stage 3: features, scores and alignments of the candidates, partition by partition."""
    part_of = prep.part_of
    cands = sorted(((ids[i], ids[j], round(c, 6), g) for i, j, c, g in candidates),
                   key=lambda p: (part_of[p[0]], part_of[p[1]], p[0], p[1]))
    q = settings.pair_partition_size
    chunks = [cands[i: i + q] for i in range(0, len(cands), q)]
    context = digest([FORMAT, encoder.fingerprint, options, prep.keys])
    paths = [workdir / f"pairs-{digest([context, c])}.npz" for c in chunks]
    todo = [n for n in range(len(chunks)) if not paths[n].exists()]
    stats["pair_partitions"], stats["pair_reused"] = len(chunks), len(chunks) - len(todo)
    common = {"encoder": executor.encoder(encoder), "options": options}
    _run_partitions(executor, align_partition, _pair_jobs(chunks, todo, prep.paths, part_of), common, paths,
                    _Progress(show, len(todo), "aligning candidate pairs"))
    return paths


def _gather(prep_paths: list[Path], pair_paths: list[Path], workdir: Path, keep_unused: bool) -> tuple[list, list, list]:
    """Stage 4: the pair and alignment records and the segments, read back; unused partitions removed."""
    pairs, alignments, segments = [], [], []
    for path in pair_paths:
        data = read_partition(path)
        pairs += data["pairs"]
        alignments += data["alignments"]
    for path in prep_paths:
        segments += [s for s in read_partition(path)["segments"] if s["unit"] != "document"]
    if not keep_unused:
        used = {p.name for p in (*prep_paths, *pair_paths)}
        for p in workdir.glob("*.npz"):
            if p.name not in used and p.name.startswith(("prep-", "pairs-")):
                p.unlink(missing_ok=True)
    return pairs, alignments, segments


def _options(settings: CorpusSettings, calibration: EventCalibration) -> dict[str, Any]:
    """What every alignment task needs to know of the settings and calibration (plain values)."""
    return {"k": settings.k, "min_score": settings.min_score, "same_speaker": settings.same_speaker,
            "min_pair_score": calibration.threshold if settings.min_pair_score is None else settings.min_pair_score,
            "calibration": dataclasses.asdict(calibration)}


def _run_record(settings: CorpusSettings, encoder: Encoder, options: dict[str, Any], calibration: EventCalibration) -> dict[str, Any]:
    run = {"settings": settings.to_dict(), "model": encoder.model, "model_fingerprint": encoder.fingerprint,
           "min_pair_score": options["min_pair_score"], "calibration": calibration.to_dict(), "format": FORMAT}
    return run


def run_corpus(
    articles: list[Article], bad_rows: list[BadRow], settings: CorpusSettings, encoder: Encoder, *,
    executor=None, workdir: Path, progress: bool | str = "auto", keep_unused: bool = False,
) -> RunOutput:
    """Run the corpus pipeline on read articles: prepare, candidates, align, gather (see the
    module docstring); returns what the result's tables are built from, and run statistics.
    """
    executor = executor or LocalExecutor()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    show = show_progress(progress)
    stages = _Stages(executor)
    stats = stages.stats
    by_id = {a.id: a for a in articles}
    prep_paths = _prepare(articles, settings, encoder, executor, workdir, show, stats)
    stages.done("prepare")
    prep = _read_prepared(prep_paths, by_id)
    if prep.bad and settings.on_error == "stop":
        raise InputError(bad_rows_message(prep.bad, stopped=True))
    bad_rows = sorted([*bad_rows, *prep.bad], key=lambda b: (b.id, b.where))
    ids = [a["id"] for a in prep.meta]
    langs = [a["lang"] for a in prep.meta]
    if len(ids) < 2:
        raise InputError(f"a corpus needs at least two usable articles, got {len(ids)}"
                         + (f"; {bad_rows_message(bad_rows)}" if bad_rows else ""))
    candidates = ev.candidate_pairs(np.array(prep.vectors), langs, [by_id[i].date for i in ids], neighbours=settings.neighbours,
                                    within_language=settings.within_language, date_window=settings.date_window)
    stages.done("candidates")
    stats["candidates"] = len(candidates)
    calibration = Calibration.default().events
    options = _options(settings, calibration)
    pair_paths = _align(prep, candidates, ids, settings, encoder, executor, workdir, show, stats, options)
    stages.done("align")
    pairs, alignments, segments = _gather(prep_paths, pair_paths, workdir, keep_unused)
    stages.done("gather")
    stats["seconds"]["total"] = round(time.perf_counter() - stages.t0, 2)
    stats["peak_rss_mb"] = executor.peak_rss_mb()
    stats["peak_rss_mb_here"] = _peak_rss_mb()
    return RunOutput(articles, prep.meta, bad_rows, pairs, alignments, segments,
                     _run_record(settings, encoder, options, calibration), stats)


def default_workdir(outdir: str | os.PathLike) -> Path:
    """Where a run writes its partitions: ``OUTDIR/.partitions``."""
    return Path(outdir) / ".partitions"
