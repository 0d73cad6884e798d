"""The reference day's blocking times on disk, so that a cold command loads them instead of
recomputing them (≈3 s of physics and blocking-time computation).

The file holds every occupation of the reference weekday (train, resource,
start, end: float64, bit for bit what ``occupancy.runs.timetable_occupations``
gives) and each train's class, as gzip (no time stamp) of::

    b"railcap-blocking/1\\n" + header length (8 bytes, little endian) + header (JSON)
    + train codes (int32) + resource codes (int32) + start_s (float64) + end_s (float64)

The header names the **hash of the inputs** the times were computed from (the
network, the timetable and the rolling-stock catalogue, byte for byte). A cache
whose hash does not match the files it is used with is refused with a message
naming the command that rebuilds it; it is never used silently.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np

from railcap.data.jsonfile import write_bytes
from railcap.model.errors import InputFileError, Problem
from railcap.model.occupation import OccupationTable, factorize

MAGIC = b"railcap-blocking/1\n"
REBUILD = "railcap timetable rebuild --blocking-cache"


class StaleCacheError(InputFileError):
    """The cache was built from other inputs than the ones it is used with."""


def inputs_hash(paths: list[Path]) -> str:
    """sha256 over the bytes of the input files, in the given order (names do not count)."""
    h = hashlib.sha256()
    for p in paths:
        data = Path(p).read_bytes()
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def encode(table: OccupationTable, classes: dict[str, str], source_hash: str) -> bytes:
    """The file's bytes (before gzip) for ``table`` and the trains' ``classes``."""
    tcodes, trains = factorize(table.train_id)
    rcodes, resources = factorize(table.resource_id)
    header = json.dumps({"inputs_sha256": source_hash, "rows": len(table), "trains": trains,
                         "classes": [classes.get(t, "") for t in trains], "resources": resources},
                        separators=(",", ":"), ensure_ascii=False).encode()
    return b"".join([MAGIC, len(header).to_bytes(8, "little"), header,
                     tcodes.astype("<i4").tobytes(), rcodes.astype("<i4").tobytes(),
                     table.start_s.astype("<f8").tobytes(), table.end_s.astype("<f8").tobytes()])


def write_cache(table: OccupationTable, classes: dict[str, str], source_hash: str, path: Path) -> None:
    write_bytes(encode(table, classes, source_hash), Path(path))


def cache_bytes(path: Path) -> bytes:
    """The file's content (gunzipped)."""
    return gzip.decompress(Path(path).read_bytes())


def read_cache(path: Path, expected_hash: str | None) -> tuple[OccupationTable, dict[str, str]]:
    """The occupations and the trains' classes; refused when the inputs hash differs.

    ``expected_hash`` None skips the check (only for inspecting a file).
    """
    path = Path(path)
    if not path.exists():
        raise StaleCacheError(Problem(path.name, "(file)", f"not found; build it with `{REBUILD}`"))
    try:
        raw = cache_bytes(path)
    except (OSError, EOFError) as exc:
        raise InputFileError(Problem(path.name, "(file)", f"not a blocking-time cache: {exc}")) from None
    if not raw.startswith(MAGIC):
        raise InputFileError(Problem(path.name, "(file)", "not a railcap blocking-time cache"))
    at = len(MAGIC)
    size = int.from_bytes(raw[at:at + 8], "little")
    header = json.loads(raw[at + 8:at + 8 + size])
    if expected_hash is not None and header["inputs_sha256"] != expected_hash:
        raise StaleCacheError(Problem(
            path.name, "inputs_sha256",
            f"built from another network/timetable/rolling stock ({header['inputs_sha256'][:12]}… ≠ "
            f"{expected_hash[:12]}… of the files in use); rebuild it with `{REBUILD}`"))
    n, body = header["rows"], at + 8 + size
    cols = []
    for dtype, width in (("<i4", 4), ("<i4", 4), ("<f8", 8), ("<f8", 8)):
        cols.append(np.frombuffer(raw, dtype=dtype, count=n, offset=body))
        body += n * width
    trains, resources = _objects(header["trains"]), _objects(header["resources"])
    table = OccupationTable(trains[cols[0]], resources[cols[1]], cols[2].astype(np.float64),
                            cols[3].astype(np.float64))
    return table, dict(zip(header["trains"], header["classes"]))


def _objects(names: list[str]) -> np.ndarray:
    out = np.empty(len(names), dtype=object)
    out[:] = names
    return out
