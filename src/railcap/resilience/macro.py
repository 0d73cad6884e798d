"""The macro network: corridors with a daily freight capacity, as arrays.

**Capacity resources** belong to sections: on double (or more) track each
direction has its own, on single track both directions share one. Capacities
are freight trains per day left after the passenger load, summed hour by hour
over the operating day (:mod:`railcap.resilience.capacity`,
:mod:`railcap.resilience.passenger`).

**Corridors** make the LP small without changing its answer:

* a point that is no origin or destination and hangs on a single section (a
  dead end, after repeatedly trimming) can never carry a useful train: its
  sections are left out (*pruned*);
* a chain of sections through points that are no origin or destination and
  join exactly two sections is one corridor: a train entering it runs it to the
  end. The corridor gets two arcs (forward, backward) whose trains consume the
  resources of every section on the chain, its length is the sum and a train type
  may use it when it may use every section.

Closing a section (or a point inside a corridor) closes its corridor.

>>> from railcap.model.samples import corridor
>>> m = build_macro(corridor(), keep={"p", "x", "t"})
>>> m.n_arcs, m.n_resources, [len(c) for c in m.corridor_sections]
(6, 7, [1, 1, 2])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Mapping

import numpy as np
import scipy.sparse as sp

from railcap.model.infrastructure import Network
from railcap.resilience.capacity import CapacityParams, DailyCapacity, daily_capacity
from railcap.resilience.insertion import daily_by_insertion
from railcap.resilience.passenger import PassengerLoad


@dataclass(frozen=True)
class MacroNetwork:
    """Resources per section, corridors of sections and their arcs (corridor ``k`` gives arcs 2k, 2k+1)."""

    op_ids: tuple[str, ...]
    section_ids: tuple[str, ...]
    section_from: np.ndarray  # node index of from_op, per section
    section_to: np.ndarray
    section_resources: np.ndarray  # (S, 2): resource used running forward / backward (equal on single track)
    section_corridor: np.ndarray  # corridor index per section, −1 when pruned
    resource_section: np.ndarray  # section index per resource
    resource_capacity_per_day: np.ndarray  # freight trains/day left after passenger traffic
    resource_full_per_day: np.ndarray  # ... without passenger traffic
    corridor_sections: tuple[tuple[int, ...], ...]
    arc_tail: np.ndarray  # node index, per arc
    arc_head: np.ndarray
    arc_length_km: np.ndarray
    arc_resources: sp.csr_matrix  # (A × R): resources a train on the arc consumes
    arc_section_dir: sp.csr_matrix  # (A × 2S): section directions (2i forward, 2i+1 backward) the arc runs
    capacities: tuple[DailyCapacity, ...]
    #: (R, bands): freight trains left per resource in each hour band of the day (the rows of the LP)
    resource_capacity_per_band: np.ndarray | None = None

    @property
    def n_bands(self) -> int:
        return 1 if self.resource_capacity_per_band is None else self.resource_capacity_per_band.shape[1]

    @property
    def n_arcs(self) -> int:
        return len(self.arc_tail)

    @property
    def n_resources(self) -> int:
        return len(self.resource_capacity_per_day)

    @property
    def n_nodes(self) -> int:
        return len(self.op_ids)

    def node_index(self) -> dict[str, int]:
        return self._node_index

    def section_index(self) -> dict[str, int]:
        return self._section_index

    @cached_property
    def _node_index(self) -> dict[str, int]:
        return {o: i for i, o in enumerate(self.op_ids)}

    @cached_property
    def _section_index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.section_ids)}

    def resources_of_section(self, section_id: str) -> list[int]:
        i = self.section_index()[section_id]
        return sorted(set(self.section_resources[i].tolist()))

    def section_flow(self, arc_flow: np.ndarray) -> np.ndarray:
        """Trains/day per section as (forward, backward) in the section's own orientation."""
        return np.asarray(self.arc_section_dir.T @ arc_flow).reshape(-1, 2)

    def sections_at(self, op_ids: Iterable[str]) -> np.ndarray:
        """Indices of the sections touching any of the points."""
        idx = self.node_index()
        nodes = [idx[o] for o in op_ids]
        return np.flatnonzero(np.isin(self.section_from, nodes) | np.isin(self.section_to, nodes))

    def arc_opposite(self, adjacent_free: np.ndarray) -> sp.csr_matrix:
        """(A × R): the other direction's resource of every section on the arc where ``adjacent_free``
        (a mask over ``section_ids``) says a wide load keeps the adjacent track free; a section whose
        directions share one resource (single track) adds nothing, its one track is charged already."""
        res = self.section_resources
        sec = np.flatnonzero(np.asarray(adjacent_free, dtype=bool) & (res[:, 0] != res[:, 1]))
        rows = np.concatenate([2 * sec, 2 * sec + 1])  # section direction 2s+d ...
        cols = np.concatenate([res[sec, 1], res[sec, 0]])  # ... charges the resource of direction 1-d
        other = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(2 * len(self.section_ids), self.n_resources))
        return sp.csr_matrix(self.arc_section_dir @ other)

    def arcs_of_sections(self, sections: np.ndarray) -> np.ndarray:
        """The arcs of the corridors holding these sections (pruned sections have none)."""
        cor = np.unique(self.section_corridor[sections])
        cor = cor[cor >= 0]
        return np.sort(np.concatenate([2 * cor, 2 * cor + 1])) if len(cor) else np.zeros(0, dtype=np.int64)


def _resources(network: Network, sids: tuple[str, ...], passenger: PassengerLoad, params: CapacityParams):
    """Capacity resources of every section: (S,2) index array, per-resource section, capacities."""
    sec_res = np.zeros((len(sids), 2), dtype=np.int64)
    res_sec: list[int] = []
    left: list[float] = []
    full: list[float] = []
    caps = []
    band = params.band_of_hour()
    per_band: list[np.ndarray] = []
    for i, sid in enumerate(sids):
        if passenger.free_paths is not None:
            c = daily_by_insertion(network.sections[sid], passenger.free_paths.get(sid), passenger.tph(sid), params)
        else:
            c = daily_capacity(network.sections[sid], passenger.of(sid), passenger.weights, params)
        caps.append(c)
        first = len(left)
        per_band += _per_band(c, band)
        if c.shared:
            sec_res[i] = (first, first)
            res_sec.append(i)
            left.append(c.left_per_day_forward)
            full.append(c.full_per_day)
        else:
            sec_res[i] = (first, first + 1)
            res_sec += [i, i]
            left += [c.left_per_day_forward, c.left_per_day_backward]
            full += [c.full_per_day, c.full_per_day]
    return (sec_res, np.array(res_sec, dtype=np.int64), np.array(left), np.array(full), tuple(caps),
            np.array(per_band).reshape(len(left), band.max() + 1))


def _per_band(c: DailyCapacity, band: np.ndarray) -> list[np.ndarray]:
    """The section's freight paths per hour band, one array per resource (one when shared, else two).

    Counted per hour (insertion): each band adds its hours up. Otherwise (headway rule on a flat load)
    the day's figure spread over the hours.
    """
    days = (c.left_per_day_forward,) if c.shared else (c.left_per_day_forward, c.left_per_day_backward)
    out = []
    for d, day in enumerate(days):
        hourly = c.per_hour[:, d] if c.per_hour is not None else np.full(len(band), day / len(band))
        out.append(np.bincount(band, weights=hourly, minlength=band.max() + 1))
    return out


def _live_sections(sec_from: np.ndarray, sec_to: np.ndarray, n_nodes: int, keep: np.ndarray) -> np.ndarray:
    """Sections left after trimming dead ends that are no origin or destination (repeatedly)."""
    live = sec_from != sec_to
    while True:
        deg = np.bincount(sec_from[live], minlength=n_nodes) + np.bincount(sec_to[live], minlength=n_nodes)
        dead = (deg == 1) & ~keep
        drop = live & (dead[sec_from] | dead[sec_to])
        if not drop.any():
            return live
        live &= ~drop


def _chains(sec_from: np.ndarray, sec_to: np.ndarray, live: np.ndarray, keep: np.ndarray,
            n_nodes: int) -> list[list[tuple[int, bool]]]:
    """Chains of live sections between junctions: lists of (section, runs backward when the chain runs forward)."""
    incident: list[list[int]] = [[] for _ in range(n_nodes)]
    for i in np.flatnonzero(live):
        incident[sec_from[i]].append(int(i))
        incident[sec_to[i]].append(int(i))
    interior = np.array([len(incident[n]) == 2 and not keep[n] for n in range(n_nodes)])
    done = np.zeros(len(sec_from), dtype=bool)
    chains = []
    for start in range(n_nodes):
        if interior[start]:
            continue
        for first in incident[start]:
            if done[first]:
                continue
            chain, node, sec = [], start, first
            while True:
                done[sec] = True
                backward = sec_from[sec] != node
                chain.append((sec, bool(backward)))
                node = sec_from[sec] if backward else sec_to[sec]
                if not interior[node]:
                    break
                sec = next(s for s in incident[node] if s != sec)
                if done[sec]:
                    break
            chains.append((start, int(node), chain))
    return [c for s, e, c in chains if s != e]


def build_macro(network: Network, passenger: PassengerLoad | Mapping[str, tuple[float, float]] | None = None,
                params: CapacityParams = CapacityParams(), keep: Iterable[str] | None = None) -> MacroNetwork:
    """Resources and corridors of the network; ``keep`` are the points demand starts or ends at
    (None keeps every point: no pruning or chaining). ``passenger`` is a per-hour load or a flat
    mapping section -> (forward, backward) trains per hour, applied to every operating hour."""
    if not isinstance(passenger, PassengerLoad):
        passenger = PassengerLoad.uniform(passenger or {}, params.hours_per_day)
    ops = tuple(sorted(network.ops))
    node = {o: i for i, o in enumerate(ops)}
    sids = tuple(sorted(network.sections))
    sec_from = np.array([node[network.sections[s].from_op] for s in sids], dtype=np.int64)
    sec_to = np.array([node[network.sections[s].to_op] for s in sids], dtype=np.int64)
    sec_res, res_sec, left, full, caps, per_band = _resources(network, sids, passenger, params)
    keep_mask = np.ones(len(ops), dtype=bool) if keep is None else np.isin(np.arange(len(ops)), [node[k] for k in keep])
    live = _live_sections(sec_from, sec_to, len(ops), keep_mask)
    chains = _chains(sec_from, sec_to, live, keep_mask, len(ops))
    sec_cor = np.full(len(sids), -1, dtype=np.int64)
    tail, head, length = [], [], []
    res_rows, res_cols, dir_rows, dir_cols = [], [], [], []
    for k, chain in enumerate(chains):
        s0, b0 = chain[0]
        sl, bl = chain[-1]
        a = sec_to[s0] if b0 else sec_from[s0]
        z = sec_from[sl] if bl else sec_to[sl]
        tail += [a, z]
        head += [z, a]
        length += [sum(network.sections[sids[s]].length_m for s, _ in chain) / 1000.0] * 2
        for s, backward in chain:
            sec_cor[s] = k
            for arc, d in ((2 * k, int(backward)), (2 * k + 1, 1 - int(backward))):
                res_rows.append(arc)
                res_cols.append(sec_res[s, d])
                dir_rows.append(arc)
                dir_cols.append(2 * s + d)
    n_arcs, n_res = 2 * len(chains), len(left)

    def mat(rows: list, cols: list, ncols: int) -> sp.csr_matrix:
        return sp.csr_matrix((np.ones(len(rows)), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
                             shape=(n_arcs, ncols))

    return MacroNetwork(
        op_ids=ops, section_ids=sids, section_from=sec_from, section_to=sec_to, section_resources=sec_res,
        section_corridor=sec_cor, resource_section=res_sec, resource_capacity_per_day=left,
        resource_full_per_day=full, corridor_sections=tuple(tuple(s for s, _ in c) for c in chains),
        arc_tail=np.array(tail, dtype=np.int64), arc_head=np.array(head, dtype=np.int64),
        arc_length_km=np.array(length, dtype=float), arc_resources=mat(res_rows, res_cols, n_res),
        arc_section_dir=mat(dir_rows, dir_cols, 2 * len(sids)),
        capacities=caps, resource_capacity_per_band=per_band,
    )
