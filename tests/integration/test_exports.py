"""Exports: XLSX, standalone HTML (checked in headless Chromium), JSONL with reviews; the review
API; display in Jupyter; heatmap."""
from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
from conftest import AR, FA

import align
from align.plots import confidence_matrix, pair_cells

EN = """The foreign minister met his French counterpart in Berlin on Monday.
=HYPERLINK("http://evil.example","click") He said the talks had been constructive.
He said <script>window.pwned=1</script><img src=x onerror="window.pwned=2"> a new water agreement will be signed next month.
The opposition criticised the cost of the visit."""
FR = """Le ministre des Affaires étrangères a rencontré lundi son homologue allemand à Berlin.
Il a déclaré que les discussions avaient été constructives.
Un nouvel accord sur l'approvisionnement en eau sera signé le mois prochain.
Les agriculteurs manifestent contre la baisse des prix du lait."""


@pytest.fixture(scope="module")
def hostile(encoder):
    return align.compare(EN, FR, encoder=encoder, lang_a="en", lang_b="fr")


def test_xlsx_sheets_rtl_frozen_and_no_formulas(seed_report, hostile, tmp_path):
    from openpyxl import load_workbook

    path = seed_report.to_xlsx(tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["pairs", "only in A", "only in B", "by claim", "run"]
    ws = wb["pairs"]
    assert ws.freeze_panes == "A2" and ws.max_row == 1 + seed_report.counts["match"]
    head = [c.value for c in ws[1]]
    a_text = ws.cell(row=2, column=head.index("a_text") + 1)
    assert a_text.alignment.horizontal == "right" and a_text.alignment.readingOrder == 2 and a_text.alignment.wrap_text
    assert ws.cell(row=2, column=head.index("status") + 1).alignment.horizontal == "left"
    run = {r[0].value: r[1].value for r in wb["run"].iter_rows()}
    assert run["model"] == "default" and run["claimalign"] == align.__version__ and run["date"]
    assert (tmp_path / "r.xlsx").read_bytes() == seed_report.to_xlsx(tmp_path / "r2.xlsx").read_bytes()  # deterministic
    # a cell starting with "=" is text, not a formula
    wb = load_workbook(hostile.to_xlsx(tmp_path / "h.xlsx"))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_jsonl_round_trip_with_offsets_and_reviews(seed_report, tmp_path):
    import copy

    report = copy.deepcopy(seed_report)
    report.review("A2|B9", "accepted")
    report.review("A1|B6", "rejected", relation="related")  # the two meetings
    report.relink(9, 7, relation="related")  # the pledge re-linked by hand
    path = report.save(tmp_path / "reviewed.jsonl")
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["type"] == "meta" and all(x["type"] == "row" for x in lines[1:])
    text_a = lines[0]["documents"]["A"]["text"]
    for row in lines[1:]:
        if row["a_spans"]:
            s, e = row["a_spans"][0]
            assert row["a_text"].startswith(text_a[s:e])
    loaded = align.load_report(path)
    assert loaded.reviews == report.reviews == {
        "A1|B6": "rejected (related)", "A2|B9": "accepted", "A10|B7": "rejected (re-linked)", "A9|B7": "re-linked"}
    assert loaded.to_csv_string() == report.to_csv_string()
    assert "re-linked" in loaded.to_csv_string() and loaded.to_html()
    assert seed_report.reviews == {}  # the original is untouched
    with pytest.raises(align.InputError):
        report.review("A4|B13", "maybe")
    with pytest.raises(align.InputError):
        report.review("A99|B1", "accepted")
    with pytest.raises(align.InputError):
        align.load_report(FA)  # not a report


def test_filter_and_sort_like_pandas(seed_report):
    best = seed_report.filter(status="match").sort("score")
    assert [r.confidence for r in best.rows] == sorted((r.confidence for r in seed_report.matches), reverse=True)
    assert {r.a_labels for r in seed_report.filter(flag="day").rows} == {("1",)}
    assert len(seed_report.filter(speaker="Shamkhani", min_score=0.6)) >= 3


def test_jupyter_display_and_heatmap(seed_report, tmp_path):
    html = seed_report._repr_html_()
    assert 'dir="rtl" lang="fa"' in html and 'dir="rtl" lang="ar"' in html
    # claim-centred: each claim of A with its counterparts, what only B says, B's side on request
    assert "Claims of A: shamkhani_bahrami_fa.txt [fa], each with its counterparts in B" in html
    assert "Only in B: shamkhani_mohib_ar.txt [ar]" in html and "The same from B's side" in html
    assert html.count('class="counterpart"') == 2 * len(seed_report.matches)
    assert f"{len(seed_report.matches)} matched pairs" in html
    assert "equivalent" in html and "Sunday" in html
    import matplotlib

    matplotlib.use("Agg")
    ax = seed_report.heatmap()
    cells = pair_cells(seed_report.claim_pairs)
    assert len(ax.patches) == len(cells) > 0
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["1.1", "2.1"]
    assert len(seed_report.legend("B")) == len(seed_report.b.claims)
    # the colours are the candidates' confidences: every cell from the threshold up is boxed, the
    # brightest cell included, and a boxed cell's colour is its pair's confidence
    image = ax.get_images()[0]
    assert image.colorbar.ax.get_ylabel() == "confidence" and image.get_clim() == (0.0, 1.0)
    c = seed_report.candidates
    m = confidence_matrix(image.get_array().shape, c.i, c.j, c.confidence)
    threshold = seed_report.options["min_score"]
    assert {(int(i), int(j)) for i, j in zip(*np.nonzero(np.nan_to_num(m, nan=-1.0) >= threshold), strict=True)} == set(cells)
    assert tuple(int(x) for x in np.unravel_index(np.nanargmax(m), m.shape)) in cells
    single = [p for p in seed_report.claim_pairs if len(p.a) == len(p.b) == 1]
    assert single and all(m[p.a[0], p.b[0]] == pytest.approx(p.score) for p in single)


def test_standalone_html_has_no_network_resources(hostile):
    page = hostile.to_html()
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    for bad in ("src=", "href=", "@import", "url("):
        assert bad not in page.replace("&lt;img src=x", "")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (make test installs it)")
def test_html_report_in_headless_chromium(seed_report, hostile, tmp_path):
    """Rendered by a real browser: RTL cells are right-to-left, article <script> stays inert.
    The page's CSP (no scripts) is removed here, so only escaping keeps the script inert, and a
    probe script reads the computed styles."""
    probe = (
        "<script>const c=[...document.querySelectorAll('.claim [lang]')].map(td=>[td.lang,getComputedStyle(td).direction,"
        "getComputedStyle(td).textAlign]);const p=document.createElement('pre');p.id='probe';"
        "p.textContent=JSON.stringify({cells:c,pwned:window.pwned||0,imgs:document.images.length});document.body.appendChild(p);</script>"
    )
    results = {}
    for name, report in (("seed", seed_report), ("hostile", hostile)):
        page = report.to_html()
        page = page.replace(page[page.index('<meta http-equiv="Content-Security-Policy"'):page.index("<title>")], "")
        path = tmp_path / f"{name}.html"
        path.write_text(page.replace("</body>", probe + "</body>"), encoding="utf-8")
        out = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=2000", "--dump-dom", path.as_uri()],
            capture_output=True, text=True, timeout=120,
        ).stdout
        dom = out[out.index('<pre id="probe">') + len('<pre id="probe">'):]
        results[name] = json.loads(dom[: dom.index("</pre>")].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"'))
    cells = results["seed"]["cells"]
    assert {(lang, d, a) for lang, d, a in cells if lang in ("fa", "ar")} == {("fa", "rtl", "right"), ("ar", "rtl", "right")}
    assert {(lang, d) for lang, d, a in results["hostile"]["cells"]} == {("en", "ltr"), ("fr", "ltr")}
    assert results["hostile"]["pwned"] == 0 and results["hostile"]["imgs"] == 0


def test_cli_formats_from_extension(tmp_path, seed_report):
    from test_cli import run

    for ext in ("xlsx", "html", "jsonl"):
        out = tmp_path / f"r.{ext}"
        p = run("compare", str(FA), str(AR), "-o", str(out), "-q")
        assert p.returncode == 0 and out.exists(), p.stderr
    assert align.load_report(tmp_path / "r.jsonl").counts["match"] == len(seed_report.matches)
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_review_widget_records_decisions(seed_report, tmp_path):
    import copy

    report = copy.deepcopy(seed_report)
    ui = report.review_widget()
    assert len(ui.rows) == len(report.matches)
    box = next(b for b in ui.rows if b.key == "A2|B9")
    box.decision.value = "accepted"
    other = next(b for b in ui.rows if b.key == "A4|B13")
    other.decision.value = "rejected"
    third = next(b for b in ui.rows if b.key == "A6|B5")  # machine: equivalent
    assert report.rows[[r.key for r in report.rows].index("A6|B5")].relation == "equivalent"
    third.decision.value = "accepted"
    third.relation.value = "related"
    a_pick, b_pick, rel_pick, link = ui.relink_controls
    a_pick.value, b_pick.value = "9", ("7",)
    link.click()
    path, save = ui.save_controls
    path.value = str(tmp_path / "w.jsonl")
    save.click()
    expected = {"A2|B9": "accepted", "A4|B13": "rejected", "A6|B5": "accepted (related)",
                "A10|B7": "rejected (re-linked)", "A9|B7": "re-linked"}
    assert report.reviews == expected
    assert align.load_report(tmp_path / "w.jsonl").reviews == expected
