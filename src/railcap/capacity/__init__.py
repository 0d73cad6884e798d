"""Capacity: UIC 406 consumption by compression, spare paths and reserve paths.

An engine: it takes the network, the occupation table and the consist as
arguments and returns plain dataclasses; it reads no files and renders nothing.

* ``compress(table, windows)`` — UIC 406 compression of every line section
  (one track of one section in one direction) in every window → ``Consumption``.
* ``consumption_report(net, table, window)`` — every line section's rate for the
  window and its peak hour against the UIC 406 norms, busiest first; ``.bottlenecks()``.
* ``spare_paths(net, table, corridor, consist, bands)`` — how many more paths of a
  consist fit along a corridor per hour band, by repeated insertion with the path search.
* ``reserve_paths(net, table, corridor, consist, per_band, bands)`` — reserve paths laid out
  the same way; ``reserve_cost(...)`` — the spare freight paths they take away, per band.

>>> from railcap.capacity import compress, consumption_report, spare_paths, MIXED_TRAFFIC
>>> MIXED_TRAFFIC.peak_rate, MIXED_TRAFFIC.daily_rate
(0.75, 0.6)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# name -> the module that defines it. Loaded on first use (PEP 562), so that the UIC 406 report
# (compression, report) does not load the path search that spare and reserve paths need (start-up time).
_WHERE = {
    **dict.fromkeys(("Consumption", "compress", "line_section_of", "section_of"), "compression"),
    **dict.fromkeys(("MIXED_TRAFFIC", "NORMS", "OPERATING_DAY", "CapacityReport", "LineSectionLoad", "Norm",
                     "consumption_report"), "report"),
    **dict.fromkeys(("Reserve", "ReserveCost", "reserve_cost", "reserve_paths"), "reserve"),
    **dict.fromkeys(("Corridor", "HourBand", "SparePath", "SpareResult", "corridor_route", "hour_bands",
                     "spare_paths"), "spare"),
}

if TYPE_CHECKING:
    from railcap.capacity.compression import Consumption, compress, line_section_of, section_of
    from railcap.capacity.report import (
        MIXED_TRAFFIC, NORMS, OPERATING_DAY, CapacityReport, LineSectionLoad, Norm, consumption_report,
    )
    from railcap.capacity.reserve import Reserve, ReserveCost, reserve_cost, reserve_paths
    from railcap.capacity.spare import (
        Corridor, HourBand, SparePath, SpareResult, corridor_route, hour_bands, spare_paths,
    )

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
