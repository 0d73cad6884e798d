"""The server killed with SIGKILL in the middle of allocations, then started again: every allocation is whole
(path, blocks, request details, audit row) or absent, and the day has no double-booked block."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import sqlalchemy

from tests.web.conftest import conflicts_in, make_database, password


def _serve(db: str, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("railcap")
    return subprocess.Popen([str(exe), "serve", "--db", db, "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "200"})


def _ready(url: str, proc: subprocess.Popen, timeout_s: float = 120) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        assert proc.poll() is None, proc.stdout.read()
        try:
            if httpx.get(f"{url}/api/me", timeout=2).status_code == 401:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("server did not start")


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (the server's forked path planners)."""
    from pathlib import Path

    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _gone(pids: list[int], timeout_s: float = 10) -> bool:
    import os

    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        alive = []
        for p in pids:
            try:
                os.kill(p, 0)
                alive.append(p)
            except ProcessLookupError:
                pass
        if not alive:
            return True
        time.sleep(0.2)
    return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _whole_or_absent(db: str) -> int:
    engine = sqlalchemy.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        rows = conn.exec_driver_sql("SELECT id, train_id, result_json FROM allocations").all()
        for aid, train_id, result_json in rows:
            assert train_id == f"A{aid}-freight", aid
            assert json.loads(result_json)["paths"], aid
            n = conn.exec_driver_sql(f"SELECT count(*) FROM train_occupations o JOIN train_versions v "
                                     f"ON v.id = o.version_id WHERE v.allocation_id={aid}").scalar()
            assert n > 0, aid
            assert conn.exec_driver_sql(f"SELECT count(*) FROM request_details WHERE allocation_id={aid}").scalar() == 1
            assert conn.exec_driver_sql(f"SELECT count(*) FROM audit_log WHERE object_type='allocation' "
                                        f"AND object_id='{aid}' AND action='allocate'").scalar() == 1
        orphans = conn.exec_driver_sql("SELECT count(*) FROM train_versions WHERE allocation_id NOT IN "
                                       "(SELECT id FROM allocations)").scalar()
        assert orphans == 0
    engine.dispose()
    return len(rows)


def test_sigkill_during_allocations_leaves_each_whole_or_absent(tmp_path, warm):
    db = make_database(tmp_path / "railcap.sqlite")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _serve(db, port)
    try:
        _ready(url, proc)
        tok = httpx.post(f"{url}/api/token", json={"name": "cp", "password": password("cp")}).json()["access_token"]
        done: list[int] = []

        def client(i: int) -> None:
            body = {"origin": "Kijfhoek", "destination": "oldenzaal-grens", "depart_after": f"0{6 + i % 3}:00",
                    "consist": "intermodal-740"}
            try:
                r = httpx.post(f"{url}/api/paths/allocate", json=body, timeout=120,
                               headers={"Authorization": f"Bearer {tok}"})
                if r.status_code == 201:
                    done.append(r.json()["allocation_id"])
            except httpx.HTTPError:
                pass  # the server died under it

        threads = [threading.Thread(target=client, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        end = time.monotonic() + 120
        while len(done) < 2 and time.monotonic() < end:
            time.sleep(0.02)
        time.sleep(0.15)  # into the middle of the next allocation
        planners = _children(proc.pid)
        assert planners, "the server forks its path planners at start"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        for t in threads:
            t.join(60)
        assert len(done) >= 2
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)

    assert _gone(planners), "a planner outlived the killed server"
    stored = _whole_or_absent(db)
    assert stored >= len(done)  # every answered allocation survived; others are whole or absent
    assert stored < 10, "the kill came too late to test anything"

    proc = _serve(db, port)  # start again on the same database
    try:
        _ready(url, proc)
        tok = httpx.post(f"{url}/api/token", json={"name": "cp", "password": password("cp")}).json()["access_token"]
        h = {"Authorization": f"Bearer {tok}"}
        assert len(httpx.get(f"{url}/api/allocations", headers=h).json()) == stored
        r = httpx.post(f"{url}/api/paths/allocate", headers=h, timeout=120,
                       json={"origin": "Kijfhoek", "destination": "oldenzaal-grens", "depart_after": "06:00",
                             "consist": "intermodal-740"})
        assert r.status_code == 201, r.text
        planners = _children(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert _gone(planners), "a planner outlived the stopped server"
    assert _whole_or_absent(db) == stored + 1
    assert conflicts_in(warm, db) == []
