"""`railcap timetable export --blocking FILE --db DB`: the day as it will be, for an independent checker."""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from railcap.cli import app

runner = CliRunner()


def _rows(path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_export_holds_the_allocation_and_never_overwrites(tmp_path):
    db, out, ref = tmp_path / "p.sqlite", tmp_path / "day.csv", tmp_path / "ref.csv"
    r = runner.invoke(app, ["path", "allocate", "--db", str(db), "--from", "kijfhoek", "--to", "oldenzaal-grens",
                            "--depart-after", "20:00", "--consist", "intermodal-740", "--json"])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["timetable", "export", "--blocking", str(out), "--db", str(db)]).exit_code == 0
    assert runner.invoke(app, ["timetable", "export", "--blocking", str(ref)]).exit_code == 0
    extra = {row["train_id"] for row in _rows(out)} - {row["train_id"] for row in _rows(ref)}
    assert len(extra) == 1  # the allocated train, on top of the reference day

    before = db.read_bytes()
    r = runner.invoke(app, ["timetable", "export", "--blocking", str(db), "--force"])
    assert r.exit_code == 2 and "database" in r.output
    assert db.read_bytes() == before
    r = runner.invoke(app, ["timetable", "export", "--blocking", str(out), "--db", str(db)])
    assert r.exit_code == 2 and "--force" in r.output
    r = runner.invoke(app, ["timetable", "export", "--blocking", str(tmp_path / "x.csv"),
                            "--db", str(tmp_path / "typo.sqlite")])
    assert r.exit_code == 2 and not (tmp_path / "typo.sqlite").exists() and not (tmp_path / "x.csv").exists()
