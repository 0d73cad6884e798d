"""Long work (an N-1 ranking, a scenario, a Monte-Carlo sweep) as background jobs: started by a request,
progress polled by the page, the result fetched later. One job runs at a time in the warm process; the
others wait in order.
"""

from __future__ import annotations

import itertools
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from railcap.model.errors import RailcapError


@dataclass
class Job:
    id: int
    kind: str
    owner: str
    params: dict
    status: str = "queued"  # queued | running | done | failed
    done: int = 0
    total: int = 0
    created_s: float = field(default_factory=time.time)
    finished_s: float | None = None
    result: Any = None
    error: list[dict] | None = None

    def view(self, with_result: bool = False) -> dict:
        out = {"id": self.id, "kind": self.kind, "owner": self.owner, "params": self.params, "status": self.status,
               "progress": {"done": self.done, "total": self.total,
                            "fraction": round(self.done / self.total, 3) if self.total else None},
               "seconds": round((self.finished_s or time.time()) - self.created_s, 1), "error": self.error}
        if with_result:
            out["result"] = self.result
        return out


def plain(value: Any) -> Any:
    """The result as plain JSON values (numpy numbers and tuples included).

    >>> import numpy as np
    >>> plain({"ok": np.bool_(True), "n": (np.float64(1.5),)})
    {'ok': True, 'n': [1.5]}
    """
    import json

    def default(v):
        return v.item() if hasattr(v, "item") else list(v) if hasattr(v, "__iter__") else str(v)
    return json.loads(json.dumps(value, default=default))


class JobRunner:
    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="railcap-job")
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.jobs: dict[int, Job] = {}

    def submit(self, kind: str, owner: str, params: dict, work: Callable[[Job], Any]) -> Job:
        with self._lock:
            job = Job(next(self._ids), kind, owner, params)
            self.jobs[job.id] = job
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Job], Any]) -> None:
        job.status = "running"
        try:
            job.result = plain(work(job))
            job.status = "done"
        except RailcapError as exc:
            job.status, job.error = "failed", [{"loc": ["body", p.field], "msg": p.reason} for p in exc.problems]
        except Exception as exc:  # reported to the page; the server goes on
            traceback.print_exc()
            job.status, job.error = "failed", [{"loc": [], "msg": f"{type(exc).__name__}: {exc}"}]
        finally:
            job.finished_s = time.time()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


# -- resilience studies: the model and its scenarios come from services.resilience, as for the CLI ----------

_model_cache: dict = {}


def resilience_model():
    """(ResilienceModel, scenario document) of the Dutch network, built once per process by the service."""
    if "nl" not in _model_cache:
        from railcap.services.resilience import model

        _model_cache["nl"] = model("nl")
    return _model_cache["nl"]


def scenario_names() -> list[str]:
    _, scen_doc = resilience_model()
    return [s["name"] for s in (scen_doc or {}).get("scenarios", []) if isinstance(s, dict) and "name" in s]


def run_rank(job: Job) -> dict:
    model, _ = resilience_model()
    job.total = len(model.network.sections)

    def tick(k: int) -> None:
        job.done += k
    reports = model.rank(sections=True, ops=False, progress=tick)
    top = job.params.get("top", 20)
    return {"cases": len(reports), "ranking": [r.to_dict() for r in reports[:top]],
            "importance_by_section": {r.sections[0]: r.importance_km_per_train
                                      for r in reports if len(r.sections) == 1}}


def run_scenario(job: Job) -> dict:
    from railcap.model.errors import Problem
    from railcap.resilience.scenarios import scenarios_from_dict

    model, scen_doc = resilience_model()
    known = scenarios_from_dict(scen_doc, model.network, list(model.demand.train_types), "scenarios.json")
    name = job.params.get("scenario")
    if name not in known:
        raise RailcapError(Problem("job", "scenario", f"no scenario called '{name}'; known: {sorted(known)}"))
    job.total = 1
    rep = model.scenario(known[name])
    job.done = 1
    return rep.to_dict()


def run_sweep(job: Job) -> dict:
    from railcap.resilience.montecarlo import ModelSpec, sweep

    model, _ = resilience_model()
    spec = ModelSpec.of(model.network, model.demand, model.params)
    job.total = job.params["samples"]

    def tick(k: int) -> None:
        job.done += k
    rep = sweep(spec, job.params["samples"], job.params["failures"], job.params["seed"], None, progress=tick)
    return rep.to_dict()


WORK = {"rank": run_rank, "scenario": run_scenario, "sweep": run_sweep}
