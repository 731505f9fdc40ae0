"""Matrix products of embeddings that stay fast on a busy laptop (numpy + threadpoolctl)."""
from __future__ import annotations

import numpy as np

#: multiply-adds (n x m x d) up to which a product runs on one BLAS thread: handing a small
#: product to a thread pool costs more than it saves, and when other processes hold the cores
#: the threads wait for them (150 x 150 x 384 on this 2-core machine under load: 25 ms on two
#: threads, 0.2 ms on one)
SMALL_PRODUCT = 256_000_000
_BLAS: list = []


def product(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x @ y`` (float32), small products on a single BLAS thread (see ``SMALL_PRODUCT``)."""
    x, y = np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32)
    if x.shape[0] * x.shape[1] * y.shape[1] > SMALL_PRODUCT:
        return x @ y
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    with _BLAS[0].limit(limits=1, user_api="blas"):
        return x @ y
