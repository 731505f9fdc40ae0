"""align.groups.build_groups: pairwise matches of three documents joined into groups (connected
components), on hand-made pairwise reports; and the MultiReport's tables."""
from __future__ import annotations

import csv
import io
import json

import pytest
from factories import report, side

from align import InputError
from align.flags import Flag
from align.groups import GroupRow, build_groups
from align.multi import MultiReport
from align.rows import Row

A = side(["Alpha one here.", "Alpha two here.", "Alpha three here."], name="a.txt")
B = side(["Beta one here.", "Beta two here.", "Beta three here."], name="b.txt")
C = side(["Gamma one here.", "Gamma two here.", "Gamma three here.", "Gamma four here."], name="c.txt")


def match(x, y, xs, ys, confidence, relation="equivalent", flags=()) -> Row:
    """A match of units ``xs`` of side x (1-based ids) with units ``ys`` of side y."""
    return Row("match", tuple(x.sentences[i - 1] for i in xs), tuple(y.sentences[j - 1] for j in ys),
               confidence=confidence, relation=relation, flags=tuple(flags))


def _matches(pw: dict) -> dict:
    """The pairwise reports' matched rows as they read now (what MultiReport passes on)."""
    return {k: rep.matches for k, rep in pw.items()}


def only_in(x, i) -> Row:
    return Row("only_a", (x.sentences[i - 1],), ())


def pairwise() -> dict:
    """A1-B1 (0.9) and B1-C2 (0.6, related): a group A1-B1 and a related link B1-C2. A2-B2 (0.82),
    A2-C1 (0.8) and B2-C1 (0.85): A2, B2, C1 in one group. A3;B3 unmatched; C3 and C4 matched to
    nothing."""
    return {
        (0, 1): report(A, B, [match(A, B, [1], [1], 0.9, flags=["day: Sunday vs Monday", "duplicate of b#1"]),
                              match(A, B, [2], [2], 0.82), only_in(A, 3)]),
        (0, 2): report(A, C, [match(A, C, [2], [1], 0.8)]),
        (1, 2): report(B, C, [match(B, C, [1], [2], 0.6, "related"), match(B, C, [2], [1], 0.85)]),
    }


def units() -> list:
    return [A.sentences, B.sentences, C.sentences]


def labels(row: GroupRow) -> tuple:
    return tuple(row.labels(k) for k in range(3))


LINK = 0.75  # the calibrated "equivalent" point: links from here up join units into one group


@pytest.fixture(scope="module")
def groups() -> list[GroupRow]:
    return build_groups(units(), _matches(pairwise()), LINK)


def test_equivalent_links_join_into_groups_and_a_weak_link_stays_a_row_of_its_own(groups):
    assert [labels(r) for r in groups if r.is_match] == [(("2",), ("2",), ("1",)), (("1",), ("1",), ()), ((), ("1",), ("2",))]
    # B1-C2 (0.6, related) does not chain C2 to A1: A1 and C2 are never in one row
    assert not any("1" in r.labels(0) and "2" in r.labels(2) for r in groups)


def test_a_group_is_as_confident_as_its_weakest_link(groups):
    assert [r.confidence for r in groups if r.is_match] == [0.8, 0.9, 0.6]
    assert [r.relation for r in groups if r.is_match] == ["equivalent", "equivalent", "related"]


def test_flags_name_the_documents_by_their_letters_and_duplicates_are_dropped(groups):
    row = next(r for r in groups if r.labels(0) == ("1",))
    assert row.flags == ("A-B: day: Sunday vs Monday",) and groups[0].flags == ()
    assert Flag("place", "only_a", "Tehran").between("B-C") == "B-C: place only in B: Tehran"
    assert Flag("person", "only_b", "", "X").between("A-C") == "A-C: person only in C: X"


def test_a_chain_is_no_group_when_its_ends_are_not_linked():
    """A1 ~ C1 and C1 ~ B1 are equivalent, A1 ~ B1 only related: A1 and B1 are not one claim."""
    pw = {(0, 1): report(A, B, [match(A, B, [1], [1], 0.6, "related")]), (0, 2): report(A, C, [match(A, C, [1], [1], 0.9)]),
          (1, 2): report(B, C, [match(B, C, [1], [1], 0.85)])}
    rows = [r for r in build_groups(units(), _matches(pw), LINK) if r.is_match]
    assert [(labels(r), r.confidence) for r in rows] == [
        ((("1",), (), ("1",)), 0.9), (((), ("1",), ("1",)), 0.85), ((("1",), ("1",), ()), 0.6)]


def test_every_pairwise_match_is_in_some_row(groups):
    for (i, j), rep in pairwise().items():
        for m in rep.matches:
            assert any(set(m.a_labels) <= set(r.labels(i)) and set(m.b_labels) <= set(r.labels(j)) for r in groups), m.key
    for k, side_units in enumerate(units()):
        assert {u.label for r in groups for u in r.units[k]} == {u.label for u in side_units}, k


def test_unmatched_units_are_only_in_their_document_groups_first(groups):
    assert [(r.status, labels(r)) for r in groups if not r.is_match] == [
        ("only_A", (("3",), (), ())), ("only_B", ((), ("3",), ())), ("only_C", ((), (), ("3",))),
        ("only_C", ((), (), ("4",))),
    ]
    assert groups[-1].confidence is None and groups[-1].relation is None and groups[-1].texts == ("", "", "Gamma four here.")


def test_groups_with_more_documents_come_first():
    pw = {(0, 1): report(A, B, [match(A, B, [3], [3], 0.8), match(A, B, [1], [1], 0.9)]),
          (0, 2): report(A, C, [match(A, C, [1], [1], 0.8)]), (1, 2): report(B, C, [match(B, C, [1], [1], 0.8)])}
    rows = build_groups(units(), _matches(pw), LINK)
    assert [labels(r) for r in rows if r.is_match] == [(("1",), ("1",), ("1",)), (("3",), ("3",), ())]
    assert rows[1].articles(["A", "B", "C"]) == "A,B"


def test_a_match_of_several_units_puts_them_all_in_the_group():
    pw = {(0, 1): report(A, B, [match(A, B, [1, 2], [3], 0.8)]), (0, 2): report(A, C, []), (1, 2): report(B, C, [])}
    rows = build_groups(units(), _matches(pw), LINK)
    assert labels(rows[0]) == (("1", "2"), ("3",), ()) and rows[0].texts[0] == "Alpha one here. Alpha two here."


def test_a_pair_linked_only_by_hand_has_no_confidence():
    linked = Row("match", (A.sentences[0],), (B.sentences[0],), relation="related", reviewed="re-linked")
    pw = {(0, 1): report(A, B, [linked]), (0, 2): report(A, C, []), (1, 2): report(B, C, [])}
    rows = build_groups(units(), _matches(pw), LINK)
    assert rows[0].is_match and rows[0].confidence is None and rows[0].relation == "related"


def test_a_relink_in_a_pairwise_report_makes_a_row():
    pw = pairwise()
    pw[0, 1].relink(3, 3)
    rows = build_groups(units(), _matches(pw), LINK)
    assert (("3",), ("3",), ()) in [labels(r) for r in rows if r.is_match]


def test_a_rejected_match_does_not_link_a_group():
    pw = pairwise()
    pw[0, 1].relink(1, 2)  # A1 now goes with B2; the machine's A1-B1 is "rejected (re-linked)"
    rows = build_groups(units(), _matches(pw), LINK)
    assert not any("1" in r.labels(0) and "1" in r.labels(1) for r in rows)


def test_no_matches_at_all():
    pw = {(0, 1): report(A, B, []), (0, 2): report(A, C, []), (1, 2): report(B, C, [])}
    rows = build_groups(units(), _matches(pw), LINK)
    assert [r.status for r in rows] == ["only_A"] * 3 + ["only_B"] * 3 + ["only_C"] * 4


# -- MultiReport -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def multi() -> MultiReport:
    return MultiReport([A, B, C], pairwise(), {"model": "test-model", "unit": "sentence", "link_score": LINK})


def test_multi_report_rows_counts_and_pairwise_access(multi):
    assert multi.letters == ["A", "B", "C"] and len(multi.rows) == 7
    assert multi.counts == {"match": 3, "only_A": 1, "only_B": 1, "only_C": 2}
    assert multi.report("A", "C") is multi.pairwise[0, 2] and multi.report(1, 2) is multi.pairwise[1, 2]
    with pytest.raises(InputError, match="no pairwise report"):
        multi.report("C", "A")


def test_multi_csv_has_a_column_group_per_article(multi):
    rows = list(csv.DictReader(io.StringIO(multi.to_csv_string(), newline="")))
    assert list(rows[0]) == ["status", "articles", "score", "relation", "A_ids", "A_text", "A_speaker", "B_ids", "B_text",
                             "B_speaker", "C_ids", "C_text", "C_speaker", "flags"]
    assert (rows[0]["articles"], rows[0]["score"], rows[0]["A_ids"], rows[0]["C_text"]) == ("A,B,C", "0.800", "2", "Gamma one here.")


def test_multi_jsonl_and_summary(multi):
    lines = [json.loads(x) for x in multi.to_jsonl().splitlines()]
    assert lines[0]["type"] == "meta" and lines[0]["articles"]["C"] == {"name": "c.txt", "lang": "en"}
    assert [x["status"] for x in lines[1:]] == [r.status for r in multi.rows]
    assert lines[2]["flags"] == ["A-B: day: Sunday vs Monday"]
    summary = multi.summary()
    assert "3 groups of matching claims; 1 only in A, 1 only in B, 2 only in C" in summary
    assert "  0.80  A2      B2      C1    " in summary.splitlines()
    assert repr(multi) == "<MultiReport 3 articles: 3 groups>"


def test_multi_html_escapes_and_has_no_script(multi):
    page = multi.to_html()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "A: a.txt [en]" in page
