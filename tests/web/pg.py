"""A throw-away PostgreSQL 15 server for the store tests: initdb in a temp dir, a free local port, trust auth.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
user (or ``nobody``) that owns the temp dir. ``make test`` installs the server
when it is missing (scripts/system-deps.sh).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bin() -> Path:
    """The directory with initdb and pg_ctl (PostgreSQL 15 preferred)."""
    for pattern in ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/*/bin"):
        for d in sorted(glob.glob(pattern), reverse=True):
            if Path(d, "pg_ctl").exists() and Path(d, "initdb").exists():
                return Path(d)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL server not installed (pg_ctl / initdb not found); run `make test`, "
                       "which installs postgresql-15")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> dict:
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
            return {"user": pw.pw_uid, "group": pw.pw_gid, "name": name}
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


@contextlib.contextmanager
def postgres_server():
    """Yield an SQLAlchemy URL of a fresh PostgreSQL server; stop it and remove its files afterwards."""
    bindir = pg_bin()
    who = _run_as()
    root = Path(tempfile.mkdtemp(prefix="railcap-pg-"))
    data = root / "data"
    port = _free_port()
    ids = {k: who[k] for k in ("user", "group")} if who else {}
    if who:
        os.chown(root, who["user"], who["group"])
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}

    def run(*args):
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=root, env=env,
                       **ids)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "railcap", "--auth=trust", "-E", "UTF8")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60", "-o",
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        url = f"postgresql+psycopg://railcap@127.0.0.1:{port}/postgres"
        _wait(url)
        yield url
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root, env=env, **ids)
        shutil.rmtree(root, ignore_errors=True)


def _wait(url: str, timeout_s: float = 30.0) -> None:
    import sqlalchemy

    end = time.monotonic() + timeout_s
    while True:
        try:
            eng = sqlalchemy.create_engine(url)
            with eng.connect() as conn:
                conn.exec_driver_sql("select 1")
            eng.dispose()
            return
        except Exception:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


def new_database(server_url: str, name: str) -> str:
    """Create an empty database on the server and return its URL."""
    import sqlalchemy

    eng = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    eng.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
