"""align.report: views (filter/sort), the review log, re-links, copies and the terminal summary,
on a report of hand-made rows (no model)."""
from __future__ import annotations

import copy

import numpy as np
import pytest
from factories import calibration, en_ar_report, en_ar_sides, pair, report, scores_of, side

from align import InputError
from align.flags import Flag
from align.rows import Row, build_rows


def keys(rep) -> list[str]:
    return [r.key for r in rep.rows]


@pytest.fixture
def rep():
    """Rows: A1|B1 (0.9, day flag), A2|B2 (0.6), A3|B3 (0.8), A3|B4 (duplicate), A4| and |B5."""
    return en_ar_report()


# -- rows, counts, views -------------------------------------------------------------------------


def test_rows_counts_and_matches(rep):
    assert keys(rep) == ["A1|B1", "A2|B2", "A3|B3", "A3|B4", "A4|", "|B5"]
    assert rep.counts == {"match": 4, "only_a": 1, "only_b": 1} and len(rep) == 6
    assert [r.key for r in rep.matches] == ["A1|B1", "A2|B2", "A3|B3", "A3|B4"]
    assert rep.unit == "sentence" and [u.label for u in rep.units("b")] == ["1", "2", "3", "4", "5"]
    assert rep.document("A").name == "minister_en.txt"


@pytest.mark.parametrize("condition, expected", [
    ({"status": "match"}, ["A1|B1", "A2|B2", "A3|B3", "A3|B4"]),
    ({"status": "only_b"}, ["|B5"]),
    ({"min_score": 0.7}, ["A1|B1", "A3|B3", "A3|B4"]),
    ({"min_score": 0.9}, ["A1|B1"]),
    ({"relation": "related"}, ["A2|B2"]),
    ({"flag": "DAY"}, ["A1|B1"]),  # case-insensitive, part of a flag
    ({"flag": "duplicate"}, ["A3|B4"]),
    ({"speaker": "the minister"}, ["A2|B2"]),
    ({"speaker": "nobody"}, []),
    ({"status": "match", "min_score": 0.85}, ["A1|B1"]),
])
def test_filter_shows_the_rows_that_pass(rep, condition, expected):
    assert keys(rep.filter(**condition)) == expected


def test_filters_chain_and_leave_the_report_unchanged(rep):
    view = rep.filter(status="match").filter(relation="equivalent").filter(flag="duplicate")
    assert keys(view) == ["A3|B4"]
    assert len(rep) == 6
    assert view.options["filter"]["flag"] == "duplicate" and "filter" not in rep.options


@pytest.mark.parametrize("by, ascending, expected", [
    ("score", False, ["A1|B1", "A3|B3", "A3|B4", "A2|B2", "A4|", "|B5"]),  # rows without a value last
    ("score", True, ["A2|B2", "A3|B3", "A3|B4", "A1|B1", "A4|", "|B5"]),
    ("b_ids", False, ["A1|B1", "A2|B2", "A3|B3", "A3|B4", "|B5", "A4|"]),
    ("flags", True, ["A1|B1", "A3|B4", "A2|B2", "A3|B3", "A4|", "|B5"]),  # "day" < "duplicate" < "person"
])
def test_sort(rep, by, ascending, expected):
    assert keys(rep.sort(by, ascending=ascending)) == expected


def test_sort_of_a_filter_keeps_the_filter(rep):
    assert keys(rep.filter(status="match").sort("score", ascending=True)) == ["A2|B2", "A3|B3", "A3|B4", "A1|B1"]


@pytest.mark.parametrize("call", [
    lambda r: r.filter(status="matched"),
    lambda r: r.filter(relation="same"),
    lambda r: r.filter(min_score="0.5"),
    lambda r: r.filter(min_score=True),
    lambda r: r.filter(flag=3),
    lambda r: r.filter(speaker=["x"]),
    lambda r: r.sort("confidence"),
])
def test_bad_view_arguments_are_input_errors(rep, call):
    with pytest.raises(InputError):
        call(rep)


# -- reviews -------------------------------------------------------------------------------------


def test_review_records_the_decision_and_relation(rep):
    row = rep.review("A2|B2", "accepted", relation="equivalent")
    assert row.key == "A2|B2" and row.reviewed == "accepted (equivalent)" and row.relation == "equivalent"
    assert rep.review(0, "rejected").reviewed == "rejected"
    assert rep.reviews == {"A1|B1": "rejected", "A2|B2": "accepted (equivalent)"}
    assert rep.review(rep.rows[0], "accepted").reviewed == "accepted"  # a later decision wins
    assert rep.reviews["A1|B1"] == "accepted"


def test_a_review_on_a_filtered_view_is_recorded_on_the_full_report(rep):
    by_score = rep.sort("score")  # a view made before the review
    view = rep.filter(flag="day")
    assert keys(view) == ["A1|B1"]
    view.review(0, "rejected", relation="related")  # row 0 of the view is A1|B1, not the report's row 0
    assert rep.reviews == {"A1|B1": "rejected (related)"}
    for v in (rep, view, by_score, rep.filter(status="match")):
        row = next(r for r in v.rows if r.key == "A1|B1")
        assert (row.reviewed, row.relation) == ("rejected (related)", "related")
    # a review can move a row out of a view that filters on what was reviewed
    assert keys(rep.filter(relation="equivalent")) == ["A3|B3", "A3|B4"]


def test_machine_rows_are_never_edited(rep):
    before = list(rep._machine_rows)
    rep.review(0, "rejected", relation="related")
    rep.relink(4, 5)
    assert list(rep._machine_rows) == before and all(r.reviewed == "" for r in before)


@pytest.mark.parametrize("row, decision, relation, message", [
    (0, "maybe", None, "decision must be"),
    (0, "Accepted", None, "decision must be"),
    (0, "accepted", "same", "relation must be"),
    (6, "accepted", None, "row 6 does not exist"),
    (-7, "accepted", None, "does not exist"),
    (-1, "accepted", None, "row -1 does not exist"),  # no counting from the end: a typo must not review another row
    ("A7|B7", "accepted", None, "no row 'A7|B7'"),
    (True, "accepted", None, "no row True"),
    (1.0, "accepted", None, "no row 1.0"),
    ("A4|", "accepted", None, "not a match"),
    (5, "rejected", None, "not a match"),
])
def test_review_validation(rep, row, decision, relation, message):
    with pytest.raises(InputError, match=message):
        rep.review(row, decision, relation=relation)
    assert rep.reviews == {}


def test_claimalign_errors_share_one_base():
    from align import ClaimalignError, ModelError, OutputError

    assert issubclass(ModelError, ClaimalignError) and issubclass(InputError, ClaimalignError)
    assert issubclass(OutputError, ClaimalignError) and issubclass(ModelError, RuntimeError)


def test_review_by_numpy_index(rep):
    assert rep.review(np.int64(1), "accepted").key == "A2|B2"


# -- re-links ------------------------------------------------------------------------------------


def test_relink_of_two_unmatched_units_removes_their_only_in_rows(rep):
    row = rep.relink(4, 5, relation="equivalent")
    assert row.key == "A4|B5" and row.reviewed == "re-linked" and row.confidence is None
    assert keys(rep) == ["A1|B1", "A2|B2", "A3|B3", "A3|B4", "A4|B5"]
    assert rep.counts == {"match": 5, "only_a": 0, "only_b": 0}
    assert rep.reviews == {"A4|B5": "re-linked"}


def test_relink_rejects_the_machine_matches_of_the_linked_units(rep):
    rep.relink("1", ["2", 5])
    rows = {r.key: r for r in rep.rows}
    assert rows["A1|B1"].reviewed == "rejected (re-linked)"  # A1's machine match
    assert rows["A2|B2"].reviewed == "rejected (re-linked)"  # B2's machine match
    assert rows["A3|B3"].reviewed == "" and "|B5" not in rows  # untouched; B5 is matched now
    assert rows["A1|B2;5"].reviewed == "re-linked" and rows["A1|B2;5"].relation == "related"
    assert keys(rep)[-1] == "A1|B2;5"
    assert rep.reviews == {"A1|B1": "rejected (re-linked)", "A2|B2": "rejected (re-linked)", "A1|B2;5": "re-linked"}


def test_a_later_relink_does_not_reject_an_earlier_one(rep):
    rep.relink(4, 5)
    rep.relink(4, 2)
    rows = {r.key: r for r in rep.rows}
    assert rows["A4|B5"].reviewed == "re-linked" and rows["A4|B2"].reviewed == "re-linked"
    assert rows["A2|B2"].reviewed == "rejected (re-linked)"


def test_relink_is_visible_from_views(rep):
    view = rep.filter(status="match")
    rep.relink(4, 5)
    assert "A4|B5" in keys(view) and "A4|" not in keys(rep.filter(status="only_a"))


def test_relink_in_a_claim_report_uses_claim_labels():
    rep = en_ar_report("claim")
    row = rep.relink("2.2", "5.1")
    assert row.key == "A2.2|B5.1" and row.a_text == "the border will stay open for trade."
    assert "A2.2|" not in keys(rep) and "|B5.1" not in keys(rep)


@pytest.mark.parametrize("a, b, relation, message", [
    (9, 1, "related", "A has no segment 9"),
    (1, 9, "related", "B has no segment '9'"),
    (1, [1, 9], "related", "B has no segment '9'"),
    ("1.1", 1, "related", "A has no segment '1.1'"),  # a sentence report has no claim labels
    (1, 1, "similar", "relation must be"),
])
def test_relink_validation(rep, a, b, relation, message):
    with pytest.raises(InputError, match=message):
        rep.relink(a, b, relation=relation)
    assert rep.reviews == {} and len(rep) == 6


# -- copies --------------------------------------------------------------------------------------


def test_deepcopy_gives_an_independent_report(rep):
    rep.review(0, "accepted")
    twin = copy.deepcopy(rep)
    twin.review(1, "rejected")
    twin.relink(4, 5)
    assert rep.reviews == {"A1|B1": "accepted"}
    assert twin.reviews == {"A1|B1": "accepted", "A2|B2": "rejected", "A4|B5": "re-linked"}
    rep.review(2, "rejected")
    assert "A3|B3" not in twin.reviews


def test_deepcopy_of_a_view_is_independent_of_its_report(rep):
    view = copy.deepcopy(rep.filter(status="match"))
    view.review(0, "rejected")
    assert rep.reviews == {} and view.reviews == {"A1|B1": "rejected"}


# -- display -------------------------------------------------------------------------------------


def test_summary_lines(rep):
    text = rep.summary()
    lines = text.splitlines()
    # A and B each on a line of their own: a terminal that shapes right-to-left text cannot swap them
    assert lines[0] == "A: minister_en.txt [en] 4 sentences" and lines[1] == "B: minister_ar.txt [ar] 5 sentences"
    assert lines[2] == "4 matched pairs (3 equivalent, 1 related; confidence >= 0.45), 1 sentences only in A, 1 only in B"
    # every conflict first, then the most confident pairs, each side on its own line
    assert lines[3] == "conflicts (both sides state it, the values differ) in 1 pairs:"
    assert lines[4] == "  A1 ~ B1  day: Sunday vs Wednesday (الأربعاء)"
    assert lines[5] == "the 4 most confident pairs:"
    assert lines[6].startswith("  0.90 equivalent   A1      The minister met")
    assert lines[7].startswith(" " * 20 + "B1      التقى الوزير")
    assert "duplicate" not in text  # a duplicate's note is not a disagreement
    assert repr(rep) == ("<Report minister_en.txt (en, 4 sentences) vs minister_ar.txt (ar, 5 sentences): "
                         "4 matches, 1 only in A, 1 only in B>")


def test_summary_of_a_hand_link_says_hand(rep):
    rep.relink(4, 5)
    lines = rep.summary().splitlines()
    k = next(k for k, line in enumerate(lines) if line.startswith("  by hand") and " A4 " in line)
    assert " B5 " in lines[k + 1]


EVIL = [
    "\x1b]0;owned\x07",  # OSC: set the terminal title (BEL-terminated)
    "\x1b]8;;http://x\x1b\\",  # OSC 8 hyperlink (ST-terminated)
    "\x1b[2J\x1b[31m",  # CSI: clear screen, red
    "\x9b2J",  # 8-bit CSI
    "\x1bc",  # reset
    "\x07\x08\x7f",
]


@pytest.mark.parametrize("evil", EVIL)
def test_summary_strips_terminal_control_sequences(evil):
    a = side([f"Talks were held {evil}in Kabul today."], lang="en", name=f"{evil}a.txt", topics=[0])
    b = side([f"جرت محادثات {evil}في كابول اليوم."], lang="ar", topics=[0])
    rows = build_rows(a, b, [pair(0, 0, 0.9)], scores_of(a, b), unit="sentence", equivalent=calibration().equivalent)
    text = report(a, b, rows).summary()
    assert "Talks were held" in text and "a.txt [en]" in text
    assert not any(ch in text for ch in "\x1b\x07\x08\x7f\x9b"), ascii(text)
    assert "owned" not in text and "http://x" not in text


def test_legend_lists_the_claims():
    rep = en_ar_report()
    legend = rep.legend("A", width=20)
    assert list(legend.label) == ["1.1", "2.1", "2.2", "3.1", "4.1"]
    assert legend.speaker[1] == "the minister" and legend.text[2] == "the border will sta…"


def test_a_report_without_scores_has_no_matrices_and_no_vecalign():
    a, b = en_ar_sides()
    rep = report(a, b, [Row("only_a", (a.sentences[0],), ())])
    assert rep.cos is None and rep.margin is None
    with pytest.raises(InputError, match="parallel"):
        rep.to_vecalign()


def test_a_report_with_scores_exposes_the_dense_matrices():
    a, b = en_ar_sides()
    scores = scores_of(a, b)
    from align.report import Report

    rep = Report(a, b, [], settings=en_ar_report().settings, options={}, scores=scores)
    assert rep.cos.shape == (5, 5) and rep.margin is scores.margin


def test_summary_of_a_long_comparison_stays_short():
    """At most the 10 most confident pairs and 10 pairs with conflicts: a 1,000-line comparison
    prints about 40 lines, and says how many more the report has."""
    a = side([f"Sentence number {i} about the talks." for i in range(60)], topics=list(range(60)))
    b = side([f"Phrase numéro {i} sur les pourparlers." for i in range(60)], lang="fr", topics=list(range(60)))
    rows = [Row("match", (a.sentences[i],), (b.sentences[i],), a_text=a.sentences[i].text, b_text=b.sentences[i].text,
                confidence=0.5 + i / 200, relation="related", flags=(Flag("day", "conflict", "Sunday", "Monday"),))
            for i in range(60)]
    lines = report(a, b, rows).summary().splitlines()
    assert len(lines) <= 40
    assert "  … 50 more pairs with conflicts in the report" in lines and lines[-1] == "… 50 more pairs in the report"
    assert lines[lines.index("the 10 most confident pairs:") + 1].startswith("  0.79 related      A60     Sentence number 59")
