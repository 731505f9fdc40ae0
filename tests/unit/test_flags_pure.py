"""Disagreement flags on hand-written pairs of texts: numbers, days, dates, people and places
that differ (pure functions, no model)."""
from __future__ import annotations

import pytest

from align.flags import disagreements, facts, known_people


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
