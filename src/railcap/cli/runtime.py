"""``railcap run-time``: running time of one consist between two points."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from railcap.cli._common import console, given_once, plain, print_json, user_errors
from railcap.model.rolling_stock import Consist
from railcap.physics import Allowance, run_time as compute_run_time, shortest_route
from railcap.services import embedded


def _consist(name: str) -> Consist:
    """A catalogue id, or a path to a user's consist file (.json / .toml)."""
    return embedded.consist(name)


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


@user_errors
def run_time(
    consist_arg: Optional[str] = typer.Argument(None, metavar="CONSIST",
                                                help="Consist id from the catalogue, or a .json/.toml file."),
    from_arg: Optional[str] = typer.Argument(None, metavar="FROM", help="Origin: id, code or name."),
    to_arg: Optional[str] = typer.Argument(None, metavar="TO", help="Destination: id, code or name."),
    consist_opt: Optional[str] = typer.Option(None, "--consist", help="The consist, as an option."),
    from_opt: Optional[str] = typer.Option(None, "--from", help="The origin, as an option."),
    to_opt: Optional[str] = typer.Option(None, "--to", help="The destination, as an option."),
    via: list[str] = typer.Option([], "--via", help="Pass through this point (repeatable)."),
    json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    allowance_percent: float = typer.Option(0.0, "--allowance-percent",
                                            help="Running-time supplement in %."),
) -> None:
    """Running time, times at every point, top speed and traction energy over the shortest route.

    Example: railcap run-time --consist intermodal-740 --from Kijfhoek --to zevenaar-grens
    (or: railcap run-time intermodal-740 Kijfhoek zevenaar-grens)
    """

    consist = given_once("consist", consist_arg, consist_opt)
    from_op, to_op = given_once("from", from_arg, from_opt), given_once("to", to_arg, to_opt)

    train = _consist(consist)
    route = shortest_route(embedded.network(), from_op, to_op, vias=via)
    profile = compute_run_time(route, train, allowance=Allowance(percent=allowance_percent))
    if json:
        print_json(profile.to_dict())
        return
    table = Table(title=f"{plain(train.name)}: {' → '.join(route.ops[::max(1, len(route.ops) - 1)])}")
    for col in ("point", "km", "arrival", "departure"):
        table.add_column(col, justify="left" if col == "point" else "right")
    for t in profile.op_times:
        table.add_row(t.op_id, f"{t.position_m / 1e3:.1f}", _clock(t.arrival_s),
                      _clock(t.departure_s) if t.stops else "")
    console.print(table)
    console.print(f"running time {_clock(profile.running_time_s)} over "
                  f"{route.length_m / 1e3:.1f} km · top speed {profile.top_speed_ms * 3.6:.0f} km/h"
                  f" · traction energy {profile.energy_j / 3.6e6:,.0f} kWh", highlight=False)
