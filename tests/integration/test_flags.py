"""Disagreement flags on a real comparison (the hand-written cases are in tests/unit/test_flags_pure.py)."""
from __future__ import annotations

import json

import align


def _meeting(report):
    return next(r for r in report.matches if r.a_ids == (1,) and r.b_ids == (6,))


def test_seed_meetings_differ_in_day_and_people(seed_report):
    # fa#1: the meeting "yesterday (Sunday)" with defence minister Tariq Shah Bahrami;
    # ar#6: "this Wednesday evening" with his counterpart Hamdullah Mohib. Shamkhani is in both:
    # not flagged. All three are conflicts, shown first.
    flags = _meeting(seed_report).flags
    assert flags == (
        "day: Sunday (یکشنبه) vs Wednesday (الأربعاء)",
        "relative day: yesterday (دیروز) vs today (اليوم)",
        "person: طارق شاه بهرامی vs حمد الله محب",
    )
    assert [f.severity for f in flags] == ["conflict"] * 3 and [f.kind for f in flags] == ["day", "relative day", "person"]
    assert not any("شمخان" in f for f in flags)
    # a pronoun-only side still has its speaker: fa#3 "وی …" vs ar#11 "ولفت شمخاني …"
    row = next(r for r in seed_report.matches if r.a_ids == (3,))
    assert not any(f.kind == "person" for f in row.flags)
    assert all(f.startswith("duplicate of") and f.severity == "note" for r in seed_report.rows if r.status != "match" for f in r.flags)
    # Iran, Tehran, Afghanistan: both articles mention them, so no row says they are only in one
    assert not any(f.kind == "place" and f.severity != "conflict" and ("Iran" in f or "Afghanistan" in f)
                   for r in seed_report.matches for f in r.flags)


def test_no_flag_shows_a_key_or_a_verb(seed_report):
    for r in seed_report.matches:
        for f in r.flags:
            if f.kind == "person":
                for name in (f.a + ", " + f.b).split(", "):
                    assert name == "" or not name.isascii(), f  # as written in fa/ar, never a skeleton key
                    assert not name.startswith(("و", "ف")) or name.startswith("ولی"), f


def test_flags_reach_every_format(seed_report, tmp_path):
    csv_text = seed_report.to_csv_string()
    assert "day: Sunday (یکشنبه) vs Wednesday (الأربعاء)" in csv_text
    frame = seed_report.to_frame()
    row = frame[(frame.a_ids == "1") & (frame.b_ids == "6")].iloc[0]
    assert row.conflicts.startswith("day: Sunday (یکشنبه) vs Wednesday (الأربعاء); relative day:")
    path = seed_report.save(tmp_path / "seed.jsonl")
    line = next(json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()[1:]
                if json.loads(x)["a_ids"] == ["1"] and json.loads(x)["b_ids"] == ["6"])
    assert line["flag_details"][0] == {"type": "day", "severity": "conflict", "a": "Sunday (یکشنبه)",
                                       "b": "Wednesday (الأربعاء)", "text": "day: Sunday (یکشنبه) vs Wednesday (الأربعاء)"}
    loaded = _meeting(align.load_report(path))
    assert loaded.flags == _meeting(seed_report).flags and loaded.conflicts[0].kind == "day"
    page = seed_report.to_html()
    assert 'class="legend"' in page and '<span class="flag conflict" title="day · conflict">day: Sunday' in page
