"""``railcap diagram`` through typer's CliRunner, with explicit network and timetable files."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.helpers.diagram_timetable import sample_timetable
from railcap.cli import app
from railcap.data.native import write_network
from railcap.data.timetable_io import write_timetable
from railcap.model.samples import corridor


@pytest.fixture()
def files(tmp_path):
    net, tt = tmp_path / "net.json.gz", tmp_path / "tt.json.gz"
    write_network(corridor(), net)
    write_timetable(sample_timetable(), tt)
    return ["--network", str(net), "--timetable", str(tt)]


def test_writes_png_with_blocking_and_highlight(files, tmp_path):
    out = tmp_path / "d.png"
    r = CliRunner().invoke(app, ["diagram", "P", "X", "06:00-09:00", "-o", str(out), "--blocking",
                                 "--highlight", "m1", *files])
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:4] == b"\x89PNG" and "4 trains" in r.output


def test_writes_html_through_a_via(files, tmp_path):
    out = tmp_path / "d.html"
    r = CliRunner().invoke(app, ["diagram", "p", "t", "06:00-07:00", "--via", "y", "-o", str(out),
                                 *files])
    assert r.exit_code == 0, r.output
    assert "P – T" in r.output and out.stat().st_size > 1_000_000


@pytest.mark.parametrize("args, words", [
    (["p", "x", "9-6"], "window"),
    (["p", "x", "09:00-06:00"], "window"),
    (["p", "nowhere", "06:00-09:00"], "nowhere"),
])
def test_user_errors_exit_2_and_name_the_field(files, tmp_path, args, words):
    r = CliRunner().invoke(app, ["diagram", *args, "-o", str(tmp_path / "d.png"), *files])
    assert r.exit_code == 2 and words in r.stderr and "Traceback" not in r.output
    assert not (tmp_path / "d.png").exists()


def test_a_missing_timetable_file_is_a_user_error(files, tmp_path):
    r = CliRunner().invoke(app, ["diagram", "p", "x", "-o", str(tmp_path / "d.png"),
                                 "--timetable", str(tmp_path / "none.json")])
    assert r.exit_code == 2 and "not found" in r.stderr


def test_the_issue_s_option_form_draws_the_same_corridor(files, tmp_path):
    out = tmp_path / "d.png"
    r = CliRunner().invoke(app, ["diagram", "--from", "P", "--to", "X", "--window", "06:00-09:00",
                                 "-o", str(out), *files])
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:4] == b"\x89PNG" and "4 trains" in r.output
