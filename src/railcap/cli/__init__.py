"""The ``railcap`` command line: a thin face over the Python API."""

from __future__ import annotations

import typer

from railcap.cli import diagram as _diagram
from railcap.cli import network as _network

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="railcap: short-notice paths, resilience and measures on the Dutch rail network.")

# Each face module defines a typer app; register it here (one line each).
app.add_typer(_network.app, name="network")
app.command("diagram")(_diagram.diagram)


@app.command()
def demo() -> None:
    """The main job on the embedded Dutch data: a tour of what railcap knows and computes."""
    from railcap.cli import demo as _demo

    _demo.run()
