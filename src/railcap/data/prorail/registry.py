"""Readers for ProRail's infrastructure registry exports (BBMS "Versie 17").

The files are read as ProRail publishes them: semicolon-separated, decimal
comma, Latin-1. A malformed file raises ``InputFileError`` naming the file,
the line and the field. Positions on a branch ("LRS") are in km in the files
and in metres here.

Topology rule (checked against the branch geometry): a connection row
``X; 0-100; Y; …; 0-100`` means the train leaves X at its end and enters Y at
its start; ``100-0`` on X leaves at X's start, ``100-0`` on Y enters at Y's end.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from railcap.model.errors import InputFileError, Problem

ENCODING = "latin-1"
UNKNOWN_SPEED = {"onbekend", ">=0"}  # values the registry uses for "not recorded"


@dataclass(frozen=True, slots=True)
class Branch:
    """A track branch ("spoortak"): one track between two switches."""

    id: str
    geocode_begin: str
    name_begin: str
    geocode_end: str
    name_end: str
    length_m: float


@dataclass(frozen=True, slots=True)
class Connection:
    from_branch: str
    from_end: int  # 0 = start of the branch, 1 = its end
    to_branch: str
    to_end: int


@dataclass(frozen=True, slots=True)
class BranchRange:
    """Something on a branch between two positions (a speed limit, a structure, a geocode)."""

    branch: str
    start_m: float
    end_m: float
    value: str


@dataclass
class Registry:
    """Everything the derivation needs from one registry export."""

    branches: list[Branch]
    connections: list[Connection]
    speeds: list[BranchRange]  # value = speed in km/h
    structures: list[BranchRange]  # value = "tunnel" | "bridge" | "steel_bridge" | "level_crossing"
    geocode_ranges: list[BranchRange]  # value = geocode number ("537")
    geometry_rd: dict[str, np.ndarray]  # branch id -> (n, 2) RD coordinates
    geocode_names: dict[str, str] = field(default_factory=dict)  # from GEOCODE_17, when present
    source: str = ""


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with the required columns present and non-empty."""
    if not path.exists():
        raise InputFileError(Problem(path.name, "(file)", f"not found in {path.parent}"))
    with path.open(encoding=ENCODING, newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        header = next(reader, None)
        if header is None:
            raise InputFileError(Problem(path.name, "(header)", "the file is empty"))
        missing = [c for c in required if c not in header]
        if missing:
            raise InputFileError(Problem(f"{path.name} line 1", ",".join(missing),
                                         "column missing from the header (is it ';'-separated?)"))
        index = {c: header.index(c) for c in required}
        for lineno, raw in enumerate(reader, start=2):
            if not raw or all(not c.strip() for c in raw):
                continue
            if len(raw) < len(header):
                raise InputFileError(Problem(f"{path.name} line {lineno}", "(row)",
                                             f"{len(raw)} fields, the header has {len(header)}"))
            yield lineno, {c: raw[i].strip() for c, i in index.items()}


def _field(path: Path, lineno: int, row: dict[str, str], name: str,
           convert: Callable[[str], object] = str):
    text = row[name]
    if not text:
        raise InputFileError(Problem(f"{path.name} line {lineno}", name, "empty"))
    try:
        return convert(text)
    except ValueError:
        raise InputFileError(Problem(f"{path.name} line {lineno}", name,
                                     f"'{text}' is not a number")) from None


def read_branches(path: Path) -> list[Branch]:
    cols = ("SPOORTAK_IDENTIFICATIE", "GEOCODE_BEGIN", "NAAM_GEOCODE_BEGIN",
            "GEOCODE_EIND", "NAAM_GEOCODE_EIND", "LENGTE")
    out = []
    for n, r in _rows(path, cols):
        length_km = _field(path, n, r, "LENGTE", _number)
        if length_km <= 0:
            raise InputFileError(Problem(f"{path.name} line {n}", "LENGTE",
                                         f"length must be positive, got {r['LENGTE']}"))
        out.append(Branch(_field(path, n, r, "SPOORTAK_IDENTIFICATIE"),
                          _field(path, n, r, "GEOCODE_BEGIN"), r["NAAM_GEOCODE_BEGIN"],
                          r["GEOCODE_EIND"] or r["GEOCODE_BEGIN"],
                          r["NAAM_GEOCODE_EIND"] or r["NAAM_GEOCODE_BEGIN"], length_km * 1000.0))
    return out


def _end(path: Path, n: int, field: str, text: str, leaving: bool) -> int:
    if text not in ("0-100", "100-0"):
        raise InputFileError(Problem(f"{path.name} line {n}", field,
                                     f"'{text}' is not a direction (0-100 or 100-0)"))
    forward = text == "0-100"
    return int(forward) if leaving else int(not forward)


def read_connections(path: Path) -> list[Connection]:
    cols = ("SPOORTAK_IDENTIFICATIE", "RICHTING", "SPOORTAK_ASL", "RICHTING_ASL")
    return [Connection(r["SPOORTAK_IDENTIFICATIE"], _end(path, n, "RICHTING", r["RICHTING"], True),
                       r["SPOORTAK_ASL"], _end(path, n, "RICHTING_ASL", r["RICHTING_ASL"], False))
            for n, r in _rows(path, cols)]


def _ranges(path: Path, value_col: str, lrs: tuple[str, str],
            value: Callable[[dict[str, str]], str | None],
            extra: tuple[str, ...] = ()) -> list[BranchRange]:
    cols = ("SPOORTAK_IDENTIFICATIE", lrs[0], lrs[1], value_col) + extra
    out = []
    for n, r in _rows(path, cols):
        v = value(r)
        if v is None:
            continue
        a = _field(path, n, r, lrs[0], _number) * 1000.0
        b = _field(path, n, r, lrs[1], _number) * 1000.0
        out.append(BranchRange(r["SPOORTAK_IDENTIFICATIE"], min(a, b), max(a, b), v))
    return out


def read_speeds(path: Path) -> list[BranchRange]:
    """Local speed limits for trains (DOELGROEP T); others are ignored."""

    def speed(r: dict[str, str]) -> str | None:
        if r["DOELGROEP"] not in ("T", ""):
            return None
        return r["LOKALE_SNELHEID"] or None

    rows = _ranges(path, "LOKALE_SNELHEID", ("SPOORTAK_LRS_VAN", "SPOORTAK_LRS_TOT"), speed,
                   extra=("DOELGROEP",))
    known = []
    for r in rows:
        if r.value.lower() in UNKNOWN_SPEED:
            continue  # the registry says it does not know; the derivation fills the gap
        try:
            _number(r.value)
        except ValueError:
            raise InputFileError(Problem(path.name, "LOKALE_SNELHEID",
                                         f"'{r.value}' on branch {r.branch} is not a number")) from None
        known.append(r)
    return known


_STRUCTURE_KIND = {"overweg": "level_crossing", "tunnel": "tunnel", "stalen": "steel_bridge", "brug": "bridge",
                   "kunstwerk": "bridge", "viaduct": "bridge", "aquaduct": "tunnel"}


def read_structures(path: Path) -> list[BranchRange]:
    def kind(r: dict[str, str]) -> str | None:
        text = r["SOORT_OBJECT"].lower()
        return next((k for key, k in _STRUCTURE_KIND.items() if key in text), None)

    return _ranges(path, "SOORT_OBJECT", ("SPOORTAK_LRS_VAN", "SPOORTAK_LRS_TOT"), kind)


def read_geocode_ranges(path: Path) -> list[BranchRange]:
    return _ranges(path, "GEOCODE", ("SPOORTAK_LRS_VAN", "SPOORTAK_LRS_TOT"),
                   lambda r: r["GEOCODE"][:3])


def read_branch_geometry(shp_path: Path, branch_ids: list[str]) -> dict[str, np.ndarray]:
    """Polylines of SPOORTAK_17.shp; its records are in the order of SPOORTAK_17.csv."""
    import shapefile  # pyshp

    try:
        reader = shapefile.Reader(str(shp_path.with_suffix("")))
        shapes = reader.shapes()
    except Exception as exc:  # pyshp raises bare Exceptions on corrupt files
        raise InputFileError(Problem(shp_path.name, "(geometry)", f"unreadable shapefile: {exc}")) from None
    if len(shapes) != len(branch_ids):
        raise InputFileError(Problem(shp_path.name, "(records)",
                                     f"{len(shapes)} shapes but {len(branch_ids)} branches in the CSV"))
    return {bid: np.asarray(s.points, dtype=float) for bid, s in zip(branch_ids, shapes)}


def read_geocode_names(dbf_stem: Path) -> dict[str, str]:
    """Geocode number -> name from the GEOCODE_17 shapefile's attribute table."""
    import shapefile  # pyshp

    try:
        reader = shapefile.Reader(dbf=open(dbf_stem.with_suffix(".dbf"), "rb"), encoding=ENCODING)
        fields = [f[0] for f in reader.fields[1:]]
        code, name = fields.index("GEOCODE"), fields.index("NAAM")
        return {str(r[code]).zfill(3): str(r[name]).strip() for r in reader.records()}
    except (OSError, ValueError, shapefile.ShapefileException) as exc:
        raise InputFileError(Problem(dbf_stem.name + ".dbf", "GEOCODE/NAAM", f"unreadable: {exc}")) from None


def read_registry(folder: Path) -> Registry:
    """Read one registry export folder (the files as ProRail names them)."""
    folder = Path(folder)
    branches = read_branches(folder / "SPOORTAK_17.csv")
    grenzen = folder / "SPOORTAK_GEOCODE_GRENZEN_17.csv"
    return Registry(
        branches=branches,
        connections=read_connections(folder / "SPOORTAK_TOPO_17.csv"),
        speeds=read_speeds(folder / "SPOORTAK_SNELHEDEN_17.csv"),
        structures=read_structures(folder / "SPOORTAK_OBJECTEN_17.csv"),
        geocode_ranges=read_geocode_ranges(grenzen) if grenzen.exists() else [],
        geometry_rd=read_branch_geometry(folder / "SPOORTAK_17.shp", [b.id for b in branches]),
        geocode_names=read_geocode_names(folder / "GEOCODE_17") if (folder / "GEOCODE_17.dbf").exists() else {},
        source=f"ProRail registry export {folder.name}",
    )
