"""Fixtures for the web tests: a database on SQLite and on a real PostgreSQL server started here."""

from __future__ import annotations

import itertools

import pytest

from web.pg import new_database, postgres_server

_names = itertools.count()


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL 15 server for the whole session (started on first use, stopped at the end)."""
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty database of each kind, not yet migrated."""
    if request.param == "sqlite":
        return str(tmp_path / "railcap.sqlite")
    server = request.getfixturevalue("postgres_url")
    return new_database(server, f"t{next(_names)}_{abs(hash(str(tmp_path))) % 10**8}")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright. Missing browser = failed test, never a skip
    (``make test`` installs it: scripts/system-deps.sh)."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (installs Debian's chromium) or "
                    f"`apt-get install chromium`", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
