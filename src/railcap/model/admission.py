"""Which sections a train may use, and on what conditions: the one place this rule lives.

A train needs a power supply it can run under, a loading gauge at least as
large as its own, an axle-load class that carries its heaviest axle, a length
limit that admits it, and — with dangerous goods — a section open to them;
passenger trains keep off freight-only lines and other trains off
passenger-only ones.

**Exceptional transport.** An out-of-gauge load (main battle tanks wider than
the standard profile) is not barred from the network: it runs as an
exceptional transport under conditions per section (STANAG 2175 asks a route
study; the facts file, group "Military mobility"). How far the load stands
outside the profile — its *out-of-gauge class* — and the section's gauge
decide the conditions (:data:`DEFAULT_CONDITIONS`):

* **permitted** — nothing more;
* **adjacent track kept free** — no train on the other track of a double-track
  section while the load passes (the blocking times hold the adjacent track for
  the whole passage of the section, ``occupancy.blocking``);
* **reduced speed** — :data:`REDUCED_SPEED_KMH` along platforms (the
  :data:`PLATFORM_HALF_LENGTH_M` either side of a passenger station at the
  section's ends) and under structures (tunnels, steel bridges);
* **not permitted** — the section's profile is too tight (G1) for the class, or
  a source names a structure or section (``Section.out_of_gauge_rules``, from
  the overlay).

:func:`passage` gives the conditions for one section, :func:`section_problems`
the reasons a train may not use a section at all, and
:func:`exceptional_network` the network as the out-of-gauge train sees it
(speed bands lowered, the adjacent-track flag set), which the path search, the
blocking times and the explanation all use.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

from railcap.model.errors import Problem
from railcap.model.infrastructure import (
    Electrification, LoadingGauge, Network, Section, SpeedBand,
)


class OutOfGaugeClass(IntEnum):
    """How far a load stands outside the standard profile (G1), per side.

    Source of the classes: railcap's curation, after the practice of admitting
    exceptional consignments with conditions graded by the overhang (STANAG 2175
    route study; nl-freight-facts.md "Military mobility") [verify the limits].
    A main battle tank (Leopard 2, ≈3.7 m wide against G1's 3.15 m: ≈300 mm a
    side, public specifications [verify]) is class 3.
    """

    MINOR = 1  # up to 100 mm outside the profile
    MODERATE = 2  # up to 250 mm
    MAJOR = 3  # up to 400 mm; wider loads need their own route study and are not modelled

    @property
    def overhang_mm(self) -> int:
        return {1: 100, 2: 250, 3: 400}[int(self)]


PERMITTED, ADJACENT_FREE, REDUCED_PLATFORMS, REDUCED_STRUCTURES, NOT_PERMITTED = (
    "permitted", "adjacent_free", "reduced_speed_platforms", "reduced_speed_structures", "not_permitted")

#: Conditions by section gauge and out-of-gauge class. Source: railcap curation
#: [verify]: a GC section (the cleared freight corridors and NATO transit routes,
#: overlay) has the widest clearances, GB the mixed network's, G1 the tightest
#: (Landgraaf–Herzogenrath, facts "Lines"); the wider the load, the more of the
#: space between the tracks and beside the platforms it takes.
DEFAULT_CONDITIONS: dict[LoadingGauge, dict[int, tuple[str, ...]]] = {
    LoadingGauge.GC: {1: (), 2: (REDUCED_PLATFORMS,), 3: (ADJACENT_FREE, REDUCED_PLATFORMS)},
    LoadingGauge.GB: {1: (REDUCED_PLATFORMS,), 2: (ADJACENT_FREE, REDUCED_PLATFORMS, REDUCED_STRUCTURES),
                      3: (ADJACENT_FREE, REDUCED_PLATFORMS, REDUCED_STRUCTURES)},
    LoadingGauge.G1: {1: (ADJACENT_FREE, REDUCED_PLATFORMS, REDUCED_STRUCTURES),
                      2: (NOT_PERMITTED,), 3: (NOT_PERMITTED,)},
}
#: Speed along platforms and under structures (railcap curation, walking-pace
#: passage past platform edges is common for exceptional loads [verify]).
REDUCED_SPEED_KMH = 40.0
#: Half a platform: Dutch platforms are ≈300–400 m long (railcap curation [verify]).
PLATFORM_HALF_LENGTH_M = 200.0
#: Structures a wide load passes under or through (registry SPOORTAK_OBJECTEN:
#: "Spoortunnel", "Stalen spoorbrug"; which steel bridges have trusses over the
#: track the registry does not say, so every steel bridge counts).
OVERHEAD_STRUCTURES = frozenset({"tunnel", "steel_bridge"})


@dataclass(frozen=True, slots=True)
class Needs:
    """What a train needs from a section."""

    train: str  # its name, for the messages
    supplies: frozenset[Electrification]
    loading_gauge: LoadingGauge | None
    axle_load_t: float
    length_m: float
    out_of_gauge: bool = False
    dangerous_goods: bool = False
    passenger: bool = False  # passenger trains do not use freight-only lines
    out_of_gauge_class: int = OutOfGaugeClass.MAJOR  # how far outside the profile (when out of gauge)


@dataclass(frozen=True, slots=True)
class Passage:
    """The conditions an out-of-gauge load runs under on one section."""

    section_id: str
    conditions: tuple[str, ...]  # a subset of ADJACENT_FREE, REDUCED_*, or (NOT_PERMITTED,) or ()
    reasons: tuple[str, ...]  # the rule behind each condition

    @property
    def permitted(self) -> bool:
        return NOT_PERMITTED not in self.conditions

    @property
    def adjacent_free(self) -> bool:
        return ADJACENT_FREE in self.conditions

    def describe(self) -> str:
        """The conditions in words.

        >>> Passage("a-b", (ADJACENT_FREE, REDUCED_PLATFORMS), ("",)).describe()
        'adjacent track kept free; 40 km/h along platforms'
        """
        words = {PERMITTED: "permitted", ADJACENT_FREE: "adjacent track kept free",
                 REDUCED_PLATFORMS: f"{REDUCED_SPEED_KMH:.0f} km/h along platforms",
                 REDUCED_STRUCTURES: f"{REDUCED_SPEED_KMH:.0f} km/h under structures",
                 NOT_PERMITTED: "not permitted"}
        return "; ".join(words[c] for c in self.conditions) or "permitted"


def passage(section: Section, oog_class: int) -> Passage:
    """The conditions for a load of out-of-gauge class ``oog_class`` on ``section``.

    >>> from railcap.model.samples import corridor
    >>> sec = corridor().sections["y-j"]
    >>> sec.loading_gauge.value, passage(sec, 3).describe()
    ('GC', 'adjacent track kept free; 40 km/h along platforms')
    """
    cls = max(1, min(int(oog_class), int(OutOfGaugeClass.MAJOR)))
    conditions = list(DEFAULT_CONDITIONS[section.loading_gauge][cls])
    reasons = [f"default for class {cls} on a {section.loading_gauge.value} section"] if conditions else []
    for rule in section.out_of_gauge_rules:
        if cls >= rule.from_class and rule.condition not in conditions:
            conditions.append(rule.condition)
            reasons.append(rule.reason)
        elif cls >= rule.from_class:
            reasons.append(rule.reason)
    if REDUCED_STRUCTURES in conditions and not any(s.kind in OVERHEAD_STRUCTURES for s in section.structures):
        conditions.remove(REDUCED_STRUCTURES)
    if section.track_count < 2 or not section.wide_load_blocks_adjacent:
        conditions = [c for c in conditions if c != ADJACENT_FREE]  # no adjacent track to keep free
    if NOT_PERMITTED in conditions:
        conditions = [NOT_PERMITTED]
    return Passage(section.id, tuple(conditions), tuple(reasons))


def section_problems(needs: Needs, section: Section) -> list[Problem]:
    """Every reason the train may not use ``section`` (empty when it may).

    >>> from railcap.model.samples import corridor
    >>> n = Needs("740 m", frozenset({Electrification.AC_25000, Electrification.DC_1500}),
    ...           LoadingGauge.GC, 22.5, 740.0)
    >>> [p.reason for p in section_problems(n, corridor().sections["j-x"])]
    ['740 m is 740 m long, section allows 650 m']
    """
    where = f"section '{section.id}'"
    out = []
    if section.electrification not in needs.supplies:
        runs = ", ".join(sorted(s.value for s in needs.supplies)) or "nothing"
        out.append(Problem(where, "electrification",
                           f"{needs.train} cannot run under {section.electrification.value} "
                           f"(runs under: {runs})"))
    if needs.out_of_gauge:
        p = passage(section, needs.out_of_gauge_class)
        if not p.permitted:
            out.append(Problem(where, "out_of_gauge",
                               f"{needs.train} (out-of-gauge class {needs.out_of_gauge_class}) is not "
                               f"permitted: {'; '.join(p.reasons)}"))
    elif needs.loading_gauge is not None and needs.loading_gauge.rank > section.loading_gauge.rank:
        out.append(Problem(where, "loading_gauge",
                           f"{needs.train} needs {needs.loading_gauge.value}, section has "
                           f"{section.loading_gauge.value}"))
    if needs.axle_load_t > section.axle_load.max_axle_load_t + 1e-9:
        out.append(Problem(where, "axle_load",
                           f"{needs.train} has {needs.axle_load_t} t per axle, section allows "
                           f"{section.axle_load.max_axle_load_t} t"))
    if needs.length_m > section.max_train_length_m + 1e-9:
        out.append(Problem(where, "max_train_length_m",
                           f"{needs.train} is {needs.length_m:.0f} m long, section allows "
                           f"{section.max_train_length_m:.0f} m"))
    if needs.dangerous_goods and not section.dangerous_goods:
        out.append(Problem(where, "dangerous_goods",
                           f"{needs.train} carries dangerous goods; the section is closed to them"))
    if needs.passenger and section.freight_only:
        out.append(Problem(where, "freight_only", f"{needs.train} carries passengers; freight-only line"))
    if not needs.passenger and section.passenger_only:
        out.append(Problem(where, "passenger_only", f"{needs.train} is not a passenger train; passenger-only line"))
    return out


# -- the network as an out-of-gauge train sees it ----------------------------------------


def slow_zones(section: Section, p: Passage, platforms_at: frozenset[str]) -> list[tuple[float, float]]:
    """The stretches (from ``from_op``, metres) run at the reduced speed under ``p``.

    >>> from railcap.model.samples import straight_section
    >>> sec = straight_section("a-b", "a", "b", 3000, block_m=1500)
    >>> slow_zones(sec, Passage("a-b", (REDUCED_PLATFORMS,), ()), frozenset({"b"}))
    [(2800.0, 3000)]
    """
    zones: list[tuple[float, float]] = []
    if REDUCED_PLATFORMS in p.conditions:
        if section.from_op in platforms_at:
            zones.append((0.0, min(PLATFORM_HALF_LENGTH_M, section.length_m)))
        if section.to_op in platforms_at:
            zones.append((max(0.0, section.length_m - PLATFORM_HALF_LENGTH_M), section.length_m))
    if REDUCED_STRUCTURES in p.conditions:
        zones += [(max(0.0, s.start_m), min(section.length_m, s.end_m)) for s in section.structures
                  if s.kind in OVERHEAD_STRUCTURES and s.end_m > s.start_m]
    return sorted(zones)


def with_speed_cap(bands: tuple[SpeedBand, ...], zones: list[tuple[float, float]],
                   cap_ms: float) -> tuple[SpeedBand, ...]:
    """Speed bands with ``cap_ms`` in the zones (the lower limit wins), piecewise again.

    >>> b = with_speed_cap((SpeedBand(0, 1000, 30.0),), [(200, 400)], 10.0)
    >>> [(x.start_m, x.end_m, x.speed_ms) for x in b]
    [(0, 200, 30.0), (200, 400, 10.0), (400, 1000, 30.0)]
    """
    if not zones:
        return bands
    cuts = sorted({x for b in bands for x in (b.start_m, b.end_m)} | {x for z in zones for x in z})
    out: list[SpeedBand] = []
    for a, b in zip(cuts, cuts[1:]):
        if b - a <= 1e-9:
            continue
        mid = (a + b) / 2
        limits = [x.speed_ms for x in bands if x.start_m <= mid < x.end_m]
        if not limits:
            continue
        v = min(limits)
        if any(z0 <= mid < z1 for z0, z1 in zones):
            v = min(v, cap_ms)
        if out and out[-1].speed_ms == v and abs(out[-1].end_m - a) < 1e-9:
            out[-1] = SpeedBand(out[-1].start_m, b, v)
        else:
            out.append(SpeedBand(a, b, v))
    return tuple(out)


def exceptional_section(section: Section, oog_class: int, platforms_at: frozenset[str]) -> Section:
    """``section`` as a load of ``oog_class`` runs it: lower speeds, the adjacent-track flag."""
    p = passage(section, oog_class)
    if not p.permitted:
        return section
    bands = with_speed_cap(section.speed_bands, slow_zones(section, p, platforms_at), REDUCED_SPEED_KMH / 3.6)
    return replace(section, speed_bands=bands, wide_load_blocks_adjacent=p.adjacent_free)


def exceptional_network(net: Network, oog_class: int) -> Network:
    """The network as an out-of-gauge load of ``oog_class`` runs it (same ids, points and
    sections; the speed bands and the adjacent-track flag follow :func:`passage`)."""
    key = (id(net), int(oog_class))
    hit = _VIEWS.get(key)
    if hit is None or hit[0] is not net:
        platforms = frozenset(o.id for o in net.ops.values() if o.passenger_station)
        sections = [exceptional_section(s, int(oog_class), platforms) for s in net.sections.values()]
        hit = (net, Network.of(net.ops.values(), sections, net.meta))
        if len(_VIEWS) >= 8:
            _VIEWS.pop(next(iter(_VIEWS)))
        _VIEWS[key] = hit
    return hit[1]


_VIEWS: dict[tuple[int, int], tuple[Network, Network]] = {}  # (id of the network, class) -> (network, view)


def conditions_along(sections: list[Section], oog_class: int) -> list[Passage]:
    """The passages with conditions on a route's sections, in running order (for the report)."""
    return [p for p in (passage(s, oog_class) for s in sections) if p.conditions]
