"""Occupations: one train holding one resource from ``start_s`` to ``end_s``.

``Occupation`` is the readable record; ``OccupationTable`` holds many of them as
parallel numpy columns, the form the index and the conflict detector work on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

import numpy as np

from railcap.model.errors import Problem, ValidationError


@dataclass(frozen=True, slots=True)
class Occupation:
    """The blocking time of one train on one resource, in absolute seconds of the day."""

    train_id: str
    resource_id: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class OccupationTable:
    """Occupations as columns: ``train_id`` and ``resource_id`` (object arrays of str),
    ``start_s`` and ``end_s`` (float64). Build with ``of`` or ``concat``.

    >>> t = OccupationTable.of([Occupation("a", "s/+/0", 0.0, 60.0)])
    >>> len(t), t.start_s.tolist()
    (1, [0.0])
    """

    train_id: np.ndarray
    resource_id: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.train_id)
        if not (len(self.resource_id) == len(self.start_s) == len(self.end_s) == n):
            raise ValidationError(Problem("occupation table", "columns",
                                          "all columns must have the same length"))
        bad = np.flatnonzero(~(self.end_s >= self.start_s))
        if bad.size:
            i = int(bad[0])
            raise ValidationError(Problem(
                f"occupation of train '{self.train_id[i]}' on '{self.resource_id[i]}'",
                "end_s", f"ends ({self.end_s[i]}) before it starts ({self.start_s[i]})"))

    @classmethod
    def from_columns(cls, train_id: Sequence[str] | np.ndarray,
                     resource_id: Sequence[str] | np.ndarray,
                     start_s: Sequence[float] | np.ndarray,
                     end_s: Sequence[float] | np.ndarray) -> "OccupationTable":
        return cls(_object_column(train_id), _object_column(resource_id),
                   np.asarray(start_s, dtype=np.float64), np.asarray(end_s, dtype=np.float64))

    @classmethod
    def of(cls, occupations: Iterable[Occupation]) -> "OccupationTable":
        occ = list(occupations)
        return cls.from_columns([o.train_id for o in occ], [o.resource_id for o in occ],
                                [o.start_s for o in occ], [o.end_s for o in occ])

    @classmethod
    def concat(cls, tables: Iterable["OccupationTable"]) -> "OccupationTable":
        ts = list(tables)
        if not ts:
            return cls.from_columns([], [], [], [])
        return cls(np.concatenate([t.train_id for t in ts]),
                   np.concatenate([t.resource_id for t in ts]),
                   np.concatenate([t.start_s for t in ts]),
                   np.concatenate([t.end_s for t in ts]))

    def __len__(self) -> int:
        return len(self.start_s)

    def __iter__(self) -> Iterator[Occupation]:
        for t, r, a, b in zip(self.train_id, self.resource_id, self.start_s.tolist(),
                              self.end_s.tolist()):
            yield Occupation(t, r, a, b)

    def __getitem__(self, rows: slice | np.ndarray) -> "OccupationTable":
        """Rows by slice, index array or boolean mask."""
        return OccupationTable(self.train_id[rows], self.resource_id[rows],
                               self.start_s[rows], self.end_s[rows])

    def to_list(self) -> list[Occupation]:
        return list(self)


def as_table(occupations: OccupationTable | Iterable[Occupation]) -> OccupationTable:
    """Accept either form wherever occupations are consumed."""
    if isinstance(occupations, OccupationTable):
        return occupations
    return OccupationTable.of(occupations)


def factorize(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Integer codes for string values, in order of first appearance.

    >>> codes, names = factorize(np.array(["b", "a", "b"], dtype=object))
    >>> codes.tolist(), names
    ([0, 1, 0], ['b', 'a'])
    """
    items = values.tolist()
    names = list(dict.fromkeys(items))  # first appearance order, at C speed
    code_of = {name: i for i, name in enumerate(names)}
    return np.fromiter(map(code_of.__getitem__, items), dtype=np.int64, count=len(items)), names


def _object_column(values: Sequence[str] | np.ndarray) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values) if not isinstance(values, np.ndarray) else values.astype(object)
    return out
