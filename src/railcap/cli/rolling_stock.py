"""``railcap rolling-stock …``: the rolling-stock catalogue."""

from __future__ import annotations

import typer
from rich.table import Table

from railcap.cli._common import console, plain, print_json, user_errors
from railcap.services.embedded import catalogue as load_catalogue
from railcap.model.rolling_stock import Consist
from railcap.viz.tables import compact_table

NAMES_MIN_WIDTH = 115  # columns

app = typer.Typer(no_args_is_help=True, help="Rolling stock: the consists the engines know.")


def consist_row(c: Consist) -> dict:
    """One consist as plain data with units at the edge."""
    return {
        "id": c.id, "name": c.name, "category": c.category.value,
        "length_m": round(c.length_m, 1), "mass_t": round(c.mass_kg / 1e3, 1),
        "max_speed_kmh": round(c.max_speed_ms * 3.6), "traction": c.traction.value,
        "power_supplies": [s.value for s in c.efforts],
        "loading_gauge": "out of gauge" if c.out_of_gauge else c.loading_gauge.value,
        "axle_load_t": c.axle_load_t, "rid_class": c.rid_class, "etcs": c.etcs,
        "units": list(c.units), "source": c.source,
    }


@app.command("list")
@user_errors
def list_(json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """List the consists in the catalogue."""
    rows = [consist_row(c) for c in load_catalogue().consists.values()]
    if json:
        print_json(rows)
        return
    # below this width the names squeeze every other column to nothing: they are left out
    # (the id says what a consist is; `rolling-stock show ID` gives its full name)
    with_names = console.width >= NAMES_MIN_WIDTH
    table = compact_table("Rolling-stock catalogue",
                          caption=None if with_names else "names: railcap rolling-stock show ID, or a wider terminal")
    table.add_column("id", no_wrap=True)
    if with_names:
        table.add_column("name", overflow="ellipsis", no_wrap=True, max_width=36)
    for col in ("length m", "mass t", "km/h"):
        table.add_column(col, justify="right", no_wrap=True)
    for col in ("traction", "gauge", "RID"):
        table.add_column(col, no_wrap=True)
    for r in rows:
        name = [r["name"]] if with_names else []
        table.add_row(r["id"], *name, f"{r['length_m']:.0f}", f"{r['mass_t']:,.0f}",
                      str(r["max_speed_kmh"]), r["traction"], r["loading_gauge"],
                      r["rid_class"] or "")
    console.print(table)


@app.command("show")
@user_errors
def show(consist_id: str, json: bool = typer.Option(False, "--json")) -> None:
    """One consist in full, with the source of its figures."""
    row = consist_row(load_catalogue().consist(consist_id))
    if json:
        print_json(row)
        return
    for key, value in row.items():
        console.print(f"[bold]{plain(key)}[/]: {plain(value)}", highlight=False, soft_wrap=True)
