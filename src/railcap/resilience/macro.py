"""The macro network: directed arcs with a daily freight capacity, as arrays.

Every section gives two arcs (forward ``from_op -> to_op`` and backward). A
*capacity resource* is what trains on an arc consume: on double (or more)
track each direction has its own, on single track both directions share one.
Capacities are freight trains per day left after the passenger load
(:mod:`railcap.resilience.capacity`).

>>> from railcap.model.samples import corridor
>>> m = build_macro(corridor())
>>> m.n_arcs, m.n_resources, m.section_ids[0]
(8, 7, 'j-t')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from railcap.model.infrastructure import Network
from railcap.resilience.capacity import CapacityParams, SectionCapacity, section_capacity


@dataclass(frozen=True)
class MacroNetwork:
    """Arrays describing the directed macro network; index ``i`` of a section gives arcs 2i, 2i+1."""

    op_ids: tuple[str, ...]
    section_ids: tuple[str, ...]
    arc_tail: np.ndarray  # node index, per arc
    arc_head: np.ndarray
    arc_section: np.ndarray  # section index, per arc
    arc_length_km: np.ndarray
    arc_resource: np.ndarray  # resource index the arc consumes
    arc_opposite_resource: np.ndarray  # the other direction's resource (same on single track)
    resource_capacity_per_day: np.ndarray  # freight trains/day left after passenger traffic
    resource_full_per_day: np.ndarray  # ... without any passenger traffic
    capacities: tuple[SectionCapacity, ...]

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
        return {o: i for i, o in enumerate(self.op_ids)}

    def section_index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.section_ids)}

    def arcs_of_section(self, section_id: str) -> list[int]:
        i = self.section_index()[section_id]
        return [2 * i, 2 * i + 1]

    def arcs_at_node(self, op_id: str) -> np.ndarray:
        n = self.node_index()[op_id]
        return np.flatnonzero((self.arc_tail == n) | (self.arc_head == n))


def build_macro(network: Network, passenger_tph: Mapping[str, tuple[float, float]] | None = None,
                params: CapacityParams = CapacityParams()) -> MacroNetwork:
    """Arcs and capacity resources of the network; ``passenger_tph`` maps section id to (fwd, bwd)."""
    passenger_tph = passenger_tph or {}
    ops = tuple(sorted(network.ops))
    node = {o: i for i, o in enumerate(ops)}
    sids = tuple(sorted(network.sections))
    tail, head, sec, length, res, opp = [], [], [], [], [], []
    cap_left: list[float] = []
    cap_full: list[float] = []
    caps = []
    for i, sid in enumerate(sids):
        s = network.sections[sid]
        c = section_capacity(s, passenger_tph.get(sid, (0.0, 0.0)), params)
        caps.append(c)
        a, b = node[s.from_op], node[s.to_op]
        tail += [a, b]
        head += [b, a]
        sec += [i, i]
        length += [s.length_m / 1000.0] * 2
        first = len(cap_left)
        if c.shared:
            res += [first, first]
            opp += [first, first]
            cap_left.append(c.left_per_hour_forward * params.hours_per_day)
            cap_full.append(c.paths_per_hour_forward * params.hours_per_day)
        else:
            res += [first, first + 1]
            opp += [first + 1, first]
            cap_left += list(c.left_per_day(params.hours_per_day))
            cap_full += [c.paths_per_hour_forward * params.hours_per_day,
                         c.paths_per_hour_backward * params.hours_per_day]
    return MacroNetwork(
        op_ids=ops, section_ids=sids,
        arc_tail=np.array(tail, dtype=np.int64), arc_head=np.array(head, dtype=np.int64),
        arc_section=np.array(sec, dtype=np.int64), arc_length_km=np.array(length, dtype=float),
        arc_resource=np.array(res, dtype=np.int64), arc_opposite_resource=np.array(opp, dtype=np.int64),
        resource_capacity_per_day=np.array(cap_left, dtype=float),
        resource_full_per_day=np.array(cap_full, dtype=float), capacities=tuple(caps),
    )
