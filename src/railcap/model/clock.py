"""Clock times of a service day: the one place they are read and written.

Inside railcap a time is **seconds from midnight of the service day** (a
float, wall-clock time in Europe/Amsterdam). A train that runs past midnight
keeps counting: 25:30 is 01:30 the next morning, still on the day the train
started. A time given as 24:00 or later therefore falls in the early hours of
the *next* calendar day; :func:`day_offset` tells which.

Reading (:func:`parse_time`):

* ``HH:MM`` or ``HH:MM:SS`` on the service day, hours 0–47;
* an ISO date-time (``2026-11-23T14:05``); a naive one is Amsterdam local
  time; one with an explicit zone (``Z``, ``+01:00``) is converted to
  Amsterdam local time. A zone that cannot be converted, or a date-time
  before the service day, is refused with the reason.

Writing (:func:`format_clock`, :func:`format_span`) rounds so that nothing
looks freer than the engine held it: the start of an occupation is rounded
down, its end up; a time given as both start and end (a pass) stays one
time; values a float's last bits apart format alike.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Literal

from railcap.model.errors import Problem, ValidationError

DAY_S = 86_400.0
MAX_HOURS = 47  # a service day's trains may run until 47:59:59 (the morning after next is refused)
LOCAL_ZONE_NAME = "Europe/Amsterdam"
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
_EPS_S = 1e-6  # times closer than this are one time (float noise of sums of running times)

Rounding = Literal["down", "up", "nearest"]


def _local_zone() -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(LOCAL_ZONE_NAME)


def parse_time(text: str, field_name: str, day: dt.date | None = None,
               element: str = "request") -> tuple[float, dt.date | None]:
    """Seconds from midnight of the service day, and the date given (None for a bare clock time).

    ``day`` is the service date the time belongs to (e.g. the date of the
    departure, for an arrival window); an ISO time on a later date counts from
    that day's midnight (one day later = +86,400 s). Without ``day`` an ISO
    time's own date is the service date.

    >>> parse_time("14:20", "depart_after")
    (51600.0, None)
    >>> parse_time("25:30:15", "depart_after")
    (91815.0, None)
    >>> parse_time("2026-11-23T01:30", "arrive_before", dt.date(2026, 11, 22))
    (91800.0, datetime.date(2026, 11, 23))
    >>> parse_time("2026-11-23T13:05:00Z", "depart_after")  # UTC, winter: Amsterdam is UTC+1
    (50700.0, datetime.date(2026, 11, 23))
    >>> parse_time("2026-07-01T12:00+02:00", "depart_after")[0] / 3600
    12.0
    >>> parse_time("14:61", "depart_after")
    Traceback (most recent call last):
    ...
    railcap.model.errors.ValidationError: request: field 'depart_after': '14:61' is not a time (HH:MM[:SS], hours 0-47, minutes and seconds 0-59)
    """
    raw = str(text).strip()
    m = _CLOCK.match(raw)
    if m:
        h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
        if mi > 59 or s > 59 or h > MAX_HOURS:
            raise ValidationError(Problem(element, field_name, f"'{raw}' is not a time (HH:MM[:SS], hours "
                                                               f"0-{MAX_HOURS}, minutes and seconds 0-59)"))
        return float(h * 3600 + mi * 60 + s), None
    if not _ISO.match(raw):
        raise ValidationError(Problem(element, field_name, f"'{raw}' is neither HH:MM[:SS] nor an ISO "
                                                           f"date-time (2026-11-23T14:05)"))
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(Problem(element, field_name, f"'{raw}' is not a valid ISO date-time: {exc}")) from None
    when = _to_local(when, raw, field_name, element)
    base = day or when.date()
    days = (when.date() - base).days
    if days < 0:
        raise ValidationError(Problem(element, field_name, f"'{raw}' is before the service day "
                                                           f"{base.isoformat()}"))
    seconds = days * DAY_S + when.hour * 3600 + when.minute * 60 + when.second + when.microsecond / 1e6
    if seconds >= (MAX_HOURS + 1) * 3600:
        raise ValidationError(Problem(element, field_name, f"'{raw}' is more than {MAX_HOURS + 1} h after "
                                                           f"the start of the service day {base.isoformat()}"))
    return float(seconds), when.date()


def _to_local(when: dt.datetime, raw: str, field_name: str, element: str) -> dt.datetime:
    """A date-time with an explicit zone as Amsterdam wall-clock time (naive); naive ones as given."""
    if when.tzinfo is None:
        return when
    try:
        zone = _local_zone()
    except Exception as exc:  # no time-zone database on this machine: refuse rather than guess
        raise ValidationError(Problem(element, field_name,
                                      f"'{raw}' names a time zone, but {LOCAL_ZONE_NAME} is unknown on this "
                                      f"machine ({exc}); give the local time without a zone")) from None
    return when.astimezone(zone).replace(tzinfo=None)


def day_offset(t_s: float) -> int:
    """Which calendar day after the service day a time falls on (0 = the service day itself).

    >>> day_offset(3600.0), day_offset(86_400.0), day_offset(91_800.0)
    (0, 1, 1)
    """
    return int(math.floor((t_s + _EPS_S) / DAY_S))


def _whole_seconds(t_s: float, rounding: Rounding) -> int:
    if not math.isfinite(t_s):
        raise ValueError(f"{t_s} is not a time")
    nearest = round(t_s)
    if abs(t_s - nearest) < _EPS_S or rounding == "nearest":
        return int(nearest)
    return int(math.floor(t_s) if rounding == "down" else math.ceil(t_s))


def format_clock(t_s: float, rounding: Rounding = "nearest", seconds: bool = True) -> str:
    """``HH:MM:SS`` (or ``HH:MM``) for seconds from midnight of the service day; hours pass 24.

    ``rounding`` says which way a fraction goes: ``"down"`` for the start of
    an occupation or a departure bound, ``"up"`` for its end. Without seconds
    the minute is rounded the same way.

    >>> format_clock(51_600.0)
    '14:20:00'
    >>> format_clock(51_659.2, "down", seconds=False), format_clock(51_600.2, "up", seconds=False)
    ('14:20', '14:21')
    >>> format_clock(51_599.9999999, "up")  # float noise is not a second
    '14:20:00'
    >>> format_clock(91_815.0)
    '25:30:15'
    """
    t = _whole_seconds(t_s, rounding)
    if not seconds:
        minutes = t / 60.0
        t = 60 * (math.floor(minutes) if rounding == "down" else math.ceil(minutes) if rounding == "up"
                  else round(minutes))
    sign, t = ("-", -t) if t < 0 else ("", t)
    h, m, s = t // 3600, t % 3600 // 60, t % 60
    return f"{sign}{h:02d}:{m:02d}:{s:02d}" if seconds else f"{sign}{h:02d}:{m:02d}"


def format_span(start_s: float, end_s: float, seconds: bool = True) -> str:
    """``start–end`` of an occupation or a stay: start rounded down, end up; equal times stay equal.

    >>> format_span(51_600.4, 51_659.2)
    '14:20:00–14:21:00'
    >>> format_span(51_600.4, 51_659.2, seconds=False)
    '14:20–14:21'
    >>> format_span(51_630.0, 51_630.0, seconds=False)
    '14:20–14:20'
    """
    if abs(end_s - start_s) < _EPS_S:
        both = format_clock(start_s, "down", seconds)
        return f"{both}–{both}"
    return f"{format_clock(start_s, 'down', seconds)}–{format_clock(end_s, 'up', seconds)}"


def clock(t_s: float) -> str:
    """``HH:MM:SS`` rounded to the nearest second (hours may pass 24): times that are not bounds.

    >>> clock(90_030.4)
    '25:00:30'
    """
    return format_clock(t_s, "nearest")


__all__ = ["DAY_S", "MAX_HOURS", "clock", "day_offset", "format_clock", "format_span", "parse_time"]
