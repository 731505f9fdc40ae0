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


def test_groups_across_three_articles(multi, seed_report):
    groups = {tuple(r.labels(k) for k in range(3)) for r in multi.rows if r.is_match}
    # neighbours-as-priority: the same claim in all three
    assert (("2",), ("9",), ("6",)) in groups
    # the fa-ar links are the two-article comparison's pairs, each claim's most confident one
    # (chains of every counterpart would join everything on one topic into one group)
    links = [(r.a_labels, r.b_labels) for r in multi.report("A", "B").matches]
    assert links and set(links) <= {(r.a_labels, r.b_labels) for r in seed_report.matches}
    assert len({a for a, _ in links}) == len(links)
    # every unit of every article appears exactly once
    for k, side in enumerate(multi.sides):
        seen = [lab for r in multi.rows for lab in r.labels(k)]
        assert sorted(seen, key=lambda s: int(s)) == [str(u.label) for u in side.sentences]
    assert {r.status for r in multi.rows} == {"match", "only_A", "only_B", "only_C"}
    assert all(r.articles(multi.letters) == r.status[-1] for r in multi.rows if r.status != "match")


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
