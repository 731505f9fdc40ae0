"""align.calibration: named-feature logistic, JSON round trip, thresholds (no model)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from align.calibration import Calibration, resolve
from align.corpus.events import FEATURES as EVENT_FEATURES
from align.matching import FEATURES
from align.rows import relation
from align.settings import CompareSettings, ModelRecord, ParallelSettings


def test_confidence_is_a_logistic_of_the_named_features():
    cal = Calibration({"intercept": -1.0, "gap": 2.0, "shared": 0.5}, 0.4, 0.8, (0.0, 1.0, 0.0))
    p = cal.confidence({"gap": np.array([0.0, 1.0]), "shared": np.array([2.0, 0.0]), "unused": np.array([9.0, 9.0])})
    assert p == pytest.approx(1 / (1 + np.exp(-np.array([0.0, 1.0]))))
    assert cal.features == ("gap", "shared")
    assert relation(0.8, cal.equivalent) == "equivalent" and relation(0.79, cal.equivalent) == "related"


def test_json_round_trip(tmp_path):
    cal = Calibration({"intercept": 0.5, "background_margin": 3.0}, 0.35, 0.8, (1.0, 2.0, -0.5), "test")
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cal.to_dict()))
    assert Calibration.from_file(path) == cal


def test_the_shipped_calibration_weighs_its_features_the_way_they_point():
    cal = Calibration.default()
    assert set(cal.features) <= set(FEATURES) and {"document_margin", "token_max", "token_gap"} <= set(cal.features)
    assert 0.0 < cal.threshold < cal.equivalent < 1.0
    w = cal.weights
    assert w["document_margin"] > 0 and w["document_level"] > 0 and w["token_max"] > 0 and w["token_gap"] > 0
    assert w["number_conflict"] < 0 and w["token_rank"] < 0


def test_resolve_decides_every_default_once():
    cal = Calibration({"intercept": 0.0}, 0.35, 0.8, (0.0, 1.0, 0.0), "t", parallel_threshold=0.1)
    comparable = resolve(CompareSettings(), cal)
    assert (comparable.min_score, comparable.equivalent, comparable.link_score, comparable.same_speaker) == (0.35, 0.8, 0.8, True)
    assert comparable.parallel is None
    given = resolve(CompareSettings(min_score=0.6, same_speaker=False), cal)
    assert (given.min_score, given.link_score, given.same_speaker) == (0.6, 0.6, False)  # the user's value, links too
    parallel = resolve(CompareSettings(mode="parallel"), cal)
    assert (parallel.min_score, parallel.same_speaker) == (0.1, False) and parallel.parallel == ParallelSettings()
    record = comparable.record(ModelRecord("default", "fp", "int8"))
    assert record["min_score"] == 0.35 and record["equivalent"] == 0.8 and record["model_fingerprint"] == "fp"
    assert "parallel" in parallel.record(ModelRecord("m", "f", "fp32")) and "parallel" not in record


def test_the_shipped_calibration_holds_every_threshold():
    cal = Calibration.default()
    assert 0 < cal.threshold < cal.equivalent < 1 and cal.parallel_threshold == 0.0
    assert cal.events is not None and 0 < cal.events.threshold < 1 and cal.events.features == EVENT_FEATURES
    assert Calibration.from_dict(cal.to_dict()) == cal
