"""A scheduler address that cannot work is one InputError within seconds (issue 24): not a Dask
address, nothing listening, an unknown host, a server that never answers as a scheduler. No model.
"""
from __future__ import annotations

import socket
import time

import pytest

from align.corpus.engine import connect
from align.errors import InputError


@pytest.mark.parametrize("address, needle", [
    ("tcp://localhost", "missing port number"),
    ("http://localhost:8786", "unknown address scheme 'http'"),
    ("not a url", "missing port number"),
    ("tcp://127.0.0.1:1", "refused"),
    ("tcp://no-such-host.invalid:8786", "cannot connect to the Dask scheduler at 'tcp://no-such-host.invalid:8786'"),
])
def test_bad_scheduler_addresses_are_one_line_errors(address, needle):
    t0 = time.perf_counter()
    with pytest.raises(InputError) as exc:
        connect(address, timeout=2)
    assert needle in str(exc.value) and "\n" not in str(exc.value)
    assert str(exc.value).startswith(f"cannot connect to the Dask scheduler at {address!r}: ")
    assert time.perf_counter() - t0 < 10


def test_a_server_that_never_answers_is_given_up_after_the_timeout():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        t0 = time.perf_counter()
        with pytest.raises(InputError, match="no answer as a Dask scheduler within 1 s|Timed out"):
            connect(address, timeout=1)
        assert time.perf_counter() - t0 < 6
