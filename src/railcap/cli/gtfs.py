"""``railcap timetable import-gtfs``: a GTFS feed's rail trips as a railcap timetable file.

Exported as the typer app ``app``, to be mounted under ``timetable``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from railcap.cli._common import check_output_path, console, err_console, plain, print_json, user_errors
from railcap.model.errors import ValidationError

app = typer.Typer(no_args_is_help=True, help="Timetables: import from other formats.")

#: Problems printed on the console; --json gives all of them.
SHOWN_PROBLEMS = 20


@app.callback()
def _group() -> None:
    """Timetables: import from other formats."""


@app.command("import-gtfs")
@user_errors
def import_gtfs(
    feed: Path = typer.Argument(..., help="GTFS feed: a .zip or a folder of .txt files."),
    out: Path = typer.Option(..., "--out", "-o", help="Timetable file to write (.json or .json.gz)."),
    date: Optional[str] = typer.Option(None, "--date",
                                       help="Service date YYYYMMDD (default: the busiest of the feed's first week)."),
    max_stop_distance_m: float = typer.Option(500.0, "--max-stop-distance",
                                              help="Map a stop to a point at most this far (metres)."),
    network: Optional[Path] = typer.Option(None, "--network",
                                           help="A railcap network file instead of the embedded Dutch one."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable summary with every problem."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file (never a database)."),
) -> None:
    """Import the rail trips of one service date; report every trip that could not be built.

    Example: railcap timetable import-gtfs gtfs-nl.zip -o nl-20260310.json.gz --date 20260310
    """
    from railcap.services import embedded, timetables

    check_output_path(out, "out", force=force)
    tt, problems = timetables.import_gtfs(feed, embedded.network(network), date, max_stop_distance_m)
    if not tt.runs:
        raise ValidationError(problems[:SHOWN_PROBLEMS])
    timetables.write(tt, out)
    if as_json:
        print_json({"out": str(out), "service_date": tt.meta["service_date"], "runs": len(tt.runs),
                    "meta": tt.meta, "problems": [{"element": p.element, "field": p.field,
                                                   "reason": p.reason} for p in problems]})
        return
    console.print(f"wrote {plain(out)}: {len(tt.runs)} train runs on {tt.meta['service_date']} "
                  f"({tt.meta['gtfs_rail_trips']} rail trips in the feed that day; stops mapped "
                  f"by code {tt.meta['gtfs_stops_by_code']}, by distance "
                  f"{tt.meta['gtfs_stops_by_distance']})", highlight=False, soft_wrap=True)
    for p in problems[:SHOWN_PROBLEMS]:
        err_console.print(f"[yellow]skipped[/]: {plain(p)}", highlight=False, soft_wrap=True)
    if len(problems) > SHOWN_PROBLEMS:
        err_console.print(f"... and {len(problems) - SHOWN_PROBLEMS} more (--json lists all)")
