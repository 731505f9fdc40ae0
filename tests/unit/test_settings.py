"""align.settings: every rule of CompareSettings / ParallelSettings, one InputError naming the
option; to_dict for export metadata; replace() validates again."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from align import InputError
from align.settings import CompareSettings, ParallelSettings, check_lang


def test_defaults():
    s = CompareSettings()
    assert (s.model, s.precision, s.langs, s.min_score, s.k, s.unit, s.mode) == ("default", "auto", (), None, 4, "sentence", "comparable")
    assert s.same_speaker is True and s.parallel is None and s.n_articles == 2  # comparable: same_speaker on


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CompareSettings().k = 5


@pytest.mark.parametrize("k", [2.7, "3", True, False, None, 0, -1, float("nan"), 1.5])
def test_bad_k(k):
    with pytest.raises(InputError, match=r"k must be an integer >= 1, got"):
        CompareSettings(k=k)


@pytest.mark.parametrize("k, value", [(1, 1), (7, 7), (3.0, 3)])
def test_good_k(k, value):
    s = CompareSettings(k=k)
    assert s.k == value and type(s.k) is int


@pytest.mark.parametrize("min_score", ["0.5", True, -0.1, 1.01, float("nan"), float("inf"), [0.5]])
def test_bad_min_score(min_score):
    with pytest.raises(InputError, match="min_score must be a number between 0 and 1"):
        CompareSettings(min_score=min_score)


@pytest.mark.parametrize("min_score", [0, 1, 0.5])
def test_good_min_score_becomes_a_float(min_score):
    s = CompareSettings(min_score=min_score)
    assert s.min_score == min_score and type(s.min_score) is float


@pytest.mark.parametrize("lang", ["klingon", "f", "FA1", "", " ", "fa-", "fa_toolongregion", 3, b"fa"])
def test_bad_language(lang):
    with pytest.raises(InputError, match=r"langs\[1\] must be an ISO 639 language code"):
        CompareSettings(langs=("fa", lang))




@pytest.mark.parametrize("given, code", [
    ("fa", "fa"), (" en ", "en"), ("pes", "pes"), ("zh-Hant", "zh-Hant"), ("pt_BR", "pt-BR"), (None, None),
    ("AR", "ar"), ("ZH_Hant", "zh-Hant"),
])
def test_language_codes_are_normalised(given, code):
    assert CompareSettings(langs=(given, None)).langs == (code, None)
    assert check_lang("x", given) == code


@pytest.mark.parametrize("name, value, message", [
    ("unit", "paragraph", "unit must be one of 'sentence', 'claim'"),
    ("unit", None, "unit must be one of"),
    ("mode", "translation", "mode must be one of 'comparable', 'parallel'"),
    ("precision", "fp16", "precision must be one of 'auto', 'int8', 'fp32'"),
    ("model", "", "model must be"),
    ("model", "  ", "model must be"),
    ("model", None, "model must be"),
    ("repair_zwnj", 1, "repair_zwnj must be True or False"),
    ("segmented", "yes", "segmented must be True or False"),
    ("cache", None, "cache must be True or False"),
    ("progress", "yes", "progress must be True, False or 'auto'"),
    ("speaker", "", "speaker must be a name"),
    ("speaker", 5, "speaker must be a name"),
    ("same_speaker", "no", "same_speaker must be True or False"),
    ("parallel", {"max_size": 3}, "parallel must be a ParallelSettings, got dict"),
])
def test_bad_option(name, value, message):
    with pytest.raises(InputError, match=message):
        CompareSettings(**{name: value})


@pytest.mark.parametrize("langs", ["fa", "fa,ar", None, 2, {"fa": 1}])
def test_langs_must_be_a_list(langs):
    with pytest.raises(InputError, match="langs must be a list of language codes"):
        CompareSettings(langs=langs)


def test_langs_as_a_list_become_a_tuple():
    assert CompareSettings(langs=["fa", None]).langs == ("fa", None)


def test_a_path_model_becomes_text():
    assert CompareSettings(model=Path("/models/e5")).model == "/models/e5"


# -- options of one mode only --------------------------------------------------------------------


def test_parallel_mode_gets_default_parallel_settings_and_no_same_speaker():
    s = CompareSettings(mode="parallel")
    assert s.parallel == ParallelSettings() and s.same_speaker is None


@pytest.mark.parametrize("options, message", [
    ({"unit": "claim"}, "parallel mode aligns sentences"),
    ({"same_speaker": True}, "same_speaker is an option of comparable mode"),
    ({"same_speaker": False}, "same_speaker is an option of comparable mode"),
    ({"langs": ("de", "fr", "en")}, "parallel mode compares two articles"),
])
def test_comparable_only_options_in_parallel_mode(options, message):
    with pytest.raises(InputError, match=message):
        CompareSettings(mode="parallel", **options)


def test_parallel_settings_need_parallel_mode():
    with pytest.raises(InputError, match="parallel settings need mode='parallel'"):
        CompareSettings(parallel=ParallelSettings())
    assert CompareSettings(mode="parallel", parallel=ParallelSettings(max_size=3)).parallel.max_size == 3


def test_same_speaker_false_is_kept_in_comparable_mode():
    assert CompareSettings(same_speaker=False).same_speaker is False


def test_speaker_filters_two_articles_only():
    with pytest.raises(InputError, match="speaker filters a comparison of two articles"):
        CompareSettings(speaker="Shamkhani", langs=("fa", "ar", "en"))
    assert CompareSettings(speaker="Shamkhani", langs=("fa", "ar")).speaker == "Shamkhani"


def test_n_articles():
    assert CompareSettings(langs=(None, None, None)).n_articles == 3 and CompareSettings(langs=()).n_articles == 2


@pytest.mark.parametrize("options, message", [
    ({"max_size": 1}, r"parallel.max_size must be an integer >= 2"),
    ({"max_size": 2.5}, r"parallel.max_size must be an integer"),
    ({"max_size": True}, r"parallel.max_size must be an integer"),
    ({"skip": "x"}, r"parallel.skip must be a number between -10 and 10"),
    ({"skip": 11.0}, r"parallel.skip must be a number"),
    ({"length_weight": float("nan")}, r"parallel.length_weight must be a number"),
    ({"group_penalty": None}, r"parallel.group_penalty must be a number"),
    ({"search": "fast"}, r"parallel.search must be one of 'two-pass', 'full'"),
])
def test_bad_parallel_settings(options, message):
    with pytest.raises(InputError, match=message):
        ParallelSettings(**options)


# -- to_dict and replace -------------------------------------------------------------------------


def test_to_dict_is_json_serialisable_and_complete():
    s = CompareSettings(mode="parallel", langs=("de", None), min_score=0.3, parallel=ParallelSettings(max_size=3))
    d = s.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["langs"] == ["de", None] and d["parallel"] == {"max_size": 3, "skip": -0.04, "length_weight": 0.05,
                                                            "group_penalty": 0.01, "search": "two-pass"}
    assert "progress" not in d  # display only: never recorded
    assert set(d) == {f.name for f in dataclasses.fields(CompareSettings)} - {"progress"}
    assert json.loads(json.dumps(CompareSettings(model=Path("m")).to_dict()))["model"] == "m"


def test_progress_does_not_change_equality():
    assert CompareSettings(progress=False) == CompareSettings(progress=True)


def test_replace_applies_and_validates_again():
    s = CompareSettings(k=3, langs=("fa", "ar"))
    t = s.replace(unit="claim", min_score=0.5)
    assert (t.k, t.unit, t.min_score, t.langs) == (3, "claim", 0.5, ("fa", "ar")) and s.unit == "sentence"
    with pytest.raises(InputError, match="k must be"):
        s.replace(k="5")
    with pytest.raises(TypeError):
        s.replace(colour="red")


def test_replace_to_parallel_mode_drops_the_comparable_default():
    """Comparable mode filled same_speaker=True itself; switching to parallel must not carry it
    over as if the caller had asked for it (that would be an error)."""
    t = CompareSettings().replace(mode="parallel")
    assert t.mode == "parallel" and t.same_speaker is None and t.parallel == ParallelSettings()
    with pytest.raises(InputError, match="same_speaker"):
        CompareSettings().replace(mode="parallel", same_speaker=False)


def test_replace_back_to_comparable_drops_the_parallel_default():
    t = CompareSettings(mode="parallel").replace(mode="comparable")
    assert t.mode == "comparable" and t.parallel is None and t.same_speaker is True


def test_replace_back_to_comparable_with_parallel_dropped():
    assert CompareSettings(mode="parallel").replace(mode="comparable", parallel=None).same_speaker is True
