"""The command lists of ``railcap … --help`` read as sentences: no summary is cut by a docstring's line break."""

import re

import pytest
from typer.testing import CliRunner

from railcap.cli import COMMANDS, app

runner = CliRunner()
GROUPS = [name for name, (_, _, kind) in COMMANDS.items() if kind == "group"]


@pytest.mark.parametrize("group", GROUPS)
def test_every_summary_is_one_paragraph(group):
    result = runner.invoke(app, [group, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    panel = result.output.split("Commands")[1]
    rows = [line[1:-1] for line in panel.splitlines()[1:] if line.startswith("│")]
    # a row continued on the next although the next row's first word would have fitted: a cut sentence
    cuts = [(a.strip(), b.strip()) for a, b in zip(rows, rows[1:])
            if b.split() and not re.match(r"^ [a-z][a-z0-9-]*\s{2,}\S", b)
            and len(a) - len(a.rstrip()) > len(b.split()[0]) + 1]
    assert not cuts, cuts
