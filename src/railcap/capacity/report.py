"""Capacity consumption per line section against the UIC 406 norms: peak hour, window, bottlenecks.

**Norms.** UIC Code 406 (2nd edition, June 2013) recommends upper limits for
the infrastructure occupation (compressed time / time window) by type of line,
for the peak hour and for the daily period; they are the values of the 1st
edition (2004): dedicated suburban passenger traffic 85 % / 70 %, dedicated
high-speed lines 75 % / 60 %, **mixed-traffic lines 75 % / 60 %**. The Dutch
network carries passenger and freight on the same tracks, so the mixed-traffic
values are the default. [verify] the table of the 2nd edition was not readable
here; the values are those widely quoted from both editions (e.g. Landex et al.,
"Capacity measurement with the UIC 406 capacity method", WIT Transactions on the
Built Environment 103, 2008).

**Windows.** The default period is the operating day 06:00–24:00 (the
"daily period" of UIC 406) and its 18 hours; the peak hour of a line section is
its busiest whole hour. A window given by the user is compared with the peak
norm when it is at most ``PEAK_PERIOD_MAX_S`` long (a peak period), otherwise
with the daily norm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from railcap.capacity.compression import Consumption, Window, check_windows, compress, section_of
from railcap.model.infrastructure import Network
from railcap.model.occupation import OccupationTable

HOUR_S = 3600.0
OPERATING_DAY: Window = (6 * HOUR_S, 24 * HOUR_S)
PEAK_PERIOD_MAX_S = 3 * HOUR_S
NORM_SOURCE = ("UIC Code 406, 2nd ed. (June 2013), recommended infrastructure occupation by type of line "
               "(peak hour / daily period), values as in the 1st ed. (2004) [verify]")


@dataclass(frozen=True)
class Norm:
    """Upper limits of the occupancy rate (fractions) for one type of line."""

    line_type: str
    peak_rate: float
    daily_rate: float
    source: str = NORM_SOURCE


MIXED_TRAFFIC = Norm("mixed-traffic lines", 0.75, 0.60)
NORMS = {"mixed": MIXED_TRAFFIC,
         "suburban": Norm("dedicated suburban passenger traffic", 0.85, 0.70),
         "high-speed": Norm("dedicated high-speed lines", 0.75, 0.60)}


@dataclass(frozen=True)
class LineSectionLoad:
    """One line section over the period: its rate for the whole window and its busiest hour."""

    line_section: str
    section_id: str
    from_op: str  # where its trains enter ('0': single track, both ways — from_op of the section)
    to_op: str
    length_m: float
    window: Consumption
    peak: Consumption  # the busiest whole hour in the window
    window_limit: float  # the norm the window's rate is held against
    peak_limit: float

    @property
    def over_window_norm(self) -> bool:
        return self.window.rate > self.window_limit

    @property
    def over_peak_norm(self) -> bool:
        return self.peak.rate > self.peak_limit

    @property
    def over_norm(self) -> bool:
        return self.over_window_norm or self.over_peak_norm

    @property
    def both_ways(self) -> bool:
        return self.window.direction == "0"


@dataclass(frozen=True)
class CapacityReport:
    """Consumption of every line section with traffic in the window, busiest first."""

    window_start_s: float
    window_end_s: float
    norm: Norm
    window_is_peak: bool  # the window is held against the peak norm
    loads: tuple[LineSectionLoad, ...]

    def bottlenecks(self, n: int | None = None) -> list[LineSectionLoad]:
        """Line sections above a norm, busiest first (at most ``n``)."""
        over = [x for x in self.loads if x.over_norm]
        return over if n is None else over[:n]

    def of_section(self, section_id: str) -> list[LineSectionLoad]:
        return [x for x in self.loads if x.section_id == section_id]


def consumption_report(net: Network, table: OccupationTable, window: Window = OPERATING_DAY, *,
                       norm: Norm = MIXED_TRAFFIC, sections: Iterable[str] | None = None) -> CapacityReport:
    """UIC 406 consumption of every line section in ``window`` and in each whole hour of it.

    ``sections`` (section ids) restricts the report. Line sections are ordered by
    their peak-hour rate, then the window's rate (busiest first).

    >>> from railcap.model.samples import corridor
    >>> from railcap.occupancy import Occupation, OccupationTable
    >>> t = OccupationTable.of([Occupation("a", "y-j/+/0", 100, 400), Occupation("b", "y-j/+/0", 2000, 2300)])
    >>> r = consumption_report(corridor(), t, (0, 3600))
    >>> x = r.loads[0]
    >>> x.line_section, x.from_op, x.to_op, round(x.window.rate, 3), x.over_norm
    ('y-j/+', 'y', 'j', 0.167, False)
    """
    check_windows([window])
    a, b = float(window[0]), float(window[1])
    hours = _hours(a, b)
    line_sections = None
    if sections is not None:
        wanted = set(sections)
        line_sections = {_line(r) for r in set(table.resource_id.tolist()) if section_of(r) in wanted}
    found = compress(table, [(a, b)] + [h for h in hours if h != (a, b)], line_sections)
    whole = {c.line_section: c for c in found if (c.window_start_s, c.window_end_s) == (a, b)}
    peak: dict[str, Consumption] = {}
    hour_set = set(hours)
    for c in found:
        if (c.window_start_s, c.window_end_s) in hour_set:
            best = peak.get(c.line_section)
            if best is None or c.rate > best.rate:
                peak[c.line_section] = c
    is_peak = (b - a) <= PEAK_PERIOD_MAX_S
    loads = [_load(net, ls, c, peak.get(ls, c), norm.peak_rate if is_peak else norm.daily_rate, norm.peak_rate)
             for ls, c in whole.items()]
    loads.sort(key=lambda x: (-x.peak.rate, -x.window.rate, x.line_section))
    return CapacityReport(a, b, norm, is_peak, tuple(loads))


def _hours(a: float, b: float) -> list[Window]:
    """The whole hours of the window (the window itself when it is shorter than an hour)."""
    out, t = [], a
    while t + HOUR_S <= b + 1e-9:
        out.append((t, t + HOUR_S))
        t += HOUR_S
    return out or [(a, b)]


def _line(resource_id: str) -> str:
    return resource_id.rsplit("/", 1)[0]


def _load(net: Network, ls: str, whole: Consumption, peak: Consumption, window_limit: float,
          peak_limit: float) -> LineSectionLoad:
    sid = whole.section_id
    sec = net.sections.get(sid)
    if sec is None:
        a, b, length = "?", "?", 0.0
    elif whole.direction == "-":
        a, b, length = sec.to_op, sec.from_op, sec.length_m
    else:
        a, b, length = sec.from_op, sec.to_op, sec.length_m
    return LineSectionLoad(ls, sid, a, b, length, whole, peak, window_limit, peak_limit)
