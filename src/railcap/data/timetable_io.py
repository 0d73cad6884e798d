"""railcap's timetable format: JSON (optionally gzipped), deterministic like the network file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from railcap.data.jsonfile import read_bytes, read_json, write_bytes
from railcap.model.errors import InputFileError, Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.timetable import Leg, PassingPoint, Timetable, TrainClass, TrainRun

FORMAT = "railcap-timetable/1"


def run_to_dict(r: TrainRun) -> dict[str, Any]:
    return {"id": r.id, "class": r.train_class.value, "consist": r.consist, "product": r.product,
            "series": r.series, "owner": r.owner, "notes": list(r.notes),
            "legs": [[g.section_id, int(g.reverse)] + ([g.lane] if g.lane else []) for g in r.legs],
            "points": [[p.op_id, round(p.arrival_s, 1), round(p.departure_s, 1), int(p.stops)] for p in r.points]}


def _train_class(d: dict[str, Any]) -> TrainClass:
    try:
        return TrainClass(d["class"])
    except (KeyError, ValueError):
        known = ", ".join(c.value for c in TrainClass)
        raise ValidationError(Problem(f"train run '{d.get('id', '?')}'", "class",
                                      f"'{d.get('class')}' is not one of {known}")) from None


def run_from_dict(d: dict[str, Any]) -> TrainRun:
    el = f"train run '{d.get('id', '?')}'"
    cls = _train_class(d)
    legs = tuple(Leg(g[0], bool(g[1]), int(g[2]) if len(g) > 2 else 0) for g in d["legs"])
    points = tuple(PassingPoint(op, float(a), float(b), bool(st)) for op, a, b, st in d["points"])
    if len(points) != len(legs) + 1:
        raise ValidationError(Problem(el, "points", f"{len(points)} points for {len(legs)} legs; need one more"))
    return TrainRun(d["id"], cls, d.get("consist", ""), legs, points, d.get("product", ""),
                    d.get("series", ""), d.get("owner", ""), tuple(d.get("notes", ())))


def timetable_problems(tt: Timetable, net: Network) -> list[Problem]:
    """References to the network and the order of times, one problem per broken rule."""
    out = []
    for r in tt.runs:
        el = f"train run '{r.id}'"
        for g in r.legs:
            if g.section_id not in net.sections:
                out.append(Problem(el, "legs", f"unknown section '{g.section_id}'"))
        for p in r.points:
            if p.op_id not in net.ops:
                out.append(Problem(el, "points", f"unknown operational point '{p.op_id}'"))
            if p.departure_s < p.arrival_s:
                out.append(Problem(el, "points", f"departs {p.op_id} before it arrives"))
        for a, b in zip(r.points, r.points[1:]):
            if b.arrival_s < a.departure_s:
                out.append(Problem(el, "points", f"arrives at {b.op_id} before it leaves {a.op_id}"))
    return out


def dumps(tt: Timetable) -> bytes:
    doc = {"format": FORMAT, "meta": dict(sorted(tt.meta.items())),
           "runs": [run_to_dict(r) for r in sorted(tt.runs, key=lambda r: r.id)]}
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_timetable(tt: Timetable, path: Path) -> None:
    write_bytes(dumps(tt), path)


def read_timetable(path: Path) -> Timetable:
    doc = read_json(path, "timetable")
    try:
        runs = tuple(run_from_dict(d) for d in doc["runs"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputFileError(Problem(Path(path).name, "runs", f"not a railcap timetable file: {exc}")) from None
    return Timetable(runs, doc.get("meta", {}))


class RunOutline(NamedTuple):
    """What a summary of a whole day needs of a run: its class, product and the sections it runs over."""

    train_class: TrainClass
    product: str
    section_ids: tuple[str, ...]

    @classmethod
    def of(cls, r: TrainRun) -> RunOutline:
        return cls(r.train_class, r.product, tuple(g.section_id for g in r.legs))


def read_outlines(path: Path) -> tuple[list[RunOutline], dict[str, Any]]:
    """Every run's outline, in file order, and the timetable's meta, without building the runs and their
    passing points (≈0.3 s for the reference day instead of ≈1.2 s for :func:`read_timetable`). Checks
    what it reads (class, legs); the times are not read, so a file with broken times is not refused here.

    >>> import tempfile
    >>> from railcap.model.timetable import Leg, PassingPoint
    >>> run = TrainRun("f1", TrainClass.FREIGHT, "bulk", (Leg("a-b", False),),
    ...                (PassingPoint("a", 0.0, 0.0, True), PassingPoint("b", 60.0, 60.0, True)), product="cargo")
    >>> path = Path(tempfile.mkdtemp()) / "day.json"
    >>> write_timetable(Timetable((run,), {"source": "test"}), path)
    >>> read_outlines(path) == ([RunOutline.of(run)], {"source": "test"})
    True
    """
    doc = read_json(path, "timetable")
    try:
        outlines = [RunOutline(_train_class(d), d.get("product", ""), tuple(g[0] for g in d["legs"]))
                    for d in doc["runs"]]
    except (KeyError, TypeError, IndexError) as exc:
        raise InputFileError(Problem(Path(path).name, "runs", f"not a railcap timetable file: {exc}")) from None
    return outlines, doc.get("meta", {})


# a run as ``dumps`` writes it: keys sorted, so every run object opens with its class, consist and id
_RUN_START = re.compile(r'\{"class":"(?:[^"\\]|\\.)*","consist":"(?:[^"\\]|\\.)*","id":("(?:[^"\\]|\\.)*")')


class RunIndex(Mapping[str, TrainRun]):
    """The runs of a timetable file by train id, each decoded only when asked for.

    A command that needs a handful of runs (the freight trains a military path
    displaces) reads the file and finds where each run starts (≈0.05 s for the
    reference day) instead of decoding all 6,600 of them (≈1.2 s). It relies on
    the layout :func:`dumps` writes (keys sorted); a run found at a place that
    does not hold it is refused, never guessed.

    >>> import tempfile
    >>> from railcap.model.timetable import Leg, PassingPoint, TrainClass
    >>> run = TrainRun("f1", TrainClass.FREIGHT, "bulk", (Leg("a-b", False),),
    ...                (PassingPoint("a", 0.0, 0.0, True), PassingPoint("b", 60.0, 60.0, True)))
    >>> path = Path(tempfile.mkdtemp()) / "day.json.gz"
    >>> write_timetable(Timetable((run,)), path)
    >>> index = RunIndex(path)
    >>> index["f1"] == run, list(index), "f2" in index
    (True, ['f1'], False)
    """

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._text: str | None = None
        self._at: dict[str, int] = {}
        self._runs: dict[str, TrainRun] = {}

    def _where(self) -> dict[str, int]:
        if self._text is None:
            raw = read_bytes(self._path, "timetable")
            try:
                self._text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputFileError(Problem(self._path.name, "(json)", f"not a railcap timetable file: {exc}")) \
                    from None
            self._at = {json.loads(m[1]): m.start() for m in _RUN_START.finditer(self._text)}
        return self._at

    def __getitem__(self, train_id: str) -> TrainRun:
        if train_id not in self._runs:
            at = self._where()[train_id]  # KeyError: no such train
            try:
                run = run_from_dict(json.JSONDecoder().raw_decode(self._text, at)[0])
            except (KeyError, TypeError, ValueError) as exc:
                raise InputFileError(Problem(self._path.name, "runs", f"run '{train_id}' cannot be read: {exc}")) \
                    from None
            if run.id != train_id:
                raise InputFileError(Problem(self._path.name, "runs", f"run '{train_id}' not where it was found"))
            self._runs[train_id] = run
        return self._runs[train_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._where())

    def __len__(self) -> int:
        return len(self._where())
