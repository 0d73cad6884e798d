"""``railcap diagram``: the space–time diagram of a corridor as HTML or PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from railcap.cli._common import console, given_once, plain, user_errors
from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.timetable import Timetable


def _network(path: Optional[Path]) -> Network:
    from railcap.services import embedded

    return embedded.network(path)


def _timetable(path: Optional[Path]) -> Timetable:
    from railcap.services import embedded

    return embedded.timetable(path)


@user_errors
def diagram(
    from_arg: Optional[str] = typer.Argument(None, metavar="FROM", help="Start of the corridor: id, NS code or name."),
    to_arg: Optional[str] = typer.Argument(None, metavar="TO", help="End of the corridor."),
    window_arg: Optional[str] = typer.Argument(None, metavar="[WINDOW]",
                                               help="Time window HH:MM-HH:MM (hours up to 47); default 06:00-09:00."),
    from_opt: Optional[str] = typer.Option(None, "--from", help="The start, as an option."),
    to_opt: Optional[str] = typer.Option(None, "--to", help="The end, as an option."),
    window_opt: Optional[str] = typer.Option(None, "--window", help="The time window, as an option."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .html (interactive) or .png/.svg/.pdf."),
    timetable: Optional[Path] = typer.Option(None, "--timetable", "-t",
                                             help="A railcap timetable file instead of the reference weekday."),
    blocking: bool = typer.Option(False, "--blocking", help="Draw the blocking-time stairways."),
    via: list[str] = typer.Option([], "--via", help="Points the corridor must pass (repeat)."),
    highlight: list[str] = typer.Option([], "--highlight",
                                        help="Train ids to draw on top, e.g. a new military path."),
    network: Optional[Path] = typer.Option(None, "--network",
                                           help="A railcap network file instead of the embedded Dutch one."),
    db: Optional[str] = typer.Option(None, "--db", help="Draw the day as it will be in this allocation database "
                                     "(allocated paths, reserve paths dashed, moved trains at their new times)."),
    date: Optional[str] = typer.Option(None, "--date", help="With --db: the service date YYYY-MM-DD "
                                       "(default the reference weekday)."),
) -> None:
    """Space–time diagram (Bildfahrplan): distance across, time downward, every train on the corridor.

    Example: railcap diagram --from Kijfhoek --to Zevenaar --window 06:00-09:00 -o betuweroute.html --blocking
    (or: railcap diagram Kijfhoek Zevenaar 06:00-09:00 -o betuweroute.html);
    with the allocations and reserve paths of a store: add --db railcap.sqlite
    """
    from_op, to_op = given_once("from", from_arg, from_opt), given_once("to", to_arg, to_opt)
    window = given_once("window", window_arg, window_opt, default="06:00-09:00")
    # imported here for the CLI's start-up speed (plotly, matplotlib and the store load only when drawing)
    from railcap.services.diagram import day_timetable, parse_service_date, with_neighbours
    from railcap.services.embedded import occupations
    from railcap.viz.diagram import build_diagram, space_time_diagram

    service_date = parse_service_date(date)
    if date is not None and db is None:
        raise ValidationError(Problem("command line", "date", "a service date needs --db (the store it is read from)"))
    net, tt = _network(network), _timetable(timetable)
    # with the trains of the days before (after its 24:00) and after, as the path search meets them
    tt = day_timetable(db, service_date, base=tt) if db is not None else with_neighbours(tt)
    occ = None
    if blocking:
        shown = build_diagram(net, tt, [from_op, *via, to_op], window)
        occ = occupations(tt, net, [line.train_id for line in shown.lines])
    d = space_time_diagram(net, tt, from_op, to_op, window, via=via, occupations=occ,
                           highlight=highlight, out=out)
    console.print(f"wrote {plain(out)}: {plain(d.title)}", highlight=False, soft_wrap=True)
