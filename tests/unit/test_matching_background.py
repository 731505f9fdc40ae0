"""align.background: the fixed reference neighbourhood (shipped samples, any model, any language)."""
from __future__ import annotations

import numpy as np

from align import background


def _unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_neighbourhood_is_the_mean_of_the_k_nearest():
    rng = np.random.default_rng(0)
    x, sample = _unit(rng.normal(size=(7, 8))), _unit(rng.normal(size=(30, 8)))
    expected = np.sort(x @ sample.T, axis=1)[:, -4:].mean(axis=1)
    assert np.allclose(background.neighbourhood(x, sample, k=4), expected, atol=1e-6)
    assert np.allclose(background.neighbourhood(x, sample[:2], k=4), (x @ sample[:2].T).mean(axis=1), atol=1e-6)
    assert background.neighbourhood(x, None).tolist() == [0.0] * 7


def test_shipped_samples_cover_the_benchmark_languages():
    assert {"fa", "ar", "en", "de", "fr"} <= set(background.languages())
    assert len(background.texts("fa")) == 300
    # a language without a sample uses them all
    assert len(background.texts("xx")) == sum(len(background.texts(c)) for c in background.languages())


def test_written_samples_read_back_and_another_model_embeds_its_own(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    table: dict[str, np.ndarray] = {}

    def model(seed):
        def encode(texts):
            out = []
            for t in texts:
                key = (seed, t)
                if key not in table:
                    table[key] = _unit(np.random.default_rng(abs(hash(key)) % 2**32).normal(size=(1, 16)))[0]
                out.append(table[key])
            return np.stack(out)
        return encode

    samples = {"fa": [f"fa {i}" for i in range(10)], "en": [f"en {i}" for i in range(12)]}
    path = tmp_path / "bg.npz"
    background.write(path, samples, model(0), "test-model")
    monkeypatch.setattr(background, "BACKGROUND_FILE", path)
    background._shipped.cache_clear()
    monkeypatch.setattr(background, "_shipped", lambda path=path, f=background._shipped: f(path))
    same = background.embeddings("fa", model(0))
    assert same.shape == (10, 16) and np.allclose(same, model(0)(samples["fa"]), atol=0.02)  # int8 storage
    other = background.embeddings("fa", model(1))  # another model: embeds the sample itself
    assert np.allclose(other, model(1)(samples["fa"]), atol=1e-6)
    assert background.embeddings("de", model(0)).shape == (22, 16)  # no German sample: all of them
    del rng
