"""Reading and writing railcap's JSON files: gzip by the .gz suffix, deterministic bytes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from railcap.model.errors import InputFileError, Problem


def write_bytes(data: bytes, path: Path) -> None:
    """Write ``data``, gzipped (without a time stamp, so rebuilds are byte-identical) for ``.gz``."""
    path = Path(path)
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)


def read_json(path: Path, what: str) -> Any:
    """The parsed document; a missing or unreadable file is an InputFileError naming it."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(Problem(str(path), "(file)", "not found"))
    raw = path.read_bytes()
    try:
        return json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    except (OSError, ValueError) as exc:
        raise InputFileError(Problem(path.name, "(json)", f"not a railcap {what} file: {exc}")) from None
