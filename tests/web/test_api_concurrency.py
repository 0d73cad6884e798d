"""Many planners at once: 24 clients allocate overlapping paths through the API at the same moment."""

from __future__ import annotations

import threading

import httpx

from tests.web.conftest import conflicts_in, password

CLIENTS = 24


def _token(url: str, who: str) -> str:
    r = httpx.post(f"{url}/api/token", json={"name": who, "password": password(who)})
    return r.json()["access_token"]


def test_parallel_allocations_never_double_book_and_are_all_audited(live, warm):
    tokens = {who: _token(live.url, who) for who in ("cp", "cp2", "dp")}
    who = ["cp", "cp2", "dp"]
    start = threading.Barrier(CLIENTS)
    results: list[tuple[str, int, dict]] = [None] * CLIENTS  # type: ignore[list-item]

    def client(i: int) -> None:
        user = who[i % 3]
        body = {"origin": "Kijfhoek", "destination": "oldenzaal-grens" if i % 2 else "zevenaar-grens",
                "depart_after": f"08:{(i % 4) * 5:02d}", "consist": "intermodal-740"}
        with httpx.Client(base_url=live.url, timeout=300,
                          headers={"Authorization": f"Bearer {tokens[user]}"}) as c:
            start.wait()
            r = c.post("/api/paths/allocate", json=body)
        results[i] = (user, r.status_code, r.json())

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    assert all(r is not None for r in results)
    stored = [(user, doc["allocation_id"]) for user, status, doc in results if status == 201]
    assert len(stored) >= CLIENTS - 2, [r[1:] for r in results if r[1] != 201]
    assert all(status in (201, 422) for _, status, _ in results), [r for r in results if r[1] not in (201, 422)]
    assert len({aid for _, aid in stored}) == len(stored)

    assert conflicts_in(warm, live.db) == []  # no block is booked twice, base day included

    with httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {tokens['dp']}"}) as c:
        log = c.get("/api/audit", params={"limit": 2000}).json()
        listed = c.get("/api/allocations").json()
    audited = {(e["actor"], int(e["object_id"])) for e in log
               if e["object_type"] == "allocation" and e["action"] in ("allocate", "request")}
    assert set(stored) == audited
    assert {a["id"] for a in listed} == {aid for _, aid in stored}
