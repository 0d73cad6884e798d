"""Routes through the network and through a solved flow: the graph a train type may use, independent
(disjoint) routes by unit max flow (networkx), and the trains of a base solution that keep their route
when columns are blocked (scipy's max flow on the LP's balance rows).

>>> from railcap.resilience.samples import demo_network, demo_demand
>>> net, d = demo_network(), demo_demand()
>>> mv = d.military[0]
>>> military_redundancy(net, mv, d.train_types[mv.train_type].may_use).reachable
True
"""

from __future__ import annotations

from typing import Callable

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from railcap.model.infrastructure import Network
from railcap.resilience.demand import MilitaryMovement
from railcap.resilience.flow import Failure
from railcap.resilience.problem import FlowProblem
from railcap.resilience.reports import MilitaryStatus


def compatible_graph(network: Network, allowed: Callable, failure: Failure | None = None) -> nx.MultiGraph:
    """The undirected graph of sections a train may use, without the failed elements."""
    f = failure or Failure()
    g = nx.MultiGraph()
    g.add_nodes_from(o for o in network.ops if o not in f.ops)
    for s in network.sections.values():
        if s.id in f.sections or s.from_op in f.ops or s.to_op in f.ops or not allowed(s):
            continue
        g.add_edge(s.from_op, s.to_op, key=s.id)
    return g


def disjoint_routes(g: nx.MultiGraph, s: str, t: str) -> tuple[int, int]:
    """(edge-disjoint, node-disjoint) routes from s to t, by unit-capacity max flow.

    >>> g = nx.MultiGraph([("a", "b"), ("b", "c"), ("a", "c"), ("a", "c")])
    >>> disjoint_routes(g, "a", "c")
    (3, 3)
    """
    if s not in g or t not in g:
        return 0, 0
    d = nx.DiGraph()
    for u, v in g.edges():
        for x, y in ((u, v), (v, u)):
            cap = d.get_edge_data(x, y, {"capacity": 0})["capacity"]
            d.add_edge(x, y, capacity=cap + 1)
    edge = int(nx.maximum_flow_value(d, s, t)) if s in d and t in d else 0
    split = nx.DiGraph()
    for n in g.nodes:
        split.add_edge((n, "in"), (n, "out"), capacity=len(g) if n in (s, t) else 1)
    for x, y, data in d.edges(data=True):
        split.add_edge((x, "out"), (y, "in"), capacity=data["capacity"] if {x, y} == {s, t} else 1)
    node = int(nx.maximum_flow_value(split, (s, "out"), (t, "in")))
    return edge, node


def military_redundancy(network: Network, mv: MilitaryMovement, allowed: Callable,
                        failure: Failure | None = None) -> MilitaryStatus:
    """Whether a military movement can run and over how many independent compatible routes."""
    g = compatible_graph(network, allowed, failure)
    edge, node = disjoint_routes(g, mv.origin, mv.destination)
    return MilitaryStatus(mv.id, mv.origin, mv.destination, edge > 0, edge, node)


def max_flow_avoiding(p: FlowProblem, x: np.ndarray, blocked: np.ndarray, ends: tuple[np.ndarray, np.ndarray],
                       scale: float = 1000.0) -> float:
    """Trains/day of the base solution ``x`` that can still reach their sink without the ``blocked`` columns.

    Nodes are the LP's balance rows (plus a source and a sink), every flow column with base trains is
    an edge from the row it leaves (``ends[0]``) to the row it enters (``ends[1]``); unmet columns are
    left out (no train runs). Capacities are trains/day × ``scale``, rounded (scipy's max flow works
    on integers).
    """
    r0 = p.resource_row0
    rhs = p.row_lower[:r0]
    tail, head = ends
    use = (x > 1e-9) & (tail >= 0) & (head >= 0)
    use[p.od_col] = False
    use[blocked] = False
    cols = np.flatnonzero(use)
    src, snk = r0, r0 + 1
    supply = np.flatnonzero(rhs > 1e-9)
    demand = np.flatnonzero(rhs < -1e-9)
    t = np.concatenate([tail[cols], np.full(len(supply), src), demand])
    h = np.concatenate([head[cols], supply, np.full(len(demand), snk)])
    cap = np.round(np.concatenate([x[cols], rhs[supply], -rhs[demand]]) * scale).astype(np.int32)
    g = sp.csr_matrix((cap, (t, h)), shape=(r0 + 2, r0 + 2))
    g.sum_duplicates()
    return maximum_flow(g, src, snk).flow_value / scale
