"""Corpus mode's typed records, claim clusters and writers, on hand-made records (no model)."""
from __future__ import annotations

import dataclasses
import io

import pandas as pd
import pytest

from align.corpus import records as rec
from align.corpus.clusters import ArticleInfo, ClaimInfo, build_clusters, flag_kind
from align.corpus.outputs import render_html, write_xlsx
from align.corpus.records import (
    AlignmentRecord,
    ArticleRecord,
    BadRowRecord,
    ClusterRecord,
    EventRecord,
    OutletRecord,
    PairRecord,
    SegmentRecord,
)
from align.writers.parquet import table_parquet


def test_every_record_field_has_a_column_kind():
    for name, cls in rec.RECORDS.items():
        cols = rec.columns(cls)
        assert [c.name for c in cols] == [f.name for f in dataclasses.fields(cls)] == list(cls.names()), name
    kinds = {c.name: c.kind for c in rec.columns(rec.SegmentRecord)}
    assert kinds["id"] == "int" and kinds["cluster"] == "text" and kinds["duplicate_of"] == "int"
    assert {c.name: c.kind for c in rec.columns(ArticleRecord)}["id"] == "text"
    assert {c.name: c.kind for c in rec.columns(ClusterRecord)}["members"] == "list"
    assert {c.name: c.kind for c in rec.columns(PairRecord)}["confirmed"] == "bool"


def test_records_are_frozen_and_read_as_mappings():
    b = BadRowRecord("x", "t.csv:3", "empty text", "skipped")
    assert b["reason"] == "empty text" and b.get("url") is None and dict(b) == {"id": "x", "where": "t.csv:3",
                                                                                "reason": "empty text", "action": "skipped"}
    assert "table" not in b and "replace" not in b
    with pytest.raises(KeyError):
        b["table"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.reason = "x"  # type: ignore[misc]
    assert b.replace(action="stopped").action == "stopped" and b.action == "skipped"


def _link(a, b, ca, cb, confidence, relation, flags=()):
    return AlignmentRecord(None, None, a, b, tuple(ca), tuple(cb), "", "", None, None, confidence, relation, None, None, None,
                           tuple(flags))


def _claims():
    claims = {}
    for art, lang, speaker in (("fa1", "fa", "شمخانی"), ("ar1", "ar", "شمخاني"), ("en1", "en", "Shamkhani"), ("ar2", "ar", None)):
        for lab in ("1.1", "2.1"):
            claims[art, lab] = ClaimInfo(f"{art} claim {lab}", speaker, "shmkhn" if speaker else None, lang)
    return claims


def test_clusters_across_articles():
    articles = {"fa1": ArticleInfo("Mizan", "fa", "2024-01-02"), "ar1": ArticleInfo("Quds", "ar", "2024-01-01"),
                "en1": ArticleInfo("Amu", "en", None), "ar2": ArticleInfo("Quds", "ar", "2024-01-03")}
    alignments = [
        _link("ar1", "fa1", ["1.1"], ["1.1"], 0.9, "equivalent", ["day: Sunday vs Wednesday"]),
        _link("en1", "fa1", ["1.1"], ["1.1"], 0.6, "related", ["numbers: 15 vs 16", "duplicate of a#1"]),
        _link("ar2", "fa1", ["2.1"], ["2.1"], 0.8, "equivalent"),
    ]
    events = dict.fromkeys(articles, "E0001")
    clusters, of_claim, of_alignment = build_clusters(alignments, _claims(), articles, events)
    first = clusters[0]
    assert first.articles == ("ar1", "en1", "fa1") and first.n_outlets == 3 and first.n_langs == 3
    assert first.scope == "several outlets and languages"
    assert first.first_article == "ar1" and first.first_date == "2024-01-01" and first.text == "ar1 claim 1.1"
    assert first.speaker_key == "shmkhn" and first.speaker == "شمخاني"
    assert first.confidence == 0.6 and first.relation == "related"
    assert first.flag_kinds == ("day", "numbers") and first.disagreement
    assert not any("duplicate" in f for f in first.flags)
    second = clusters[1]
    assert second.articles == ("ar2", "fa1") and second.scope == "several outlets and languages"
    singles = [c for c in clusters if c.n_articles == 1]
    assert {c.members[0] for c in singles} == {"ar1:2.1", "en1:2.1", "ar2:1.1"}
    assert all(c.scope == "one outlet" for c in singles)
    assert len(of_claim) == 8 and of_alignment[0] == of_alignment[1] == first.cluster
    assert [c.cluster for c in clusters] == [f"C{n:06d}" for n in range(1, len(clusters) + 1)]
    # one language, two outlets
    articles2 = {"x": ArticleInfo("A", "ar", None), "y": ArticleInfo("B", "ar", None)}
    claims2 = {("x", "1.1"): ClaimInfo("t", None, None, "ar"), ("y", "1.1"): ClaimInfo("t", None, None, "ar")}
    c2, _, _ = build_clusters([_link("x", "y", ["1.1"], ["1.1"], 0.7, "related")], claims2, articles2, {"x": "E1", "y": "E1"})
    assert c2[0].scope == "one language"
    assert flag_kind("person only in A: X") == "person" and flag_kind("relative day: a vs b") == "day"


def test_a_cluster_holds_one_version_per_article():
    """A weaker link that would put a second claim of fa1 into the cluster is refused."""
    articles = {x: ArticleInfo(x, lang, None) for x, lang in (("fa1", "fa"), ("ar1", "ar"), ("en1", "en"))}
    claims = {(a, lab): ClaimInfo(f"{a} {lab}", None, None, articles[a].lang) for a in articles for lab in ("1.1", "2.1")}
    links = [_link("ar1", "fa1", ["1.1"], ["1.1"], 0.9, "equivalent"), _link("ar1", "en1", ["1.1"], ["1.1"], 0.8, "equivalent"),
             _link("en1", "fa1", ["1.1"], ["2.1"], 0.7, "related")]
    clusters, of_claim, of_alignment = build_clusters(links, claims, articles, dict.fromkeys(articles, "E1"))
    assert of_alignment[2] is None and of_claim["fa1", "1.1"] != of_claim["fa1", "2.1"]
    assert clusters[0].members == ("ar1:1.1", "en1:1.1", "fa1:1.1")


def test_parquet_is_deterministic_and_typed():
    rows = [ClusterRecord("C1", "E1", "شمخانی", "fa", None, None, None, "a", "A", 2, 2, 2, ("a", "b"), ("A", "B"), ("fa", "ar"),
                          ("a:1", "b:1"), "several outlets and languages", 0.5, "related", (), (), False),
            ClusterRecord("C2", None, "x", "en", None, None, None, "c", "C", 1, 1, 1, (), (), (), (), "one outlet", None, None,
                          (), (), True)]
    one, two = table_parquet(rec.table("clusters", rows)), table_parquet(rec.table("clusters", rows))
    assert one == two
    df = pd.read_parquet(io.BytesIO(one))
    assert list(df.columns) == list(ClusterRecord.names()) and list(df.articles[0]) == ["a", "b"] and pd.isna(df.confidence[1])
    assert str(df.n_articles.dtype) == "int64" and df.text[0] == "شمخانی" and df.disagreement.dtype == bool


EVIL = "<script>alert(1)</script> شمخانی گفت"


def _tables():
    return {
        "articles": [ArticleRecord("fa1", "fa", "<b>Mizan</b>", "2024-01-01", "۱۱ دی ۱۴۰۲", EVIL, "", 3, 4, 100, "E0001", "fa1.txt", "en1", 0.99),
                     ArticleRecord("en1", "en", "Amu", None, None, "", "", 3, 4, 100, "E0001", "en1.txt", "fa1", 0.99),
                     ArticleRecord("ar1", "ar", "Quds", None, None, "<i>alone</i>", "", 3, 4, 100, None, "ar1.txt", "fa1", 0.45)],
        "events": [EventRecord("E0001", "2024-01-01", "2024-01-01", EVIL, 2, 2, 2, ("en", "fa"), ("<b>Mizan</b>", "Amu"),
                               ("en1", "fa1"), 1, 1, 1)],
        "clusters": [ClusterRecord("C000001", "E0001", EVIL, "fa", "شمخانی", None, "2024-01-01", "fa1", "Mizan", 2, 2, 2,
                                   ("en1", "fa1"), ("Amu", "Mizan"), ("en", "fa"), ("fa1:1.1", "en1:1.1"),
                                   "several outlets and languages", 0.9, "related", ("en1~fa1: day: <img src=x onerror=alert(1)>",),
                                   ("day",), True)],
        "article_pairs": [PairRecord("en1", "fa1", "en", "fa", "Amu", "Mizan", None, 0.5, 0.1, 3.0, 0.1, 3.0, 0.8, 0.5, 0.5, 0.0, 0.0,
                                     0.5, 0.5, 0.5, 0.99, True, 1, "E0001"),
                          PairRecord("ar1", "fa1", "ar", "fa", "Quds", "<b>Mizan</b>", None, 0.5, 0.1, 3.0, 0.1, 3.0, 0.8, 0.5, 0.5, 0.0,
                                     0.0, None, None, None, 0.45, False, None, None)],
        "alignments": [],
        "segments": [SegmentRecord("fa1", "claim", "1.1", 1, 1, 1, "claim", "شمخانی گفت <b>x</b>", 0, 10, 1, "fa", None, None, None,
                                   "C000001"),
                     SegmentRecord("en1", "claim", "1.1", 1, 1, 1, "claim", "Shamkhani said " + "very " * 40 + "much", 0, 10, 1, "en",
                                   None, None, None, "C000001")],
        "outlets": [OutletRecord("Amu", ("en",), 1, 1, 1, 0, 1), OutletRecord("<b>Mizan</b>", ("fa",), 1, 1, 1, 0, 1)],
        "bad_rows": [BadRowRecord("<x>", "t.csv:3", "empty text", "skipped")],
    }


def test_html_overview_escapes_and_is_rtl():
    page = render_html(_tables(), {"model": "default", "min_pair_score": 0.5}, standalone=True)
    assert "<script" not in page and "<img" not in page and "<i>" not in page and "&lt;script&gt;" in page
    assert "Content-Security-Policy" in page and "http://" not in page and "https://" not in page
    assert 'dir="rtl" lang="fa"' in page and "<b>Mizan</b>" not in page
    assert "id='E0001'" in page and "href='#E0001'" in page and "&lt;x&gt;" in page
    assert render_html(_tables(), {}, standalone=False).startswith("<style>")


def test_html_overview_hides_nothing():
    page = render_html(_tables(), {"model": "default", "min_pair_score": 0.5}, standalone=True)
    # every article: in its event, or in no event with its nearest candidate and score
    assert "In no event (1)" in page and "ar1" in page and "0.450" in page
    assert "Near misses (1)" in page  # ar1~fa1 scored 0.45 against the cut 0.50
    # each outlet's own wording in its cell, shortened, the whole text on hover
    assert "شمخانی گفت &lt;b&gt;x&lt;/b&gt;" in page and 'title="en1:1.1: Shamkhani said very' in page and "…" in page
    assert "Outlets (2)" in page and "claims only this outlet carried" in page
    # the first-date column holds dates only (the scope has its own column), and only when there are dates
    assert "<th>carried by</th>" in page and "<th>first date</th>" in page
    undated = {**_tables(), "articles": [a.replace(date=None) for a in _tables()["articles"]]}
    assert "<th>first date</th>" not in render_html(undated, {"min_pair_score": 0.5}, standalone=True)


def test_xlsx_summary_is_capped(tmp_path):
    from openpyxl import load_workbook

    clusters = [ClusterRecord(f"C{n:06d}", "E0001", f"=claim {n}", "en", None, None, None, "a", "a", 1, 1 + n % 2, 1, ("a",),
                              ("a",), ("en",), ("a:1",), "one outlet", None, None, (), (), False) for n in range(5)]
    tables = {**_tables(), "clusters": clusters}
    path = write_xlsx(tmp_path / "s.xlsx", tables, {"model": "default", "min_pair_score": 0.5}, max_rows=3)
    wb = load_workbook(path)
    assert wb.sheetnames == ["events", "outlets", "clusters", "same-event pairs", "near misses", "articles", "bad rows", "run"]
    assert wb["articles"].max_row == 4 and wb["near misses"].max_row == 2  # every article, in an event or not
    ws = wb["clusters"]
    assert ws.max_row == 4 and ws["A2"].value == "C000001"  # shared claims first
    assert ws["C2"].value == "=claim 1" and ws["C2"].data_type == "s"  # text, never a formula
    run = {r[0].value: r[1].value for r in wb["run"].iter_rows()}
    assert "first 3 of 5 rows" in run["rows cut"]


def test_the_hint_names_the_option_and_appears_only_when_it_applies():
    from align.corpus.assemble import Tables
    from align.corpus.result import Corpus

    tables = Tables(**{name: tuple(rows) for name, rows in _tables().items()})
    default = Corpus(tables, {"min_pair_score": 0.5, "settings": {"min_pair_score": None}})
    hint = default.hint("--min-pair-score")
    assert "--min-pair-score 0.45" in hint and "min_pair_score" not in hint and "1 candidate pair(s)" in hint
    assert "min_pair_score=0.45" in default.hint() and "hint: " in default.summary()
    chosen = Corpus(tables, {"min_pair_score": 0.5, "settings": {"min_pair_score": 0.5}})
    assert chosen.hint("--min-pair-score") is None and "hint" not in chosen.summary()
    far = Corpus(tables, {"min_pair_score": 0.95, "settings": {"min_pair_score": None}})
    assert far.hint() is None  # nothing unconfirmed scores half the cut (0.475) or more
