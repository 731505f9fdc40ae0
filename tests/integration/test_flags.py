"""Disagreement flags: numbers, days, dates, people and places that differ between matched claims."""
from __future__ import annotations

import pytest

from align.flags import disagreements, facts, known_people


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


@pytest.mark.parametrize("a, b", [
    ("۱۵ نفر کشته شدند", "قتل ١٥ شخصاً"),  # Persian vs Arabic-Indic digits
    ("15 people were killed", "۱۵ نفر کشته شدند"),
    ("نرخ ۳٫۵ درصد است", "النسبة 3.5 بالمئة"),  # decimal separators
    ("three people were killed", "قتل ثلاثة أشخاص"),  # written out
    ("یک هیأت نظامی به ایران سفر کرد", "زار وفد عسكري إيران"),  # «یک» = "a", not a number
])
def test_same_numbers_are_not_flagged(a, b):
    assert not [f for f in disagreements(a, b) if "number" in f]


def test_different_numbers_are_flagged():
    assert disagreements("۱۵ نفر کشته شدند", "قتل ١٦ شخصاً") == ["numbers: 15 vs 16"]
    assert disagreements("three people died", "قتل أربعة أشخاص") == ["numbers: 3 vs 4"]
    assert disagreements("گروهی کشته شدند", "قتل 12 شخصاً") == ["number only in B: 12"]


def test_weekdays_and_relative_days():
    assert facts("روز سه‌شنبه").weekdays == {1: "سه‌شنبه"}  # Tuesday, not شنبه (Saturday)
    assert facts("روز سه شنبه").weekdays == {1: "سه شنبه"}
    assert set(facts("يوم الخميس وأمس").weekdays) == {3} and set(facts("يوم الخميس وأمس").relative) == {"yesterday"}
    assert disagreements("on Friday", "يوم الجمعة") == []
    assert disagreements("on Friday", "روز شنبه") == ["day: Friday vs Saturday (شنبه)"]


def test_months_across_calendars():
    # 23 Mehr (Solar Hijri month 7) falls in October: no month flag, only the day numbers differ
    assert disagreements("۲۳ مهر", "15 أكتوبر") == ["numbers: 23 vs 15"]
    assert "month" in " ".join(disagreements("۲۳ مهر", "15 يناير"))
    assert facts("مهر و محبت").months == {}  # «مهر» without a number is "kindness", not a month
    assert set(facts("في تشرين الأول").months) == {("gregorian", 10)}


def test_people_and_places_across_scripts():
    people = known_people(["سپهبد طارق شاه بهرامی وزیر دفاع", "مع نظيره الأفغاني حمد الله محب"], ["علی شمخانی"])
    assert {"bhrm", "mhb", "SmXn"} <= set(people)
    assert disagreements("شمخانی با بهرامی دیدار کرد", "التقى شمخاني بهرامي", people) == []
    assert disagreements("Shamkhani met Mohib", "التقى شمخاني بهرامي", people) == [
        "person only in A: حمد الله محب", "person only in B: طارق شاه بهرامی"]
    assert disagreements("سفر به کابل", "زيارة إلى كابول") == []
    assert disagreements("سفر به کابل", "زيارة إلى طهران") == ["place only in A: Kabul (کابل)", "place only in B: Tehran (طهران)"]
