"""Surroundings use cases: the reference day's noise and dangerous goods, and how they change.

Every face (CLI, HTTP, other services) calls these functions; they load the shipped
data once per process and hand plain arguments to the engines in ``railcap.surroundings``.

The feed for other modules is :func:`change_of_runs`: give it the trains you add (as
:class:`~railcap.model.timetable.TrainRun`, e.g. a planned military path), the run ids
you take away (displaced or cancelled trains) and/or :class:`AddedTrains` (a count of
trains of a consist along a route at an hour), and it returns a
:class:`SurroundingsReport` with the noise change per section and period and the
dangerous-goods change per section, flagged against the threshold and the ceilings.
What a named resilience scenario does to the surroundings is in
:mod:`railcap.services.surroundings_scenario`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from railcap.data.embedded import load_network
from railcap.data.reference import load_reference_timetable
from railcap.data.rolling_stock import load_catalogue
from railcap.data.surroundings import DANGEROUS_GOODS_FILE, DEFAULTS_FILE, TABLES_FILE, embedded_document, read_json
from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.timetable import TrainRun
from railcap.surroundings import dangerous_goods as dg
from railcap.surroundings import noise
from railcap.surroundings.cnossos import NoiseTables, TrackType, VehicleType
from railcap.surroundings.noise import PERIODS, Makeup, NoiseModel, Passage, Period, PeriodDef

DEFAULT_THRESHOLD_DB = 0.5


# --------------------------------------------------------------------------- loading


def noise_tables(doc: Mapping[str, Any]) -> NoiseTables:
    """The Appendix G tables of a ``noise_cnossos.json`` document."""
    arr = lambda xs: np.asarray(xs, dtype=float)  # noqa: E731
    table = lambda t: {k: arr(v) for k, v in t.items()}  # noqa: E731
    try:
        aero = doc["aerodynamic_db"]
        return NoiseTables(
            wavelengths_mm=arr(doc["wavelengths_mm"]), wheel_roughness=table(doc["wheel_roughness_db"]),
            rail_roughness=table(doc["rail_roughness_db"]), contact_filter=table(doc["contact_filter_db"]),
            impact_single=arr(doc["impact_roughness_single_db"]), track_transfer=table(doc["track_transfer_db"]),
            wheel_transfer=table(doc["wheel_transfer_db"]),
            traction={k: (arr(v["A"]), arr(v["B"])) for k, v in doc["traction_constant_db"].items()},
            aero_a=arr(aero["A"]), aero_b=arr(aero["B"]), aero_v0_kmh=float(aero["v0_kmh"]),
            aero_alpha=float(aero["alpha_a"]))
    except KeyError as exc:
        raise ValidationError(Problem(TABLES_FILE, str(exc.args[0]), "missing")) from None


def noise_defaults(doc: Mapping[str, Any]) -> tuple[dict[str, Makeup], TrackType, tuple[PeriodDef, ...]]:
    """Consist make-ups, the default track and the periods of a ``noise_defaults_nl.json`` document.

    A vehicle entry ``[type, count]`` counts vehicles of the type; ``[type, count, axles]`` is a
    multiple unit taken as one vehicle with that many axles.
    """
    types = {tid: VehicleType(tid, float(t["axles"]), t["brake"], t["wheel"], t["contact"], t.get("traction"),
                              bool(t.get("aerodynamic", False)), t.get("source", ""))
             for tid, t in doc["vehicle_types"].items()}
    makeups = {}
    for cid, c in doc["consists"].items():
        vehicles = []
        for entry in c["vehicles"]:
            tid, n = entry[0], float(entry[1])
            if tid not in types:
                raise ValidationError(Problem(f"{DEFAULTS_FILE}: consist '{cid}'", "vehicles",
                                              f"unknown vehicle type '{tid}'"))
            v = types[tid]
            if len(entry) > 2:
                v = VehicleType(f"{tid}:{cid}", float(entry[2]), v.brake, v.wheel, v.contact, v.traction,
                                v.aerodynamic, v.source)
            vehicles.append((v, n))
        makeups[cid] = Makeup(cid, tuple(vehicles))
    t = doc["track"]
    track = TrackType(t["rail_roughness"], t["transfer"], float(t.get("joints_per_100m", 0.0)))
    p = doc.get("periods") or {}
    periods = tuple(PeriodDef(Period(k), float(v["start_h"]), float(v["end_h"]), float(v["lden_penalty_db"]))
                    for k, v in p.items() if k in {x.value for x in Period}) or PERIODS
    return makeups, track, periods


def route_sections(network: Network, points: Sequence[str], element: str) -> list[str]:
    """The sections of the shortest route through the given points (in order)."""
    from railcap.physics.route import NoRouteError, shortest_route

    for p in points:
        if p not in network.ops:
            raise ValidationError(Problem(element, "route", f"unknown operational point '{p}'"))
    if len(points) < 2:
        raise ValidationError(Problem(element, "route", "give at least two points"))
    out: list[str] = []
    for a, b in zip(points, points[1:]):
        try:
            out += [leg.section.id for leg in shortest_route(network, a, b).legs]
        except NoRouteError as exc:
            raise ValidationError(Problem(element, "route", f"no route {a} → {b}: {exc}")) from None
    return out


@dataclass
class Surroundings:
    """The reference day and the shipped surroundings data, loaded once."""

    network: Network
    runs: tuple[TrainRun, ...]
    model: NoiseModel
    max_speed_kmh: dict[str, float]
    rid_of_consist: dict[str, str | None]
    flows: list[dg.FlowShares]
    ceilings: list[dg.Ceiling]
    built_up: frozenset[str]
    classes: dict[str, str]  # run id → RID class, for the reference day
    base_passages: list[Passage] = field(default_factory=list)
    base_dg: list[dg.DgPassage] = field(default_factory=list)

    @property
    def periods(self) -> tuple[PeriodDef, ...]:
        return self.model.periods


@lru_cache(maxsize=1)
def load() -> Surroundings:
    """Network, reference day, catalogue, CNOSSOS tables, defaults and dangerous-goods data."""
    network = load_network()
    runs = load_reference_timetable().runs
    catalogue = load_catalogue()
    makeups, track, periods = noise_defaults(embedded_document(DEFAULTS_FILE))
    model = NoiseModel(noise_tables(embedded_document(TABLES_FILE)), makeups, track, periods)
    max_speed = {c.id: 3.6 * c.max_speed_ms for c in catalogue.consists.values()}
    rid = {c.id: c.rid_class for c in catalogue.consists.values()}
    doc = embedded_document(DANGEROUS_GOODS_FILE)
    flows = [dg.FlowShares(f["origin"], f["destination"], {str(k): float(v) for k, v in f["shares"].items()},
                           f.get("source", "")) for f in doc["flows"]]
    ceilings = [dg.Ceiling(c["name"], frozenset(route_sections(network, c["route"], f"ceiling '{c['name']}'")),
                           float(c["dg_trains_per_day"]), c.get("source", "")) for c in doc.get("ceilings", [])]
    classes = dg.assign_classes(runs, flows, rid)
    s = Surroundings(network, runs, model, max_speed, rid, flows, ceilings, dg.built_up_sections(network), classes)
    s.base_passages = noise.passages_from_runs(runs, network, max_speed, periods)
    s.base_dg = dg.passages_of_runs(runs, classes)
    return s


# --------------------------------------------------------------------------- traffic changes


@dataclass(frozen=True)
class AddedTrains:
    """``count`` trains of ``consist`` along ``route`` (points, in order) around ``hour`` (0–24)."""

    consist: str
    count: float
    hour: float
    route: tuple[str, ...]
    rid_class: str | None = None  # dangerous goods they carry (else the consist's class, if any)
    label: str = "added trains"


def parse_added_trains(doc: Any, where: str = "added trains") -> list[AddedTrains]:
    """Added trains from a JSON document: a list of ``{consist, count, hour, route[, rid_class]}``.

    ``hour`` may be a number of hours (23.5, within the day) or a clock time ("23:30").
    """
    if isinstance(doc, dict):
        doc = doc.get("trains", doc)
    if not isinstance(doc, list):
        raise ValidationError(Problem(where, "trains", "expected a list of {consist, count, hour, route}"))
    s = load()
    out, problems = [], []
    for i, rec in enumerate(doc):
        element = f"{where} [{i}]"
        if not isinstance(rec, dict):
            problems.append(Problem(element, "trains", "expected an object"))
            continue
        missing = [k for k in ("consist", "count", "hour", "route") if k not in rec]
        if missing:
            problems += [Problem(element, k, "missing") for k in missing]
            continue
        try:
            consist = str(rec["consist"])
            s.model.check_consist(consist, element)
            count = rec["count"]
            if isinstance(count, bool) or not isinstance(count, (int, float)) or count < 0:
                raise ValidationError(Problem(element, "count", f"must be a number of trains ≥ 0, got {count!r}"))
            hour = _hour(rec["hour"], element)
            route = rec["route"]
            if not (isinstance(route, list) and all(isinstance(p, str) for p in route)):
                raise ValidationError(Problem(element, "route", "expected a list of operational point ids"))
            rid = rec.get("rid_class")
            if rid is not None:
                rid = dg.check_rid_class(rid, element)
            route_sections(s.network, route, element)
            out.append(AddedTrains(consist, float(count), hour, tuple(route), rid, f"{element} {consist}"))
        except ValidationError as exc:
            problems += exc.problems
    if problems:
        raise ValidationError(problems)
    return out


def parse_removed_runs(doc: Any, where: str = "removed trains") -> list[str]:
    """Reference-day run ids to take away (a list of strings), each checked against the day."""
    if not (isinstance(doc, list) and all(isinstance(x, str) for x in doc)):
        raise ValidationError(Problem(where, "remove_runs", "expected a list of run ids"))
    known = {r.id for r in load().runs}
    unknown = [x for x in doc if x not in known]
    if unknown:
        raise ValidationError([Problem(where, "remove_runs", f"no run '{x}' in the reference day") for x in unknown[:5]])
    return list(doc)


def _hour(value: Any, element: str) -> float:
    """The hour of the day (0 ≤ h < 24) of a number of hours or a clock time (``model.clock``).

    A clock time of the service day past midnight (``25:30``) is the early morning (1.5 h).
    """
    if isinstance(value, str):
        from railcap.model.clock import parse_time

        seconds, _ = parse_time(value, "hour", element=element)
        return (seconds % 86_400.0) / 3600.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 24.0:
        raise ValidationError(Problem(element, "hour", f"must be within the day (0 ≤ hour < 24, or a clock time "
                                                       f"HH:MM), got {value!r}"))
    return float(value)


def _added_passages(s: Surroundings, trains: Iterable[AddedTrains]) -> tuple[list[Passage], list[dg.DgPassage]]:
    ps: list[Passage] = []
    ds: list[dg.DgPassage] = []
    for t in trains:
        sections = route_sections(s.network, list(t.route), t.label)
        ps += noise.passages_along(sections, s.network, t.consist, t.count, t.hour,
                                   s.max_speed_kmh.get(t.consist, math.inf), s.periods, t.label)
        rid = t.rid_class or s.rid_of_consist.get(t.consist)
        if rid:
            ds += [dg.DgPassage(sid, rid, t.count) for sid in sections]
    return ps, ds


def read_trains_file(path: Path) -> tuple[list[AddedTrains], list[str]]:
    """Added trains and removed run ids from a user's trains file: a list of added trains, or
    ``{"trains": [...], "remove_runs": [reference-day run ids]}``."""
    doc = read_json(path, "trains")
    removed = parse_removed_runs(doc.get("remove_runs", []) if isinstance(doc, dict) else [], str(path))
    if isinstance(doc, dict) and "trains" not in doc:
        doc = []
    return parse_added_trains(doc, str(path)), removed


def read_noise_ceilings(path: Path) -> dict[str, float]:
    """A user's noise-ceiling file (see :func:`parse_noise_ceilings`)."""
    return parse_noise_ceilings(read_json(path, "ceilings"), str(path))


def parse_noise_ceilings(doc: Any, where: str = "noise ceilings") -> dict[str, float]:
    """Ceilings on a section's Lden emission (dB(A)/m): ``{"ceilings": {section_id: dB}}`` or the mapping itself.

    Dutch geluidproductieplafonds are set at reference points 50 m from the track (Lden); railcap ships
    none, as the register is not in its data: a user who has them as emission ceilings per section
    gives them here.
    """
    if isinstance(doc, dict) and "ceilings" in doc:
        doc = doc["ceilings"]
    if not isinstance(doc, dict):
        raise ValidationError(Problem(where, "ceilings", "expected {section_id: Lden emission in dB(A)/m}"))
    network = load().network
    problems, out = [], {}
    for sid, v in doc.items():
        if sid not in network.sections:
            problems.append(Problem(where, "section", f"unknown section '{sid}'"))
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            problems.append(Problem(f"{where}: '{sid}'", "ceiling_dba", f"must be a number of dB, got {v!r}"))
        else:
            out[sid] = float(v)
    if problems:
        raise ValidationError(problems)
    return out


# --------------------------------------------------------------------------- report


@dataclass
class SurroundingsReport:
    """Noise and dangerous-goods change of a traffic change against the reference day."""

    title: str
    threshold_db: float
    noise: list[noise.SectionChange]
    dangerous_goods: list[dg.DgChange]
    noise_ceilings_configured: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def over_threshold(self) -> list[noise.SectionChange]:
        return [c for c in self.noise if c.exceeds_threshold]

    @property
    def louder_at_night_in_towns(self) -> list[noise.SectionChange]:
        """Sections through a built-up area (ending at a passenger station) that get more trains at night
        (23–07), whatever the dB: a night train through a town, for the civil-hindrance report."""
        s = load()
        return [c for c in self.noise if c.section_id in s.built_up
                and c.trains_after["night"] > c.trains_before["night"] + 1e-9]

    @property
    def flagged_dangerous_goods(self) -> list[dg.DgChange]:
        return [c for c in self.dangerous_goods if c.flagged]

    def summary(self) -> dict[str, Any]:
        up = [c for c in self.noise if c.lden_change_db > 1e-9]
        down = [c for c in self.noise if c.lden_change_db < -1e-9]
        return {"sections_louder": len(up), "sections_quieter": len(down),
                "sections_over_threshold": len(self.over_threshold),
                "sections_over_noise_ceiling": sum(c.over_ceiling for c in self.noise),
                "noise_ceilings": (f"{self.noise_ceilings_configured} configured" if self.noise_ceilings_configured
                                   else "none configured"),
                "sections_louder_at_night_in_towns": len(self.louder_at_night_in_towns),
                "dangerous_goods_sections_changed": len(self.dangerous_goods),
                "dangerous_goods_sections_flagged": len(self.flagged_dangerous_goods),
                "dangerous_goods_sections_over_ceiling": sum(c.over_ceiling for c in self.dangerous_goods)}

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "threshold_db": self.threshold_db, "summary": self.summary(),
                "noise": [c.to_dict() for c in self.noise],
                "louder_at_night_in_towns": [c.section_id for c in self.louder_at_night_in_towns],
                "dangerous_goods": [c.to_dict() for c in self.dangerous_goods], "notes": self.notes}


def _report(s: Surroundings, title: str, after_passages: list[Passage], after_dg: list[dg.DgPassage],
            threshold_db: float, ceilings_dba: Mapping[str, float] | None, notes: list[str]) -> SurroundingsReport:
    before = s.model.emission(s.base_passages)
    after = s.model.emission(after_passages)
    changes = noise.compare(before, after, threshold_db, ceilings_dba, s.periods)
    dg_changes = dg.compare(dg.counts(s.base_dg), dg.counts(after_dg), s.built_up, s.ceilings)
    return SurroundingsReport(title, threshold_db, changes, dg_changes, len(ceilings_dba or {}), notes)


def change_of_runs(added_runs: Iterable[TrainRun] = (), removed_run_ids: Iterable[str] = (),
                   added_trains: Iterable[AddedTrains] = (), threshold_db: float = DEFAULT_THRESHOLD_DB,
                   ceilings_dba: Mapping[str, float] | None = None, title: str = "added and moved trains"
                   ) -> SurroundingsReport:
    """The feed: noise and dangerous-goods change of adding/removing trains on the reference day.

    ``added_runs`` are timetabled runs (their own times and speeds; a run whose consist has
    an RID class carries it, freight runs of a flow take the flow's share as the reference
    day does); ``removed_run_ids`` are reference-day runs taken away (a rerouted train is
    removed by id and added with its new run); ``added_trains`` are counts along routes.
    """
    s = load()
    removed = set(removed_run_ids)
    unknown = sorted(removed - {r.id for r in s.runs})
    if unknown:
        raise ValidationError(Problem("removed trains", "run_id", f"not in the reference day: {', '.join(unknown[:5])}"))
    added_runs = list(added_runs)
    for r in added_runs:
        s.model.check_consist(r.consist, f"train '{r.id}'")
    kept = [p for p in s.base_passages if p.run_id not in removed]
    kept_dg = [p for p, r in _dg_with_runs(s) if r not in removed]
    ps = noise.passages_from_runs(added_runs, s.network, s.max_speed_kmh, s.periods)
    classes = dg.assign_classes([r for r in added_runs if r.id not in s.classes], s.flows, s.rid_of_consist)
    classes.update({r.id: s.classes[r.id] for r in added_runs if r.id in s.classes})  # a reference run keeps its load
    ds = dg.passages_of_runs(added_runs, classes)
    ps2, ds2 = _added_passages(s, added_trains)
    notes = [f"{len(added_runs)} runs added, {len(removed)} removed, "
             f"{sum(t.count for t in added_trains):g} trains added along routes"]
    return _report(s, title, kept + ps + ps2, kept_dg + ds + ds2, threshold_db, ceilings_dba, notes)


def _dg_with_runs(s: Surroundings) -> list[tuple[dg.DgPassage, str]]:
    return [(dg.DgPassage(leg.section_id, s.classes[r.id], 1.0), r.id) for r in s.runs if r.id in s.classes
            for leg in r.legs]


# --------------------------------------------------------------------------- the day as it is


@dataclass(frozen=True)
class SectionLevel:
    section_id: str
    levels_dba: dict[str, float | None]  # per period and "lden"
    lden_at_25m_dba: float | None
    trains: dict[str, float]


def reference_day() -> list[SectionLevel]:
    """Emission of every section with traffic on the reference day, loudest Lden first."""
    s = load()
    out = []
    for sid, e in s.model.emission(s.base_passages).items():
        lv = {p.period.value: round(e.level_dba(p.period), 2) if math.isfinite(e.level_dba(p.period)) else None
              for p in s.periods}
        lden = e.lden_dba(s.periods)
        lv["lden"] = round(lden, 2)
        out.append(SectionLevel(sid, lv, round(noise.free_field_level_db(lden), 2),
                                {p.period.value: round(e.trains.get(p.period, 0.0), 3) for p in s.periods}))
    return sorted(out, key=lambda x: (-(x.levels_dba["lden"] or -math.inf), x.section_id))


def reference_dangerous_goods() -> dict[str, dict[str, float]]:
    """Dangerous-goods trains per section and RID class on the reference day."""
    s = load()
    return dg.counts(s.base_dg)
