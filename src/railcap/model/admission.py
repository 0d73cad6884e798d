"""Which sections a train may use: the one place this rule lives.

A train needs a power supply it can run under, a loading gauge at least as
large as its own, an axle-load class that carries its heaviest axle, a length
limit that admits it, and — with dangerous goods — a section open to them; passenger trains keep off freight-only
lines and other trains off passenger-only ones.
An out-of-gauge train (a military heavy train with main battle tanks) fits no
standard profile; it may run only where the section's gauge is the widest
class, GC, which on the Dutch network is the cleared freight corridors and the
NATO transit routes (overlay rule, source "F Military mobility" [verify]);
where the section says so it also blocks the adjacent track (see
``occupancy.resources.adjacent_resource_id``).

The path search, the timetable builder and the resilience engine all ask
:func:`section_problems`.
"""

from __future__ import annotations

from dataclasses import dataclass

from railcap.model.errors import Problem
from railcap.model.infrastructure import Electrification, LoadingGauge, Section

OUT_OF_GAUGE_NEEDS = LoadingGauge.GC


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


def section_problems(needs: Needs, section: Section) -> list[Problem]:
    """Every reason the train may not use ``section`` (empty when it may).

    >>> from railcap.model.samples import corridor
    >>> n = Needs("740 m", frozenset({Electrification.AC_25KV, Electrification.DC_1500}),
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
    gauge = OUT_OF_GAUGE_NEEDS if needs.out_of_gauge else needs.loading_gauge
    if gauge is not None and gauge.rank > section.loading_gauge.rank:
        what = "is out of gauge and needs a cleared GC route" if needs.out_of_gauge else f"needs {gauge.value}"
        out.append(Problem(where, "loading_gauge",
                           f"{needs.train} {what}, section has {section.loading_gauge.value}"))
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
