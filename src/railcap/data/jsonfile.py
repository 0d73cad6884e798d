"""Reading and writing railcap's JSON files: gzip by the .gz suffix, deterministic bytes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any, TypeVar

import pydantic

from railcap.model.errors import InputFileError, Problem

M = TypeVar("M", bound=pydantic.BaseModel)


class FileFormat(pydantic.BaseModel):
    """Base of a strictly read file format: no unknown keys (a typo is an error, not a silent
    default), numbers are numbers (not strings or booleans), no NaN or infinity."""

    model_config = pydantic.ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)


def write_bytes(data: bytes, path: Path) -> None:
    """Write ``data``, gzipped (without a time stamp, so rebuilds are byte-identical) for ``.gz``."""
    path = Path(path)
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)


def read_bytes(path: Path, what: str) -> bytes:
    """The file's bytes, gunzipped when it is gzip; a missing or broken file is an InputFileError naming it."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(Problem(str(path), "(file)", "not found"))
    raw = path.read_bytes()
    try:
        return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    except (OSError, EOFError) as exc:
        raise InputFileError(Problem(path.name, "(json)", f"not a railcap {what} file: {exc}")) from None


def read_json(path: Path, what: str) -> Any:
    """The parsed document; a missing or unreadable file is an InputFileError naming it."""
    raw = read_bytes(path, what)
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise InputFileError(Problem(Path(path).name, "(json)", f"not a railcap {what} file: {exc}")) from None


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
            at, field = _where(e["loc"])
            problems.append(Problem(f"{name} {at}".strip(), field, _reason(e)))
        raise InputFileError(problems) from None


def _where(loc: tuple) -> tuple[str, str]:
    """pydantic's location as (element, field): ``("flows", 3, "source")`` is ``flows[3]`` and
    ``source``; indices after the last name stay with the field (``windows[0]``)."""
    parts = [str(x) for x in loc]
    names = [i for i, x in enumerate(parts) if not x.isdigit()]
    if not names:
        return "", "-"
    last = names[-1]
    path = "".join(f"[{x}]" if x.isdigit() else f".{x}" for x in parts[:last]).lstrip(".")
    return path, parts[last] + "".join(f"[{x}]" for x in parts[last + 1:])


def _reason(error: dict[str, Any]) -> str:
    """pydantic's message in a file reader's words: what is wrong with the field, no class names."""
    kind = error["type"]
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "not a field of this format (a typo?)"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected an object (a table of fields), got {type(error['input']).__name__}"
    message = error["msg"]
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
