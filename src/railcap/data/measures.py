"""The measures catalogue: a YAML file read, checked against the network, turned into model objects.

Every problem is reported together, each naming the measure and the field:
a negative cost, an effect on a point, section or train type the network does not
have, a dependency on a measure that is not in the file, a cycle of dependencies,
a budget smaller than the reserve it must keep.

Routes in effects stay lists of points here; :func:`railcap.portfolio.edits.resolve`
turns them into sections (the one route rule lives in the resilience engine).

>>> from railcap.model.samples import corridor
>>> doc = {"programme": {"budget_eur": 10e6, "reserve_share": 0.2},
...        "measures": [{"id": "a", "name": "A", "priority": 2, "funding": "costed",
...                      "investment_eur": -1, "effects": []}]}
>>> try:
...     catalogue_from_dict(doc, corridor(), ["freight"])
... except ValidationError as exc:
...     print(exc.problems[0])
measure 'a': field 'investment_eur': must be ≥ 0, got -1.0
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from railcap.model.errors import InputFileError, NotFoundError, Problem, ValidationError
from railcap.model.infrastructure import AxleLoadClass, Electrification, LoadingGauge, Network, TrainProtection
from railcap.model.measures import (SECTION_ATTRIBUTES, Catalogue, DemandScenario, DemandShift, Funding,
                                    LongerTrains, Measure, Policy, Programme, SectionAdded, SectionEdit,
                                    StationTracksAdded, TracksAdded)

EMBEDDED_CATALOGUE = Path(__file__).parent / "measures_nl.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Where(_Strict):
    route: list[str] | None = None
    sections: list[str] | None = None


class _SectionFx(_Where):
    set: dict[str, Any]


class _TracksFx(_Where):
    add: int = Field(ge=1)


class _NewSectionFx(_Strict):
    id: str
    from_: str = Field(alias="from")
    to: str
    length_m: float = Field(gt=0)
    like: str
    speed_kmh: float = Field(gt=0)
    tracks: int = Field(ge=1)
    freight_only: bool = False


class _StationTracksFx(_Strict):
    op: str
    count: int = Field(ge=1)
    usable_length_m: float = Field(gt=0)
    loading_site: bool = False
    beside_line: bool | None = None


class _DemandFx(_Strict):
    origin: str | None = None
    destination: str | None = None
    train_type: str | None = None
    price_change: float = Field(ge=-1.0)
    elasticity: float = Field(le=0.0)
    source: str = Field(min_length=1)


class _LongerFx(_Strict):
    train_type: str
    length_m: float = Field(gt=0)


class _Effect(_Strict):
    section: _SectionFx | None = None
    tracks: _TracksFx | None = None
    new_section: _NewSectionFx | None = None
    station_tracks: _StationTracksFx | None = None
    demand: _DemandFx | None = None
    longer_trains: _LongerFx | None = None


class _Measure(_Strict):
    id: str = Field(min_length=1)
    name: str | None = None
    agenda_row: str | None = None
    priority: int = Field(ge=0, le=5)
    funding: Funding
    investment_eur: float = 0.0
    reserve_eur: float | None = None
    years: tuple[int, int] = (2026, 2030)
    effects: list[_Effect] = []
    requires: list[str] = []
    excludes: list[str] = []
    tags: list[str] = []
    not_modelled: str = ""
    source: str = ""
    notes: str = ""


class _Programme(_Strict):
    budget_eur: float
    reserve_share: float = Field(ge=0.0, lt=1.0)
    reserve_eur: float | None = None
    source: str = ""


class _Scenario(_Strict):
    factor: float = Field(gt=0.0)
    source: str = ""


class _Policy(_Strict):
    description: str
    exclude_tags: list[str] = []
    source: str = ""


class _Document(_Strict):
    sources: dict[str, str] = {}
    programme: _Programme
    demand_scenarios: dict[str, _Scenario] = {}
    policies: dict[str, _Policy] = {}
    measures: list[dict[str, Any]]


def _pydantic_problems(element: str, exc: PydanticError) -> list[Problem]:
    out = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "-"
        out.append(Problem(element, loc, e["msg"]))
    return out


class _Checker:
    """Checks references of one measure against the network and the train types."""

    def __init__(self, network: Network, train_types: Iterable[str]):
        self.network, self.train_types = network, set(train_types)
        self.problems: list[Problem] = []

    def fail(self, mid: str, fld: str, reason: str) -> None:
        self.problems.append(Problem(f"measure '{mid}'", fld, reason))

    def op(self, mid: str, fld: str, query: str) -> str:
        try:
            return self.network.find_op(query).id
        except NotFoundError as exc:
            self.fail(mid, fld, exc.problems[0].reason)
            return query

    def section(self, mid: str, fld: str, sid: str) -> None:
        if sid not in self.network.sections:
            self.fail(mid, fld, f"no section called '{sid}'")

    def train_type(self, mid: str, fld: str, tid: str | None) -> None:
        if tid is not None and tid not in self.train_types:
            self.fail(mid, fld, f"unknown train type '{tid}' (known: {', '.join(sorted(self.train_types))})")

    def where(self, mid: str, fld: str, w: _Where) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(sections, route points) of an effect; exactly one of the two must be given."""
        if (w.route is None) == (w.sections is None):
            self.fail(mid, fld, "give either 'route' (points) or 'sections' (ids)")
            return (), ()
        if w.route is not None:
            if len(w.route) < 2:
                self.fail(mid, f"{fld}.route", "a route needs at least two points")
            return (), tuple(self.op(mid, f"{fld}.route", p) for p in w.route)
        for s in w.sections or []:
            self.section(mid, f"{fld}.sections", s)
        return tuple(w.sections or ()), ()


def _attribute_value(ck: _Checker, mid: str, fld: str, attr: str, value: Any) -> Any:
    """The typed value of a section attribute, or a problem."""
    enums = {"loading_gauge": LoadingGauge, "electrification": Electrification, "protection": TrainProtection,
             "axle_load": AxleLoadClass}
    if attr not in SECTION_ATTRIBUTES:
        ck.fail(mid, fld, f"unknown attribute '{attr}' (known: {', '.join(SECTION_ATTRIBUTES)})")
        return None
    if attr in enums:
        try:
            return enums[attr](value)
        except ValueError:
            ck.fail(mid, fld, f"{attr} must be one of {[e.value for e in enums[attr]]}, got {value!r}")
            return None
    if attr == "wide_load_blocks_adjacent":
        if not isinstance(value, bool):
            ck.fail(mid, fld, f"must be true or false, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        ck.fail(mid, fld, f"{attr} must be a positive number, got {value!r}")
        return None
    return float(value)


def _edits(ck: _Checker, mid: str, effects: list[_Effect]) -> list:
    out: list = []
    for i, fx in enumerate(effects):
        fld = f"effects[{i}]"
        kinds = [k for k in _Effect.model_fields if getattr(fx, k) is not None]
        if len(kinds) != 1:
            ck.fail(mid, fld, f"give exactly one of {', '.join(_Effect.model_fields)}")
            continue
        kind = kinds[0]
        e = getattr(fx, kind)
        fld = f"{fld}.{kind}"
        if kind == "section":
            secs, route = ck.where(mid, fld, e)
            for attr, value in e.set.items():
                v = _attribute_value(ck, mid, f"{fld}.set.{attr}", attr, value)
                out.append(SectionEdit(secs, attr, v, route))
        elif kind == "tracks":
            secs, route = ck.where(mid, fld, e)
            out.append(TracksAdded(secs, e.add, route))
        elif kind == "new_section":
            a, b = ck.op(mid, f"{fld}.from", e.from_), ck.op(mid, f"{fld}.to", e.to)
            ck.section(mid, f"{fld}.like", e.like)
            if e.id in ck.network.sections:
                ck.fail(mid, f"{fld}.id", f"section '{e.id}' already exists")
            out.append(SectionAdded(e.id, a, b, e.length_m, e.like, e.speed_kmh, e.tracks, e.freight_only))
        elif kind == "station_tracks":
            out.append(StationTracksAdded(ck.op(mid, f"{fld}.op", e.op), e.count, e.usable_length_m,
                                          e.loading_site, e.beside_line))
        elif kind == "demand":
            o = ck.op(mid, f"{fld}.origin", e.origin) if e.origin else None
            d = ck.op(mid, f"{fld}.destination", e.destination) if e.destination else None
            ck.train_type(mid, f"{fld}.train_type", e.train_type)
            out.append(DemandShift(o, d, e.train_type, e.price_change, e.elasticity, e.source))
        else:
            ck.train_type(mid, f"{fld}.train_type", e.train_type)
            out.append(LongerTrains(e.train_type, e.length_m))
    return out


def _measure(ck: _Checker, raw: _Measure, share: float) -> Measure:
    mid = raw.id
    if raw.investment_eur < 0:
        ck.fail(mid, "investment_eur", f"must be ≥ 0, got {raw.investment_eur}")
    if raw.reserve_eur is not None and raw.reserve_eur < 0:
        ck.fail(mid, "reserve_eur", f"must be ≥ 0, got {raw.reserve_eur}")
    if raw.funding == Funding.COSTED and raw.investment_eur <= 0:
        ck.fail(mid, "investment_eur", "a costed measure needs an investment > 0")
    if raw.funding != Funding.COSTED and raw.investment_eur:
        ck.fail(mid, "investment_eur", f"only a costed measure has an amount (funding is {raw.funding.value})")
    if raw.years[0] > raw.years[1]:
        ck.fail(mid, "years", f"first year {raw.years[0]} is after the last {raw.years[1]}")
    if not raw.name and not raw.agenda_row:
        ck.fail(mid, "name", "give a name (or the agenda_row it stands for)")
    edits = _edits(ck, mid, raw.effects)
    if not edits and not raw.not_modelled:
        ck.fail(mid, "not_modelled", "a measure without effects must say why (a study, …)")
    if edits and raw.not_modelled:
        ck.fail(mid, "not_modelled", "a measure with effects is modelled; drop not_modelled")
    reserve = raw.reserve_eur if raw.reserve_eur is not None else round(share * max(raw.investment_eur, 0.0), 2)
    tags = tuple(raw.tags) + (("agenda",) if raw.agenda_row else ())
    return Measure(mid, raw.name or raw.agenda_row or mid, raw.priority, raw.funding, max(raw.investment_eur, 0.0),
                   reserve, raw.years, tuple(edits), tuple(raw.requires), tuple(raw.excludes), tags,
                   raw.not_modelled, raw.source, raw.notes, raw.agenda_row or "")


def dependency_problems(measures: dict[str, Measure]) -> list[Problem]:
    """Unknown dependencies and exclusions, and every cycle of dependencies (one problem per cycle).

    >>> a = Measure("a", "A", 1, Funding.COSTED, 1.0, requires=("b",))
    >>> b = Measure("b", "B", 1, Funding.COSTED, 1.0, requires=("a",))
    >>> [str(p) for p in dependency_problems({"a": a, "b": b})]
    ["measure 'a': field 'requires': dependency cycle a -> b -> a"]
    """
    out = []
    for m in measures.values():
        for fld, ids in (("requires", m.requires), ("excludes", m.excludes)):
            for other in ids:
                if other not in measures:
                    out.append(Problem(f"measure '{m.id}'", fld, f"no measure called '{other}' in the catalogue"))
                elif other == m.id:
                    out.append(Problem(f"measure '{m.id}'", fld, "a measure cannot name itself"))
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    seen_cycles: set[frozenset[str]] = set()

    def visit(mid: str, stack: list[str]) -> None:
        state[mid] = 1
        stack.append(mid)
        for nxt in measures[mid].requires:
            if nxt not in measures or nxt == mid:
                continue
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    out.append(Problem(f"measure '{cycle[0]}'", "requires", "dependency cycle " + " -> ".join(cycle)))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[mid] = 2

    for mid in sorted(measures):
        if mid not in state:
            visit(mid, [])
    return out


def budget_problems(budget_eur: float, reserve_eur: float | None, element: str = "programme") -> list[Problem]:
    """A budget must be positive and larger than a fixed reserve it has to keep.

    >>> [str(p) for p in budget_problems(50e6, 100e6)]
    ["programme: field 'budget_eur': EUR 50.0 M is smaller than the reserve of EUR 100.0 M it must keep"]
    """
    if budget_eur <= 0:
        return [Problem(element, "budget_eur", f"must be > 0, got {budget_eur}")]
    if reserve_eur is not None and reserve_eur < 0:
        return [Problem(element, "reserve_eur", f"must be ≥ 0, got {reserve_eur}")]
    if reserve_eur is not None and budget_eur < reserve_eur:
        return [Problem(element, "budget_eur", f"EUR {budget_eur / 1e6:.1f} M is smaller than the reserve of "
                                               f"EUR {reserve_eur / 1e6:.1f} M it must keep")]
    return []


def catalogue_from_dict(doc: Any, network: Network, train_types: Iterable[str], label: str = "catalogue") -> Catalogue:
    """Validate a catalogue document against the network and the demand's train types."""
    if not isinstance(doc, dict):
        raise ValidationError(Problem(label, "-", "expected a mapping with 'programme' and 'measures'"))
    try:
        d = _Document.model_validate(doc)
    except PydanticError as exc:
        raise ValidationError(_pydantic_problems(label, exc)) from None
    ck = _Checker(network, train_types)
    ck.problems += budget_problems(d.programme.budget_eur, d.programme.reserve_eur)
    measures: dict[str, Measure] = {}
    for i, rec in enumerate(d.measures):
        element = f"measure '{rec.get('id', f'#{i + 1}')}'" if isinstance(rec, dict) else f"measures[{i}]"
        try:
            raw = _Measure.model_validate(rec)
        except PydanticError as exc:
            ck.problems += _pydantic_problems(element, exc)
            continue
        if raw.id in measures:
            ck.fail(raw.id, "id", "used twice")
        measures[raw.id] = _measure(ck, raw, d.programme.reserve_share)
    ck.problems += dependency_problems(measures)
    if ck.problems:
        raise ValidationError(ck.problems)
    programme = Programme(d.programme.budget_eur, d.programme.reserve_share, d.programme.source,
                          d.programme.reserve_eur)
    return Catalogue(measures, programme,
                     {k: DemandScenario(k, v.factor, v.source) for k, v in d.demand_scenarios.items()},
                     {k: Policy(k, v.description, tuple(v.exclude_tags), v.source) for k, v in d.policies.items()},
                     dict(d.sources))


def load_catalogue(path: str | Path | None, network: Network, train_types: Iterable[str]) -> Catalogue:
    """Read a catalogue YAML file (None: the embedded Dutch one) and validate it."""
    path = Path(path) if path is not None else EMBEDDED_CATALOGUE
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(Problem(str(path), "-", f"cannot read: {exc.strerror or exc}")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "-"
        raise InputFileError(Problem(path.name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}")) from None
    return catalogue_from_dict(doc, network, train_types, label=path.name)
