"""``railcap users``: the people who may sign in to the web application, and their roles.

Example: railcap users add ann --role capacity-planner     (prompts for the password)
         railcap users add bot --role viewer --generate    (prints a new password once)
"""

from __future__ import annotations

import os
import sys

import typer
from rich.table import Table

from railcap.cli._common import console, plain, print_json, user_errors

app = typer.Typer(no_args_is_help=True, help="Users of the web application and their roles.")

DB_HELP = "Database: a file (SQLite) or an SQLAlchemy URL. Default $RAILCAP_DB or ./railcap.sqlite."


def _engine(db: str | None):
    from railcap.store.database import migrate, plain_engine

    url = db or os.environ.get("RAILCAP_DB", "railcap.sqlite")
    migrate(url)
    return plain_engine(url)


@app.command()
@user_errors
def add(name: str = typer.Argument(..., help="Sign-in name."),
        role: str = typer.Option(..., "--role", help="defence-planner | capacity-planner | analyst | viewer"),
        generate: bool = typer.Option(False, "--generate", help="Make a random password and print it once "
                                      "(the default when there is no terminal to ask on)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Add a user; the password is stored only as its argon2id hash."""
    from railcap.store import audit, users

    users.check_name(name)
    users.check_role(role)
    made = generate or not sys.stdin.isatty()
    password = users.new_password() if made else typer.prompt("password", hide_input=True,
                                                             confirmation_prompt=True)
    engine = _engine(db)
    users.add_user(engine, name, role, password)
    audit.append(engine, os.environ.get("USER", "command-line"), "user-add", "user", name, {"role": role})
    if as_json:
        print_json({"name": name, "role": role, **({"password": password} if made else {})})
        return
    console.print(f"user [bold]{plain(name)}[/] added as {role}", highlight=False)
    if made:
        console.print(f"password (shown once): [bold]{plain(password)}[/]", highlight=False)


@app.command("list")
@user_errors
def list_(db: str | None = typer.Option(None, "--db", help=DB_HELP),
          as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """The users and their roles."""
    from railcap.store import users

    rows = users.list_users(_engine(db))
    if as_json:
        print_json(rows)
        return
    t = Table(title="users")
    for col in ("name", "role", "active", "since"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["name"], r["role"], "yes" if r["active"] else "no", r["created_at"])
    console.print(t)
