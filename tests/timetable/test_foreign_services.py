"""The foreign operators' services the NS patterns lack: the shipped file and its checks."""

from __future__ import annotations

import json

import pytest

from railcap.model.errors import InputFileError
from railcap.timetable.patterns import EVENING_PAGE, WEEKDAY_DAY_PAGE, read_foreign_services


def test_shipped_services_cross_the_borders_the_patterns_miss():
    services = read_foreign_services()
    day = {p.series: p for p in services[WEEKDAY_DAY_PAGE]}
    assert {"RE19", "SNCB-L"} <= set(day) and {p.series for p in services[EVENING_PAGE]} == set(day)
    assert day["SNCB-L"].routes[0].stops[-1] == "roosendaal-grens"
    assert all(p.headway_min == 60 for p in day.values())


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
    assert field in {p.field for p in exc.value.problems}
    assert all("X1" in p.element for p in exc.value.problems)


def test_a_good_file_gives_one_pattern_per_window(tmp_path):
    services = read_foreign_services(_write(tmp_path, {**GOOD, "windows": [1, 4]}))
    assert [p.series for p in services[1]] == [p.series for p in services[4]] == ["X1"]
