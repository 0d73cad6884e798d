"""Load test of the web application on localhost: 50 concurrent clients, bounded in count and time.

Starts ``railcap serve`` on a fresh SQLite database in a temp dir, then
* reads: 50 clients send GET /api/allocations, /api/day, /api/me and a one-hour corridor (Rotterdam –
  Dordrecht) in turn, ``--reads`` requests in all;
* path planning: 50 clients send POST /api/paths/plan with freight requests (port/yard → border, departures
  over the day, drawn with a seed), ``--plans`` requests in all;
and reports requests per second and p50/p95 latency as the clients see it, plus one client alone.
Baseline (same run): the command line as it was before the service, ``railcap path plan --json`` in a new
process per request (loads network, day and blocking times every time), for ``--cold`` requests.

Run: ``python -m bench web`` or ``python bench/bench_web.py [--reads 2000] [--plans 200] [--cold 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

CLIENTS = 50
ORIGINS = ("Kijfhoek", "rotterdam-maasvlakte", "Waalhaven Zuid", "Amsterdam Westhaven", "Moerdijk", "Botlek")
BORDERS = ("zevenaar-grens", "oldenzaal-grens", "venlo-grens", "roosendaal-grens")
CONSISTS = ("intermodal-740", "intermodal-650", "bulk-heavy", "empty-return")


def plan_bodies(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [{"origin": rng.choice(ORIGINS), "destination": rng.choice(BORDERS), "consist": rng.choice(CONSISTS),
             "depart_after": f"{rng.randint(5, 21):02d}:{rng.choice((0, 15, 30, 45)):02d}"} for _ in range(n)]


READS = [("GET", "/api/allocations", None), ("GET", "/api/day", None), ("GET", "/api/me", None),
         ("GET", "/api/corridor?from=rotterdam-centraal&to=dordrecht&window=07:00-08:00", None)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("railcap")
    log = open(Path(db).with_suffix(".log"), "w")
    proc = subprocess.Popen([str(exe), "serve", "--db", db, "--port", str(port)], stdout=log, stderr=log)
    end = time.monotonic() + 120
    while time.monotonic() < end:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/me", timeout=2).status_code == 401:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


async def run_load(url: str, token: str, jobs: list[tuple[str, str, dict | None]], clients: int,
                   time_limit_s: float) -> dict:
    """Send ``jobs`` with ``clients`` at once; latency per request as the client sees it."""
    queue: asyncio.Queue = asyncio.Queue()
    for j in jobs:
        queue.put_nowait(j)
    lat: list[float] = []
    by_path: dict[str, list[float]] = {}
    codes: dict[int, int] = {}
    deadline = time.monotonic() + time_limit_s
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=300,
                                 limits=limits) as client:
        async def worker():
            while not queue.empty() and time.monotonic() < deadline:
                method, path, body = queue.get_nowait()
                t = time.perf_counter()
                r = await client.request(method, path, json=body)
                lat.append(time.perf_counter() - t)
                by_path.setdefault(path.split("?")[0], []).append(lat[-1] * 1000.0)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t0
    a = np.array(lat) * 1000.0
    return {"requests": len(lat), "seconds": round(wall, 2), "rps": round(len(lat) / wall, 1),
            "p50_ms": round(float(np.percentile(a, 50)), 1), "p95_ms": round(float(np.percentile(a, 95)), 1),
            "codes": codes, "by_path": {k: (round(float(np.percentile(v, 50)), 1), round(float(np.percentile(v, 95)), 1))
                                        for k, v in by_path.items()}}


def cold_cli(bodies: list[dict], db: str) -> list[float]:
    exe = Path(sys.executable).with_name("railcap")
    out = []
    for b in bodies:
        t = time.perf_counter()
        subprocess.run([str(exe), "path", "plan", "--from", b["origin"], "--to", b["destination"], "--consist",
                        b["consist"], "--depart-after", b["depart_after"], "--db", db, "--json"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out.append(time.perf_counter() - t)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reads", type=int, default=2000)
    ap.add_argument("--plans", type=int, default=200)
    ap.add_argument("--cold", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--time-limit", type=float, default=180.0, help="seconds per phase at most")
    args = ap.parse_args(argv)

    from railcap.store import users
    from railcap.store.database import migrate, plain_engine

    tmp = tempfile.mkdtemp(prefix="railcap-bench-web-")
    db = os.path.join(tmp, "railcap.sqlite")
    migrate(db)
    eng = plain_engine(db)
    users.add_user(eng, "bench", "capacity-planner", "bench-password")
    eng.dispose()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    t = time.perf_counter()
    proc = start_server(db, port)
    print(f"server log: {Path(db).with_suffix('.log')}")
    print(f"server ready in {time.perf_counter() - t:.1f} s (network, day, blocking times loaded once)")
    try:
        token = httpx.post(f"{url}/api/token", json={"name": "bench", "password": "bench-password"}
                           ).json()["access_token"]
        bodies = plan_bodies(args.plans, args.seed)
        warm = [("POST", "/api/paths/plan", b) for b in plan_bodies(len(CONSISTS) * 2, args.seed + 1)]
        asyncio.run(run_load(url, token, warm, 1, args.time_limit))  # each consist's running times once
        reads = [READS[i % len(READS)] for i in range(args.reads)]
        rows = [
            ("reads, 50 clients", asyncio.run(run_load(url, token, reads, CLIENTS, args.time_limit))),
            ("reads, 1 client", asyncio.run(run_load(url, token, reads[:200], 1, args.time_limit))),
            ("path plan, 50 clients", asyncio.run(run_load(url, token, [("POST", "/api/paths/plan", b)
                                                                        for b in bodies], CLIENTS,
                                                           args.time_limit))),
            ("path plan, 1 client", asyncio.run(run_load(url, token, [("POST", "/api/paths/plan", b)
                                                                      for b in bodies[:50]], 1, args.time_limit))),
        ]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    cold = cold_cli(plan_bodies(args.cold, args.seed), db)
    print(f"{'workload':<24}{'requests':>9}{'s':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}  status codes")
    for name, r in rows:
        print(f"{name:<24}{r['requests']:>9}{r['seconds']:>8}{r['rps']:>8}{r['p50_ms']:>9}{r['p95_ms']:>9}  "
              f"{r['codes']}")
    for name, r in rows[:2]:
        print(f"  {name}, p50/p95 ms per endpoint: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in r["by_path"].items()))
    one = rows[3][1]["p50_ms"]
    print(f"baseline, cold CLI `railcap path plan` per request: median {np.median(cold):.2f} s over "
          f"{len(cold)} = {np.median(cold) * 1000 / one:.0f}x the warm service's p50 with one client")


if __name__ == "__main__":
    main(sys.argv[1:])
