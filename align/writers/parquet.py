"""Tables to Parquet with a fixed schema from the columns' kinds (the same bytes for the same table)."""
from __future__ import annotations

import io
import os
from pathlib import Path

from .files import atomic_write
from .table import Table


def _arrow_type(kind: str):
    import pyarrow as pa

    flag = pa.struct([(f, pa.string()) for f in ("type", "severity", "a", "b", "text", "where")])
    return {"text": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
            "list": pa.list_(pa.string()), "flags": pa.list_(flag)}[kind]


def table_parquet(table: Table) -> bytes:
    """A table's raw values as Parquet bytes (zstd), lists of text as ``list<string>``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c.name, _arrow_type(c.kind)) for c in table.columns])
    data = pa.Table.from_pylist([table.raw(r) for r in table.records], schema=schema)
    buf = io.BytesIO()
    pq.write_table(data, buf, compression="zstd")
    return buf.getvalue()


def write_table_parquet(path: str | os.PathLike, table: Table) -> Path:
    """Write one table atomically."""
    return atomic_write(path, table_parquet(table))
