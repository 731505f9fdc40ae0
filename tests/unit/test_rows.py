"""align.rows: the report's rows from hand-made sides, pairs and scores (no model)."""
from __future__ import annotations

import dataclasses

import pytest
from factories import calibration, en_ar_pairs, en_ar_sides, pair, scores_of, side

from align.rows import Row, build_rows, document_order_key, flag_pair, link_row, original_of, people_of, row_key


def keys(rows: list[Row]) -> list[str]:
    return [r.key for r in rows]


@pytest.fixture(scope="module")
def sides():
    return en_ar_sides()


def rows_of(sides, pairs=None, **kw):
    a, b = sides
    kw.setdefault("equivalent", calibration().equivalent)
    kw.setdefault("unit", "sentence")
    return build_rows(a, b, en_ar_pairs() if pairs is None else pairs, scores_of(a, b), **kw)


# -- keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("a, b, key", [
    (("1",), ("6",), "A1|B6"),
    (("9",), (), "A9|"),
    ((), ("3",), "|B3"),
    (("2.1",), ("9", "10"), "A2.1|B9;10"),
    (("1", "2"), ("4.2",), "A1;2|B4.2"),
])
def test_row_key_format(a, b, key):
    assert row_key(a, b) == key


def test_row_is_frozen_and_keyed_by_its_segments_labels(sides):
    row = rows_of(sides)[0]
    assert row.key == "A1|B1" and row.a_ids == (1,) and row.b_labels == ("1",) and row.is_match
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.status = "only_a"


# -- sentence rows ----------------------------------------------------------------------------


def test_sentence_rows_exact(sides):
    rows = rows_of(sides)
    assert keys(rows) == ["A1|B1", "A2|B2", "A3|B3", "A3|B4", "A4|", "|B5"]
    assert [r.status for r in rows] == ["match"] * 4 + ["only_a", "only_b"]
    assert [r.confidence for r in rows] == [0.9, 0.6, 0.8, 0.8, None, None]
    a, b = sides
    assert rows[0].a_text == a.sentences[0].text and rows[0].b_text == b.sentences[0].text
    assert rows[0].a_claim == a.claims[0].text
    # A2 is shown whole; the claim that matched is its first part only
    assert rows[1].a_text == a.sentences[1].text and rows[1].a_claim == "He said the talks were constructive"
    assert rows[1].a_speaker == "the minister" and rows[1].a_speaker_key == "mnstr" and rows[1].b_speaker == ""


def test_every_unit_of_both_documents_appears(sides):
    a, b = sides
    for unit in ("sentence", "claim"):
        rows = rows_of(sides, unit=unit)
        assert {u.id for r in rows for u in r.a} == {u.id for u in a.units(unit)}, unit
        assert {u.id for r in rows for u in r.b} == {u.id for u in b.units(unit)}, unit


def test_a_sentence_with_one_matched_claim_is_not_only_in(sides):
    """A2 has two claims; only A2.1 is paired: A2 is a match, never also 'only in A'."""
    rows = rows_of(sides)
    assert [r.key for r in rows if 2 in r.a_ids] == ["A2|B2"]
    assert not any(r.status == "only_a" and 2 in r.a_ids for r in rows)


def test_several_pairs_of_one_unit_give_several_rows(sides):
    """A2.1-B2 and A2.2-B5: per sentence, A2 is in two rows; per claim, each claim in one."""
    pairs = [pair(0, 0, 0.9), pair(1, 1, 0.6), pair(2, 4, 0.7)]
    assert keys(rows_of(sides, pairs)) == ["A1|B1", "A2|B2", "A2|B5", "A3|", "A4|", "|B3", "|B4"]
    assert keys(rows_of(sides, pairs, unit="claim")) == [
        "A1.1|B1.1", "A2.1|B2.1", "A2.2|B5.1", "A3.1|", "A4.1|", "|B3.1", "|B4.1"]


def test_two_pairs_on_the_same_sentences_give_one_row_with_the_best_confidence(sides):
    """A2.1-B2 (0.5) and A2.2-B2 (0.7) are both A2|B2 per sentence: one row, confidence 0.7."""
    rows = rows_of(sides, [pair(1, 1, 0.5), pair(2, 1, 0.7)])
    match = [r for r in rows if r.is_match]
    assert keys(match) == ["A2|B2"] and match[0].confidence == 0.7
    assert match[0].a_claim == "the border will stay open for trade."


def test_claim_rows(sides):
    rows = rows_of(sides, unit="claim")
    assert keys(rows) == ["A1.1|B1.1", "A2.1|B2.1", "A2.2|", "A3.1|B3.1", "A3.1|B4.1", "A4.1|", "|B5.1"]
    only = next(r for r in rows if r.key == "A2.2|")
    assert only.a_text == "the border will stay open for trade." and only.nearest == "5.1"


def test_a_duplicate_mirrors_its_original_with_a_flag(sides):
    """B4 repeats B3: it gets a row of its own beside A3|B3, flagged 'duplicate of b#3'."""
    rows = {r.key: r for r in rows_of(sides)}
    original, twin = rows["A3|B3"], rows["A3|B4"]
    assert twin.flags == ("duplicate of b#3",) and original.flags == ()
    assert (twin.confidence, twin.relation, twin.a_claim) == (original.confidence, original.relation, original.a_claim)


def test_an_unmatched_duplicate_is_only_in_with_the_flag(sides):
    rows = {r.key: r for r in rows_of(sides, [pair(0, 0, 0.9)])}
    assert rows["|B4"].status == "only_b" and rows["|B4"].flags == ("duplicate of b#3",)
    assert rows["|B3"].flags == ()


def test_original_of_prefers_the_same_claim_position():
    s = side([("one two three four", "five six seven eight"), ("one two three four", "five six seven eight")],
             duplicates={2: 1})
    c = s.claims
    assert original_of(c, c[2]) is c[0] and original_of(c, c[3]) is c[1]


def test_nearest_of_an_only_in_row_is_the_closest_unit_of_the_other_document(sides):
    rows = {r.key: r for r in rows_of(sides)}
    assert rows["|B5"].nearest == "2"  # B5's topic is A2.2's: shown as A's sentence 2
    assert rows["A1|B1"].nearest is None


@pytest.mark.parametrize("equivalent, relations", [
    (0.75, ["equivalent", "related", "equivalent", "equivalent"]),
    (0.85, ["equivalent", "related", "related", "related"]),
    (0.6, ["equivalent", "equivalent", "equivalent", "equivalent"]),  # at the threshold: equivalent
    (0.95, ["related"] * 4),
])
def test_relation_is_graded_from_the_calibrations_equivalent(sides, equivalent, relations):
    rows = rows_of(sides, equivalent=equivalent)
    assert [r.relation for r in rows if r.is_match] == relations
    assert [r.relation for r in rows if not r.is_match] == [None, None]


def test_flags_of_a_match(sides):
    rows = {r.key: r for r in rows_of(sides)}
    # "the minister" speaks in A1, but a title is not a name: no person flag
    assert rows["A1|B1"].flags == ("day: Sunday vs Wednesday (الأربعاء)",)
    day = rows["A1|B1"].flags[0]
    assert (day.kind, day.severity, day.a, day.b) == ("day", "conflict", "Sunday", "Wednesday (الأربعاء)")
    assert rows["A1|B1"].conflicts == (day,)


def test_repair_zwnj_changes_persian_display_only():
    a = side(["کشورهای همسایه میدهد"], lang="fa", topics=[0])
    b = side(["الدول المجاورة"], lang="ar", topics=[0])
    plain = build_rows(a, b, [pair(0, 0, 0.9)], scores_of(a, b), unit="sentence", equivalent=calibration().equivalent)
    shown = build_rows(a, b, [pair(0, 0, 0.9)], scores_of(a, b), unit="sentence", equivalent=calibration().equivalent, repair=True)
    assert plain[0].a_text == "کشورهای همسایه میدهد"
    assert shown[0].a_text == "کشور\u200cهای همسایه می\u200cدهد" and shown[0].a_claim == shown[0].a_text
    assert shown[0].b_text == plain[0].b_text


def test_comparable_rows_follow_a_then_only_in_b(sides):
    """Matches and A's unmatched units together in A's order, then B's unmatched units."""
    rows = rows_of(sides, [pair(3, 2, 0.8), pair(0, 4, 0.7)])
    assert keys(rows) == ["A1|B5", "A2|", "A3|B3", "A3|B4", "A4|", "|B1", "|B2"]


# -- parallel mode: rows in the order of both texts ----------------------------------------------


def test_document_order_for_parallel_mode():
    """Steps A1-B1, A2-B2;B3, A4-B5; A3 and B4 unaligned. A B-only row goes after the last A
    unit aligned before it (B3 went with A2), so B4 comes before A3."""
    a = side(["a one", "a two", "a three", "a four"], split_claims=False)
    b = side(["b one", "b two", "b three", "b four", "b five"], split_claims=False)
    pairs = [pair(0, 0, 0.9), pair(1, (1, 2), 0.8), pair(3, 4, 0.7)]
    rows = build_rows(a, b, pairs, scores_of(a, b), unit="sentence", equivalent=calibration().equivalent, document_order=True)
    assert keys(rows) == ["A1|B1", "A2|B2;3", "|B4", "A3|", "A4|B5"]
    assert [i for r in rows for i in r.a_ids] == [1, 2, 3, 4]
    assert [j for r in rows for j in r.b_ids] == [1, 2, 3, 4, 5]


def test_document_order_key_puts_leading_b_rows_first():
    a = side(["a one", "a two"], split_claims=False)
    b = side(["b one", "b two", "b three"], split_claims=False)
    rows = build_rows(a, b, [pair(0, 1, 0.9), pair(1, 2, 0.9)], scores_of(a, b), unit="sentence", equivalent=calibration().equivalent)
    assert keys(sorted(rows, key=document_order_key(rows))) == ["|B1", "A1|B2", "A2|B3"]


# -- a pair linked by hand ---------------------------------------------------------------------


def test_link_row_has_no_confidence_and_is_flagged_like_any_match(sides):
    a, b = sides
    row = link_row(a, b, (a.sentences[0],), (b.sentences[4],), relation="equivalent")
    assert row.key == "A1|B5" and row.status == "match" and row.reviewed == "re-linked"
    assert row.confidence is None and row.relation == "equivalent"
    assert row.a_text == a.sentences[0].text and row.b_text == b.sentences[4].text
    articles = (a.document.text, b.document.text)
    assert row.flags == tuple(flag_pair((a.sentences[0],), (b.sentences[4],), people_of(a, b), articles))
