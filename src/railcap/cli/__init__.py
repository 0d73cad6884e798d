"""The ``railcap`` command line: a thin face over the Python API."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="railcap: short-notice paths, resilience and measures on the Dutch rail network.")

# Each face module defines a typer app; register it here (one line each).
from railcap.cli import network as _network  # noqa: E402

app.add_typer(_network.app, name="network")
from railcap.cli import resilience  # noqa: E402

app.add_typer(resilience.app, name="resilience")
