"""Corpus dates as researchers have them (issue 24): ISO, English and European forms, Persian and
Arabic month names, Solar Hijri and Hijri dates in any digits; ambiguous forms refused by name
unless the order is stated; missing values are undated. No model needed.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from align.corpus.dates import DateError, missing, read_date


@pytest.mark.parametrize("written, iso", [
    ("2024-05-30", "2024-05-30"),
    ("2024-05-30T23:30:00-04:00", "2024-05-30"),  # the day as written: no time-zone conversion
    ("May 30, 2024", "2024-05-30"),
    ("30 May 2024", "2024-05-30"),
    ("Thu, 30 May 2024 10:00:00 GMT", "2024-05-30"),
    ("30. Mai 2024", "2024-05-30"),
    ("30.05.2024", "2024-05-30"),
    ("30/05/2024", "2024-05-30"),
    ("2024/05/30", "2024-05-30"),
    ("۳۰ مه ۲۰۲۴", "2024-05-30"),
    ("الخميس 30 مايو 2024", "2024-05-30"),
    ("30 أيار 2024", "2024-05-30"),
    ("١٠ كانون الثاني ٢٠٢٤", "2024-01-10"),
    ("۱۴۰۳/۰۳/۱۰", "2024-05-30"),  # Solar Hijri: Persian digits
    ("2 خرداد 1403", "2024-05-22"),
    ("پنجشنبه ۱۰ خرداد ۱۴۰۳ - ۱۲:۳۰", "2024-05-30"),
    ("1403/03/10 ه.ش", "2024-05-30"),
    ("23 ذو القعدة 1445", "2024-05-31"),  # Hijri (Umm al-Qura)
    ("٢٣ ذو القعدة ١٤٤٥", "2024-05-31"),
    ("۲۳ ذی\u200cالقعده ۱۴۴۵", "2024-05-31"),  # the Persian spelling of the Hijri month
    ("15 رمضان 1445هـ", "2024-03-25"),
    ("1445/11/23 هـ", "2024-05-31"),
    ("\u200f۱۴۰۳/۰۳/۱۰\u200f", "2024-05-30"),  # bidi marks around it
])
def test_dates_as_researchers_write_them(written, iso):
    assert read_date(written) == (iso, written)


@pytest.mark.parametrize("written, needle", [
    ("05/06/2019", "ambiguous date '05/06/2019': 5 June or May 6? state the order (--date-order DMY or MDY)"),
    ("05/06/19", "two-digit year"),
    ("1403/03/10", "Solar Hijri or a Hijri date"),  # ASCII digits and no language: which calendar?
    ("31/02/2024", "no day 31 in month 2"),
    ("۳۰ اسفند ۱۴۰۲", "not a Solar Hijri date"),  # 1402 is not a leap year
    ("1 محرم 1300", "Hijri years 1343-1500"),
    ("yesterday", "not a date that can be read"),  # would depend on the day of the run
    ("May 2024", "not a date that can be read"),  # no day
    ("2024-07-06x", "not a date that can be read"),
    ("12345", "is not a date"),
    ("30 May 1403", "year 1403"),
])
def test_unreadable_or_ambiguous_dates_say_why(written, needle):
    with pytest.raises(DateError) as exc:
        read_date(written)
    assert needle in str(exc.value)


def test_the_stated_order_and_the_language_decide_what_the_numbers_leave_open():
    assert read_date("05/06/2019", order="DMY")[0] == "2019-06-05"
    assert read_date("05/06/2019", order="MDY")[0] == "2019-05-06"
    assert read_date("19/05/06", order="YMD")[0] == "2019-05-06"
    assert read_date("2024-05-30", order="MDY")[0] == "2024-05-30"  # a four-digit year first is never in doubt
    with pytest.raises(DateError, match="stated order MDY"):
        read_date("30/05/2024", order="MDY")
    assert read_date("1403/03/10", lang="fa")[0] == "2024-05-30"
    assert read_date("1403/03/10", lang="ar")[0] == "1982-12-25"  # Hijri 1403


def test_missing_values_are_undated_and_other_types_are_refused():
    for value in (None, float("nan"), pd.NaT, pd.NA, np.datetime64("NaT"), "", "  ", "NaT", "null"):
        assert missing(value) and read_date(value) == (None, None)
    assert read_date(pd.Timestamp("2024-05-30 10:00")) == ("2024-05-30", "2024-05-30T10:00:00")
    assert read_date(dt.date(2024, 5, 30)) == ("2024-05-30", "2024-05-30")
    assert read_date(np.datetime64("2024-05-30"))[0] == "2024-05-30"
    for value, kind in ((20240530, "a number"), ({"a": 1}, "a JSON object"), ([1], "a list"), (True, "true/false"),
                        (np.int64(5), "a number")):
        with pytest.raises(DateError, match=f"date is {kind}"):
            read_date(value)
