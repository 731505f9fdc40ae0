"""The HTML report as a browser lays it out (headless Chromium): each claim of A once with its
counterparts, the matched claim highlighted and the rest of its sentence dimmed but shown, and
ids read left to right inside right-to-left text (``B13–15``, not ``15–B13``).

A script appended to the report measures the laid-out page and writes what it found into the
DOM, which ``chromium --dump-dom`` prints (the report's own policy forbids scripts: lifted in
the copy the probe runs in). Skipped where no Chromium is installed.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from conftest import AR, FA

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium to lay the page out")

PROBE = """
<script>
document.querySelectorAll('details').forEach(d => { d.open = true; });
const shown = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const out = {};
const first = document.querySelector('h3').parentElement;
out.sections = [...document.querySelectorAll('h3')].map(h => h.textContent);
out.claims = [...document.querySelectorAll('.claim')].map(c => ({
  own: c.querySelector('.own .id').textContent,
  counterparts: [...c.querySelectorAll('.counterpart')].map(p => {
    const id = p.querySelector('.id'); return id ? id.textContent : null; }),
  in_details: c.closest('details') !== null }));
out.marks = [...document.querySelectorAll('mark')].map(shown);
out.dims = [...document.querySelectorAll('.dim')].map(shown);
const m = document.querySelector('.own mark'), d = document.querySelector('.own .dim');
out.mark_style = m ? [getComputedStyle(m).backgroundColor, getComputedStyle(m).color] : null;
out.dim_style = d ? [getComputedStyle(d).backgroundColor, getComputedStyle(d).color] : null;
out.ids = [...document.querySelectorAll('.id')].map(e => {
  const t = e.firstChild, xs = [];
  for (let i = 0; i < t.length; i++) { const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);
    xs.push(r.getBoundingClientRect().left); }
  const line = e.parentElement.getBoundingClientRect(), box = e.getBoundingClientRect();
  return { text: e.textContent, rtl: getComputedStyle(e.parentElement).direction === 'rtl',
           left_to_right: xs.every((x, i) => i === 0 || x > xs[i - 1]),
           at_start: !e.closest('.claim') ? null  // the legend's examples sit inside a sentence
             : getComputedStyle(e.parentElement).direction === 'rtl' ? line.right - box.right < 40 : box.left - line.left < 40 };
});
const pre = document.createElement('pre'); pre.id = 'claimalign-probe'; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>
"""


def _lay_out(html: str, tmp_path) -> dict:
    page = tmp_path / "report.html"
    # the report forbids scripts (its Content-Security-Policy): lifted for the probe only
    html, lifted = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    assert lifted == 1
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    # (a profile of its own: a Chromium still running on the default one would take the page over)
    found = re.search(r'<pre id="claimalign-probe">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-2000:]
    return json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"'))


def test_each_claim_once_with_its_counterparts_highlighted_and_dimmed(seed_report, tmp_path):
    page = _lay_out(seed_report.html_page(), tmp_path)
    a_side = [c for c in page["claims"] if not c["in_details"]]
    matched_a = {f"A{'–'.join(dict.fromkeys(s.label for s in r.a))}" for r in seed_report.rows if r.status == "match"}
    # each claim of A that has a counterpart shows once, with all its counterparts beneath it
    own = [c["own"] for c in a_side if any(c["counterparts"])]
    assert len(own) == len(set(own)) and set(own) == matched_a
    for c in a_side:
        if c["own"] in matched_a:
            expected = {f"B{'–'.join(dict.fromkeys(s.label for s in r.b))}" for r in seed_report.rows
                        if r.status == "match" and f"A{'–'.join(dict.fromkeys(s.label for s in r.a))}" == c["own"]}
            assert set(c["counterparts"]) == expected, c
    # the B side, on request (a collapsed section), is there too
    assert any(c["own"].startswith("B") for c in page["claims"] if c["in_details"])
    # the matched claim is highlighted; the rest of its sentence is dimmed, and shown
    assert page["marks"] and all(page["marks"])
    assert page["dims"] and all(page["dims"])
    assert page["mark_style"] != page["dim_style"]
    # every id is read left to right and opens its line, in Persian and Arabic text alike
    wrong = [i for i in page["ids"] if not i["left_to_right"] or i["at_start"] is False]
    assert not wrong and sum(i["at_start"] is True for i in page["ids"]) >= 2 * len(seed_report.rows)
    assert any(i["rtl"] for i in page["ids"])


def test_ranges_of_ids_read_left_to_right_in_rtl_text(tmp_path):
    """Parallel mode joins sentences (B13–15): in an Arabic line the range must not be reordered
    into 13–B15 or 15–13B."""
    import align

    report = align.compare(FA, AR, mode="parallel")
    page = _lay_out(report.html_page(), tmp_path)
    ranges = [i for i in page["ids"] if "–" in i["text"]]
    assert ranges and any(i["rtl"] for i in ranges)
    assert all(i["left_to_right"] for i in ranges), [i for i in ranges if not i["left_to_right"]]
