"""Measures: what they cost, when they are paid, and what they change in the model.

A measure's effect is an *edit of the model*: a section attribute changed, tracks
or a section added, station tracks (loops, arrival/departure tracks, loading
tracks) added at a point, or demand changed with a stated elasticity. A measure
that cannot be modelled (a study, a governance step) has no edits and scores
nothing; ``modelled`` says so.

Money is in euro, VAT included. ``reserve_eur`` is the share kept for management
and maintenance (the starter package keeps 20 % of the investment: Kamerbrief
Weerbaarheid en militaire mobiliteit spoor, IENW/BSK-2025/261533, footnote 4).

>>> m = Measure("x", "Example", 2, Funding.COSTED, 10e6, 2e6, (2026, 2027))
>>> m.total_eur, m.cash_per_year_eur()
(12000000.0, {2026: 5000000.0, 2027: 5000000.0})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Funding(StrEnum):
    """How a measure is paid for, as the 2026–2030 agenda's table says."""

    COSTED = "costed"  # an indicative amount that a budget must cover
    ALREADY_FUNDED = "already_funded"  # "Reeds gedekt"
    RESEARCH_BUDGET = "research_budget"  # "Onderzoeksbudget"
    TO_BE_DECIDED = "to_be_decided"  # "Nader te bepalen" / "N.t.b."
    NOT_APPLICABLE = "not_applicable"  # "N.v.t."


#: Section attributes an edit may set, with the unit the value is given in.
SECTION_ATTRIBUTES = {
    "max_train_length_m": "m",
    "loading_gauge": "G1|GB|GC",
    "speed_kmh": "km/h (a ceiling raised to this value on every band below it)",
    "electrification": "none|1.5kV_DC|25kV_AC",
    "protection": "ATB|ETCS_L1|ETCS_L2",
    "etcs_block_m": "m (ETCS level 2: blocks split to at most this length, shorter headway)",
    "wide_load_blocks_adjacent": "true|false",
    "axle_load": "C2|D2|D4|E4",
}


@dataclass(frozen=True)
class SectionEdit:
    """Set one attribute on the given sections."""

    sections: tuple[str, ...]
    attribute: str
    value: object
    route: tuple[str, ...] = ()  # points; resolved into ``sections`` by portfolio.edits.resolve


@dataclass(frozen=True)
class TracksAdded:
    """Extra running tracks along the given sections (a third track, doubling a single track)."""

    sections: tuple[str, ...]
    tracks: int
    route: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionAdded:
    """A new section (a curve, a bypass, a freight line) between two existing points.

    Attributes not given are those of the section ``like``.
    """

    id: str
    from_op: str
    to_op: str
    length_m: float
    like: str
    speed_kmh: float
    track_count: int
    freight_only: bool = False


@dataclass(frozen=True)
class StationTracksAdded:
    """Tracks at a point where trains can stand: loops, arrival/departure or loading tracks."""

    op: str
    count: int
    usable_length_m: float
    loading_site: bool = False  # the point becomes a (secure) military loading site
    beside_line: bool | None = None  # None: keep the point's own setting


@dataclass(frozen=True)
class DemandShift:
    """Demand of matching flows changed by a price change through a stated elasticity.

    factor = 1 + elasticity × price_change (price_change −0.10: 10 % cheaper).

    >>> DemandShift(None, None, "intermodal", -0.10, -0.6, "s").factor
    1.06
    """

    origin: str | None
    destination: str | None
    train_type: str | None
    price_change: float
    elasticity: float
    source: str

    @property
    def factor(self) -> float:
        return round(1.0 + self.elasticity * self.price_change, 9)


@dataclass(frozen=True)
class LongerTrains:
    """Flows of a train type run as longer trains where the route and both ends admit them.

    The same goods in longer trains: trains per day × old length / new length.
    """

    train_type: str
    length_m: float


Edit = SectionEdit | TracksAdded | SectionAdded | StationTracksAdded | DemandShift | LongerTrains


@dataclass(frozen=True)
class Measure:
    """One measure of the catalogue."""

    id: str
    name: str
    priority: int  # 1..5: the freight vision's policy priority; 0: the starter package only
    funding: Funding
    investment_eur: float = 0.0
    reserve_eur: float = 0.0
    years: tuple[int, int] = (2026, 2030)
    edits: tuple[Edit, ...] = ()
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # "starter_package", "new_line", "agenda", "estimated"
    not_modelled: str = ""  # why the effect is not an edit of the model (a study ...)
    source: str = ""
    notes: str = ""
    agenda_row: str = ""  # the row of the 2026-2030 agenda's table it stands for (empty: not in the table)

    @property
    def modelled(self) -> bool:
        return bool(self.edits)

    @property
    def total_eur(self) -> float:
        """What the measure takes from a budget: investment plus reserve."""
        return self.investment_eur + self.reserve_eur

    @property
    def candidate(self) -> bool:
        """True when a budget has to pay for it (costed; funded, research and N.v.t. are not chosen)."""
        return self.funding == Funding.COSTED

    def cash_per_year_eur(self) -> dict[int, float]:
        """The investment spread evenly over the years (the reserve is not yearly cash)."""
        first, last = self.years
        n = last - first + 1
        return {y: self.investment_eur / n for y in range(first, last + 1)}


@dataclass(frozen=True)
class Programme:
    """The money: the budget (VAT and reserve included) and the reserve share of the investment."""

    budget_eur: float
    reserve_share: float
    source: str = ""
    reserve_eur: float | None = None  # a fixed amount kept instead of the share per measure


@dataclass(frozen=True)
class DemandScenario:
    """A demand growth scenario: every civil flow scaled by ``factor``."""

    name: str
    factor: float
    source: str = ""


@dataclass(frozen=True)
class Policy:
    """A policy direction: which measures it allows."""

    name: str
    description: str
    exclude_tags: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Catalogue:
    """The measures, the programme, the demand scenarios and the policy directions."""

    measures: dict[str, Measure]
    programme: Programme
    demand_scenarios: dict[str, DemandScenario] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def by_priority(self) -> dict[int, list[Measure]]:
        out: dict[int, list[Measure]] = {}
        for m in self.measures.values():
            out.setdefault(m.priority, []).append(m)
        return out
