"""UIC 406 capacity consumption by compression of blocking-time stairways.

**Line section.** The stretch on which the order of trains cannot change: one
track of one section in one direction (and lane), i.e. every block whose
resource id starts with ``"{section}/{+|-|0}[lane]"`` (see
``occupancy.resources``). A section runs from one operational point to the
next, so no train can overtake or leave inside it. On a single-track section
both directions share one line section (``"{section}/0"``).

**Compression.** The trains of a window are taken in the order in which they
enter the line section (the start of their first blocking time there). The
first keeps its times; each next one is moved as early as its blocking times
allow: on every block it must not start before every earlier train has
released that block, and it must not enter the line section before the train
ahead. Running times, the order and the blocking times themselves stay as
they are; only whole stairways shift. The *compressed time* is from the
start of the first blocking time to the end of the last one, after
compression; the *occupancy rate* is compressed time / window length
(UIC Code 406, 2nd ed. 2013: infrastructure occupation = compressed time
within the time window considered).

**Window membership.** A train belongs to a window when it enters the line
section within ``[start_s, end_s)``. A stairway that starts late in a window
may end after it, so a rate above 100 % means that the window's trains do not
fit into it even with no buffer at all.

The core works on every line section and every window at once: the trains of
all groups are compressed in lock-step (the k-th train of every group in one
numpy step), so the whole reference day takes well under a second.

>>> from railcap.occupancy import Occupation, OccupationTable
>>> t = OccupationTable.of([
...     Occupation("a", "s/+/0", 0, 60), Occupation("a", "s/+/1", 30, 90),
...     Occupation("b", "s/+/0", 600, 660), Occupation("b", "s/+/1", 630, 690)])
>>> c = compress(t, [(0.0, 3600.0)])[0]
>>> c.line_section, c.trains, c.compressed_s, round(c.rate, 4)
('s/+', 2, 150.0, 0.0417)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from railcap.model.errors import Problem, ValidationError
from railcap.model.occupation import OccupationTable, factorize

Window = tuple[float, float]


@dataclass(slots=True)
class Consumption:
    """Capacity consumption of one line section in one time window."""

    line_section: str  # "{section}/{+|-|0}[lane]"
    window_start_s: float
    window_end_s: float
    trains: int  # trains entering the line section in the window
    compressed_s: float  # time the compressed stairways take, first start to last end

    @property
    def window_s(self) -> float:
        return self.window_end_s - self.window_start_s

    @property
    def rate(self) -> float:
        """Occupancy rate: compressed time / window length (may exceed 1)."""
        return self.compressed_s / self.window_s

    @property
    def section_id(self) -> str:
        return section_of(self.line_section)

    @property
    def direction(self) -> str:
        """'+' (from_op → to_op), '-' (to_op → from_op) or '0' (single track, both ways)."""
        return self.line_section.rsplit("/", 1)[1][:1]

    @property
    def lane(self) -> int:
        tag = self.line_section.rsplit("/", 1)[1][1:]
        return int(tag) if tag else 0


def line_section_of(resource_id: str) -> str:
    """The line section a block belongs to: its resource id without the block number.

    >>> line_section_of("y-j/-1/3"), line_section_of("j-t/0/0")
    ('y-j/-1', 'j-t/0')
    """
    return resource_id.rsplit("/", 1)[0]


def section_of(line_section: str) -> str:
    """The section id of a line section (or of a block resource).

    >>> section_of("y-j/-1"), section_of("y-j/+/4")
    ('y-j', 'y-j')
    """
    parts = line_section.split("/")
    return "/".join(parts[:-2]) if len(parts) >= 3 and parts[-1].isdigit() else "/".join(parts[:-1])


def check_windows(windows: Sequence[Window]) -> None:
    """Every window must end after it starts."""
    for i, (a, b) in enumerate(windows):
        if not b > a:
            raise ValidationError(Problem("capacity", f"window[{i}]", f"ends ({b}) before it starts ({a})"))


def compress(table: OccupationTable, windows: Sequence[Window],
             line_sections: Iterable[str] | None = None) -> list[Consumption]:
    """UIC 406 compression of every line section in every window.

    ``windows`` may overlap (e.g. the hours and the whole day): each is
    compressed on its own. ``line_sections`` restricts the work to those line
    sections. Line sections with no train in a window are left out. Results are
    ordered by window, then line section.
    """
    check_windows(windows)
    table = _restricted(table, line_sections)
    out: list[Consumption] = []
    if not len(table):
        return out
    pre = _Prepared.of(table)
    for layer in _layers(windows):
        out += _compress_layer(pre, [(float(windows[i][0]), float(windows[i][1])) for i in layer])
    order = {(float(a), float(b)): i for i, (a, b) in reversed(list(enumerate(windows)))}
    out.sort(key=lambda c: (order[(c.window_start_s, c.window_end_s)], c.line_section))
    return out


# ----- the vectorised core ----------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """The table as integer codes: rows grouped per (line section, train) pair."""

    start: np.ndarray
    end: np.ndarray
    block: np.ndarray  # block code per row
    pair: np.ndarray  # (line section, train) pair code per row
    pair_ls: np.ndarray  # line-section code per pair
    pair_train: np.ndarray  # train code per pair
    pair_entry: np.ndarray  # first blocking start of the pair
    ls_names: list[str]
    train_names: list[str]

    @classmethod
    def of(cls, table: OccupationTable) -> "_Prepared":
        block, block_names = factorize(table.resource_id)
        ls_of_block, ls_names = factorize(np.array([line_section_of(r) for r in block_names], dtype=object))
        train, train_names = factorize(table.train_id)
        ls = ls_of_block[block]
        key = ls * (len(train_names) + 1) + train
        uniq, pair = np.unique(key, return_inverse=True)
        entry = np.full(len(uniq), np.inf)
        np.minimum.at(entry, pair, table.start_s)
        return cls(table.start_s, table.end_s, block, pair, uniq // (len(train_names) + 1),
                   uniq % (len(train_names) + 1), entry, ls_names, train_names)


def _layers(windows: Sequence[Window]) -> list[list[int]]:
    """Window indices split into layers of windows that do not overlap (each layer in one pass)."""
    layers: list[list[int]] = []
    ends: list[float] = []
    for i in sorted(range(len(windows)), key=lambda i: windows[i]):
        a, b = windows[i]
        for layer, last_end in zip(layers, ends):
            if a >= last_end:
                layer.append(i)
                ends[layers.index(layer)] = b
                break
        else:
            layers.append([i])
            ends.append(b)
    return layers


def _compress_layer(pre: _Prepared, windows: Sequence[Window]) -> list[Consumption]:
    """Compress every line section in each of ``windows`` (sorted, not overlapping) in one pass."""
    starts = np.array([a for a, _ in windows])
    ends = np.array([b for _, b in windows])
    w_of_pair = np.searchsorted(starts, pre.pair_entry, side="right") - 1
    ok = w_of_pair >= 0
    ok[ok] &= pre.pair_entry[ok] < ends[w_of_pair[ok]]
    pairs = np.flatnonzero(ok)
    if not pairs.size:
        return []
    # groups are (window, line section); rank of each pair in its group by entry (train breaks ties)
    w = w_of_pair[pairs]
    order = np.lexsort((pre.pair_train[pairs], pre.pair_entry[pairs], pre.pair_ls[pairs], w))
    pairs, w = pairs[order], w[order]
    ls = pre.pair_ls[pairs]
    first = np.r_[True, (ls[1:] != ls[:-1]) | (w[1:] != w[:-1])]
    group_start = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    rank = np.arange(len(pairs)) - group_start[group]
    n_groups = len(group_start)
    # rows of the selected pairs, sorted by (rank, pair position)
    pos_of_pair = np.full(len(pre.pair_entry), -1)
    pos_of_pair[pairs] = np.arange(len(pairs))
    row_pos = pos_of_pair[pre.pair]
    rows = np.flatnonzero(row_pos >= 0)
    rows = rows[np.argsort(row_pos[rows], kind="stable")]
    rpos = row_pos[rows]
    # rows sorted by pair position; pairs sorted by (group, rank). Re-sort by (rank, group).
    step_order = np.lexsort((group[rpos], rank[rpos]))
    rows, rpos = rows[step_order], rpos[step_order]
    r_rank = rank[rpos]
    cuts = np.searchsorted(r_rank, np.arange(r_rank.max() + 2))
    n_blocks = int(pre.block.max()) + 1
    start, end = pre.start[rows], pre.end[rows]
    block = pre.block[rows] + n_blocks * w[rpos]  # a block in one window is a slot of its own
    blocked_until = np.full(n_blocks * len(windows), -np.inf)  # per slot: latest compressed end
    entered = np.full(n_groups, -np.inf)  # per group: compressed entry of the train ahead
    shift = np.zeros(len(pairs))
    entry = pre.pair_entry[pairs]
    repeats = _has_repeats(rpos, block)
    for k in range(len(cuts) - 1):
        lo, hi = cuts[k], cuts[k + 1]
        if lo == hi:
            continue
        p = rpos[lo:hi]  # pair position of each row in this step (rows of one pair are adjacent)
        need = blocked_until[block[lo:hi]] - start[lo:hi]
        heads = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
        step_pairs = p[heads]
        d = np.maximum.reduceat(need, heads)
        d = np.maximum(d, entered[group[step_pairs]] - entry[step_pairs])
        d = np.where(np.isfinite(d), d, 0.0)  # the first train of a line section keeps its times
        shift[step_pairs] = d
        entered[group[step_pairs]] = entry[step_pairs] + d
        released = end[lo:hi] + np.repeat(d, np.diff(np.r_[heads, hi - lo]))
        if repeats:  # a train meeting one block twice in a window (a route that turns back)
            np.maximum.at(blocked_until, block[lo:hi], released)
        else:
            slots = block[lo:hi]
            blocked_until[slots] = np.maximum(blocked_until[slots], released)
    # compressed span per group: first entry to the last compressed end
    last_end = np.full(n_groups, -np.inf)
    np.maximum.at(last_end, group[rpos], end + shift[rpos])
    compressed = (last_end - entry[group_start]).tolist()
    trains = np.diff(np.r_[group_start, len(pairs)]).tolist()
    names = [pre.ls_names[i] for i in ls[group_start].tolist()]
    wins = [windows[i] for i in w[group_start].tolist()]
    return [Consumption(n, a, b, k, c) for n, (a, b), k, c in zip(names, wins, trains, compressed)]


def _has_repeats(pair: np.ndarray, slot: np.ndarray) -> bool:
    """True when some pair holds one slot twice."""
    key = np.sort(pair.astype(np.int64) * (int(slot.max()) + 1) + slot)
    return bool((key[1:] == key[:-1]).any())


def _restricted(table: OccupationTable, line_sections: Iterable[str] | None) -> OccupationTable:
    if line_sections is None:
        return table
    wanted = set(line_sections)
    keep = np.fromiter((line_section_of(r) in wanted for r in table.resource_id.tolist()),
                       dtype=bool, count=len(table))
    return table[keep]
