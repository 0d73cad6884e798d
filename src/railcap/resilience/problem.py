"""The rerouting LP compiled once per network and demand: commodities, columns, rows, the sparse matrix.

Commodities are aggregated by (origin, usable corridors, sections whose adjacent track the train
keeps free): one flow column per commodity and compatible corridor arc, one *unmet* column per
(origin, destination, train type) with the type's penalty, virtual columns for a switch to another
border crossing (with the foreign resources of the run abroad). Rows: node balance per commodity
and reachable node, one capacity row per Dutch resource and hour band and per foreign resource.
:class:`~railcap.resilience.flow.RerouteEngine` loads the result into HiGHS and answers failures by
changing bounds.

**Out-of-gauge trains.** Which sections a train type may use, and where a wide load keeps the
adjacent track free, both come from ``model.admission`` (:func:`~railcap.model.admission.passage`
for the type's out-of-gauge class): the rule the path search uses for a consist. Where the passage
says "adjacent track kept free", a train on the arc is charged one path on the other direction's
resource as well, in the same hour band. What the hour-band model cannot charge: the passage's
reduced speed (40 km/h along platforms, under structures) holds both tracks longer than one
freight path would; the LP counts freight paths per band, so a wide load costs each of the two
tracks one path.

>>> from railcap.resilience.samples import demo_network, demo_demand
>>> p = build_problem(demo_network(), demo_demand())
>>> p.n_cols > 0, round(p.total_demand, 1)
(True, 36.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, dijkstra

from railcap.model.admission import passage
from railcap.model.infrastructure import Network
from railcap.resilience.capacity import CapacityParams
from railcap.resilience.demand import Crossings, Demand, TrainType
from railcap.resilience.foreign import ForeignNetwork
from railcap.resilience.macro import MacroNetwork, build_macro

INF = highspy.kHighsInf


@dataclass(frozen=True)
class FlowProblem:
    """The compiled LP: the macro network, the commodities and the sparse matrix. Picklable."""

    macro: MacroNetwork
    train_types: dict[str, TrainType]
    od_keys: tuple[tuple[str, str, str], ...]  # (origin, destination, train type) per unmet column
    od_demand: np.ndarray  # trains/day per od key
    od_col: np.ndarray  # column of the unmet variable per od key
    col_arc: np.ndarray  # arc per column, −1 for unmet columns
    col_cost: np.ndarray
    col_upper: np.ndarray
    col_lower: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sp.csc_matrix
    resource_row0: int  # first capacity row; resource r is row resource_row0 + r
    movements: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # military id -> od key
    #: crossing switches: column, od key index (−1 at the origin end: the switch serves the whole
    #: commodity of ``switch_from``), the crossing used instead, which end ("origin"/"destination")
    switch_col: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    switch_od: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    switch_via: tuple[str, ...] = ()
    switch_end: tuple[str, ...] = ()
    switch_from: tuple[str, ...] = ()  # the nominal crossing
    #: the virtual column that takes a flow's trains out of (into) its nominal crossing, per od key (−1: none)
    od_arrive_col: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    od_depart_col: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    col_foreign_km: np.ndarray = field(default_factory=lambda: np.zeros(0))  # km run abroad per train, per column
    foreign: ForeignNetwork | None = None  # its resources are rows after the Dutch ones

    @property
    def n_resource_rows(self) -> int:
        """Capacity rows from ``resource_row0``: each Dutch resource once per hour band, then the foreign ones."""
        return len(self.row_upper) - self.resource_row0

    @property
    def n_resources(self) -> int:
        """Dutch and foreign capacity resources (a Dutch one has a row per hour band)."""
        return self.n_resource_rows - self.macro.n_resources * (self.macro.n_bands - 1)

    def resource_rows(self, resources: np.ndarray) -> np.ndarray:
        """Every capacity row of the given resources (Dutch: one per band; foreign: its one row)."""
        m, r = self.macro, np.asarray(resources, dtype=np.int64)
        dutch = r[r < m.n_resources]
        bands = (dutch[None, :] + m.n_resources * np.arange(m.n_bands)[:, None]).ravel()
        foreign = r[r >= m.n_resources] + m.n_resources * (m.n_bands - 1)
        return self.resource_row0 + np.concatenate([bands, foreign])

    def per_resource(self, row_values: np.ndarray, how=np.sum) -> np.ndarray:
        """Values per capacity row folded to one per resource (Dutch bands combined by ``how``)."""
        m = self.macro
        n = m.n_resources * m.n_bands
        return np.concatenate([how(row_values[:n].reshape(m.n_bands, m.n_resources), axis=0), row_values[n:]])

    @property
    def resource_capacity(self) -> np.ndarray:
        """Freight trains a day per resource (Dutch: its bands added up; foreign: its daily capacity)."""
        return self.per_resource(self.row_upper[self.resource_row0:])

    @property
    def n_cols(self) -> int:
        return self.matrix.shape[1]

    @property
    def total_demand(self) -> float:
        return float(self.od_demand.sum())


def compatible_sections(network: Network, macro: MacroNetwork, tt: TrainType) -> np.ndarray:
    """Boolean mask over ``macro.section_ids``: the sections this train type may use."""
    return np.array([tt.may_use(network.sections[s]) for s in macro.section_ids], dtype=bool)


def adjacent_free_sections(network: Network, macro: MacroNetwork, tt: TrainType) -> np.ndarray | None:
    """Mask over ``macro.section_ids``: where this (out-of-gauge) type keeps the adjacent track free
    (:func:`~railcap.model.admission.passage`); None for a train within the gauge."""
    if not tt.out_of_gauge:
        return None
    return np.array([passage(network.sections[s], tt.out_of_gauge_class).adjacent_free
                     for s in macro.section_ids], dtype=bool)


def compatible_arcs(macro: MacroNetwork, section_ok: np.ndarray) -> np.ndarray:
    """Boolean mask over arcs: a corridor is usable when every section on it is."""
    live = macro.section_corridor >= 0
    bad = np.bincount(macro.section_corridor[live & ~section_ok], minlength=len(macro.corridor_sections))
    return np.repeat(bad == 0, 2)


def _reachable(macro: MacroNetwork, arc_ok: np.ndarray, origins: list[int]) -> np.ndarray:
    """Node indices reachable from any of ``origins`` over the allowed arcs."""
    n = macro.n_nodes
    adj = sp.csr_matrix((np.ones(int(arc_ok.sum())), (macro.arc_tail[arc_ok], macro.arc_head[arc_ok])),
                        shape=(n, n))
    found = [breadth_first_order(adj, o, directed=True, return_predecessors=False) for o in origins]
    return np.unique(np.concatenate(found))


#: a switched train costs 1 km more than the revealed-preference floor, so the nominal crossing wins a tie
SWITCH_TIE_KM = 1.0


def _distances(macro: MacroNetwork, arc_ok: np.ndarray, source: int) -> np.ndarray:
    """Shortest km from ``source`` to every node over the allowed arcs (inf where unreachable)."""
    t, h, w = macro.arc_tail[arc_ok], macro.arc_head[arc_ok], macro.arc_length_km[arc_ok]
    order = np.lexsort((w, h, t))
    t, h, w = t[order], h[order], w[order]
    first = np.ones(len(t), dtype=bool)
    first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])  # parallel arcs: keep the shortest
    n = macro.n_nodes
    adj = sp.csr_matrix((np.maximum(w[first], 1e-9), (t[first], h[first])), shape=(n, n))
    return dijkstra(adj, directed=True, indices=source)


def _switch_cost(floor_km: float, known_km: float) -> float:
    """Cost of one train using another crossing than its own, in km on top of its Dutch run.

    The foreign run is not modelled: ``known_km`` is the known extra foreign running (0 when
    unknown). The floor is revealed preference: the flow chose its crossing, so the whole
    trip via another one is taken to be no shorter, i.e. it costs at least the Dutch km it
    would save. Without the floor the base case would already move flows (e.g. Moerdijk's
    Emmerich trains to the shorter Dutch run to Venlo) and no longer match the crossing counts.
    """
    return max(floor_km, known_km, 0.0) + SWITCH_TIE_KM


def build_problem(network: Network, demand: Demand, params: CapacityParams = CapacityParams(),
                  contract: bool = True, reuse: dict | None = None) -> FlowProblem:
    """Compile network and demand into the LP (done once per network and demand).

    Commodities are (origin, usable corridors, adjacent tracks kept free): train types that may
    use the same corridors and charge the same adjacent tracks share one commodity; each keeps its own unmet columns and penalty.
    ``reuse``: a dict the caller keeps across builds on the *same network object* (demand
    variants): the macro network (same passenger load, params and kept points) and each train
    type's usable arcs are built once and taken from it after, the same objects.
    """
    od: dict[tuple[str, str, str], float] = {}
    for f in demand.flows:
        key = (f.origin, f.destination, f.train_type)
        od[key] = od.get(key, 0.0) + f.trains_per_day
    cross = demand.crossings or Crossings({})
    keep = ({e for k in od for e in k[:2]} | set(cross.country)) if contract else None
    reuse = {} if reuse is None else reuse
    if reuse.setdefault("network", network) is not network:
        raise ValueError("build_problem: 'reuse' belongs to another network")
    passenger = demand.passenger_load()
    key = ("macro", id(passenger), params, None if keep is None else frozenset(keep))
    if key not in reuse:  # the passenger load is kept alive with its macro network, so its id stays its own
        reuse[key] = (build_macro(network, passenger, params, keep=keep), passenger)
    macro = reuse[key][0]
    arc_ok, opposite = {}, {}
    for t, tt in demand.train_types.items():
        if ("arcs", id(macro), tt) not in reuse:
            adjacent = adjacent_free_sections(network, macro, tt)
            reuse[("arcs", id(macro), tt)] = (compatible_arcs(macro, compatible_sections(network, macro, tt)),
                                              None if adjacent is None else macro.arc_opposite(adjacent))
        arc_ok[t], opposite[t] = reuse[("arcs", id(macro), tt)]
    node = macro.node_index()
    commodities: dict[tuple, list[tuple[str, str, float]]] = {}
    for (o, d, t), n in sorted(od.items()):
        wide = opposite[t]
        cls = (o, arc_ok[t].tobytes(), b"" if wide is None else wide.indices.tobytes() + wide.indptr.tobytes())
        commodities.setdefault(cls, []).append((d, t, n))
    b = _Builder(macro)
    od_keys, od_cols, od_dem = [], [], []
    # the switch floors compare routes a train could really take: no arc over a resource without capacity
    open_arc = np.asarray(macro.arc_resources @ (macro.resource_capacity_per_day <= 1e-9)).ravel() == 0
    for (o, _, _), dests in commodities.items():
        ok, wide = arc_ok[dests[0][1]], opposite[dests[0][1]]
        dist_o = _distances(macro, ok & open_arc, node[o])
        src_alts = []
        for c in cross.alternatives(o):
            dist_c = _distances(macro, ok & open_arc, node[c])
            gain = [dist_o[node[d]] - dist_c[node[d]] for d, _, _ in dests
                    if np.isfinite(dist_o[node[d]]) and np.isfinite(dist_c[node[d]])]
            src_alts.append((node[c], _switch_cost(max(gain, default=0.0), cross.known_extra_km(o, c)), c,
                             *cross.foreign_run(c, o, outbound=False)))
        reach = _reachable(macro, ok, [node[o]] + [a[0] for a in src_alts])
        sinks = []
        for d, t, n in dests:
            alts = [(node[c], _switch_cost(dist_o[node[d]] - dist_o[node[c]] if np.isfinite(dist_o[node[d]])
                                           and np.isfinite(dist_o[node[c]]) else 0.0,
                                           cross.known_extra_km(d, c)), c, *cross.foreign_run(c, d, outbound=True))
                    for c in cross.alternatives(d)]
            sinks.append((node[d], n, demand.train_types[t].unmet_penalty_km, alts, cross.foreign_run(d, d, True)))
        cols = b.commodity(node[o], reach, ok, wide, sinks, src_alts, len(od_keys), cross.foreign_run(o, o, False))
        for (d, t, n), c in zip(dests, cols):
            od_keys.append((o, d, t))
            od_cols.append(c)
            od_dem.append(n)
    moves = {m.id: (m.origin, m.destination, m.train_type) for m in demand.military}
    return b.finish(macro, demand.train_types, od_keys, np.array(od_dem), np.array(od_cols, dtype=np.int64), moves,
                    cross.foreign)


class _Builder:
    """Accumulates columns (triplets) commodity by commodity, then adds the capacity rows."""

    def __init__(self, macro: MacroNetwork):
        self.macro = macro
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.col_arc: list[np.ndarray] = []
        self.cost: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.rhs: list[tuple[int, dict[int, float]]] = []  # (first row, row -> right-hand side)
        self.res_entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (col, resource, value)
        self.switches: list[tuple[int, int, str, str, str]] = []  # (column, od, crossing used, end, nominal)
        self.arrive: list[int] = []
        self.depart: list[int] = []
        self.foreign_km: dict[int, float] = {}  # column -> foreign km run per train
        self.n_cols = 0
        self.n_rows = 0

    def _add_cols(self, n: int, arc: np.ndarray, cost: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        idx = np.arange(self.n_cols, self.n_cols + n)
        self.n_cols += n
        self.col_arc.append(arc)
        self.cost.append(cost)
        self.lower.append(lo)
        self.upper.append(hi)
        return idx

    def _entries(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> None:
        self.rows.append(rows)
        self.cols.append(cols)
        self.vals.append(vals)

    def _row(self) -> int:
        self.n_rows += 1
        return self.n_rows - 1

    def commodity(self, origin: int, reach: np.ndarray, arc_ok: np.ndarray, wide: sp.csr_matrix | None,
                  dests: list[tuple], src_alts: list, od0: int,
                  own_src: tuple[float, tuple[int, ...]] = (0.0, ())) -> list[int]:
        """Add one commodity's balance rows, arc columns and unmet columns; return the unmet columns.

        ``wide``: for a wide load, the other-direction resources each arc also takes (A × R), else None.

        ``dests``: (node, trains, penalty, crossings the trains may end at instead: (node, cost, op id,
        foreign km, foreign resources), the own crossing's foreign run (km, resources));
        ``src_alts``: crossings the trains may start at instead of ``origin`` (the same fields);
        ``od0``: the od index of the first destination; ``own_src``: the foreign run into the own
        crossing. A flow with alternatives at its destination ends in a virtual sink fed by its own
        crossing (cost 0) and by the others (their switch cost); at its origin it starts at a virtual
        source likewise. Every virtual column uses the foreign resources of its run abroad.
        """
        m = self.macro
        first = self.n_rows
        rhs: dict[int, float] = {}
        ends = {origin, *(a[0] for a in src_alts), *(d[0] for d in dests), *(a[0] for d in dests for a in d[3])}
        row_of = self._band_layers(reach, arc_ok, wide, np.array(sorted(ends), dtype=np.int64))
        total = sum(d[1] for d in dests)
        supply_row, depart = row_of[origin], -1
        src = [a for a in src_alts if row_of[a[0]] >= 0]
        if src_alts:
            supply_row = self._row()
            if row_of[origin] >= 0:
                depart = self._virtual(supply_row, row_of[origin], 0.0, INF, *own_src)
            for nd, cost, via, km, res in src:
                self.switches.append((self._virtual(supply_row, row_of[nd], cost, INF, km, res), -1, via, "origin",
                                      self.macro.op_ids[origin]))
        rhs[supply_row] = rhs.get(supply_row, 0.0) + total
        unmet = []
        for k, (d, n, penalty, alts, own) in enumerate(dests):
            od = od0 + k
            ends = [a for a in alts if row_of[a[0]] >= 0]
            arrive = -1
            if alts:
                sink = self._row()
                if row_of[d] >= 0:
                    arrive = self._virtual(row_of[d], sink, 0.0, INF, *own)
                for nd, cost, via, km, res in ends:
                    self.switches.append((self._virtual(row_of[nd], sink, cost, INF, km, res), od, via, "destination",
                                          self.macro.op_ids[d]))
                reachable = arrive >= 0 or bool(ends)
            else:
                sink = row_of[d]
                reachable = sink >= 0
            u = self._add_cols(1, np.array([-1]), np.array([penalty]),
                               np.array([0.0 if reachable else n]), np.array([n]))
            self._entries(np.array([supply_row]), u, np.array([1.0]))
            if sink >= 0:
                self._entries(np.array([sink]), u, np.array([-1.0]))
                rhs[sink] = rhs.get(sink, 0.0) - n
            unmet.append(int(u[0]))
            self.arrive.append(arrive)
            self.depart.append(depart)
        self.rhs.append((first, rhs))
        return unmet

    def _band_layers(self, reach: np.ndarray, arc_ok: np.ndarray, wide: sp.csr_matrix | None,
                     ends: np.ndarray) -> np.ndarray:
        """One layer of balance rows and arc columns per hour band, and a hub row per end point.

        A train runs all of its corridors in one band (each band's arcs use that band's capacity rows);
        it chooses its band at its origin's hub and leaves it at its destination's: trains wait (change
        band) only where they start or end, at a yard or a border. Returns each node's hub row (−1: none).
        """
        m, n_bands = self.macro, self.macro.n_bands
        band_row = np.full((n_bands, m.n_nodes), -1, dtype=np.int64)
        band_row[:, reach] = self.n_rows + np.arange(n_bands * len(reach)).reshape(n_bands, len(reach))
        self.n_rows += n_bands * len(reach)
        arcs = np.flatnonzero(arc_ok & (band_row[0, m.arc_tail] >= 0))
        one = np.ones(len(arcs))
        for b in range(n_bands):
            c = self._add_cols(len(arcs), arcs, m.arc_length_km[arcs], np.zeros(len(arcs)), np.full(len(arcs), INF))
            self._entries(band_row[b, m.arc_tail[arcs]], c, one)
            self._entries(band_row[b, m.arc_head[arcs]], c, -one)
            for mat in (m.arc_resources,) if wide is None else (m.arc_resources, wide):
                sub = mat[arcs].tocoo()
                self.res_entries.append((c[sub.row], sub.col.astype(np.int64) + b * m.n_resources, sub.data))
        hub = np.full(m.n_nodes, -1, dtype=np.int64)
        for node in ends[band_row[0, ends] >= 0]:
            hub[node] = self._row()
            rows = band_row[:, node]
            for tail, head in ((np.full(n_bands, hub[node]), rows), (rows, np.full(n_bands, hub[node]))):
                c = self._add_cols(n_bands, np.full(n_bands, -1), np.zeros(n_bands), np.zeros(n_bands),
                                   np.full(n_bands, INF))
                self._entries(tail, c, np.ones(n_bands))
                self._entries(head, c, -np.ones(n_bands))
        return hub

    def _virtual(self, tail_row: int, head_row: int, cost: float, upper: float, foreign_km: float = 0.0,
                 foreign_res: tuple[int, ...] = ()) -> int:
        """A column that carries trains from one balance row to another (no Dutch track; abroad it uses
        the foreign resources, numbered after the Dutch ones)."""
        col = self._add_cols(1, np.array([-1]), np.array([cost]), np.zeros(1), np.array([upper]))
        self._entries(np.array([tail_row, head_row]), np.repeat(col, 2), np.array([1.0, -1.0]))
        if foreign_res:
            r = -1 - np.array(foreign_res, dtype=np.int64)  # foreign resource k is −1−k until finish()
            self.res_entries.append((np.repeat(col, len(r)), r, np.ones(len(r))))
        if foreign_km:
            self.foreign_km[int(col[0])] = foreign_km
        return int(col[0])

    def finish(self, macro: MacroNetwork, types: dict[str, TrainType], od_keys: list, od_dem: np.ndarray,
               od_cols: np.ndarray, moves: dict, foreign: ForeignNetwork | None = None) -> FlowProblem:
        r0 = self.n_rows
        n_dutch = macro.n_resources * macro.n_bands  # band b of resource r is row r0 + b·R + r; foreign after
        rows = list(self.rows) + [r0 + np.where(r < 0, n_dutch - 1 - r, r) for _, r, _ in self.res_entries]
        cols = list(self.cols) + [c for c, _, _ in self.res_entries]
        vals = list(self.vals) + [v for _, _, v in self.res_entries]
        foreign_cap = np.array(foreign.resource_capacity if foreign is not None else (), dtype=float)
        n_rows = r0 + n_dutch + len(foreign_cap)
        a = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(n_rows, self.n_cols))
        a.sum_duplicates()
        rhs = np.zeros(r0)
        for _, rows_rhs in self.rhs:
            for row, v in rows_rhs.items():
                rhs[row] += v
        cat = lambda xs: np.concatenate(xs) if xs else np.zeros(0)  # noqa: E731
        return FlowProblem(
            macro=macro, train_types=types, od_keys=tuple(od_keys), od_demand=od_dem, od_col=od_cols,
            col_arc=cat(self.col_arc).astype(np.int64), col_cost=cat(self.cost),
            col_lower=cat(self.lower), col_upper=cat(self.upper),
            row_lower=np.concatenate([rhs, np.full(n_dutch + len(foreign_cap), -INF)]),
            row_upper=np.concatenate([rhs, macro.resource_capacity_per_band.T.ravel(), foreign_cap]),
            matrix=a, resource_row0=r0, movements=moves,
            switch_col=np.array([w[0] for w in self.switches], dtype=np.int64),
            switch_od=np.array([w[1] for w in self.switches], dtype=np.int64),
            switch_via=tuple(w[2] for w in self.switches), switch_end=tuple(w[3] for w in self.switches),
            switch_from=tuple(w[4] for w in self.switches),
            od_arrive_col=np.array(self.arrive, dtype=np.int64), od_depart_col=np.array(self.depart, dtype=np.int64),
            col_foreign_km=_dense(self.foreign_km, self.n_cols), foreign=foreign,
        )


def _dense(values: dict[int, float], n: int) -> np.ndarray:
    out = np.zeros(n)
    if values:
        out[np.fromiter(values.keys(), dtype=np.int64)] = np.fromiter(values.values(), dtype=float)
    return out
