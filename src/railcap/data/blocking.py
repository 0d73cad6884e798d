"""Blocking times to and from files: CSV, or Parquet when the name ends in ``.parquet``.

One row per occupation: ``train_id,resource_id,start_s,end_s``.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Iterable

import numpy as np

from railcap.model.errors import InputFileError, Problem, RailcapError
from railcap.model.occupation import Occupation, OccupationTable, as_table

COLUMNS = ("train_id", "resource_id", "start_s", "end_s")


def write_blocking(path: str | Path, occupations: OccupationTable | Iterable[Occupation]) -> Path:
    """Write occupations to ``path`` (Parquet if it ends in ``.parquet``, else CSV)."""
    path = Path(path)
    table = as_table(occupations)
    if _is_parquet(path):
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({
            "train_id": pa.array(table.train_id.tolist(), type=pa.string()),
            "resource_id": pa.array(table.resource_id.tolist(), type=pa.string()),
            "start_s": pa.array(table.start_s, type=pa.float64()),
            "end_s": pa.array(table.end_s, type=pa.float64()),
        }), path)
        return path
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(zip(table.train_id.tolist(), table.resource_id.tolist(),
                        map(repr, table.start_s.tolist()), map(repr, table.end_s.tolist())))
    return path


def read_blocking(path: str | Path) -> OccupationTable:
    """Read occupations written by ``write_blocking`` (or any file with those columns)."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(Problem(str(path), "path", "no such file"))
    try:
        table = _read_parquet(path) if _is_parquet(path) else _read_csv(path)
    except RailcapError:
        raise
    except Exception as exc:  # a damaged file: name it, do not show a traceback
        raise InputFileError(Problem(str(path), "file", f"cannot be read: {exc}")) from exc
    return table


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() == ".parquet"


def _read_parquet(path: Path) -> OccupationTable:
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    missing = [c for c in COLUMNS if c not in t.column_names]
    if missing:
        raise InputFileError(Problem(str(path), ", ".join(missing), "column missing"))
    return _validated(path, t.column("train_id").to_pylist(),
                      t.column("resource_id").to_pylist(),
                      t.column("start_s").to_numpy().astype(np.float64),
                      t.column("end_s").to_numpy().astype(np.float64), first_line=None)


def _read_csv(path: Path) -> OccupationTable:
    with path.open(newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows, None)
        if header is None or tuple(h.strip() for h in header[:4]) != COLUMNS:
            raise InputFileError(Problem(f"{path} line 1", "header",
                                         f"expected {','.join(COLUMNS)}"))
        trains: list[str] = []
        resources: list[str] = []
        starts: list[float] = []
        ends: list[float] = []
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) < 4:
                raise InputFileError(Problem(f"{path} line {line}", "row", "needs 4 values"))
            trains.append(row[0])
            resources.append(row[1])
            starts.append(_number(path, line, "start_s", row[2]))
            ends.append(_number(path, line, "end_s", row[3]))
    return _validated(path, trains, resources, np.array(starts, dtype=np.float64),
                      np.array(ends, dtype=np.float64), first_line=2)


def _number(path: Path, line: int, field: str, text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise InputFileError(Problem(f"{path} line {line}", field,
                                     f"'{text}' is not a number")) from None
    if not math.isfinite(x):
        raise InputFileError(Problem(f"{path} line {line}", field, "must be finite"))
    return x


def _validated(path: Path, trains: list, resources: list, starts: np.ndarray,
               ends: np.ndarray, first_line: int | None) -> OccupationTable:
    bad = np.flatnonzero(~(ends >= starts))
    if bad.size:
        i = int(bad[0])
        where = f"{path} line {first_line + i}" if first_line else f"{path} row {i}"
        raise InputFileError(Problem(where, "end_s", "ends before it starts"))
    return OccupationTable.from_columns(trains, resources, starts, ends)
