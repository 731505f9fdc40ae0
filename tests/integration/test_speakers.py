"""Who said it: filtering a real comparison by speaker, speakers in its table."""
from __future__ import annotations

from align.speakers import name_key

SHAMKHANI = name_key("Shamkhani")


def test_report_filter_by_speaker(seed_report):
    only = seed_report.filter(speaker="Shamkhani")
    assert only.rows and len(only.rows) < len(seed_report.rows)
    for r in only.rows:
        assert SHAMKHANI in (r.a_speaker_key + ";" + r.b_speaker_key)
    # Shamkhani's statements of A (2-7; fa#1 is narration: its pair with ar#5 sits at the threshold)
    assert {r.a_ids[0] for r in only.rows if r.a_ids} >= {2, 3, 4, 5, 6, 7}
    assert any(r.status == "match" and r.a_ids == (2,) and r.b_ids == (9,) for r in only.rows)
    patrushev = seed_report.filter(speaker="پاتروشف")  # Persian spelling of Patrushev
    assert {r.b_ids for r in patrushev.rows} == {(17,), (18,)}
    assert seed_report.filter(speaker="Nobody").rows == []


def test_speakers_in_csv(seed_report):
    df = seed_report.to_frame()
    row = df[(df.status == "match") & (df.a_ids == "2") & (df.b_ids == "9")].iloc[0]
    assert row.a_speaker == "شمخانی" and row.b_speaker == "شمخاني" and row.a_speaker_key == row.b_speaker_key


