"""Fixtures for the web tests: a database on SQLite and on a real PostgreSQL server started here."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from tests.web.pg import new_database, postgres_server

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


# -- the application ----------------------------------------------------------------------------------------------

ROLES = {"dp": "defence-planner", "cp": "capacity-planner", "cp2": "capacity-planner", "an": "analyst",
         "vw": "viewer"}
MILITARY = {"unit": "43 Gemechaniseerde Brigade", "load": "Leopard 2A6 main battle tanks",
            "movement": "Operation Iron Wolf"}
MILITARY_REQUEST = {"origin": "Maasvlakte", "destination": "zevenaar-grens", "depart_after": "14:00",
                    "consist": "military-heavy", "priority": "military",
                    "windows": [{"op": "zevenaar-grens", "opens": "15:30", "closes": "17:00"}],
                    "military": MILITARY}


def password(name: str) -> str:
    return f"pw-{name}-long-enough"


@pytest.fixture(scope="session")
def warm():
    """The network and the reference day, loaded once per test process (as the server keeps them)."""
    from railcap.api.warm import Warm

    return Warm.load()


def make_database(path) -> str:
    """A migrated SQLite database with one user per role (names in ROLES, passwords from password())."""
    from railcap.store import users
    from railcap.store.database import migrate, plain_engine

    db = str(path)
    migrate(db)
    engine = plain_engine(db)
    for name, role in ROLES.items():
        users.add_user(engine, name, role, password(name))
    engine.dispose()
    return db


class Api:
    """A TestClient with a token per user."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}

    def headers(self, who: str) -> dict:
        if who not in self.tokens:
            r = self.client.post("/api/token", json={"name": who, "password": password(who)})
            assert r.status_code == 200, r.text
            self.tokens[who] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, who, url, headers: dict | None = None, **kw):
        return self.client.get(url, headers={**self.headers(who), **(headers or {})}, **kw)

    def post(self, who, url, headers: dict | None = None, **kw):
        return self.client.post(url, headers={**self.headers(who), **(headers or {})}, **kw)


@pytest.fixture(scope="module")
def api(warm, tmp_path_factory):
    """The application on a fresh database, in-process, for one test module."""
    from fastapi.testclient import TestClient

    from railcap.api import create_app

    db = make_database(tmp_path_factory.mktemp("api") / "railcap.sqlite")
    with TestClient(create_app(db, warm=warm)) as client:
        yield Api(client)


class LiveServer:
    def __init__(self, app, port):
        import threading

        import uvicorn

        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        import time

        self.thread.start()
        end = time.monotonic() + 60
        while not self.server.started:
            assert time.monotonic() < end, "server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(20)


@pytest.fixture(scope="module")
def live(warm, tmp_path_factory):
    """The application served by uvicorn on a local port (in a thread of this process)."""
    import socket

    from railcap.api import create_app

    db = make_database(tmp_path_factory.mktemp("live") / "railcap.sqlite")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with LiveServer(create_app(db, warm=warm), port) as server:
        server.db = db
        yield server


def conflicts_in(warm, db: str) -> list:
    """The independent conflict detector over the day as the database's allocations leave it."""
    from railcap.occupancy import OccupationTable, find_conflicts
    from railcap.store.allocations import load_state, open_store

    engine = open_store(db)
    with engine.connect() as conn:
        state = load_state(conn, None)
    engine.dispose()
    import numpy as np

    base = warm.base[~np.isin(warm.base.train_id, list(state.removed))] if state.removed else warm.base
    return find_conflicts(OccupationTable.concat([base, state.extra]) if len(state.extra) else base)


# -- pages in the browser ---------------------------------------------------------------------------------------

SHOTS = os.environ.get("RAILCAP_SCREENSHOTS")  # save a screenshot of each page there (docs/screenshots)


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def page(browser, live):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live.url)
    p = context.new_page()
    p.set_default_timeout(60_000)
    outside = []
    p.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live.url) and
         not r.url.startswith(("data:", "blob:")) else None)
    yield p
    context.close()
    assert outside == [], f"the page fetched from outside the server: {outside}"


def sign_in(page, who: str) -> None:
    page.goto("/signin")
    page.fill("#name", who)
    page.fill("#password", password(who))
    page.click("#signin")
    page.wait_for_url(lambda url: "/signin" not in url)
    page.wait_for_selector("#who:has-text('%s')" % who)
