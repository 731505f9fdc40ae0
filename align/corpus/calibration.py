"""The shipped same-event calibration (written by ``benchmarks/corpus.py --fit --write``).

See :class:`align.corpus.events.EventCalibration`: p(same event) from the standardised features
``cos``, ``claim_gain`` and ``claim_z`` of a candidate pair; ``threshold`` is the default
``min_pair_score``.
"""

EVENT_CALIBRATION = {
    "weights": [4.787078, 1.980003, 2.682417],
    "mean": [0.069158, -0.021566, 1.640376],
    "scale": [0.153216, 0.012203, 0.755058],
    "intercept": -16.147744,
    "threshold": 0.9775,
    "source": "benchmarks/corpus.py --fit: logistic on 748 candidate pairs (43 same-event) of the benchmarks/realnews dev events e01-e04, e06 and 388 Tatoeba/Text+Berg distractor articles (seed 0, date window 7 days); threshold: highest score with training recall >= 0.97; held out: events e05, e07, e08 and the other distractors",
}
