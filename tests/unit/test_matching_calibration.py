"""align.calibration: named-feature logistic, JSON round trip, thresholds (no model)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from align.calibration import Calibration
from align.matching import FEATURES


def test_confidence_is_a_logistic_of_the_named_features():
    cal = Calibration({"intercept": -1.0, "gap": 2.0, "shared": 0.5}, 0.4, 0.8, (0.0, 1.0, 0.0))
    p = cal.confidence({"gap": np.array([0.0, 1.0]), "shared": np.array([2.0, 0.0]), "unused": np.array([9.0, 9.0])})
    assert p == pytest.approx(1 / (1 + np.exp(-np.array([0.0, 1.0]))))
    assert cal.features == ("gap", "shared")
    assert cal.relation(0.8) == "equivalent" and cal.relation(0.79) == "related"


def test_json_round_trip(tmp_path):
    cal = Calibration({"intercept": 0.5, "background_margin": 3.0}, 0.35, 0.8, (1.0, 2.0, -0.5), "test")
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cal.to_dict()))
    assert Calibration.from_file(path) == cal


def test_the_shipped_calibration_weighs_every_feature():
    cal = Calibration.default()
    assert set(cal.features) == set(FEATURES)
    assert 0.0 < cal.threshold < cal.equivalent < 1.0
    assert cal.weights["background_margin"] > 0 and cal.weights["gap"] > 0 and cal.weights["number_conflict"] < 0
