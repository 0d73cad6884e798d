"""Load test of the web application on localhost: 50 concurrent clients, bounded in count and time.

Starts ``railcap serve`` (its default: path searches in 2 forked planner processes) on a fresh SQLite
database in a temp dir, signs in as a capacity planner, then
* reads: 50 clients send GET /api/allocations, /api/day, /api/me and a one-hour corridor (Rotterdam –
  Dordrecht) in turn, ``--reads`` requests in all, every one a full 200 answer (no If-None-Match);
* path planning, searched: 50 clients send POST /api/paths/plan with ``--plans`` *distinct* freight
  requests (port/yard → border, departures over the day, drawn with a seed) that the server has not seen:
  every answer is a search (the server's ``X-Plan-Cache: miss``; counted, not assumed);
* path planning, answered from the plan cache: the same requests again on the same day (store version):
  ``X-Plan-Cache: hit``;
* reads while planning: 50 read clients while 10 other clients send searched plans;
* one client alone for reads and for searched plans.
Reports requests per second and p50/p95 latency as the clients see it, and the server's own hit/miss
count per phase. Baseline (same run): the command line as it was before the service, ``railcap path plan
--json`` in a new process per request (loads network, day and blocking times every time), ``--cold`` times.

Run: ``python -m bench web`` or ``python bench/bench_web.py [--reads 2000] [--plans 200] [--cold 3]``;
``python bench/bench_web.py --in-process``: only the CPU per plan answer in one process (no server).
"""

from __future__ import annotations

import argparse
import asyncio
import json
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


def plan_bodies(n: int, seed: int, avoid: set[str] = frozenset()) -> list[dict]:
    """``n`` distinct plan requests (none of those in ``avoid``, as JSON text)."""
    rng = random.Random(seed)
    out: dict[str, dict] = {}
    while len(out) < n:
        body = {"origin": rng.choice(ORIGINS), "destination": rng.choice(BORDERS), "consist": rng.choice(CONSISTS),
                "depart_after": f"{rng.randint(5, 21):02d}:{rng.randint(0, 59):02d}"}
        key = json.dumps(body, sort_keys=True)
        if key not in avoid:
            out.setdefault(key, body)
    return list(out.values())


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


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: the lightest load client there is, so that the
    2 cores go to the server (httpx's pool costs more CPU than the server's answer at 50 connections)."""

    def __init__(self, host: str, port: int, token: str):
        self.host, self.port = host, port
        self.auth = f"Authorization: Bearer {token}\r\n"
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: dict | None) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = b"" if body is None else json.dumps(body).encode()
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{self.auth}"
                + (f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n" if body is not None else "")
                + "\r\n")
        self.writer.write(head.encode() + data)
        status_line = await self.reader.readline()
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            k, _, v = line.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        return int(status_line.split()[1]), headers, await self.reader.readexactly(n)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def run_load(url: str, token: str, jobs: list[tuple[str, str, dict | None]], clients: int,
                   time_limit_s: float) -> dict:
    """Send ``jobs`` with ``clients`` connections at once; latency per request as the client sees it."""
    queue: asyncio.Queue = asyncio.Queue()
    for j in jobs:
        queue.put_nowait(j)
    lat: list[float] = []
    by_path: dict[str, list[float]] = {}
    codes: dict[int, int] = {}
    cache: dict[str, int] = {}
    deadline = time.monotonic() + time_limit_s
    host, port = url.removeprefix("http://").split(":")

    async def worker():
        conn = Connection(host, int(port), token)
        try:
            while not queue.empty() and time.monotonic() < deadline:
                method, path, body = queue.get_nowait()
                t = time.perf_counter()
                status, headers, _ = await conn.request(method, path, body)
                lat.append(time.perf_counter() - t)
                by_path.setdefault(path.split("?")[0], []).append(lat[-1] * 1000.0)
                codes[status] = codes.get(status, 0) + 1
                if "x-plan-cache" in headers:
                    cache[headers["x-plan-cache"]] = cache.get(headers["x-plan-cache"], 0) + 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - t0
    a = np.array(lat) * 1000.0
    return {"requests": len(lat), "seconds": round(wall, 2), "rps": round(len(lat) / wall, 1),
            "p50_ms": round(float(np.percentile(a, 50)), 1), "p95_ms": round(float(np.percentile(a, 95)), 1),
            "codes": codes, "plan_cache": cache,
            "by_path": {k: (round(float(np.percentile(v, 50)), 1), round(float(np.percentile(v, 95)), 1))
                        for k, v in by_path.items()}}


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(CPU seconds of process ``pid``, CPU seconds of its child processes still running: the planners)."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(p: int | str) -> tuple[int, float]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / tick  # ppid, utime + stime

    children = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid, cpu = own(entry.name)
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
            children += cpu if ppid == pid else 0.0
    return own(pid)[1], children


def with_cpu(pid: int, run) -> dict:
    """``run()``'s result with the server's and the planners' CPU milliseconds per request."""
    before = cpu_seconds(pid)
    r = run()
    after = cpu_seconds(pid)
    n = max(1, r["requests"])
    r["cpu_ms"] = tuple(round((b - a) * 1000.0 / n, 1) for a, b in zip(before, after))
    return r


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


def in_process(seed: int, n: int) -> None:
    """CPU milliseconds per plan answer (``api.planning.plan_answer``: the search, the diagram, the JSON) in
    this process, as a planner process spends them: ``n`` requests on routes it has not planned yet, then
    ``n`` more (its routes, segments and corridors kept). No server, no client: the search's own cost."""
    from railcap.api.planning import plan_answer
    from railcap.api.schemas import PathRequestIn
    from railcap.api.warm import Warm
    from railcap.store.database import migrate, plain_engine

    warm = Warm.load()
    db = os.path.join(tempfile.mkdtemp(prefix="railcap-bench-web-"), "railcap.sqlite")
    migrate(db)
    engine = plain_engine(db)
    for body in plan_bodies(len(CONSISTS) * 2, seed + 1):  # as the load test warms its planners
        plan_answer(warm, engine, PathRequestIn.model_validate(body))
    for name, bodies in (("first", plan_bodies(n, seed)), ("next", plan_bodies(n, seed + 4))):
        cpu = []
        for body in bodies:
            t = time.process_time()
            plan_answer(warm, engine, PathRequestIn.model_validate(body))
            cpu.append((time.process_time() - t) * 1000.0)
        a = np.array(cpu)
        print(f"{name} {n} plans: CPU ms per plan mean {a.mean():.1f}, p50 {np.percentile(a, 50):.1f}, "
              f"p95 {np.percentile(a, 95):.1f} (load average {os.getloadavg()[0]:.1f})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reads", type=int, default=2000)
    ap.add_argument("--plans", type=int, default=200)
    ap.add_argument("--cold", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--time-limit", type=float, default=180.0, help="seconds per phase at most")
    ap.add_argument("--in-process", action="store_true", help="only the CPU per plan answer, in this process")
    args = ap.parse_args(argv)
    if args.in_process:
        return in_process(args.seed, args.plans)

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
    print(f"server ready in {time.perf_counter() - t:.1f} s (network, day, blocking times loaded once); "
          f"load average {os.getloadavg()[0]:.2f}")
    try:
        token = httpx.post(f"{url}/api/token", json={"name": "bench", "password": "bench-password"}
                           ).json()["access_token"]
        warm = plan_bodies(len(CONSISTS) * 2, args.seed + 1)
        asyncio.run(run_load(url, token, [("POST", "/api/paths/plan", b) for b in warm], 1, args.time_limit))
        seen = {json.dumps(b, sort_keys=True) for b in warm}  # each consist's running times once, in each planner
        bodies = plan_bodies(args.plans, args.seed, seen)
        seen |= {json.dumps(b, sort_keys=True) for b in bodies}
        alone = plan_bodies(50, args.seed + 2, seen)
        seen |= {json.dumps(b, sort_keys=True) for b in alone}
        beside = plan_bodies(10 * 10, args.seed + 3, seen)
        reads = [READS[i % len(READS)] for i in range(args.reads)]
        plans = [("POST", "/api/paths/plan", b) for b in bodies]

        async def reads_while_planning():
            r, p = await asyncio.gather(
                run_load(url, token, reads, CLIENTS, args.time_limit),
                run_load(url, token, [("POST", "/api/paths/plan", b) for b in beside], 10, args.time_limit))
            return r, p
        def load(jobs, clients):
            return with_cpu(proc.pid, lambda: asyncio.run(run_load(url, token, jobs, clients, args.time_limit)))
        rows = [
            ("reads, 50 clients", load(reads, CLIENTS)),
            ("reads, 1 client", load(reads[:200], 1)),
            ("plan searched, 50 cl.", load(plans, CLIENTS)),
            ("plan cached, 50 cl.", load(plans, CLIENTS)),
            ("plan searched, 1 cl.", load([("POST", "/api/paths/plan", b) for b in alone], 1)),
        ]
        mixed_reads, mixed_plans = asyncio.run(reads_while_planning())
        rows += [("reads, 50 cl. + 10 plan", mixed_reads), ("  (the 10 plan clients)", mixed_plans)]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    cold = cold_cli(plan_bodies(args.cold, args.seed), db)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'workload':<26}{'requests':>9}{'s':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'CPU ms/req':>16}"
          f"  status codes, plan cache")
    for name, r in rows:
        cpu = "server %s + planners %s" % r["cpu_ms"] if "cpu_ms" in r else ""
        print(f"{name:<26}{r['requests']:>9}{r['seconds']:>8}{r['rps']:>8}{r['p50_ms']:>9}{r['p95_ms']:>9}  "
              f"{cpu:<28}{r['codes']} {r['plan_cache'] or ''}")
    for name, r in (rows[0], rows[1], rows[5]):
        print(f"  {name}, p50/p95 ms per endpoint: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in r["by_path"].items()))
    one = rows[4][1]["p50_ms"]
    print(f"baseline, cold CLI `railcap path plan` per request: median {np.median(cold):.2f} s over "
          f"{len(cold)} = {np.median(cold) * 1000 / one:.0f}x the warm service's searched p50 with one client")

if __name__ == "__main__":
    main(sys.argv[1:])
