"""The whole comparison pipeline without the model: ``run_stages`` on the real model's embeddings of
the example articles, saved by ``tests/data/make_seed_embeddings.py`` (an integration test keeps the
file in step with the model). What is tested here is the pipeline — resolution of the defaults,
scoring, pairs, rows, the threshold — on real vectors, never on made-up ones."""
from __future__ import annotations

import pytest
from conftest import AR, FA
from saved_model import SavedModel

from align.calibration import Calibration
from align.pipeline import run_stages
from align.settings import CompareSettings, ModelRecord


@pytest.fixture(scope="module")
def saved():
    model = SavedModel()
    return model, model.record, model.reports


def stages(settings: CompareSettings, model: SavedModel, record: ModelRecord):
    return run_stages([FA, AR], settings, model.encode, record, model.encode_tokens)


def _rows(report) -> list[list]:
    return [[r.key, r.status, None if r.confidence is None else round(float(r.confidence), 6)] for r in report.rows]


@pytest.mark.parametrize("unit", ["sentence", "claim"])
def test_the_pipeline_gives_the_models_report(saved, unit):
    encode, model, reports = saved
    report = stages(CompareSettings(langs=(None, None), unit=unit), encode, model)
    got, expected = _rows(report), reports[unit]
    assert [r[:2] for r in got] == [r[:2] for r in expected]
    assert [r[2] for r in got] == pytest.approx([r[2] for r in expected], abs=1e-6)
    assert report.options["model_fingerprint"] == model.fingerprint and report.options["unit"] == unit


def test_the_default_threshold_is_the_calibrations_and_is_recorded(saved):
    encode, model, _ = saved
    report = stages(CompareSettings(langs=(None, None)), encode, model)
    cal = Calibration.default()
    assert report.options["min_score"] == cal.threshold and report.options["equivalent"] == cal.equivalent
    assert report.matches and min(r.confidence for r in report.matches) >= cal.threshold
    assert all(r.relation == ("equivalent" if r.confidence >= cal.equivalent else "related") for r in report.matches)


def test_a_given_min_score_keeps_only_the_pairs_above_it(saved):
    encode, model, _ = saved
    default = stages(CompareSettings(langs=(None, None)), encode, model)
    strict = stages(CompareSettings(langs=(None, None), min_score=0.7), encode, model)
    assert strict.options["min_score"] == 0.7
    assert strict.matches and all(r.confidence >= 0.7 for r in strict.matches)
    # the same pairs, except that a neighbour joins a pair (B10;11) only when both reach the threshold
    assert {(r.a_ids, r.b_ids[0]) for r in strict.matches} == {(r.a_ids, r.b_ids[0]) for r in default.matches if r.confidence >= 0.7}
    # a unit that lost its pairs is listed as only in its article: nothing disappears
    assert {u.id for r in strict.rows for u in r.a} == {s.id for s in strict.a.sentences}


def test_the_speaker_rule_and_lifting_it(saved):
    encode, model, reports = saved
    strict = stages(CompareSettings(langs=(None, None)), encode, model)
    loose = stages(CompareSettings(langs=(None, None), same_speaker=False), encode, model)
    assert strict.options["same_speaker"] is True and loose.options["same_speaker"] is False
    assert [r[:2] for r in _rows(loose)] == [r[:2] for r in reports["any_speaker"]]
    afghan = {8, 9, 11}  # the Afghan minister's statements: never paired with a Shamkhani statement
    assert not any(set(r.a_ids) & afghan and "شمخان" in r.b_speaker for r in strict.matches)
    assert any(set(r.a_ids) & afghan and r.b_speaker_key for r in loose.matches)


def test_a_long_document_shows_its_stages_from_the_start_and_a_short_one_stays_quiet(capsys):
    # the stages before embedding (sentences, speakers, claims) showed nothing: a bar names the
    # document and its stage, for documents of more than LONG_DOCUMENT sentences only (the
    # embedding's own bar is the encoder's, labelled with the articles: tests/integration)
    from align.documents import load_document
    from align.sides import LONG_DOCUMENT, read_side, show_progress

    line = "Shamkhani said the talks in Kabul would continue next week.\n"
    long = load_document(line * (LONG_DOCUMENT + 1), lang="en", name="long.txt", kind="text")
    short = load_document(line * 20, lang="en", name="short.txt", kind="text")
    part = read_side(long, progress=True)
    err = capsys.readouterr().err
    assert len(part.sentences) == LONG_DOCUMENT + 1
    assert all(f"long.txt: {stage}" in err for stage in ("speakers", "claims")), err
    read_side(short, progress=True)
    read_side(long, progress=False)
    assert capsys.readouterr().err == ""
    assert show_progress(True) and not show_progress(False)
    assert not show_progress("auto")  # stderr captured: not a terminal (the command's -q: False)
