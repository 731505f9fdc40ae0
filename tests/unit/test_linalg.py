"""align.linalg.product: the same numbers as ``@``, on one BLAS thread for small products only."""
from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info

from align import linalg


def _blas_threads() -> list[int]:
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


def test_small_and_large_products_equal_matmul(monkeypatch):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(7, 16)), rng.normal(size=(16, 5))
    small = linalg.product(x, y)
    monkeypatch.setattr(linalg, "SMALL_PRODUCT", 0)  # everything counts as large
    large = linalg.product(x, y)
    want = x.astype(np.float32) @ y.astype(np.float32)
    assert small.dtype == np.float32 and small.shape == (7, 5)
    np.testing.assert_array_equal(small, want)
    np.testing.assert_allclose(large, want, rtol=1e-6)


def test_single_thread_limit_is_temporary():
    before = _blas_threads()
    assert linalg.product(np.ones((3, 4)), np.ones((4, 2))).sum() == 24
    assert _blas_threads() == before
