"""``railcap rolling-stock …``: the rolling-stock catalogue."""

from __future__ import annotations

import typer
from rich.table import Table

from railcap.cli._common import console, plain, print_json, user_errors
from railcap.services.embedded import catalogue as load_catalogue
from railcap.model.rolling_stock import Consist

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
    table = Table(title="Rolling-stock catalogue")
    table.add_column("id", no_wrap=True)
    table.add_column("name", overflow="ellipsis", no_wrap=True, max_width=36)
    for col in ("length m", "mass t", "km/h"):
        table.add_column(col, justify="right")
    for col in ("traction", "gauge", "RID"):
        table.add_column(col, no_wrap=True)
    for r in rows:
        table.add_row(r["id"], r["name"], f"{r['length_m']:.0f}", f"{r['mass_t']:,.0f}",
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
