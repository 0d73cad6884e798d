"""Path capacity of a section per hour and direction, from the blocking-time idea.

Until the timetable and UIC 406 engines land, the macro network needs a
capacity per section that is honest about where it comes from. The rule here
(Pachl, *Railway Operation and Control*, ch. 4: blocking time and minimum
headway) is:

* **minimum headway** of two following trains = the blocking time of the
  longest block: ``(approach distance + block length + train length) / speed``
  plus route setting, sighting and release time; the approach distance is the
  braking distance ``v² / 2b``;
* **single track**: both directions share one track and an opposing train may
  only enter when the previous one has cleared the whole section, so every
  train costs its running time over the section plus the fixed times;
* **mixed traffic** on a double track: a slower freight train followed by a
  faster passenger train costs the difference of their running times on top
  of the headway (the heterogeneity the UIC 406 compression would show);
* a share (``utilisation``) of the hour is usable for scheduled paths: the UIC
  406 norm for mixed lines (facts file: 75 % peak / 60 % day, ≈).

The passenger load (trains per hour per direction) is an input, so "capacity
left for freight" is computed in one place: :func:`section_capacity` for one
hour, :func:`daily_capacity` for a day of hours — the sum, over the operating
hours, of what each hour's passenger trains leave (on four-track sections per
lane pair: lane 0 carries the fast trains, lane 1 the stopping trains and freight).

All values inside are SI (m, s, m/s); fields carrying other units say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from railcap.model.infrastructure import Section
from railcap.occupancy.blocking import DEFAULT_PARAMETERS, BlockingParameters
from railcap.physics.formulary import braking_distance_m

KMH = 1 / 3.6


@dataclass(frozen=True, slots=True)
class ReferenceTrain:
    """The train a capacity figure is counted in.

    >>> ReferenceTrain(length_m=740.0, max_speed_ms=100 / 3.6, braking_ms2=0.4).braking_distance_m(20.0)
    500.0
    """

    length_m: float
    max_speed_ms: float
    braking_ms2: float

    def braking_distance_m(self, speed_ms: float) -> float:
        """From ``speed_ms`` to a stop at the train's service braking (the formulary's ``v²/2b``)."""
        return float(braking_distance_m(speed_ms, self.braking_ms2))


#: Freight path: 740 m (TEN-T target, ProRail's planned limit), 100 km/h (facts file:
#: "freight usually runs at most 100 km/h ≈"), braking 0.4 m/s² (facts: 0.3–0.5).
FREIGHT_TRAIN = ReferenceTrain(length_m=740.0, max_speed_ms=100 * KMH, braking_ms2=0.4)
#: Passenger train: ≈ 200 m, line speed, 0.7 m/s² service braking (≈ model assumption).
PASSENGER_TRAIN = ReferenceTrain(length_m=200.0, max_speed_ms=200 * KMH, braking_ms2=0.7)


@dataclass(frozen=True, slots=True)
class CapacityParams:
    """The knobs of the capacity rule.

    The fixed times of every blocking time (route setting, sighting, release) are the blocking-time
    model's own (:class:`railcap.occupancy.blocking.BlockingParameters`: 5 s, 9 s, 3 s from the
    facts file's "blocking-time components"), so the macro capacity and the block-level
    occupation use one set. ``hours_per_day`` converts an hourly capacity into a daily one; 20 h
    leaves ≈4 h a night for maintenance possessions (≈ model assumption). The operating day starts
    at ``first_hour`` (05:00), so by default it runs 05:00–01:00 and the break is 01:00–05:00.

    >>> CapacityParams().fixed_s
    17.0
    """

    blocking: BlockingParameters = DEFAULT_PARAMETERS
    utilisation: float = 0.60  # UIC 406 day norm for mixed lines (≈, to be confirmed)
    hours_per_day: float = 20.0
    first_hour: int = 5
    freight: ReferenceTrain = FREIGHT_TRAIN
    passenger: ReferenceTrain = PASSENGER_TRAIN
    #: hours of one band of the rerouting LP: a train runs its whole route within one band
    band_hours: int = 4

    @property
    def fixed_s(self) -> float:
        """Route setting + sighting (lineside signals) + release, per blocking time."""
        b = self.blocking
        return b.route_setting_s + b.sighting_s + b.release_s

    def operating_hours(self) -> tuple[int, ...]:
        """Clock hours of the operating day: ``hours_per_day`` hours from ``first_hour``.

        >>> CapacityParams().operating_hours()[:3], len(CapacityParams().operating_hours())
        ((5, 6, 7), 20)
        """
        return tuple((self.first_hour + k) % 24 for k in range(int(round(self.hours_per_day))))

    def band_of_hour(self) -> np.ndarray:
        """The LP's hour band of each operating hour (``band_hours`` hours a band; the last may be shorter).

        >>> CapacityParams().band_of_hour().tolist()
        [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]
        """
        return np.arange(len(self.operating_hours())) // max(1, self.band_hours)


@dataclass(frozen=True, slots=True)
class SectionCapacity:
    """Freight paths per hour a section offers, before and after passenger traffic.

    ``shared`` is True on single track: then ``*_forward`` and ``*_backward`` are the
    same combined figure for both directions together.
    """

    section_id: str
    shared: bool
    headway_s: float  # freight following (double track) or crossing (single track)
    paths_per_hour_forward: float  # theoretical usable paths, no passenger traffic
    paths_per_hour_backward: float
    left_per_hour_forward: float  # left for freight after the passenger load
    left_per_hour_backward: float

    def left_per_day(self, hours_per_day: float) -> tuple[float, float]:
        return (self.left_per_hour_forward * hours_per_day,
                self.left_per_hour_backward * hours_per_day)


def _block_speed_ms(section: Section, start_m: float, end_m: float, vmax_ms: float) -> float:
    """The lowest speed limit inside one block, capped at the train's own maximum."""
    speeds = [b.speed_ms for b in section.speed_bands if b.start_m < end_m and b.end_m > start_m]
    return min([vmax_ms, *speeds])


def running_time_s(section: Section, train: ReferenceTrain) -> float:
    """Time to run the whole section at the speed limits (no acceleration).

    >>> from railcap.model.samples import straight_section
    >>> round(running_time_s(straight_section("a-b", "a", "b", 10_000, 120), FREIGHT_TRAIN))
    360
    """
    total = 0.0
    for band in section.speed_bands:
        total += (band.end_m - band.start_m) / min(band.speed_ms, train.max_speed_ms)
    return total


def minimum_headway_s(section: Section, train: ReferenceTrain, params: CapacityParams) -> float:
    """Minimum headway of two trains following on one track: the worst block decides.

    >>> from railcap.model.samples import straight_section
    >>> s = straight_section("a-b", "a", "b", 3_000, 100, block_m=1_500)
    >>> round(minimum_headway_s(s, FREIGHT_TRAIN, CapacityParams()))
    132
    """
    bounds = section.block_boundaries_m
    worst = 0.0
    for start, end in zip(bounds[:-1], bounds[1:]):
        v = _block_speed_ms(section, start, end, train.max_speed_ms)
        blocked_m = train.braking_distance_m(v) + (end - start) + train.length_m
        worst = max(worst, blocked_m / v)
    return worst + params.fixed_s


def _left_after_mixing(passenger_tph: float, h_pass: float, h_freight: float, delta_s: float,
                       budget_s: float) -> float:
    """Freight paths per hour that still fit when ``passenger_tph`` trains use the track.

    Each passenger train takes its own headway; each freight train followed by a
    faster train costs the running-time difference ``delta_s`` extra, for at most as
    many freight trains as there are passenger trains to follow them.
    """
    budget = budget_s - passenger_tph * h_pass
    if budget <= 0:
        return 0.0
    mixed = budget / (h_freight + delta_s)
    if mixed <= passenger_tph:
        return mixed
    return (budget - passenger_tph * delta_s) / h_freight


def section_capacity(section: Section, passenger_tph: tuple[float, float] = (0.0, 0.0),
                     params: CapacityParams = CapacityParams()) -> SectionCapacity:
    """Freight paths per hour and direction, and what the passenger load leaves of them.

    ``passenger_tph`` is (forward, backward) passenger trains per hour, forward being
    ``from_op -> to_op``. More than two tracks count as parallel double tracks.

    >>> from railcap.model.samples import straight_section
    >>> c = section_capacity(straight_section("a-b", "a", "b", 3_000, 100, block_m=1_500))
    >>> round(c.paths_per_hour_forward, 1), c.shared
    (16.3, False)
    """
    budget = params.utilisation * 3600.0
    if section.track_count <= 1:
        return _single_track(section, passenger_tph, params, budget)
    pairs = section.track_count // 2
    h_f = minimum_headway_s(section, params.freight, params)
    h_p = minimum_headway_s(section, params.passenger, params)
    delta = max(0.0, running_time_s(section, params.freight) - running_time_s(section, params.passenger))
    full = pairs * budget / h_f
    fwd, bwd = (pairs * _left_after_mixing(p / pairs, h_p, h_f, delta, budget) for p in passenger_tph)
    return SectionCapacity(section.id, False, h_f, full, full, fwd, bwd)


def left_per_hour(section: Section, passenger_tph: np.ndarray,
                  params: CapacityParams = CapacityParams()) -> np.ndarray:
    """Freight paths each hour leaves after its passenger trains (the norm's share), shape (hours, 2).

    ``passenger_tph`` has shape (hours, 2): forward, backward passenger trains per hour. The same
    rule as :func:`section_capacity`, with the headways worked out once for all hours.

    >>> from railcap.model.samples import straight_section
    >>> s = straight_section("a-b", "a", "b", 3_000, 100, block_m=1_500)
    >>> left_per_hour(s, np.array([[0.0, 0.0], [6.0, 0.0]])).round(1).tolist()
    [[16.3, 16.3], [11.9, 16.3]]
    """
    budget = params.utilisation * 3600.0
    if section.track_count <= 1:
        h_f = running_time_s(section, params.freight) + params.fixed_s
        h_p = running_time_s(section, params.passenger) + params.fixed_s
        left = np.maximum(0.0, budget - passenger_tph.sum(axis=1) * h_p) / h_f
        return np.stack([left, left], axis=1)
    pairs = section.track_count // 2
    h_f = minimum_headway_s(section, params.freight, params)
    h_p = minimum_headway_s(section, params.passenger, params)
    delta = max(0.0, running_time_s(section, params.freight) - running_time_s(section, params.passenger))
    return np.array([[pairs * _left_after_mixing(p / pairs, h_p, h_f, delta, budget) for p in row]
                     for row in passenger_tph]).reshape(-1, 2)


def _single_track(section: Section, passenger_tph: tuple[float, float], params: CapacityParams,
                  budget: float) -> SectionCapacity:
    """One track for both directions: each train holds the whole section (worst case: alternating)."""
    h_f = running_time_s(section, params.freight) + params.fixed_s
    h_p = running_time_s(section, params.passenger) + params.fixed_s
    full = budget / h_f
    left = max(0.0, budget - sum(passenger_tph) * h_p) / h_f
    return SectionCapacity(section.id, True, h_f, full, full, left, left)


@dataclass(frozen=True, slots=True)
class DailyCapacity:
    """Freight paths per day of a section: the hourly figures summed over the operating day.

    ``left_*`` is what the passenger load leaves; ``busiest_*`` the passenger trains in the
    busiest hour (for the reader: where the day's capacity is tightest).
    """

    hourly: SectionCapacity  # without passenger traffic
    full_per_day: float  # per direction (or both together when shared)
    left_per_day_forward: float
    left_per_day_backward: float
    busiest_tph_forward: float
    busiest_tph_backward: float
    #: freight paths per operating hour (hours, 2) when counted by insertion, else None
    per_hour: "np.ndarray | None" = None
    method: str = "headway rule"

    @property
    def shared(self) -> bool:
        return self.hourly.shared


def daily_capacity(section: Section, load: "np.ndarray | None", weights: "np.ndarray",
                   params: CapacityParams = CapacityParams()) -> DailyCapacity:
    """Freight paths per day left by a passenger load given per hour slot.

    ``load`` has shape (slots, 2, lanes): passenger trains per hour in each slot, forward /
    backward, per lane; ``weights`` the hours each slot stands for. With one lane on a
    section of several track pairs the trains are spread evenly over the pairs (the
    :func:`section_capacity` rule); with one lane per pair each pair gets its own trains.

    >>> from railcap.model.samples import straight_section
    >>> s = straight_section("a-b", "a", "b", 3_000, 100, block_m=1_500)
    >>> d = daily_capacity(s, None, np.array([20.0]))
    >>> round(d.full_per_day), round(d.left_per_day_forward)
    (326, 326)
    """
    empty = section_capacity(section, (0.0, 0.0), params)
    full = empty.paths_per_hour_forward * float(weights.sum())
    if load is None:
        return DailyCapacity(empty, full, full, full, 0.0, 0.0)
    budget = params.utilisation * 3600.0
    per_dir = load.sum(axis=2)
    busiest = (float(per_dir[:, 0].max()), float(per_dir[:, 1].max()))
    if empty.shared:
        h_f = empty.headway_s
        h_p = running_time_s(section, params.passenger) + params.fixed_s
        left = np.maximum(0.0, budget - per_dir.sum(axis=1) * h_p) / h_f
        day = float(left @ weights)
        return DailyCapacity(empty, full, day, day, *busiest)
    pairs = section.track_count // 2
    h_f = empty.headway_s
    h_p = minimum_headway_s(section, params.passenger, params)
    delta = max(0.0, running_time_s(section, params.freight) - running_time_s(section, params.passenger))
    lanes = load.shape[2]
    out = []
    for d in (0, 1):
        total = 0.0
        for slot, w in enumerate(weights):
            if lanes == pairs:
                hour = sum(_left_after_mixing(load[slot, d, k], h_p, h_f, delta, budget) for k in range(pairs))
            else:
                p = float(load[slot, d].sum())
                hour = pairs * _left_after_mixing(p / pairs, h_p, h_f, delta, budget)
            total += hour * w
        out.append(total)
    return DailyCapacity(empty, full, out[0], out[1], *busiest)
