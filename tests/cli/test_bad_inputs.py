"""Every bad input of issue 13 (and its kin) in one table: one command line per row.

Each row must end with exit code 2, exactly one line on stderr (or, with
``--json``, one JSON object on stdout naming the field, and nothing on stderr),
no traceback, the database byte for byte as it was, and nothing created where
a path did not exist.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from railcap.cli import app
from railcap.store.allocations import open_store

runner = CliRunner()
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
PLAN = ["--from", "kijfhoek", "--to", "oldenzaal-grens", "--consist", "intermodal-740"]

# (id, command line, field the error names, takes --json); {db} is a railcap database, {dir} a folder,
# {junk} random bytes, {other} another program's SQLite file, {missing} a path that does not exist,
# {ro} a read-only railcap database, {order} a malformed movement order, {file} an existing export
ROWS = [
    ("db is a directory", ["path", "allocate", "--db", "{dir}", "--depart-after", "14:00", *PLAN], "db", True),
    ("db is random bytes", ["path", "allocate", "--db", "{junk}", "--depart-after", "14:00", *PLAN], "db", True),
    ("db is another program's", ["path", "allocate", "--db", "{other}", "--depart-after", "14:00", *PLAN], "db",
     True),
    ("db url without driver", ["path", "list", "--db", "nosuchdriver://u@localhost/x"], "db", True),
    ("db missing for list", ["path", "list", "--db", "{missing}"], "db", True),
    ("db missing for show", ["path", "show", "1", "--db", "{missing}"], "db", True),
    ("db missing for export", ["timetable", "export", "--blocking", "{dir}/x.csv", "--db", "{missing}"], "db",
     False),
    ("db read-only", ["path", "allocate", "--db", "{ro}", "--depart-after", "14:00", *PLAN], "db", True),
    ("status bogus", ["path", "list", "--status", "bogus", "--db", "{db}"], "status", True),
    ("allocation not found", ["path", "show", "999", "--db", "{db}"], "id", True),
    ("cancel not found", ["path", "cancel", "999", "--db", "{db}"], "id", False),
    ("allowance nan", ["path", "allocate", "--db", "{db}", "--depart-after", "14:00", "--allowance-percent",
                       "nan", *PLAN], "allowance_percent", True),
    ("allowance negative", ["path", "allocate", "--db", "{db}", "--depart-after", "14:00", "--allowance-percent",
                            "-3", *PLAN], "allowance_percent", True),
    ("time not a time", ["path", "allocate", "--db", "{db}", "--depart-after", "14:61", *PLAN], "depart_after",
     True),
    ("time past 47:59", ["path", "allocate", "--db", "{db}", "--depart-after", "48:00", *PLAN], "depart_after",
     True),
    ("time zone unknown", ["path", "allocate", "--db", "{db}", "--depart-after", "2026-11-23T14:05+25:00",
                           *PLAN], "depart_after", True),
    ("window malformed", ["path", "allocate", "--db", "{db}", "--depart-after", "14:00", "--window", "venlo",
                          *PLAN], "window[0]", True),
    ("via dwell not minutes", ["path", "allocate", "--db", "{db}", "--depart-after", "14:00", "--via",
                               "utrecht:abc", *PLAN], "via[0]", True),
    ("alternatives 0", ["path", "plan", "--db", "{db}", "--depart-after", "14:00", "-k", "0", *PLAN],
     "alternatives", True),
    ("priority bogus", ["path", "allocate", "--db", "{db}", "--depart-after", "14:00", "--priority", "vip",
                        *PLAN], "priority", True),
    ("unknown point", ["path", "allocate", "--db", "{db}", "--depart-after", "14:00", "--from", "atlantis",
                       "--to", "venlo-grens", "--consist", "intermodal-740"], "from", True),
    ("unknown consist", ["path", "allocate", "--db", "{db}", "--depart-after", "14:00", "--from", "kijfhoek",
                         "--to", "venlo-grens", "--consist", "hovercraft"], "id", True),
    ("markup in a point", ["network", "show", "[/]"], "id", True),
    ("markup link in a point", ["network", "show", "[link=https://example.org]x[/link]"], "id", True),
    ("diagram in a missing folder", ["path", "plan", "--depart-after", "14:00", "--diagram", "{missing}/d.html",
                                     *PLAN], "diagram", True),
    ("export onto a directory", ["timetable", "export", "--blocking", "{dir}"], "blocking", False),
    ("export in a missing folder", ["timetable", "export", "--blocking", "{missing}/x.csv"], "blocking", False),
    ("export over the database", ["timetable", "export", "--blocking", "{db}", "--force"], "blocking", False),
    ("export over a file", ["timetable", "export", "--blocking", "{file}"], "blocking", False),
    ("movement order malformed", ["movement", "allocate", "{order}", "--db", "{db}"], None, True),
    ("movement order missing", ["movement", "allocate", "{missing}", "--db", "{db}"], None, True),
    ("top below 1", ["resilience", "rank", "--top", "-5"], "--top", True),
    ("unknown option", ["path", "list", "--db", "{db}", "--bogus"], "--bogus", True),
    ("missing option", ["path", "allocate", "--db", "{db}", "--from", "kijfhoek"], "--to", True),
    ("not an integer", ["path", "show", "abc", "--db", "{db}"], "allocation_id", True),
    ("integer option not an integer", ["path", "plan", "--depart-after", "14:00", "-k", "two", *PLAN],
     "--alternatives", True),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bad-inputs")
    db = root / "railcap.sqlite"
    open_store(db).dispose()  # a real railcap database (migrated, in WAL mode)
    ro = root / "readonly.sqlite"
    ro.write_bytes(db.read_bytes())
    ro.chmod(0o444)
    folder = root / "folder"
    folder.mkdir()
    junk = root / "junk.sqlite"
    junk.write_bytes(os.urandom(4096))
    other = root / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    order = root / "order.yaml"
    order.write_text("unit: [unclosed\ntrains: {\n")
    export = root / "existing.csv"
    export.write_text("keep me\n")
    return {"db": db, "dir": folder, "junk": junk, "other": other, "missing": root / "missing" / "x.sqlite",
            "ro": ro, "order": order, "file": export}


def _digest(files: dict[str, Path]) -> dict[str, str]:
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in files.items() if p.is_file()}


def _tree(root: Path) -> set[Path]:
    return set(root.rglob("*"))


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("name,argv,field,takes_json", ROWS, ids=[r[0] for r in ROWS])
def test_bad_input_is_one_line_exit_2_and_nothing_written(files, name, argv, field, takes_json, as_json):
    if as_json and not takes_json:
        pytest.skip("the command has no --json")
    if name == "db read-only" and ROOT:
        pytest.skip("root writes to a read-only file")
    args = [a.format(**{k: str(v) for k, v in files.items()}) for a in argv] + (["--json"] if as_json else [])
    before, tree = _digest(files), _tree(files["db"].parent)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (args, result.output)
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if as_json:
        doc = json.loads(result.stdout)  # one JSON object, nothing else on stdout
        assert list(doc) == ["error"] and len(doc["error"]) >= 1, doc
        if field is not None:
            assert doc["error"][0]["field"] == field, doc
        assert result.stderr == ""
    else:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert result.stdout == ""
        if field is not None:
            assert f"field '{field}'" in lines[0], lines[0]
    assert _digest(files) == before, "a file changed"
    created = {p for p in _tree(files["db"].parent) - tree if not p.name.endswith(("-wal", "-shm"))}
    assert created == set(), f"created {created}"


@pytest.mark.parametrize("name", ["[bold]x[/]", "[link=https://example.org]y[/link]", "[/]"])
def test_user_text_is_printed_as_written_never_as_markup(tmp_path, monkeypatch, name):
    """A consist file's name (user text) in the run-time table's title."""
    from railcap.model.samples import corridor
    from railcap.services import embedded

    monkeypatch.setattr(embedded, "network", lambda path=None: corridor())
    consist = tmp_path / "mine.json"
    consist.write_text(json.dumps({
        "id": "mine", "name": name, "category": "freight", "units": ["vectron-ms"],
        "trailing": {"mass_t": 800, "length_m": 400, "resistance": {"f0_permille": 1.4}},
        "braking_ms2": 0.4, "loading_gauge": "G1"}))
    result = runner.invoke(app, ["run-time", str(consist), "p", "x"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert name in result.stdout


def test_an_output_path_with_brackets_is_printed_as_written(tmp_path):
    folder = tmp_path / "[bold]x[_]"
    folder.mkdir()
    out = folder / "blocking.csv"
    result = runner.invoke(app, ["timetable", "export", "--blocking", str(out)], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout.replace("\n", "")
