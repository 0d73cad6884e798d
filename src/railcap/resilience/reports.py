"""What a resilience case and a scenario report: lost and switched flows, diversions, full sections,
military status — the answers :class:`~railcap.resilience.analysis.ResilienceModel` gives, as plain
records every face renders (``to_dict`` for JSON).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from railcap.resilience.scenarios import RecoveryCurve

EPS = 1e-6


@dataclass(frozen=True)
class LostFlow:
    origin: str
    destination: str
    train_type: str
    trains_per_day: float


@dataclass(frozen=True)
class SwitchedFlow:
    """Trains that use another border crossing than their own (more than in the base case).

    ``end`` is "destination" (the flow leaves the country elsewhere) or "origin" (it enters
    elsewhere; then ``destination`` and ``train_type`` are "*": the switch serves every
    flow from that crossing with the same usable lines).
    """

    origin: str
    destination: str
    train_type: str
    end: str
    nominal: str  # the flow's own crossing
    via: str  # the crossing it uses instead
    trains_per_day: float


@dataclass(frozen=True)
class Diversion:
    """A section direction that carries more trains than in the base case."""

    section: str
    direction: str  # "from_op -> to_op", or "both" on single track
    extra_trains_per_day: float
    load_trains_per_day: float
    capacity_trains_per_day: float

    @property
    def utilisation(self) -> float:
        return self.load_trains_per_day / self.capacity_trains_per_day if self.capacity_trains_per_day > 0 else float("inf")


@dataclass(frozen=True)
class FullSection:
    """A section direction whose freight paths are all used in a case: where the capacity ran out.

    ``hours_with_paths`` are the clock hours that offer freight paths at all (by insertion
    between the passenger trains), ``paths_per_hour`` their number in each of them.
    """

    section: str
    direction: str
    load_trains_per_day: float
    capacity_trains_per_day: float
    hours_with_paths: tuple[int, ...] = ()
    paths_per_hour: tuple[float, ...] = ()


@dataclass(frozen=True)
class MilitaryStatus:
    """Can a military movement still run, and over how many independent compatible routes."""

    movement: str
    origin: str
    destination: str
    reachable: bool  # a compatible route exists (with the LP: at least one train runs)
    edge_disjoint_routes: int | None  # routes sharing no section (None: not computed)
    node_disjoint_routes: int | None  # routes sharing no intermediate point
    served_trains_per_day: float | None = None  # from the rerouting LP (capacity respected)
    demand_trains_per_day: float | None = None
    base_served_trains_per_day: float | None = None  # served in the base case (stopped = fewer than this)
    train_type: str = ""


@dataclass(frozen=True)
class CaseReport:
    """The answer for one failure, compared with the undisturbed base case."""

    label: str
    sections: tuple[str, ...]
    ops: tuple[str, ...]
    equals_base: bool  # the failed elements carry no base flow: nothing changes, not solved
    importance_km_per_train: float
    extra_cost_km_per_day: float
    unmet_trains_per_day: float  # increase over the base case
    extra_train_km_per_day: float  # Dutch km; negative when more trains are lost than rerouted
    affected_trains_per_day: float  # base trains that used the failed elements
    lost: tuple[LostFlow, ...] = ()
    diversions: tuple[Diversion, ...] = ()
    military: tuple[MilitaryStatus, ...] = ()
    switched: tuple[SwitchedFlow, ...] = ()  # flows sent over another border crossing
    full: tuple[FullSection, ...] = ()  # where the capacity ran out (all freight paths used)
    extra_foreign_train_km_per_day: float = 0.0  # run abroad to the hubs beyond the crossings, over the base
    #: trains/day the LP reroutes but operators cannot run on ``day`` (route knowledge, locomotives): included
    #: in ``unmet_trains_per_day``; ``divertible_share`` is the share of rerouted trains that can run
    lost_to_diversion_limits_trains_per_day: float = 0.0
    divertible_share: float = 1.0
    diversion_limits: tuple[str, ...] = ()  # ids of the rules that apply
    day: float = 0.0
    #: the extra cost on one scale (train-km a day): lost trains at their type's penalty, detours and
    #: switched crossings at their km (Dutch detour km, foreign km and the switch floor)
    cost_of_lost_trains_km_per_day: float = 0.0
    cost_of_detours_km_per_day: float = 0.0

    @property
    def switched_trains_per_day(self) -> float:
        return round(sum(f.trains_per_day for f in self.switched), 6)

    @property
    def military_stopped(self) -> list[str]:
        """The military movements that run fewer trains than in the base case."""
        return [m.movement for m in self.military if m.served_trains_per_day is not None
                and m.served_trains_per_day < (m.base_served_trains_per_day if m.base_served_trains_per_day
                                               is not None else m.demand_trains_per_day or 0.0) - EPS]

    @property
    def reason(self) -> str:
        """One line a planner can read: what is lost, where it goes."""
        if self.equals_base:
            return "carries no freight in the base case: result equals the base"
        parts = []
        if self.lost:
            lost = "; ".join(f"{f.trains_per_day:.1f} {f.origin}→{f.destination} ({f.train_type})" for f in self.lost[:3])
            more = f" and {len(self.lost) - 3} more" if len(self.lost) > 3 else ""
            parts.append(f"loses {self.unmet_trains_per_day:.1f} trains/day: {lost}{more}")
        if self.switched:
            by_via: dict[tuple[str, str], float] = {}
            for f in self.switched:
                by_via[(f.nominal, f.via)] = by_via.get((f.nominal, f.via), 0.0) + f.trains_per_day
            top = sorted(by_via.items(), key=lambda kv: -kv[1])
            moved = ", ".join(f"{n:.1f} {a}→{b}" for (a, b), n in top[:4])
            more = f" and {len(top) - 4} more" if len(top) > 4 else ""
            parts.append(f"switches {self.switched_trains_per_day:.1f} trains/day to another crossing: {moved}{more}")
        if self.diversions:
            via = ", ".join(f"{d.section} ({d.direction.replace(' -> ', '→')}) +{d.extra_trains_per_day:.1f} "
                            f"({d.load_trains_per_day:.0f}/{d.capacity_trains_per_day:.0f})"
                            for d in self.diversions[:3])
            parts.append(f"rerouted via {via}")
        if self.lost_to_diversion_limits_trains_per_day > EPS:
            parts.append(f"{self.lost_to_diversion_limits_trains_per_day:.1f} trains/day cannot be diverted on day "
                         f"{self.day:g} ({self.divertible_share:.0%} can: {', '.join(self.diversion_limits)})")
        if self.full and self.lost:
            where = ", ".join(f"{f.section} ({f.direction.replace(' -> ', '→')}, {f.capacity_trains_per_day:.0f}/day)"
                              for f in self.full[:3])
            more = f" and {len(self.full) - 3} more" if len(self.full) > 3 else ""
            parts.append(f"capacity ran out on {where}{more}")
        stopped = self.military_stopped
        if self.switched:
            moved = sorted({f"{m.movement} via {f.via}" for m in self.military for f in self.switched
                            if f.end == "destination" and (f.origin, f.destination, f.train_type) ==
                            (m.origin, m.destination, m.train_type)})
            if moved:
                parts.append("military " + ", ".join(moved))
        if stopped:
            parts.append("military stopped: " + ", ".join(stopped))
        if not parts:
            parts.append(f"{self.affected_trains_per_day:.1f} trains/day run another way at no visible extra cost")
        return "; ".join(parts)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["reason"] = self.reason
        return d


@dataclass(frozen=True)
class ScenarioReport:
    """A scenario at its worst, along its recovery profile, and the resilience loss."""

    name: str
    description: str
    duration_days: float
    worst: CaseReport
    curve: RecoveryCurve
    lost_service_days: float  # ∫ (1 − Q(t)) dt
    resilience_loss_train_days: float  # ∫ unmet(t) dt, unmet solved at every recovery point
    loss_simple_train_days: float  # ∫ (1 − Q) dt × unmet at the worst point
    extra_cost_km_days: float
    military_redundancy: tuple[MilitaryStatus, ...] = ()
    #: ∫ (1 − Q_traffic) dt in days, Q_traffic = share of the affected trains that still run (with the ramp)
    lost_traffic_days: float = 0.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["worst"] = self.worst.to_dict()
        return d
