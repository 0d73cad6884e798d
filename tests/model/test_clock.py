"""Clock times: read in one place, written so that nothing looks freer than it is."""

import datetime as dt
import doctest

import pytest

from railcap.model import clock as clock_mod
from railcap.model.clock import day_offset, format_clock, format_span, parse_time
from railcap.model.errors import ValidationError


def test_docstring_examples():
    result = doctest.testmod(clock_mod)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("text, seconds", [("00:00", 0.0), ("9:05", 32_700.0), ("23:59:59", 86_399.0),
                                           ("24:00", 86_400.0), ("32:00", 115_200.0), ("47:59:59", 172_799.0)])
def test_clock_times(text, seconds):
    assert parse_time(text, "depart_after") == (seconds, None)


@pytest.mark.parametrize("text, reason", [
    ("48:00", "hours 0-47"), ("14:60", "minutes"), ("14:00:60", "seconds"), ("-1:00", "neither"),
    ("nan", "neither"), ("", "neither"), ("14h00", "neither"), ("2026-11-23", "neither"),
    ("2026-13-01T10:00", "not a valid ISO"), ("2026-11-23T10:00", "before the service day"),
    ("2026-11-26T10:00", "more than 48 h"),
])
def test_bad_times_are_refused_with_the_field_and_the_reason(text, reason):
    with pytest.raises(ValidationError) as exc:
        parse_time(text, "depart_after", dt.date(2026, 11, 24))
    assert "depart_after" in str(exc.value) and reason in str(exc.value)


def test_a_zone_is_converted_to_amsterdam_never_ignored():
    winter = parse_time("2026-11-23T13:00:00+00:00", "t")[0]
    summer = parse_time("2026-07-01T13:00:00+00:00", "t")[0]
    naive = parse_time("2026-11-23T13:00:00", "t")[0]
    assert (winter, summer, naive) == (14 * 3600.0, 15 * 3600.0, 13 * 3600.0)
    # 23:30 UTC on the 23rd is 00:30 on the 24th in Amsterdam: the next service day, or 24:30 of the 23rd
    assert parse_time("2026-11-23T23:30Z", "t") == (1800.0, dt.date(2026, 11, 24))
    assert parse_time("2026-11-23T23:30Z", "t", dt.date(2026, 11, 23))[0] == 88_200.0


def test_start_rounds_down_end_rounds_up_equal_stays_equal():
    assert format_clock(100.5, "down") == "00:01:40" and format_clock(100.5, "up") == "00:01:41"
    assert format_clock(59.0, "up", seconds=False) == "00:01"
    assert format_clock(60.0, "up", seconds=False) == "00:01"
    assert format_clock(60.0, "down", seconds=False) == "00:01"
    assert format_span(3600.7, 3600.7) == "01:00:00–01:00:00"
    assert format_span(3600.0 + 1e-9, 3660.0 - 1e-9, seconds=False) == "01:00–01:01"


def test_day_offset():
    assert [day_offset(t) for t in (0.0, 86_399.9, 86_400.0 - 1e-9, 90_000.0, 172_800.0)] == [0, 0, 1, 1, 2]
