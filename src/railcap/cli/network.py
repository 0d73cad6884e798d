"""``railcap network …``: the infrastructure model."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="The network model: summary, one point, export, rebuild.")
