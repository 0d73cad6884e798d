"""``railcap path`` end to end through the command line."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from railcap.cli import app

runner = CliRunner()
RESOURCE = re.compile(r"^[^/]+/(0|[+-]1?)/\d+$")  # the ids of `railcap timetable export --blocking`


def test_plan_json_has_times_occupations_and_hindrance(tmp_path):
    r = runner.invoke(app, ["path", "plan", "--from", "Kijfhoek", "--to", "oldenzaal-grens", "--depart-after",
                            "08:00", "--consist", "intermodal-740", "-k", "2", "--json",
                            "--db", str(tmp_path / "none.sqlite")])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["found"] and doc["ranked_by"].startswith("arrival")
    best = doc["paths"][0]
    assert best["points"][0]["op"] == "kijfhoek" and best["points"][-1]["op"] == "oldenzaal-grens"
    assert all(RESOURCE.match(o["resource_id"]) for o in best["occupations"])
    assert all(o["end_s"] > o["start_s"] for o in best["occupations"])
    assert doc["hindrance"] == {"trains": [], "by_class": {}}


def test_allocate_list_cancel(tmp_path):
    db = str(tmp_path / "alloc.sqlite")
    base = ["--from", "Maasvlakte", "--to", "zevenaar-grens", "--depart-after", "2026-11-23T03:00",
            "--consist", "military-heavy", "--priority", "military", "--db", db]
    r = runner.invoke(app, ["path", "allocate", *base, "--json"])
    assert r.exit_code == 0, r.output
    first = json.loads(r.stdout)["allocation_id"]
    r = runner.invoke(app, ["path", "list", "--db", db, "--json"])
    rows = json.loads(r.stdout)
    assert rows[0]["status"] == "confirmed" and rows[0]["service_date"] == "2026-11-23"
    r = runner.invoke(app, ["path", "cancel", str(first), "--db", db])
    assert r.exit_code == 0
    r = runner.invoke(app, ["path", "cancel", "99", "--db", db])
    assert r.exit_code == 2 and "allocation" in r.output


def test_infeasible_request_is_explained_with_exit_1():
    r = runner.invoke(app, ["path", "plan", "--from", "Kijfhoek", "--to", "venlo-grens", "--depart-after",
                            "08:00", "--consist", "intermodal-740"])
    assert r.exit_code == 1
    assert "650 m" in r.output and "venlo" in r.output


def test_bad_input_names_the_field():
    cases = [
        (["--from", "Atlantis", "--to", "venlo-grens", "--depart-after", "08:00", "--consist", "intermodal-650"],
         "from"),
        (["--from", "Kijfhoek", "--to", "venlo-grens", "--depart-after", "8h", "--consist", "intermodal-650"],
         "depart_after"),
        (["--from", "Kijfhoek", "--to", "venlo-grens", "--depart-after", "08:00", "--consist", "intermodal-650",
          "--window", "venlo-grens=10:00/09:00"], "window[0]"),
        (["--from", "Kijfhoek", "--to", "venlo-grens", "--depart-after", "08:00", "--consist", "no-such-train"],
         "id"),
    ]
    for args, field in cases:
        r = runner.invoke(app, ["path", "plan", *args])
        assert r.exit_code == 2, (args, r.output)
        assert f"field '{field}'" in r.output, r.output
        assert "Traceback" not in r.output


def test_plan_draws_the_path_among_the_days_trains(tmp_path):
    out = tmp_path / "path.html"
    r = runner.invoke(app, ["path", "plan", "--from", "Kijfhoek", "--to", "zevenaar-grens", "--depart-after",
                            "08:00", "--consist", "intermodal-650", "--diagram", str(out),
                            "--db", str(tmp_path / "none.sqlite")])
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "new path" in html and "request" in html


def test_window_at_a_point_the_consist_cannot_reach_is_explained_not_a_traceback():
    """A window is a point the path must pass: off the admissible network it is explained by the rule."""
    r = runner.invoke(app, ["path", "plan", "--from", "kijfhoek", "--to", "oldenzaal-grens", "--depart-after",
                            "08:00", "--consist", "intermodal-740", "--window", "utrecht-centraal=09:00/10:00",
                            "--json"])
    assert r.exit_code == 1, r.output  # answered: no path (exit 1), not a traceback
    doc = json.loads(r.stdout)
    assert not doc["found"]
    assert doc["explanation"]["excluded_sections"], doc["explanation"]
    assert "max_train_length_m" in doc["explanation"]["excluded_by_field"]


def _now_rounded_up() -> str:
    import datetime as dt
    from zoneinfo import ZoneInfo

    now = dt.datetime.now(ZoneInfo("Europe/Amsterdam"))
    minutes = -(-(now.hour * 3600 + now.minute * 60 + now.second) // 300) * 5
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def test_departure_defaults_to_now_in_amsterdam_rounded_up_and_says_so(tmp_path):
    before = _now_rounded_up()
    r = runner.invoke(app, ["path", "plan", "--from", "Kijfhoek", "--to", "zevenaar-grens", "--consist",
                            "intermodal-650", "--json", "--db", str(tmp_path / "none.sqlite")])
    after = _now_rounded_up()
    assert r.exit_code in (0, 1), r.output  # 1: no path at this hour, still answered
    asked = json.loads(r.stdout)["request"]["depart_after"]
    assert asked in (before, after)  # a 5-minute boundary may pass during the call
    assert f"departing after {asked[:5]} (now, Europe/Amsterdam)" in r.stderr
