"""The passenger load a section carries, hour by hour: what freight has to share the tracks with.

The capacity left for freight is worked out per hour of the operating day and
summed into freight paths per day (:mod:`railcap.resilience.capacity`), so the
passenger load is kept per *hour slot*, direction and lane:
``PassengerLoad.trains[section]`` has shape ``(slots, 2, lanes)`` — passenger
trains entering the section in that hour, forward (``from_op -> to_op``) and
backward, on each lane of the direction (lane 1 exists on four-track sections).
Each slot has a weight in hours.

Two sources:

* :func:`load_from_timetable` — the reference weekday (or any timetable): every
  passenger run's legs, counted in the hour the run enters the section. One slot
  per hour of the operating day (``CapacityParams.operating_hours()``, by default
  05:00–01:00, 20 h: the night 01:00–05:00 is left for maintenance possessions).
* :func:`PassengerLoad.uniform` — a flat load in trains per hour per direction,
  the same in every operating hour (one slot weighing ``hours_per_day``): the
  demand file's ``passenger_load`` records, used where no timetable exists.

>>> from railcap.model.samples import corridor
>>> load = PassengerLoad.uniform({"p-y": (6.0, 4.0)}, hours_per_day=20.0)
>>> load.trains["p-y"].shape, load.weights.tolist(), load.busiest_hour("p-y")
((1, 2, 1), [20.0], (6.0, 4.0))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Mapping

import numpy as np

from railcap.model.infrastructure import Network
from railcap.model.timetable import Timetable, TrainClass

if TYPE_CHECKING:
    from railcap.occupancy import FreeIntervalIndex


@dataclass(frozen=True)
class PassengerLoad:
    """Passenger trains per section, hour slot, direction and lane; ``weights`` = hours per slot."""

    weights: np.ndarray  # (slots,) hours each slot stands for
    trains: dict[str, np.ndarray] = field(default_factory=dict)  # section -> (slots, 2, lanes)
    hours: tuple[int, ...] = ()  # the clock hour of each slot (empty for a uniform load)
    source: str = ""
    #: freight paths per section and operating hour (hours, 2) by insertion between the timetable's
    #: passenger trains (:func:`railcap.resilience.insertion.free_paths_from_timetable`); None: the
    #: headway rule on the counts alone
    free_paths: dict[str, np.ndarray] | None = None

    def tph(self, section_id: str) -> np.ndarray | None:
        """Passenger trains per slot and direction (slots, 2), lanes added up (None: none at all)."""
        a = self.trains.get(section_id)
        return None if a is None else a.sum(axis=2)

    @classmethod
    def uniform(cls, tph: Mapping[str, tuple[float, float]], hours_per_day: float,
                source: str = "flat trains per hour") -> "PassengerLoad":
        """The same trains per hour (forward, backward) in every operating hour."""
        return cls(np.array([float(hours_per_day)]),
                   {s: np.array([[[f], [b]]], dtype=float) for s, (f, b) in tph.items()}, (), source)

    def of(self, section_id: str) -> np.ndarray | None:
        return self.trains.get(section_id)

    def busiest_hour(self, section_id: str) -> tuple[float, float]:
        """Passenger trains (forward, backward, all lanes) in the busiest slot of each direction."""
        a = self.trains.get(section_id)
        if a is None:
            return 0.0, 0.0
        per = a.sum(axis=2)
        return float(per[:, 0].max()), float(per[:, 1].max())

    def mean_over(self, section_id: str, hours: Iterable[int]) -> tuple[float, float]:
        """Mean passenger trains per hour (forward, backward) over the given clock hours."""
        a = self.trains.get(section_id)
        if a is not None and not self.hours:  # uniform: every hour alike
            return self.busiest_hour(section_id)
        hs = set(hours)
        want = [i for i, h in enumerate(self.hours) if h in hs]
        if a is None or not want:
            return 0.0, 0.0
        per = a[want].sum(axis=2)
        return float(per[:, 0].mean()), float(per[:, 1].mean())


def load_from_timetable(tt: Timetable, network: Network, hours: Iterable[int],
                        source: str = "reference weekday") -> PassengerLoad:
    """Count every passenger run's legs per section, direction, lane and hour of entry.

    A run enters a leg at the departure time of the point before it; times past 24:00
    count on the clock (25:10 is hour 1). Runs in hours outside ``hours`` are left out
    (the night break). Lanes beyond a section's track pairs fold onto the last pair.
    """
    hours = tuple(hours)
    slot_of = np.full(24, -1, dtype=np.int64)
    slot_of[list(hours)] = np.arange(len(hours))
    counts: dict[str, np.ndarray] = {}
    for run in tt.runs:
        if run.train_class != TrainClass.PASSENGER:
            continue
        for leg, pt in zip(run.legs, run.points[:-1]):
            slot = slot_of[int(pt.departure_s // 3600) % 24]
            sec = network.sections.get(leg.section_id)
            if slot < 0 or sec is None:
                continue
            pairs = max(1, sec.track_count // 2)
            a = counts.get(leg.section_id)
            if a is None:
                a = counts[leg.section_id] = np.zeros((len(hours), 2, pairs))
            a[slot, int(leg.reverse), min(leg.lane, pairs - 1)] += 1.0
    return PassengerLoad(np.ones(len(hours)), counts, hours, source)


def timetable_load(tt: Timetable, network: Network, params=None, source: str = "timetable",
                   blocking: FreeIntervalIndex | None = None) -> PassengerLoad:
    """The passenger load of a timetable with the freight paths left between its trains (by insertion,
    :func:`railcap.resilience.insertion.free_paths_from_timetable`): what capacity is computed against.

    ``blocking``: the passenger trains' block-level blocking times; given, double-track stretches count
    the freight paths that fit them (:mod:`railcap.resilience.blockpaths`, the path search's rule),
    else the headway rule on the trains' times at the stretch points.
    """
    # imported here, not at the top: read commands that only need the demand file (portfolio list) load
    # this module but not the insertion (tests/cli/test_cold_reads.py)
    from railcap.resilience.blockpaths import block_level
    from railcap.resilience.capacity import CapacityParams
    from railcap.resilience.insertion import free_paths_from_timetable

    params = params or CapacityParams()
    load = load_from_timetable(tt, network, params.operating_hours(), source)
    rule = None if blocking is None else block_level(blocking, params)
    return replace(load, free_paths=free_paths_from_timetable(tt, network, params, double_track=rule))
