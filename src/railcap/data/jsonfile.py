"""Reading and writing railcap's JSON files: gzip by the .gz suffix, deterministic bytes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any, TypeVar

import pydantic

from railcap.model.errors import InputFileError, Problem

M = TypeVar("M", bound=pydantic.BaseModel)


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


def validated(model: type[M], data: Any, name: str) -> M:
    """``data`` checked against a pydantic model of the file format; every problem names the file,
    the element (``flows[3]``) and the field.

    >>> class Pair(pydantic.BaseModel):
    ...     a: int
    >>> validated(Pair, {"a": "x"}, "pairs.json")
    Traceback (most recent call last):
    ...
    railcap.model.errors.InputFileError: pairs.json: field 'a': Input should be a valid integer, unable to parse string as an integer
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = [str(x) for x in e["loc"]]
            at = "".join(f"[{x}]" if x.isdigit() else f".{x}" for x in loc[:-1]).lstrip(".")
            problems.append(Problem(f"{name} {at}".strip(), loc[-1] if loc else "-", e["msg"]))
        raise InputFileError(problems) from None
