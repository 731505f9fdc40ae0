"""More than two articles: fa, ar and en reports of the meeting grouped claim by claim."""
from __future__ import annotations

import csv
import io

import pytest
from conftest import AR, EXAMPLES, FA

import align

EN = EXAMPLES / "shamkhani_mohib_en.txt"


@pytest.fixture(scope="module")
def multi(encoder):
    return align.compare(FA, AR, EN, encoder=encoder)


def _rows(report) -> list[tuple]:
    return [(r.key, r.status, None if r.confidence is None else round(r.confidence, 6)) for r in report.rows]


def test_three_articles_never_contradict_two(multi, seed_report, encoder):
    """The pairwise comparisons are the two-article comparisons; every pair they report is in
    some row of the three-article report (A3-B11 was dropped, A10-B7 raised from 0.61 to 0.84)."""
    assert _rows(multi.report("A", "B")) == _rows(seed_report)
    assert _rows(multi.report("B", "C")) == _rows(align.compare(AR, EN, encoder=encoder))
    for (i, j), rep in multi.pairwise.items():
        for m in rep.matches:
            rows = [r for r in multi.rows if set(m.a_labels) <= set(r.labels(i)) and set(m.b_labels) <= set(r.labels(j))]
            # in some row, at its own confidence or less (a row is as confident as its weakest link)
            assert any(r.confidence is None or r.confidence <= m.confidence + 1e-9 for r in rows), m.key


def test_groups_across_three_articles(multi):
    rows = {tuple(r.labels(k) for k in range(3)) for r in multi.rows if r.is_match}
    # neighbours as a priority of foreign policy: the same claim in all three, each pair listed
    assert any("2" in g[0] and "9" in g[1] for g in rows) and any("2" in g[0] and "6" in g[2] for g in rows), rows
    assert any("9" in g[1] and "6" in g[2] for g in rows), rows
    # every unit of every article appears in some row
    for k, side in enumerate(multi.sides):
        assert {lab for r in multi.rows for lab in r.labels(k)} == {str(u.label) for u in side.sentences}
    assert {r.status for r in multi.rows} >= {"match", "only_A"}
    assert all(r.articles(multi.letters) == r.status[-1] for r in multi.rows if r.status != "match")
    assert multi.options["min_score"] == multi.report("A", "B").options["min_score"] and multi.options["link_score"] == 0.75


def test_n_column_exports(multi, tmp_path):
    rows = list(csv.DictReader(io.StringIO(multi.to_csv_string())))
    assert list(rows[0])[:7] == ["status", "articles", "score", "relation", "A_ids", "A_text", "A_speaker"]
    assert "C_text" in rows[0] and len(rows) == len(multi.rows)
    from openpyxl import load_workbook

    wb = load_workbook(multi.to_xlsx(tmp_path / "m.xlsx"))
    assert wb.sheetnames == ["groups", "run"] and wb["groups"].max_row == len(multi.rows) + 1
    page = multi.to_html()
    assert 'dir="rtl" lang="fa"' in page and 'dir="rtl" lang="ar"' in page and 'dir="ltr" lang="en"' in page
    assert multi._repr_html_().count("<tr>") == len(multi.rows) + 1


def test_cli_three_articles(tmp_path):
    from test_cli import run

    out = tmp_path / "m.csv"
    p = run("compare", str(FA), str(AR), str(EN), "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert "groups of matching claims" in p.stdout and out.read_text(encoding="utf-8-sig").startswith("status,articles")
    p = run("compare", str(FA), str(AR), str(EN), "--mode", "parallel", "-o", str(tmp_path / "x.csv"))
    assert p.returncode == 2 and "two articles" in p.stderr
