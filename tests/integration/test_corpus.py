"""Corpus mode on a small real corpus: the three example articles, the real-news articles of
events e05 (presidential run-off) and e08 (Khoy earthquake) with their SOURCES.tsv metadata,
unrelated distractor articles built from Tatoeba sentences, and three bad files.

The same corpus runs in this process and on a LocalCluster of 2 worker processes (same
results), is interrupted and resumed, and goes through the command line (same bytes)."""
from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLES, ROOT, tatoeba

import align
from align.corpus import cli as corpus_cli
from align.corpus import engine
from align.errors import InputError

REALNEWS = ROOT / "benchmarks" / "realnews"
EVENTS = ("e05", "e08")
TABLES = ("articles", "segments", "article_pairs", "alignments", "clusters", "events", "outlets", "bad_rows")
BAD = {"zz_empty", "zz_binary", "zz_dup"}  # zz_dup.htm and zz_dup.txt: a duplicate id (the first, .htm, is kept)


def _distractors() -> list[tuple[str, str, str, str]]:
    """(id, lang, date, text): 6 Tatoeba sentences each, dated on the events' days."""
    out = []
    for lang, code, side, lines in (("fa", "pes", None, range(0, 36)), ("ar", "ara", None, range(0, 36)),
                                    ("en", "deu", "eng", range(500, 548)), ("de", "deu", None, range(0, 24))):
        sents = tatoeba(code, side)
        chosen = [sents[i] for i in lines]
        for n in range(0, len(chosen), 6):
            date = ("2024-07-06", "2023-01-28", "2023-01-29")[n // 6 % 3]
            out.append((f"x_{lang}{n // 6}", lang, date, "\n".join(chosen[n:n + 6])))
    return out


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus") / "articles"
    d.mkdir()
    for f in ("shamkhani_bahrami_fa.txt", "shamkhani_mohib_ar.txt", "shamkhani_mohib_en.txt"):
        shutil.copy(EXAMPLES / f, d / f)
    rows = []
    with open(REALNEWS / "SOURCES.tsv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r["event"] in EVENTS:
                shutil.copy(REALNEWS / "articles" / f"{r['article_id']}.txt", d / f"{r['article_id']}.txt")
                rows.append({"id": r["article_id"], "lang": r["lang"], "outlet": r["outlet"], "date": r["date"], "title": r["title"]})
    for aid, lang, date, text in _distractors():
        (d / f"{aid}.txt").write_text(text + "\n", encoding="utf-8")
        rows.append({"id": aid, "lang": lang, "outlet": f"outlet {aid}", "date": date, "title": ""})
    (d / "zz_empty.txt").write_text("\n \n", encoding="utf-8")
    (d / "zz_binary.txt").write_bytes(bytes(range(256)) * 16)
    (d / "zz_dup.htm").write_text(tatoeba("deu", "eng")[600] + "\n" + tatoeba("deu", "eng")[601] + "\n", encoding="utf-8")
    (d / "zz_dup.txt").write_text("A second file with the same id.\n", encoding="utf-8")
    pd.DataFrame(rows).to_csv(d / "metadata.csv", index=False)
    return d


@pytest.fixture(scope="module")
def local(corpus_dir, encoder, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    return align.compare_corpus(corpus_dir, outdir=out, encoder=encoder, progress=False), out


def _event_of(corpus) -> dict:
    return {a["id"]: a["event"] for a in corpus.records("articles")}


def test_same_event_articles_found_distractors_not(local):
    corpus, _ = local
    ev = _event_of(corpus)
    for event in EVENTS:
        ids = [a for a in ev if a.startswith(event)]
        assert len({ev[a] for a in ids}) == 1 and ev[ids[0]] is not None, (event, {a: ev[a] for a in ids})
    assert ev["shamkhani_mohib_ar"] is not None and ev["shamkhani_mohib_ar"] == ev["shamkhani_mohib_en"]
    # the Persian example reports another meeting of the same official (another day, another guest)
    assert ev["shamkhani_bahrami_fa"] != ev["shamkhani_mohib_ar"]
    real_events = {ev[a] for a in ev if a.startswith(EVENTS)}
    assert not any(ev[a] in real_events for a in ev if a.startswith("x_"))
    assert {e["event"] for e in corpus.records("events")} >= real_events
    pairs = corpus.article_pairs
    assert pairs.score.between(0, 1).all() and (pairs.lang_a != pairs.lang_b).all()
    confirmed = pairs[pairs.confirmed]
    assert (confirmed.n_matches >= 0).all() and confirmed.event.notna().all()


def test_bad_rows_reported_and_skipped(local, corpus_dir):
    corpus, _ = local
    bad = corpus.bad_rows
    assert set(bad.id) == BAD and (bad.action == "skipped").all()
    reasons = dict(zip(bad.id, bad.reason, strict=True))
    assert "empty" in reasons["zz_empty"] and "unreadable" in reasons["zz_binary"] and "duplicate id" in reasons["zz_dup"]
    assert "zz_dup" in _event_of(corpus)  # the first of the two files is kept
    assert "3 bad row(s) skipped" in corpus.summary()
    with pytest.raises(InputError) as exc:  # stops before any work
        align.compare_corpus(corpus_dir, on_error="stop", progress=False)
    assert all(b in str(exc.value) for b in BAD)


def test_claim_clusters(local):
    corpus, _ = local
    clusters = corpus.clusters
    segments = corpus.to_frame("segments")
    ev = _event_of(corpus)
    in_events = segments[(segments.unit == "claim") & segments.article.map(ev).notna()]
    assert in_events.cluster.notna().all()  # every claim of an event's article is in one cluster
    members = [m for ms in clusters.members for m in ms]
    assert len(members) == len(set(members)) == len(in_events)
    shared = clusters[clusters.n_outlets >= 2]
    assert len(shared) >= 5 and (shared.scope == "several outlets and languages").all()
    assert (shared.n_langs >= 2).all() and shared.confidence.notna().all()
    assert set(clusters.scope) <= {"several outlets and languages", "one language", "one outlet"}
    single = clusters[clusters.n_outlets == 1]
    assert (single.scope == "one outlet").all() and single.confidence.isna().all()
    assert clusters[clusters.disagreement]["flags"].map(len).gt(0).all()
    alignments = corpus.alignments
    members_of = dict(zip(clusters.cluster, clusters.members.map(set), strict=True))
    for r in alignments.dropna(subset=["cluster"]).itertuples():  # a used link: both sides in its cluster
        assert {f"{r.a}:{x}" for x in r.a_claims} | {f"{r.b}:{x}" for x in r.b_claims} <= members_of[r.cluster]
    # one version per article in a cluster, unless one link joins them (a claim across two segments)
    for ms in clusters.members:
        arts = [m.rsplit(":", 1)[0] for m in ms]
        assert len(arts) - len(set(arts)) <= sum(1 for r in alignments.itertuples() if len(r.a_claims) + len(r.b_claims) > 2)
    # a flag between versions of the earthquake report (numbers of injured or the day) is found
    quake = clusters[clusters.event == ev["e08_fa_sahebkhabar"]]
    assert any("numbers" in k or "day" in k for ks in quake.flag_kinds for k in ks)
    # filter views
    one = corpus.filter(scope="one outlet")
    assert len(one) == len(single) and set(one.to_frame().scope) == {"one outlet"}
    fa = corpus.filter(lang="fa", min_outlets=2)
    assert all("fa" in c["langs"] and c["n_outlets"] >= 2 for c in fa.rows)
    e = corpus.filter(event=ev["e05_fa_bbc"])
    assert set(e.articles.event) == {ev["e05_fa_bbc"]} and len(e.events) == 1
    with pytest.raises(InputError):
        corpus.filter(scope="everywhere")


def test_outputs_readable_with_pandas(local):
    corpus, out = local
    for name in TABLES:
        df = pd.read_parquet(out / f"{name}.parquet")
        assert list(df.columns) == list(corpus.to_frame(name).columns) and len(df) == len(corpus.to_frame(name)), name
    arts = pd.read_parquet(out / "articles.parquet")
    assert len(arts) == 3 + 8 + 24 + 1 and arts.id.is_unique and not set(arts.id) & {"zz_empty", "zz_binary"}
    assert list(pd.read_parquet(out / "clusters.parquet").columns)[:3] == ["cluster", "event", "text"]
    page = (out / "overview.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "Content-Security-Policy" in page
    assert 'dir="rtl" lang="fa"' in page and 'dir="rtl" lang="ar"' in page
    assert page.count("class='event'") == len(corpus.records("events"))
    from openpyxl import load_workbook

    wb = load_workbook(out / "summary.xlsx")
    assert wb.sheetnames == ["events", "outlets", "clusters", "same-event pairs", "near misses", "articles", "bad rows", "run"]
    assert wb["clusters"].max_row == len(corpus.records("clusters")) + 1
    assert wb["articles"].max_row == len(arts) + 1  # every article, in an event or not
    assert not list(out.glob(".*.tmp"))  # atomic writes leave nothing behind
    html = corpus._repr_html_()
    assert html.startswith("<style>") and "E0001" in html


def test_the_overview_hides_nothing(local):
    corpus, out = local
    page = (out / "overview.html").read_text(encoding="utf-8")
    articles = corpus.records("articles")
    assert all(a.id in page for a in articles)
    alone = [a for a in articles if a.event is None]
    assert f"In no event ({len(alone)})" in page and all(a.nearest and a.nearest_score is not None for a in alone)
    assert "Near misses (" in page and "Outlets (" in page
    # a claims x outlets cell holds the outlet's own wording, the whole of it on hover
    versions = corpus.to_frame("segments")
    some = versions[(versions.unit == "claim") & versions.cluster.notna()].iloc[0]
    assert f"title=\"{some.article}:{some.label}: " in page
    outlets = {o.outlet: o for o in corpus.records("outlets")}
    assert sum(o.n_articles for o in outlets.values()) == len(articles)
    assert sum(o.n_only for o in outlets.values()) == sum(1 for c in corpus.records("clusters") if c.n_outlets == 1)


def test_scores_do_not_depend_on_unrelated_articles(local, corpus_dir, encoder, tmp_path):
    """The same corpus with 100 unrelated articles more: every pair scored in both runs has the
    same score (to 1e-6) and decision, and the events of the first articles are the same."""
    corpus, _ = local
    more = tmp_path / "more"
    shutil.copytree(corpus_dir, more)
    extra = []
    for lang, code, side in (("fa", "pes", None), ("ar", "ara", None), ("tr", "tur", None), ("de", "deu", None)):
        sents = tatoeba(code, side)[700:850]  # lines no article of the corpus has (nor their translations)
        for n in range(25):
            aid = f"y_{lang}{n:02d}"
            (more / f"{aid}.txt").write_text("\n".join(sents[6 * n: 6 * n + 6]) + "\n", encoding="utf-8")
            extra.append({"id": aid, "lang": lang, "outlet": f"other {aid}", "date": "2024-07-06", "title": ""})
    meta = pd.concat([pd.read_csv(corpus_dir / "metadata.csv", keep_default_na=False), pd.DataFrame(extra)])
    meta.to_csv(more / "metadata.csv", index=False)
    bigger = align.compare_corpus(more, encoder=encoder, progress=False)
    first = {(p.a, p.b): p for p in corpus.records("article_pairs")}
    second = {(p.a, p.b): p for p in bigger.records("article_pairs")}
    common = first.keys() & second.keys()
    assert common  # (other candidates come and go: each article keeps its 10 nearest)
    for k in common:
        assert second[k].score == pytest.approx(first[k].score, abs=1e-6) and second[k].confirmed == first[k].confirmed, k
    assert {k for k, p in first.items() if p.confirmed} <= common  # no same-event pair lost its candidacy
    def groups(c) -> set[frozenset]:
        out: dict[str, set] = {}
        for a in c.records("articles"):
            if a.event and not a.id.startswith("y_"):
                out.setdefault(a.event, set()).add(a.id)
        return {frozenset(g) for g in out.values()}

    assert groups(bigger) == groups(corpus)  # the same events (their numbers may differ)


def test_dask_cluster_gives_the_same_results(local, corpus_dir):
    from distributed import Client, LocalCluster

    corpus, _ = local
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        remote = align.compare_corpus(corpus_dir, client=client, partition_size=8, pair_partition_size=16, progress=False)
        workers = remote.stats["peak_rss_mb"]
    assert remote.stats["executor"] == "dask" and len(workers) == 2
    for name in ("articles", "segments", "events", "bad_rows"):
        pd.testing.assert_frame_equal(remote.to_frame(name), corpus.to_frame(name))
    for name in ("article_pairs", "alignments", "clusters"):
        pd.testing.assert_frame_equal(remote.to_frame(name), corpus.to_frame(name), check_exact=False, atol=1e-5)


def test_resume_after_interruption(corpus_dir, encoder, tmp_path, monkeypatch, local):
    out = tmp_path / "resume"
    calls = {"n": 0}
    real = engine.write_partition

    def interrupting(path, payload):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(path, payload)

    monkeypatch.setattr(engine, "write_partition", interrupting)
    with pytest.raises(KeyboardInterrupt):
        align.compare_corpus(corpus_dir, outdir=out, encoder=encoder, partition_size=8, progress=False)
    monkeypatch.setattr(engine, "write_partition", real)
    assert len(list((out / ".partitions").glob("prep-*.npz"))) == 2
    corpus = align.compare_corpus(corpus_dir, outdir=out, encoder=encoder, partition_size=8, progress=False)
    assert corpus.stats["prepare_reused"] == 2 and corpus.stats["prepare_partitions"] > 2
    # partitioned differently, resumed: the same tables, byte for byte
    _, first = local
    for name in TABLES:
        assert (out / f"{name}.parquet").read_bytes() == (first / f"{name}.parquet").read_bytes(), name
    again = align.compare_corpus(corpus_dir, outdir=out, encoder=encoder, partition_size=8, progress=False)
    assert again.stats["prepare_reused"] == again.stats["prepare_partitions"]
    assert again.stats["pair_reused"] == again.stats["pair_partitions"]


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="claimalign")
    corpus_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.corpus_main(args)


def test_cli_same_bytes(local, corpus_dir, tmp_path, capsys):
    _, first = local
    out = tmp_path / "cli"
    assert _cli("corpus", str(corpus_dir), "-o", str(out), "-q") == 0
    assert "results written to" in capsys.readouterr().out
    assert _cli("corpus", str(corpus_dir), "-o", str(tmp_path / "talk")) == 0
    said = capsys.readouterr().out
    assert "min_pair_score" not in said and ("hint:" not in said or "--min-pair-score" in said)
    assert _cli("corpus", str(corpus_dir), "-o", str(tmp_path / "cut"), "--min-pair-score", "0.5") == 0
    assert "hint:" not in capsys.readouterr().out  # the cut was chosen: nothing to hint
    for f in sorted(first.iterdir()):
        if f.is_file():
            assert (out / f.name).read_bytes() == f.read_bytes(), f.name
    assert _cli("corpus", str(corpus_dir), "-o", str(tmp_path / "x"), "--on-error", "stop", "-q") == 2
    err = capsys.readouterr().err
    assert err.startswith("claimalign: error: 3 bad row(s)") and "zz_binary" in err
    assert _cli("corpus", str(tmp_path / "missing"), "-o", str(tmp_path / "y")) == 2
    assert "no such file or folder" in capsys.readouterr().err
