"""``railcap serve``: the web application on the embedded Dutch data.

Creates the database when new (migrations), a first defence-planner account
whose password is printed once, and prints the address to open.
"""

from __future__ import annotations

import os

import typer

from railcap.cli._common import console, plain, user_errors


@user_errors
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
          db: str | None = typer.Option(None, "--db", help="Database: a file (SQLite) or an SQLAlchemy URL. "
                                        "Default $RAILCAP_DB or ./railcap.sqlite."),
          admin: str = typer.Option("planner", "--admin", help="Name of the first defence-planner account "
                                    "(made only when the database has no user)."),
          plan_processes: int = typer.Option(min(2, os.cpu_count() or 1), "--plan-processes", min=0, max=16,
                                             help="Path searches run in this many processes forked from the "
                                                  "loaded server, so reads never wait behind a search (0: in "
                                                  "the server's threads).")) -> None:
    """Start the web application (API + pages) on the embedded data and print its address."""
    import uvicorn

    from railcap.api import create_app
    from railcap.store import audit, users
    from railcap.store.database import migrate, plain_engine

    url = db or os.environ.get("RAILCAP_DB", "railcap.sqlite")
    migrate(url)
    engine = plain_engine(url)
    if not users.has_users(engine):
        password = users.new_password()
        users.add_user(engine, admin, "defence-planner", password)
        audit.append(engine, "railcap serve", "user-add", "user", admin, {"role": "defence-planner"})
        console.print(f"first account: [bold]{plain(admin)}[/] (defence-planner), password (shown once): "
                      f"[bold]{password}[/]", highlight=False)
        console.print("add others with: railcap users add NAME --role capacity-planner|analyst|viewer",
                      highlight=False)
    engine.dispose()
    console.print("loading the network and the reference day…", highlight=False)
    app = create_app(url, plan_processes=plan_processes)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    original = server.startup

    async def startup(*args, **kwargs):
        await original(*args, **kwargs)
        console.print(f"railcap is ready at [bold]http://{shown}:{port}/[/] (Ctrl-C stops it)", highlight=False)
    server.startup = startup
    server.run()
