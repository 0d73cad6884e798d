"""International trains: the ones the patterns lack (the shipped file and its checks), and the
patterns' own cross-border series run to the border point where the network ends."""

from __future__ import annotations

import json

import pytest

from railcap.data.patterns import read_foreign_services
from railcap.model.errors import InputFileError
from railcap.model.service import EVENING_PAGE, WEEKDAY_DAY_PAGE, PatternRoute, ServicePattern
from railcap.timetable.stops import runs_to_border


def test_shipped_services_are_the_international_trains_the_feed_lacks():
    services = read_foreign_services()
    day = {p.series: p for p in services[WEEKDAY_DAY_PAGE]}
    assert set(day) == {"ICE", "IC-Berlin"} and not services.get(EVENING_PAGE)
    assert day["ICE"].routes[0].stops[-1] == "emmerich" and day["IC-Berlin"].routes[0].stops[-1] == "bad-bentheim"
    assert all(p.headway_min == 120 for p in day.values())  # facts: "≈every 2 h"


def _write(tmp_path, service: dict):
    path = tmp_path / "services.json"
    path.write_text(json.dumps({"services": [service]}), "utf-8")
    return path


GOOD = {"series": "X1", "product": "Stoptrein", "stops": ["a", "b"], "arrival_min": [0, 7],
        "departure_min": [0, 7], "headway_min": 60, "windows": [1]}


@pytest.mark.parametrize("change, field", [
    ({"stops": ["a"]}, "stops"),
    ({"arrival_min": [0]}, "arrival_min"),
    ({"departure_min": [7, 0]}, "departure_min"),
    ({"headway_min": 0}, "headway_min"),
    ({"windows": [9]}, "windows"),
    ({"product": None}, None),
])
def test_a_bad_service_is_refused_naming_the_field(tmp_path, change, field):
    service = {**GOOD, **change}
    if field is None:
        del service["product"]
        field = "product"
    with pytest.raises(InputFileError) as exc:
        read_foreign_services(_write(tmp_path, service))
    assert field in {p.field.split("[")[0] for p in exc.value.problems}
    assert all("X1" in p.element for p in exc.value.problems)


def test_a_good_file_gives_one_pattern_per_window(tmp_path):
    services = read_foreign_services(_write(tmp_path, {**GOOD, "windows": [1, 4]}))
    assert [p.series for p in services[1]] == [p.series for p in services[4]] == ["X1"]


def _slugs(**points):
    return {k: {"code": "", "name": k, "lat": lat, "lon": lon, "country": ""} for k, (lat, lon) in points.items()}


SLUGS = _slugs(home=(51.5393, 4.4582), abroad=(51.4629, 4.4505), far=(51.2172, 4.4211))
BORDER = [("home-grens", 51.4691, 4.4490), ("elsewhere-grens", 51.33, 6.19)]


def _international(stops, arrival, departure, international=True):
    return ServicePattern("2550", "Stoptrein", international, (PatternRoute(stops, arrival, departure),), 60.0, None, 1)


@pytest.mark.parametrize("stops, arrival, departure", [
    (("home", "abroad", "far"), (0.0, 8.0, 30.0), (0.0, 9.0, 30.0)),   # leaves the network after its first stop
    (("far", "abroad", "home"), (0.0, 21.0, 30.0), (0.0, 22.0, 30.0)),  # enters it before its last
])
def test_an_international_series_runs_to_the_border_point_on_its_way(stops, arrival, departure):
    p = runs_to_border(_international(stops, arrival, departure), lambda s: s if s == "home" else None,
                       SLUGS, BORDER)
    route = p.routes[0]
    assert set(route.stops) == {"home", "home-grens"}
    at = dict(zip(route.stops, route.arrival_min))
    # the border point lies at 92 % of the straight line home – Essen, so 92 % of its 8 minutes
    assert abs(at["home-grens"] - at["home"]) == pytest.approx(8 * 0.92, abs=0.2)


def test_a_domestic_series_or_a_far_first_stop_abroad_is_left_as_it_is():
    domestic = _international(("home", "abroad"), (0.0, 8.0), (0.0, 8.0), international=False)
    assert runs_to_border(domestic, lambda s: s if s == "home" else None, SLUGS, BORDER) == domestic
    far = _international(("home", "far"), (0.0, 30.0), (0.0, 30.0))  # 36 km on: which border is not clear
    assert runs_to_border(far, lambda s: s if s == "home" else None, SLUGS, BORDER) == far
