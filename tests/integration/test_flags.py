"""Disagreement flags on a real comparison (the hand-written cases are in tests/unit/test_flags_pure.py)."""
from __future__ import annotations


def test_seed_meetings_differ_in_day_and_people(seed_report):
    # fa#1: the meeting "yesterday (Sunday)" with defence minister Tariq Shah Bahrami;
    # ar#6: "this Wednesday evening" with Hamdullah Mohib. Shamkhani is in both: not flagged.
    row = next(r for r in seed_report.matches if r.a_ids == (1,) and r.b_ids == (6,))
    flags = row.flags
    assert "day: Sunday (یکشنبه) vs Wednesday (الأربعاء)" in flags
    assert "relative day: yesterday (دیروز) vs today (اليوم)" in flags
    assert "person only in A: طارق شاه بهرامی" in flags and "person only in B: حمد الله محب" in flags
    assert not any("شمخان" in f for f in flags)
    # a pronoun-only side still has its speaker: fa#3 "وی …" vs ar#11 "ولفت شمخاني …"
    row = next(r for r in seed_report.matches if r.a_ids == (3,))
    assert not any(f.startswith("person") for f in row.flags)
    assert all(f.startswith("duplicate of") for r in seed_report.rows if r.status != "match" for f in r.flags)


def test_flags_reach_the_csv(seed_report):
    assert "day: Sunday (یکشنبه) vs Wednesday (الأربعاء)" in seed_report.to_csv_string()


