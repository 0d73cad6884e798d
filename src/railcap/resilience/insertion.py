"""Freight paths the network still offers, hour by hour, by insertion between the day's passenger trains.

The method (stated; Pachl, *Railway Operation and Control*, ch. 4, minimum headway from
blocking times):

* **stretches**: a freight train can only be overtaken where a point has a track of at
  least its length (740 m), and routes only part at junctions; so consecutive double-track
  sections through points that are neither (degree 2, no 740 m track, same number of track
  pairs) form one *stretch*, which a freight path must run in one go (:func:`stretches`);
* the reference day's passenger trains are kept as they are: each one's times at the
  stretch's points (arrival and departure; only the part of the stretch it runs);
* a freight path of the reference train (740 m, 100 km/h; cumulative running time ``F(j)``
  to point ``j``, speed limits, no stop) entering at ``t`` must stay at least the minimum
  headway ``h`` (the blocking time of the worst block for a 740 m train,
  :func:`~railcap.resilience.capacity.minimum_headway_s`) plus a buffer behind every
  passenger train it follows and ahead of every one that follows it, at every point: a
  passenger train with times ``arr_j``/``dep_j`` blocks entries ``t`` in
  ``(min_j(arr_j − F(j)) − sep, max_j(dep_j − F(j)) + sep)``, ``sep = h + buffer``
  (:func:`blocked_interval`);
* freight paths fill the free entry times at spacing ``sep`` (they follow each other at the
  headway); every path counts in the clock hour it enters the stretch, and counts for
  every section of the stretch;
* **single track**: an opposing train may only enter when the section is clear, so a
  freight train holds the section for its running time plus the fixed times, between the
  occupations of either direction (:func:`single_track_paths`);
* the operating day is ``CapacityParams.operating_hours()`` (05:00–01:00 by default: the
  night is left to maintenance possessions), and each section's hour is also capped by the
  UIC 406 share of what that hour's passenger trains leave
  (:func:`~railcap.resilience.capacity.left_per_hour`): an empty line offers what the norm
  allows, a busy one what its gaps allow, whichever is less.

A path over several stretches may wait at the point between them (a 740 m track or a
junction); the gaps of consecutive stretches are not aligned (the macro network sees
each stretch's paths per hour and their sum over the day).

>>> import numpy as np
>>> blocked_interval(np.array([0.0, 300.0]), np.array([0.0, 300.0]), np.array([0.0, 400.0]), sep=100.0)
(-200.0, 100.0)
>>> free_entries([(-200.0, 100.0), (400.0, 700.0)], sep=100.0, day=(0.0, 800.0)).tolist()
[100.0, 200.0, 300.0, 400.0, 700.0, 800.0]
"""

from __future__ import annotations

import numpy as np

from railcap.model.infrastructure import Network, Section
from railcap.model.timetable import Timetable, TrainClass
from railcap.occupancy.resources import lanes
from railcap.resilience.capacity import (CapacityParams, DailyCapacity, left_per_hour, minimum_headway_s,
                                        running_time_s, section_capacity)

#: planning buffer added to every minimum headway of an inserted freight path (≈ 1 min; ProRail plans in
#: tenths of a minute and keeps buffer times between paths — model choice, [verify] against the norms)
BUFFER_S = 60.0


def blocked_interval(arr_s: np.ndarray, dep_s: np.ndarray, freight_at_s: np.ndarray, sep: float) -> tuple[float, float]:
    """The open interval of freight entry times one passenger train rules out.

    ``arr_s``/``dep_s``: the passenger train's times at the stretch points it passes, ``freight_at_s``
    the freight path's running time from the stretch entry to those points. Ahead of the
    passenger train the freight must pass every point ``sep`` before it arrives; behind it,
    ``sep`` after it departs.
    """
    rel_arr, rel_dep = arr_s - freight_at_s, dep_s - freight_at_s
    return float(rel_arr.min() - sep), float(rel_dep.max() + sep)


def free_entries(blocked: list[tuple[float, float]], sep: float, day: tuple[float, float]) -> np.ndarray:
    """Entry times of freight paths, ``sep`` apart, in ``day`` outside the (open) blocked intervals."""
    out = []
    cursor = day[0]
    for lo, hi in sorted(blocked) + [(day[1] + sep, day[1] + sep)]:
        end = min(lo, day[1] + 1e-9) if lo <= day[1] else day[1]
        if end >= cursor:
            n = int((end - cursor) // sep + 1e-9) + 1
            out.append(cursor + sep * np.arange(n))
        cursor = max(cursor, hi)
        if cursor > day[1]:
            break
    return np.concatenate(out) if out else np.zeros(0)


def single_track_paths(enter_s: np.ndarray, leave_s: np.ndarray, run_s: float, fixed_s: float,
                       buffer_s: float, day: tuple[float, float]) -> np.ndarray:
    """Entry times of freight paths on single track: the whole section must be clear (either direction)."""
    hold = run_s + fixed_s + buffer_s
    blocked = [(float(e) - hold, float(x) + fixed_s + buffer_s) for e, x in zip(enter_s, leave_s)]
    return free_entries(blocked, hold, (day[0], day[1] - hold))


def operating_day_s(params: CapacityParams) -> tuple[float, float]:
    """The operating day in seconds after midnight (the end may pass 24:00)."""
    start = params.first_hour * 3600.0
    return start, start + round(params.hours_per_day) * 3600.0


def on_operating_clock(t_s: np.ndarray, params: CapacityParams) -> np.ndarray:
    """Times folded onto the operating day: 00:30 becomes 24:30 when the day starts at 05:00."""
    t = np.mod(t_s, 86400.0)
    return np.where(t < params.first_hour * 3600.0, t + 86400.0, t)


def _per_hour(entry_s: np.ndarray, day: tuple[float, float]) -> np.ndarray:
    n = int(round((day[1] - day[0]) / 3600.0))
    idx = np.floor((entry_s - day[0]) / 3600.0).astype(np.int64)
    return np.bincount(idx[(idx >= 0) & (idx < n)], minlength=n).astype(float)


def stretches(network: Network, train_length_m: float = 740.0) -> list[tuple[tuple[str, bool], ...]]:
    """Chains of sections a freight path runs in one go: (section id, runs backward) from one end.

    A chain continues through a point that joins exactly two sections with the same number of
    track pairs and has no track of ``train_length_m`` (nowhere to be overtaken); single-track
    sections are stretches of their own.

    >>> from railcap.model.samples import corridor
    >>> [[s for s, _ in c] for c in stretches(corridor())]
    [['j-t'], ['j-x'], ['p-y'], ['y-j']]
    """
    incident: dict[str, list[str]] = {o: [] for o in network.ops}
    for s in network.sections.values():
        incident[s.from_op].append(s.id)
        incident[s.to_op].append(s.id)

    def pairs(sid: str) -> int:
        return network.sections[sid].track_count // 2

    def passes(op_id: str) -> bool:
        secs = incident[op_id]
        op = network.ops[op_id]
        return (len(secs) == 2 and secs[0] != secs[1] and pairs(secs[0]) == pairs(secs[1]) >= 1
                and not any(t.usable_length_m >= train_length_m for t in op.tracks))

    done: set[str] = set()
    out = []
    for sid in sorted(network.sections):
        if sid in done:
            continue
        sec = network.sections[sid]
        if pairs(sid) == 0:
            done.add(sid)
            out.append(((sid, False),))
            continue
        # walk back to the start of the chain, then forward to its end
        cur, at = sid, sec.from_op
        seen = {sid}
        while passes(at):
            nxt = next(x for x in incident[at] if x != cur)
            if nxt in seen:
                break
            seen.add(nxt)
            s2 = network.sections[nxt]
            cur, at = nxt, (s2.from_op if s2.to_op == at else s2.to_op)
        chain, node = [], at
        while True:
            s2 = network.sections[cur]
            backward = s2.from_op != node
            chain.append((cur, backward))
            done.add(cur)
            node = s2.from_op if backward else s2.to_op
            if not passes(node):
                break
            cur = next(x for x in incident[node] if x != cur)
            if cur in done:
                break
        out.append(tuple(chain))
    return sorted(out)


def free_paths_from_timetable(tt: Timetable, network: Network, params: CapacityParams = CapacityParams(),
                              buffer_s: float = BUFFER_S, double_track=None) -> dict[str, np.ndarray]:
    """Freight paths per operating hour (hours, 2: forward, backward) of every section, by insertion.

    Only the timetable's passenger runs are kept (its freight runs are the demand being routed).
    ``double_track(route, day) -> entry times``: the rule for double-track stretches, ``route`` being
    ``(section, reverse, lane)`` legs in running order (e.g. the block-level blocking times of
    :func:`railcap.resilience.blockpaths.block_level`); None: the headway rule above.
    """
    chains = stretches(network, params.freight.length_m)
    where: dict[str, tuple[int, int, bool, int]] = {}  # section -> (chain, position, backward, track pairs)
    for c, chain in enumerate(chains):
        for k, (sid, back) in enumerate(chain):
            where[sid] = (c, k, back, network.sections[sid].track_count // 2)
    # passages[(chain, direction, lane)] -> list of (point indices, arrivals, departures)
    passages: dict[tuple[int, int, int], list[tuple[list[int], list[float], list[float]]]] = {}
    for run in tt.runs:
        if run.train_class != TrainClass.PASSENGER:
            continue
        _add_passages(run, where, passages)
    out: dict[str, np.ndarray] = {}
    day = operating_day_s(params)
    for c, chain in enumerate(chains):
        secs = [network.sections[s] for s, _ in chain]
        hourly = np.zeros((len(params.operating_hours()), 2))
        if secs[0].track_count <= 1:
            rows = passages.get((c, 0, 0), []) + passages.get((c, 1, 0), [])
            enter = np.array([r[2][0] for r in rows]) if rows else np.zeros(0)
            leave = np.array([r[1][-1] for r in rows]) if rows else np.zeros(0)
            folded = on_operating_clock(enter, params)
            paths = single_track_paths(folded, folded + (leave - enter), running_time_s(secs[0], params.freight),
                                       params.fixed_s, buffer_s, day)
            hourly[:, 0] = hourly[:, 1] = _per_hour(paths, day)
        elif double_track is not None:
            for d in (0, 1):
                order = chain if d == 0 else tuple(reversed(chain))
                for lane in range(lanes(secs[0])):
                    route = tuple((network.sections[s], back != (d == 1), lane) for s, back in order)
                    hourly[:, d] += _per_hour(double_track(route, day), day)
        else:
            sep = max(minimum_headway_s(s, params.freight, params) for s in secs) + buffer_s
            cum = np.concatenate([[0.0], np.cumsum([running_time_s(s, params.freight) for s in secs])])
            for d in (0, 1):
                freight_at = cum if d == 0 else cum[-1] - cum  # to point j, entering at the chain's start/end
                entry_len = cum[-1]
                for lane in range(secs[0].track_count // 2):
                    blocked = [_blocked_fast(j, arr, dep, freight_at, sep, params.first_hour * 3600.0)
                               for j, arr, dep in passages.get((c, d, lane), [])]
                    hourly[:, d] += _per_hour(free_entries(blocked, sep, (day[0], day[1] - entry_len)), day)
        for sid, back in chain:
            out[sid] = hourly[:, ::-1] if back else hourly
    return out


def _blocked_fast(idx: list[int], arr: list[float], dep: list[float], freight_at: np.ndarray, sep: float,
                  day_start_s: float) -> tuple[float, float]:
    """:func:`blocked_interval` for one passage in plain Python (called ~100,000 times a day), with the
    passage moved as a whole onto the operating clock by its first departure."""
    t0 = dep[0] % 86400.0
    shift = (t0 + 86400.0 if t0 < day_start_s else t0) - dep[0]
    f = [float(freight_at[j]) for j in idx]
    return (min(a - x for a, x in zip(arr, f)) + shift - sep, max(d - x for d, x in zip(dep, f)) + shift + sep)


def _add_passages(run, where: dict, passages: dict) -> None:
    """Cut one run into its passages over stretches: the points it passes and its times there.

    ``where[section] = (chain, position, runs backward in the chain, track pairs)``.
    """
    cur = None  # (chain, direction, lane), point indices, arrivals, departures
    last = run.points[-1]
    for leg, a, b in zip(run.legs, run.points, run.points[1:]):
        w = where.get(leg.section_id)
        if w is None:
            cur = None
            continue
        c, k, back, pairs = w
        along = leg.reverse == back  # runs in the chain's own direction
        j0, j1 = (k, k + 1) if along else (k + 1, k)
        key = (c, 0 if along else 1, min(leg.lane, max(0, pairs - 1)))
        if cur is None or cur[0] != key or cur[1][-1] != j0:
            cur = (key, [j0], [a.departure_s], [a.departure_s])
            passages.setdefault(key, []).append(cur[1:])
        cur[1].append(j1)
        cur[2].append(b.arrival_s)
        cur[3].append(b.arrival_s if b is last else b.departure_s)


def daily_by_insertion(section: Section, free: np.ndarray | None, passenger_tph: np.ndarray | None,
                       params: CapacityParams = CapacityParams()) -> DailyCapacity:
    """The day's freight paths of a section: each hour's inserted paths, capped by the norm, summed.

    ``free`` (hours, 2) are the stretch's inserted paths (None: no passenger train, the whole hour
    is free), ``passenger_tph`` (hours, 2) the passenger trains per hour for the norm's cap.

    >>> from railcap.model.samples import straight_section
    >>> s = straight_section("a-b", "a", "b", 3_000, 100, block_m=1_500)
    >>> d = daily_by_insertion(s, np.array([[0.0, 30.0], [3.0, 30.0]]), np.array([[12.0, 0.0], [2.0, 0.0]]))
    >>> d.per_hour.tolist(), d.left_per_day_backward
    ([[0.0, 16.0], [3.0, 16.0]], 32.0)
    """
    hours = len(params.operating_hours()) if passenger_tph is None else len(passenger_tph)
    tph = np.zeros((hours, 2)) if passenger_tph is None else passenger_tph
    cap = np.floor(left_per_hour(section, tph, params) + 1e-9)
    hourly = cap if free is None else np.minimum(free, cap)
    empty = section_capacity(section, (0.0, 0.0), params)
    full = empty.paths_per_hour_forward * hours
    return DailyCapacity(empty, full, float(hourly[:, 0].sum()), float(hourly[:, 1].sum()),
                         float(tph[:, 0].max(initial=0.0)), float(tph[:, 1].max(initial=0.0)),
                         per_hour=hourly, method="insertion between the reference day's passenger trains")
