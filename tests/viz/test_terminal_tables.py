"""Terminal tables a planner reads: nothing cut that matters, and no time shown freer than the engine held it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from railcap.cli import app

MILITARY = ["path", "plan", "--from", "maasvlakte-2", "--to", "zevenaar-grens", "--consist", "military-heavy",
            "--priority", "military", "--depart-after", "14:00", "--arrive-before", "16:00"]


def _text(columns: int, *args: str) -> list[str]:
    script = [sys.executable, "-c", "from railcap.cli import app; app()", *args]
    out = subprocess.run(script, env={**os.environ, "COLUMNS": str(columns)}, capture_output=True, text=True,
                         check=True).stdout
    return out.splitlines()


def _s(hhmm: str) -> float:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def test_hindrance_rows_are_whole_and_never_end_early():
    doc = json.loads(CliRunner().invoke(app, [*MILITARY, "--json"]).stdout)
    moved = doc["hindrance"]["trains"]
    assert moved, "the request must displace freight for this test to mean anything"
    lines = _text(100, *MILITARY)
    for h in moved:
        row = next(line.split() for line in lines if line.split()[:1] == [h["train_id"]])
        was, now = row[2].split("–"), row[3].split("–")
        engine = {k: sum(int(x) * f for x, f in zip(h[k].split(":"), (3600, 60, 1)))
                  for k in ("old_departure", "old_arrival", "new_departure", "new_arrival")}
        assert _s(was[0]) <= engine["old_departure"] and _s(was[1]) >= engine["old_arrival"]
        assert _s(now[0]) <= engine["new_departure"] and _s(now[1]) >= engine["new_arrival"]


def test_network_show_keeps_every_figure_at_80_columns():
    lines = _text(80, "network", "show", "utrecht-centraal")
    assert max(map(len, lines)) <= 80
    rows = [line.split() for line in lines if line.strip().endswith(("yes", "no")) and "1.5kV_DC" in line]
    assert len(rows) == 7  # every section, its figures whole
    assert all(r[-6:] == ["1.5kV_DC", "ATB", "GB", "D4", "680", "yes"] for r in rows)
    # the two parallel sections to Lunetten Aansl. are told apart by their lines
    assert sum(line.split()[:2] == ["Lunetten", "Aansl."] for line in lines) == 2
    assert any("(Lunetten" in line for line in lines) and any("(Utrecht" in line for line in lines)


def test_corridor_volumes_keep_names_and_figures_at_80_columns():
    doc = json.loads(CliRunner().invoke(app, ["timetable", "corridors", "--json"]).stdout)
    text = "\n".join(_text(80, "timetable", "corridors"))
    assert max(map(len, text.splitlines())) <= 80
    for r in doc["corridors"]:
        assert r["corridor"] in text  # whole, not cut to "Rotterdam–D…"
        assert f"{r['placed']:g}" in text


def test_n1_ranking_keeps_figures_in_the_table_and_reasons_whole_below():
    args = ["resilience", "rank", "--network", "sample", "--top", "5"]
    doc = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    text = _text(80, *args)
    assert max(map(len, text)) <= 80
    for i, case in enumerate(doc["ranking"][:5], 1):
        row = next(line for line in text if line.split()[:1] == [str(i)])
        figures = (f"{case['importance_km_per_train']:.1f}", f"{case['unmet_trains_per_day']:.1f}",
                   f"{case['extra_train_km_per_day']:+.0f}")
        assert " ".join(figures) in " ".join(row.split())
    below = " ".join(" ".join(text[[n for n, line in enumerate(text) if "what is lost" in line][0]:]).split())
    for i, case in enumerate(doc["ranking"][:5], 1):
        assert f"{i}. {case['reason']}" in below  # the reason whole, wrapped only at spaces
