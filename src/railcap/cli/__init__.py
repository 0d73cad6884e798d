"""The ``railcap`` command line: a thin face over the Python API."""

from __future__ import annotations

import typer

from railcap.cli import capacity as _capacity
from railcap.cli import diagram as _diagram
from railcap.cli import movement as _movement
from railcap.cli import network as _network
from railcap.cli import path as _path
from railcap.cli import portfolio as _portfolio
from railcap.cli import rolling_stock as _rolling_stock
from railcap.cli import resilience as _resilience
from railcap.cli import surroundings as _surroundings
from railcap.cli import runtime as _runtime
from railcap.cli import serve as _serve
from railcap.cli import timetable as _timetable
from railcap.cli import users as _users
from railcap.cli._common import OneLineUsageErrors

app = typer.Typer(no_args_is_help=True, add_completion=False, cls=OneLineUsageErrors,
                  help="railcap: short-notice paths, resilience and measures on the Dutch rail network.")

# Each face module defines a typer app; register it here (one line each).
app.add_typer(_network.app, name="network")
app.add_typer(_rolling_stock.app, name="rolling-stock")
app.command("run-time")(_runtime.run_time)
app.add_typer(_resilience.app, name="resilience")
app.add_typer(_surroundings.app, name="surroundings")
app.add_typer(_timetable.app, name="timetable")
app.command("diagram")(_diagram.diagram)
app.add_typer(_path.app, name="path")
app.add_typer(_movement.app, name="movement")
app.add_typer(_portfolio.app, name="portfolio")
app.add_typer(_users.app, name="users")
app.add_typer(_capacity.app, name="capacity")
app.command("serve")(_serve.serve)


@app.command()
def demo() -> None:
    """The main job on the embedded Dutch data: a tour of what railcap knows and computes."""
    from railcap.cli import tour

    tour.run()
