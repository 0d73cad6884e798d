"""Reading rolling stock: the embedded catalogue and user consist files (JSON or TOML).

File units are the planner's (t, km/h, kN, kW) and named in the keys; the
objects built from them are SI. A consist file describes one consist::

    {
      "id": "my-ammo", "name": "Ammunition, 20 wagons", "category": "military",
      "units": ["vectron-ms"],                       # catalogue ids, or full unit objects
      "trailing": {"mass_t": 900, "length_m": 400,
                   "resistance": {"f0_permille": 1.4, "f2_permille": 3.9}},
      "max_speed_kmh": 100, "braking_ms2": 0.35,
      "loading_gauge": "GB", "rid_class": "1"
    }

A unit object has ``id, name, traction, length_m, mass_t, max_speed_kmh,
axle_load_t, rotating_mass_factor, resistance, effort`` (and optionally
``etcs, source``). ``effort`` maps a power supply (``25kV_AC``, ``1.5kV_DC``,
``none``, or ``any`` for a diesel) to either ``{"starting_effort_kn", "power_kw"}``
or explicit points ``{"speed_kmh": [...], "effort_kn": [...]}``.
``resistance`` is ``{"f0_permille", "f2_permille", "air_kn_at_100kmh"}`` or the
Davis coefficients ``{"a_n", "b_n_per_ms", "c_n_per_ms2"}``.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from railcap.model.errors import InputFileError, Problem, ValidationError
from railcap.model.infrastructure import Electrification, LoadingGauge
from railcap.model.rolling_stock import (
    Catalogue, Category, Consist, Davis, EffortCurve, TractionUnit, TrailingLoad, Traction, compose,
)

KMH = 1 / 3.6


class _Reader:
    """Pulls typed fields out of a dict; every failure names file, element and field."""

    def __init__(self, where: str, data: Any):
        self.where = where
        if not isinstance(data, dict):
            raise ValidationError(Problem(where, "-", "expected an object (a table of fields)"))
        self.data = data

    def fail(self, field: str, reason: str) -> ValidationError:
        return ValidationError(Problem(self.where, field, reason))

    def get(self, field: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if field not in self.data:
            if default is ...:
                raise self.fail(field, "missing")
            return default
        value = self.data[field]
        if kind in (float, int) and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value) if kind is float else value
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            name = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(field, f"expected {name}, got {value!r}")
        return value

    def number(self, field: str, default: Any = ..., positive: bool = False) -> float:
        value = self.get(field, float, default)
        if positive and value is not None and not value > 0:
            raise self.fail(field, f"must be positive, got {value!r}")
        return value

    def enum(self, field: str, enum: type, default: Any = ...) -> Any:
        raw = self.get(field, (str, type(None)), default)
        if raw is None:
            return None
        try:
            return enum(raw)
        except ValueError:
            raise self.fail(field, f"'{raw}' is not one of {', '.join(e.value for e in enum)}") from None


def _resistance(r: _Reader, mass_kg: float) -> Davis:
    if "a_n" in r.data:
        return Davis(r.number("a_n"), r.number("b_n_per_ms", 0.0), r.number("c_n_per_ms2", 0.0))
    return Davis.from_specific(mass_kg, r.number("f0_permille"), r.number("f2_permille", 0.0),
                               r.number("air_kn_at_100kmh", 0.0) * 1e3)


def _effort_curve(r: _Reader, max_speed_ms: float) -> EffortCurve:
    if "speed_kmh" in r.data:
        speeds = r.get("speed_kmh", list)
        efforts = r.get("effort_kn", list)
        if not all(isinstance(x, (int, float)) for x in speeds + efforts):
            raise r.fail("speed_kmh/effort_kn", "must be lists of numbers")
        return EffortCurve(tuple(v * KMH for v in speeds), tuple(f * 1e3 for f in efforts))
    return EffortCurve.from_power(r.number("starting_effort_kn") * 1e3,
                                  r.number("power_kw") * 1e3, max_speed_ms)


def _efforts(r: _Reader, traction: Traction, max_speed_ms: float
             ) -> dict[Electrification, EffortCurve]:
    raw = r.get("effort", dict, {})
    out: dict[Electrification, EffortCurve] = {}
    for key, spec in raw.items():
        sub = _Reader(f"{r.where} effort '{key}'", spec)
        try:
            curve = _effort_curve(sub, max_speed_ms)
        except ValidationError as exc:  # re-anchor curve problems at this unit
            raise ValidationError([Problem(sub.where, p.field, p.reason) for p in exc.problems])
        if key == "any":
            if traction is Traction.ELECTRIC:
                raise r.fail("effort", "'any' is for diesel traction; give each supply")
            out.update({s: curve for s in Electrification})
        else:
            try:
                out[Electrification(key)] = curve
            except ValueError:
                raise r.fail("effort", f"unknown power supply '{key}' (use "
                             + ", ".join(e.value for e in Electrification) + ", any)") from None
    return out


def parse_unit(data: Any, where: str) -> TractionUnit:
    r = _Reader(where, data)
    uid = r.get("id", str)
    r.where = f"{where} unit '{uid}'"
    traction = r.enum("traction", Traction)
    mass_kg = r.number("mass_t", positive=True) * 1e3
    vmax = r.number("max_speed_kmh", positive=True) * KMH
    return TractionUnit(
        id=uid, name=r.get("name", str), traction=traction,
        length_m=r.number("length_m", positive=True),
        mass_kg=mass_kg, max_speed_ms=vmax, efforts=_efforts(r, traction, vmax),
        davis=_resistance(_Reader(f"{r.where} resistance", r.get("resistance", dict)), mass_kg),
        rotating_mass_factor=r.number("rotating_mass_factor"),
        axle_load_t=r.number("axle_load_t", positive=True),
        etcs=r.get("etcs", bool, False), source=r.get("source", str, ""),
    )


def _trailing(data: Any, where: str) -> TrailingLoad:
    r = _Reader(where, data)
    mass_kg = r.number("mass_t", positive=True) * 1e3
    return TrailingLoad(
        mass_kg=mass_kg, length_m=r.number("length_m", positive=True),
        davis=_resistance(_Reader(f"{where} resistance", r.get("resistance", dict)), mass_kg),
        rotating_mass_factor=r.number("rotating_mass_factor", 1.04),
        axle_load_t=r.number("axle_load_t", 22.5, positive=True),
    )


def parse_consist(data: Any, where: str, units: dict[str, TractionUnit]) -> Consist:
    """One consist entry; ``units`` resolves unit ids (inline unit objects are allowed too)."""
    r = _Reader(where, data)
    cid = r.get("id", str)
    r.where = f"{where} consist '{cid}'"
    members = []
    for i, u in enumerate(r.get("units", list)):
        if isinstance(u, str):
            if u not in units:
                raise r.fail(f"units[{i}]", f"no traction unit '{u}' (known: "
                             + ", ".join(sorted(units)) + ")")
            members.append(units[u])
        else:
            members.append(parse_unit(u, f"{r.where} units[{i}]"))
    trailing = _trailing(r.data["trailing"], f"{r.where} trailing") if "trailing" in r.data else None
    vmax = r.number("max_speed_kmh", None, positive=True)
    try:
        return compose(
            cid, r.get("name", str), r.enum("category", Category), members, trailing,
            braking_ms2=r.number("braking_ms2"),
            loading_gauge=r.enum("loading_gauge", LoadingGauge, None),
            out_of_gauge=r.get("out_of_gauge", bool, False),
            rid_class=r.get("rid_class", (str, type(None)), None),
            max_speed_ms=vmax * KMH if vmax is not None else None,
            etcs=r.get("etcs", bool, None), source=r.get("source", str, ""),
            out_of_gauge_class=r.get("out_of_gauge_class", (int, type(None)), None),
        )
    except ValidationError as exc:  # name the file in model-level problems too
        raise ValidationError([p if p.element.startswith(where) else
                               Problem(f"{where} {p.element}", p.field, p.reason)
                               for p in exc.problems]) from None


def parse_catalogue(data: Any, where: str) -> Catalogue:
    r = _Reader(where, data)
    units: dict[str, TractionUnit] = {}
    for i, u in enumerate(r.get("units", list)):
        unit = parse_unit(u, f"{where} units[{i}]")
        if unit.id in units:
            raise r.fail(f"units[{i}].id", f"duplicate id '{unit.id}'")
        units[unit.id] = unit
    consists: dict[str, Consist] = {}
    for i, c in enumerate(r.get("consists", list)):
        consist = parse_consist(c, f"{where} consists[{i}]", units)
        if consist.id in consists:
            raise r.fail(f"consists[{i}].id", f"duplicate id '{consist.id}'")
        consists[consist.id] = consist
    return Catalogue(units, consists)


_CATALOGUE: Catalogue | None = None


def load_catalogue() -> Catalogue:
    """The embedded rolling-stock catalogue (read once, then shared: it is immutable)."""
    global _CATALOGUE
    if _CATALOGUE is None:
        text = (resources.files("railcap") / "data" / "embedded" / "rolling_stock.json").read_text(
            encoding="utf-8")
        _CATALOGUE = parse_catalogue(json.loads(text), "rolling_stock.json")
    return _CATALOGUE


def _read_structured(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(Problem(str(path), "-", f"cannot read: {exc.strerror}")) from None
    try:
        if path.suffix.lower() == ".toml":
            return tomllib.loads(raw.decode("utf-8"))
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError and TOMLDecodeError
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise InputFileError(Problem(str(path), "-", f"not valid {kind}: {exc}")) from None


def load_consist_file(path: str | Path, catalogue: Catalogue | None = None) -> Consist:
    """A user's consist from a JSON or TOML file; unit ids refer to the catalogue.

    Every error names the file, the field and the reason, e.g.
    ``my.json consist 'x': field 'braking_ms2': missing``.
    """
    path = Path(path)
    known = (catalogue or load_catalogue()).units
    return parse_consist(_read_structured(path), path.name, known)
