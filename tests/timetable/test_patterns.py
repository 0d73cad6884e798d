"""Reading the 2026 service patterns: a page's series, their minutes and how often they run."""

from __future__ import annotations

import json

import pytest

from railcap.model.errors import InputFileError
from railcap.data.patterns import read_page


def _page(tmp_path, series: list[dict], minutes: dict) -> None:
    (tmp_path / "page1.series.json").write_text(json.dumps({"page": 1, "series": series}), "utf-8")
    (tmp_path / "page1.minutes.json").write_text(json.dumps({"series": minutes}), "utf-8")


def _series(sid: str, cls: str, trips: int) -> dict:
    return {"id": sid, "product": "Sprinter", "kind": "binnenland",
            "frequency": {"class": cls, "note": f"GTFS-afgeleid: ~{trips} ritten per dag (beide richtingen)"},
            "routes": [{"stops": ["a", "b"]}]}


def test_a_regular_series_keeps_its_headway_and_an_irregular_one_its_trips(tmp_path):
    """A series of class 'overig' with 4 trips a day shows a 30 min gap between them; that is
    no half-hourly service, so it gets no headway and keeps its 4 trips."""
    minutes = {s: {"headwayMinutes": 30.0, "routes": [{"arr": [0, 10], "dep": [0, 10]}]} for s in ("1", "2")}
    _page(tmp_path, [_series("1", "2x_per_uur", 52), _series("2", "overig", 4)], minutes)
    regular, irregular = read_page(tmp_path, 1)
    assert (regular.headway_min, regular.trips_per_day_both) == (30.0, 52)
    assert (irregular.headway_min, irregular.trips_per_day_both) == (None, 4)


def test_a_regular_series_without_a_measured_headway_takes_its_class(tmp_path):
    minutes = {s: {"headwayMinutes": None, "routes": [{"arr": [0, 10], "dep": [0, 10]}]} for s in ("1", "2", "3")}
    _page(tmp_path, [_series("1", "2x_per_uur", 46), _series("2", "1x_per_uur", 22), _series("3", "overig", 3)],
          minutes)
    assert [p.headway_min for p in read_page(tmp_path, 1)] == [30.0, 60.0, None]


def test_a_series_without_minutes_is_named(tmp_path):
    _page(tmp_path, [_series("7", "2x_per_uur", 52)], {})
    with pytest.raises(InputFileError, match="7"):
        read_page(tmp_path, 1)


def test_a_measured_headway_that_would_plan_far_more_trips_than_run_is_doubled():
    """An hourly series whose trips come in pairs shows a 30 min gap; 20 trips in the day window
    are an hourly service, 42 a half-hourly one (the GTFS notes undercount a little)."""
    from railcap.model.service import PatternRoute, ServicePattern
    from railcap.timetable.passenger import DAY_WINDOW, EARLY_WINDOW, _service_headway_s

    def series(trips):
        return ServicePattern("1", "Sneltrein", False, (PatternRoute(("a", "b"), (0.0, 9.0), (0.0, 9.0)),),
                              30.0, trips, 1)

    assert _service_headway_s(series(20), DAY_WINDOW) == 3600.0
    assert _service_headway_s(series(42), DAY_WINDOW) == 1800.0
    assert _service_headway_s(series(20), EARLY_WINDOW) == 1800.0  # one hour: 4 trips are no excess
    assert _service_headway_s(series(None), DAY_WINDOW) == 1800.0


def test_a_stop_no_train_could_reach_in_its_minutes_is_another_variants_and_left_out():
    """Merged variants: X (40 km along the line) half a minute after Y, then J 19 minutes after Y."""
    from railcap.data.rolling_stock import load_catalogue
    from railcap.model.samples import corridor
    from railcap.timetable.passenger import _unreachable_stops
    from railcap.timetable.templates import Router

    router, unit = Router(corridor()), load_catalogue().consist("virm-6")
    stops = [("y", 0.0, 0.0), ("x", 0.5, 0.5), ("j", 19.0, 20.0), ("x", 27.0, 27.0)]
    assert _unreachable_stops(stops, lambda s: s, router, unit) == {1}
    assert _unreachable_stops([("y", 0.0, 0.0), ("j", 19.0, 20.0), ("x", 27.0, 27.0)], lambda s: s, router, unit) == set()
