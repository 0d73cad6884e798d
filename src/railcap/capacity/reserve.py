"""Reserve paths: capacity held back for urgent military trains, and what holding it costs freight.

The capacity-allocation decree's amendment gives urgent military trains
priority, first from reserved capacity (nl-freight-facts.md, "Military
mobility"). A *reserve path* is a conflict-free path of a stated consist laid
into the day like any other (class ``TrainClass.RESERVE``: no real train runs
it); the planner's military priority treats reserve paths as free before it
displaces anyone (``pathing.planner``, step 1).

:func:`reserve_paths` lays out up to ``per_band`` paths per hour band along a
corridor by the same repeated insertion as :func:`spare_paths`, earliest
first. :func:`reserve_cost` lays out the spare paths of a freight consist
along the same corridor without the reserve and counts those a reserve path
overlaps (the independent conflict detector): the freight paths the reserve
takes, band by band. It also counts the spare freight paths again with the
reserve in place. That recount is a greedy count like the first, and greedy
insertion is not monotone: around the reserve the freight paths may pack
differently, so the recount can even be higher. The taken count is the cost;
the recount shows what is left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from railcap.capacity.spare import Corridor, HourBand, SpareResult, spare_paths
from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Consist
from railcap.model.timetable import TrainClass
from railcap.occupancy import OccupationTable, find_conflicts

MAX_RESERVE_PER_BAND = 20


@dataclass(frozen=True)
class Reserve:
    """The reserve paths laid out on one corridor: wanted and placed per band."""

    paths: SpareResult  # train ids "reserve-<n>", runs of class reserve
    per_band_wanted: int

    def shortfall(self) -> list[int]:
        """Per band: how many wanted reserve paths did not fit."""
        return [self.per_band_wanted - n for n in self.paths.per_band()]


@dataclass(frozen=True)
class ReserveCost:
    """Spare freight paths along the corridor without the reserve, those a reserve path takes, and the
    recount with the reserve in place; per band."""

    freight_consist: str
    before: tuple[int, ...]
    taken: tuple[int, ...]
    after: tuple[int, ...]

    @property
    def taken_total(self) -> int:
        return sum(self.taken)


def reserve_paths(net: Network, table: OccupationTable, corridor: Corridor, consist: Consist,
                  per_band: int, bands: tuple[HourBand, ...], *,
                  progress: Callable[[int, int, int], None] | None = None) -> Reserve:
    """Up to ``per_band`` conflict-free reserve paths of ``consist`` per band, earliest first."""
    if not 1 <= per_band <= MAX_RESERVE_PER_BAND:
        raise ValidationError(Problem("reserve", "per_hour_band", f"{per_band} is not from 1 to {MAX_RESERVE_PER_BAND}"))
    found = spare_paths(net, table, corridor, consist, bands, max_per_band=per_band, train_prefix="reserve",
                        train_class=TrainClass.RESERVE.value, progress=progress)
    return Reserve(found, per_band)


def reserve_cost(net: Network, table: OccupationTable, reserve: Reserve, freight: Consist,
                 bands: tuple[HourBand, ...] | None = None,
                 progress: Callable[[int, int, int], None] | None = None) -> ReserveCost:
    """Spare paths of ``freight`` along the reserve's corridor without and with the reserve paths."""
    corridor, bands = reserve.paths.corridor, bands or reserve.paths.bands
    before = spare_paths(net, table, corridor, freight, bands, progress=progress)
    hit: set[str] = set()
    for c in find_conflicts(OccupationTable.concat([before.occupations, reserve.paths.occupations])):
        hit.update(t for t in (c.train_a, c.train_b) if t.startswith("spare-"))
    taken = [0] * len(bands)
    for n, p in enumerate(before.paths, start=1):
        taken[p.band] += f"spare-{n}" in hit
    after = spare_paths(net, OccupationTable.concat([table, reserve.paths.occupations]), corridor, freight, bands,
                        progress=progress)
    return ReserveCost(freight.id, tuple(before.per_band()), tuple(taken), tuple(after.per_band()))
