"""Long work as background jobs: started by a request, progress polled by the page, the result fetched
later. Resilience studies (N-1 ranking, a scenario, a Monte-Carlo sweep), the portfolio (evaluate a set
of measures, optimise for a budget) and a military movement plan. One job runs at a time in the warm
process; the others wait in order.

A movement plan's order and result are military details: only defence planners and the planner who
started it see them (:meth:`Job.view_for`); everyone else sees that a reserved job ran, and its progress.
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
from railcap.services import measures as measures_service
from railcap.services import movements as movement_service
from railcap.services import portfolio as portfolio_service


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
    military: bool = False  # its parameters and result are a military request's details

    def visible_to(self, user: dict) -> bool:
        """Whether ``user`` may see the parameters and the result (always, unless the job is military)."""
        return not self.military or user["role"] == "defence-planner" or user["name"] == self.owner

    def view_for(self, user: dict, with_result: bool = False) -> dict:
        """The job as ``user`` may see it: a military job shows others its status and progress only."""
        out = self.view(with_result and self.visible_to(user))
        if not self.visible_to(user):
            out.update(kind="reserved", params={}, error=None if self.error is None else
                       [{"loc": [], "msg": "failed"}], reserved=True)
        return out

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

    def submit(self, kind: str, owner: str, params: dict, work: Callable[[Job], Any], military: bool = False) -> Job:
        with self._lock:
            job = Job(next(self._ids), kind, owner, params, military=military)
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
    """The Dutch network's named scenarios (read from its file: no model is built for the list)."""
    from railcap.services.resilience import scenario_names as names

    return names("nl") or []


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


# -- portfolio and movements: services.portfolio and services.movements, as for the CLI -------------------------

_setup_lock = threading.Lock()
_measures_lock = threading.Lock()


def portfolio_setup():
    """The portfolio's network, demand, scenarios and measures catalogue, loaded once per process."""
    with _setup_lock:
        if "portfolio" not in _model_cache:
            _model_cache["portfolio"] = portfolio_service.load_setup("nl")
        return _model_cache["portfolio"]


def measures_catalogue():
    """The checked measures catalogue alone (``services.measures``: no evaluation model), once per process;
    its own lock, so it never waits for a portfolio job loading the whole setup."""
    with _measures_lock:
        if "measures" not in _model_cache:
            _model_cache["measures"] = measures_service.catalogue("nl")
        return _model_cache["measures"]


def _ticker(job: Job):
    def total(n: int) -> None:
        job.total = n

    def tick(k: int = 1) -> None:
        job.done += k
    return total, tick


def run_portfolio_evaluate(job: Job) -> dict:
    setup = portfolio_setup()
    total, tick = _ticker(job)
    ev = portfolio_service.evaluate_measures(setup, job.params["measures"], job.params["demand_scenario"],
                                             progress=tick, on_total=total)
    return portfolio_service.evaluation_dict(ev, setup)


def run_portfolio_optimise(job: Job) -> dict:
    setup = portfolio_setup()
    total, tick = _ticker(job)
    started = time.time()
    appraisal = portfolio_service.optimise(setup, job.params["budget_eur"], job.params["weights"],
                                           job.params["demand_scenario"], progress=tick, on_total=total)
    return portfolio_service.appraisal_dict(appraisal, setup, job.params["demand_scenario"], time.time() - started)


def run_movement_plan(job: Job) -> dict:
    dep = movement_service.deployment_from(job.params["order"], "order")
    job.total = len(dep.trains)
    plan = movement_service.plan_deployment(dep, lambda _message: setattr(job, "done", job.done + 1))
    job.done = job.total
    return movement_service.plan_to_dict(plan)


WORK.update({"portfolio-evaluate": run_portfolio_evaluate, "portfolio-optimise": run_portfolio_optimise,
             "movement-plan": run_movement_plan})
#: jobs whose parameters and result are a military request's details (see ``Job.view_for``)
MILITARY_KINDS = frozenset({"movement-plan", "movement-allocate"})
