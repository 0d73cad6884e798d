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
from typing import Annotated, Any

import pydantic

from railcap.data.jsonfile import FileFormat, validated
from railcap.model.errors import InputFileError, Problem, ValidationError
from railcap.model.infrastructure import Electrification, LoadingGauge
from railcap.model.rolling_stock import (
    Catalogue, Category, Consist, Davis, EffortCurve, TractionUnit, TrailingLoad, Traction, compose,
)

KMH = 1 / 3.6
Positive = Annotated[float, pydantic.Field(gt=0)]


class _Resistance(FileFormat):
    """Specific resistance in per mille of the weight (plus air drag), or Davis coefficients."""

    f0_permille: float | None = None
    f2_permille: float = 0.0
    air_kn_at_100kmh: float = 0.0
    a_n: float | None = None
    b_n_per_ms: float = 0.0
    c_n_per_ms2: float = 0.0

    @pydantic.model_validator(mode="after")
    def _one_form(self) -> _Resistance:
        if (self.a_n is None) == (self.f0_permille is None):
            raise ValueError("give either f0_permille (specific resistance) or a_n (Davis), not both or neither")
        return self

    def davis(self, mass_kg: float) -> Davis:
        if self.a_n is not None:
            return Davis(self.a_n, self.b_n_per_ms, self.c_n_per_ms2)
        return Davis.from_specific(mass_kg, self.f0_permille, self.f2_permille, self.air_kn_at_100kmh * 1e3)


class _Effort(FileFormat):
    """A tractive-effort curve: explicit points, or starting effort and power."""

    speed_kmh: list[float] | None = None
    effort_kn: list[float] | None = None
    starting_effort_kn: Positive | None = None
    power_kw: Positive | None = None

    @pydantic.model_validator(mode="after")
    def _one_form(self) -> _Effort:
        points = self.speed_kmh is not None and self.effort_kn is not None
        power = self.starting_effort_kn is not None and self.power_kw is not None
        if points == power:
            raise ValueError("give either speed_kmh and effort_kn (points) or starting_effort_kn and power_kw")
        return self

    def curve(self, max_speed_ms: float) -> EffortCurve:
        if self.speed_kmh is not None:
            return EffortCurve(tuple(v * KMH for v in self.speed_kmh), tuple(f * 1e3 for f in self.effort_kn))
        return EffortCurve.from_power(self.starting_effort_kn * 1e3, self.power_kw * 1e3, max_speed_ms)


_SUPPLIES = ", ".join(e.value for e in Electrification) + ", any"


class _Unit(FileFormat):
    id: str
    name: str
    traction: Annotated[Traction, pydantic.Strict(False)]
    length_m: Positive
    mass_t: Positive
    max_speed_kmh: Positive
    axle_load_t: Positive
    rotating_mass_factor: float
    resistance: _Resistance
    effort: dict[str, _Effort] = {}
    etcs: bool = False
    source: str = ""

    @pydantic.field_validator("effort")
    @classmethod
    def _known_supplies(cls, effort: dict[str, _Effort]) -> dict[str, _Effort]:
        for key in effort:
            if key != "any" and key not in {e.value for e in Electrification}:
                raise ValueError(f"unknown power supply '{key}' (use {_SUPPLIES})")
        return effort

    @pydantic.model_validator(mode="after")
    def _any_is_for_diesels(self) -> _Unit:
        if "any" in self.effort and self.traction is Traction.ELECTRIC:
            raise ValueError("effort 'any' is for diesel traction; give each power supply")
        return self

    def unit(self) -> TractionUnit:
        vmax = self.max_speed_kmh * KMH
        efforts: dict[Electrification, EffortCurve] = {}
        for key, spec in self.effort.items():
            curve = spec.curve(vmax)
            efforts.update({s: curve for s in Electrification} if key == "any" else {Electrification(key): curve})
        return TractionUnit(
            id=self.id, name=self.name, traction=self.traction, length_m=self.length_m,
            mass_kg=self.mass_t * 1e3, max_speed_ms=vmax, efforts=efforts,
            davis=self.resistance.davis(self.mass_t * 1e3), rotating_mass_factor=self.rotating_mass_factor,
            axle_load_t=self.axle_load_t, etcs=self.etcs, source=self.source)


class _Trailing(FileFormat):
    mass_t: Positive
    length_m: Positive
    resistance: _Resistance
    rotating_mass_factor: float | None = None  # None: the model's default (TrailingLoad)
    axle_load_t: Positive | None = None

    def load(self) -> TrailingLoad:
        given = {k: v for k, v in (("rotating_mass_factor", self.rotating_mass_factor),
                                   ("axle_load_t", self.axle_load_t)) if v is not None}
        return TrailingLoad(mass_kg=self.mass_t * 1e3, length_m=self.length_m,
                            davis=self.resistance.davis(self.mass_t * 1e3), **given)


class _Consist(FileFormat):
    id: str
    name: str
    category: Annotated[Category, pydantic.Strict(False)]
    units: list[str | dict[str, Any]]  # catalogue ids, or unit objects read as _Unit
    trailing: _Trailing | None = None
    max_speed_kmh: Positive | None = None
    braking_ms2: float
    loading_gauge: Annotated[LoadingGauge | None, pydantic.Strict(False)] = None
    out_of_gauge: bool = False
    out_of_gauge_class: int | None = None
    rid_class: str | None = None
    etcs: bool | None = None
    source: str = ""


class _Catalogue(FileFormat):
    about: Any = None
    units: list[dict[str, Any]]
    consists: list[dict[str, Any]]


def _read(model: type[pydantic.BaseModel], data: Any, where: str):
    """``data`` checked against ``model``; a problem is a ValidationError naming ``where`` and the field."""
    try:
        return validated(model, data, where)
    except InputFileError as exc:
        raise ValidationError(exc.problems) from None


def parse_unit(data: Any, where: str) -> TractionUnit:
    return _read(_Unit, data, where).unit()


def parse_consist(data: Any, where: str, units: dict[str, TractionUnit]) -> Consist:
    """One consist entry; ``units`` resolves unit ids (inline unit objects are allowed too)."""
    entry: _Consist = _read(_Consist, data, where)
    members = []
    for i, u in enumerate(entry.units):
        if isinstance(u, dict):
            members.append(parse_unit(u, f"{where} units[{i}]".strip()))
        elif u in units:
            members.append(units[u])
        else:
            raise ValidationError(Problem(f"{where} consist '{entry.id}'".strip(), f"units[{i}]",
                                          f"no traction unit '{u}' (known: {', '.join(sorted(units))})"))
    try:
        return compose(
            entry.id, entry.name, entry.category, members, entry.trailing.load() if entry.trailing else None,
            braking_ms2=entry.braking_ms2, loading_gauge=entry.loading_gauge, out_of_gauge=entry.out_of_gauge,
            rid_class=entry.rid_class,
            max_speed_ms=entry.max_speed_kmh * KMH if entry.max_speed_kmh is not None else None,
            etcs=entry.etcs, source=entry.source, out_of_gauge_class=entry.out_of_gauge_class)
    except ValidationError as exc:  # name the file in model-level problems too
        raise ValidationError([Problem(f"{where} {p.element}".strip(), p.field, p.reason)
                               for p in exc.problems]) from None


def _unique(items: list, kind: str, where: str) -> dict:
    out: dict = {}
    for i, item in enumerate(items):
        if item.id in out:
            raise ValidationError(Problem(where, f"{kind}[{i}].id", f"duplicate id '{item.id}'"))
        out[item.id] = item
    return out


def parse_catalogue(data: Any, where: str) -> Catalogue:
    doc: _Catalogue = _read(_Catalogue, data, where)
    units = _unique([parse_unit(u, f"{where} units[{i}]") for i, u in enumerate(doc.units)], "units", where)
    consists = _unique([parse_consist(c, f"{where} consists[{i}]", units) for i, c in enumerate(doc.consists)],
                       "consists", where)
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
