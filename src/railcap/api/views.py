"""Background jobs, capacity, the portfolio and movements over HTTP: the services' answers, with the role
rules.

* ``POST /api/jobs`` — long work as a background job with progress: resilience studies (``rank``,
  ``scenario``, ``sweep``), the portfolio (``portfolio-evaluate`` a set of measures, each alone and
  together; ``portfolio-optimise`` for a budget) and a military ``movement-plan``. A movement plan's
  order and result are military details: it may be started by the roles that plan military paths and
  is seen only by defence planners and the planner who started it (``api.jobs.Job.view_for``).
  ``movement-allocate`` (capacity planners) stores the whole movement in one transaction, each train an
  allocation whose details its allocating planner and defence planners see.
* ``GET /api/capacity/report`` — UIC 406 consumption per line section on the day as it will be (the
  reference weekday with every allocation), ``services.capacity``; one answer per store version.
* ``GET /api/portfolio/measures`` — the measures catalogue (``services.measures``, without the evaluation model).
* ``GET /api/movements/sites`` — the military loading sites and ports (public infrastructure facts).
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from railcap.api import paths
from railcap.api.common import CACHED, FORBIDDEN, INVALID, NOT_FOUND, api_router, ctx_of, forbid
from railcap.api.jobs import MILITARY_KINDS, WORK, measures_catalogue, scenario_names
from railcap.api.planning import to_json
from railcap.api.schemas import JobIn
from railcap.api.security import current_user, may, require
from railcap.model.errors import RailcapError
from railcap.services import capacity as capacity_service
from railcap.services import movements as movement_service
from railcap.services.measures import measure_dict
from railcap.store import allocations as allocation_store
from railcap.store import audit

router = api_router()

#: what each kind of job takes from the body, and the permission it needs
JOB_FIELDS = {"rank": ("top",), "scenario": ("scenario",), "sweep": ("samples", "failures", "seed"),
              "portfolio-evaluate": ("measures", "demand_scenario"),
              "portfolio-optimise": ("budget_eur", "weights", "demand_scenario"), "movement-plan": ("order",),
              "movement-allocate": ("order",)}
REQUIRED = {"scenario": ("scenario", "a scenario job needs the scenario's name"),
            "portfolio-evaluate": ("measures", "name at least one measure (GET /api/portfolio/measures)"),
            "movement-plan": ("order", "a movement plan needs the movement order"),
            "movement-allocate": ("order", "a movement allocation needs the movement order")}


# -- jobs ----------------------------------------------------------------------------------------------------------

@router.get("/scenarios", responses=FORBIDDEN, tags=["studies"])
async def scenarios(_user: dict = Depends(require("read"))) -> list[str]:
    """The named disruption scenarios of the Dutch network."""
    return scenario_names()


@router.post("/jobs", status_code=202, responses={**FORBIDDEN, **INVALID}, tags=["studies"])
def start_job(body: JobIn, request: Request, user: dict = Depends(current_user)) -> dict:
    """Start a job; poll ``/api/jobs/{id}`` for its progress, then fetch ``/api/jobs/{id}/result``."""
    military = body.kind in MILITARY_KINDS
    need = "allocate" if body.kind == "movement-allocate" else "plan-military" if military else "study"
    if not may(user, need):
        raise forbid(f"the role {user['role']} may not start a {body.kind} job")
    if body.kind in REQUIRED and not getattr(body, REQUIRED[body.kind][0]):
        field, reason = REQUIRED[body.kind]
        raise HTTPException(422, detail=[{"loc": ["body", field], "type": "missing", "msg": reason}])
    ctx = ctx_of(request)
    params = {k: getattr(body, k) for k in JOB_FIELDS[body.kind]}
    work = WORK.get(body.kind) or (lambda job: _allocate_movement(ctx, user, job))
    job = ctx.jobs.submit(body.kind, user["name"], params, work, military=military)
    audit.append(ctx.engine, user["name"], "job", "job", job.id, {"kind": body.kind, **params}, military=military)
    return job.view_for(user)


def _allocate_movement(ctx, user: dict, job) -> dict:
    """A whole movement stored in one transaction, each train an allocation by ``user`` (capacity planners)."""
    return paths.allocate_movement(ctx, user, job.params["order"], lambda _message: setattr(job, "done", job.done + 1),
                                   lambda n: setattr(job, "total", n))


@router.get("/jobs", responses=FORBIDDEN, tags=["studies"])
async def jobs(request: Request, user: dict = Depends(require("read"))) -> list[dict]:
    """Every job of this server's life, newest first, with progress (a military job's details only for those
    who may see them)."""
    return [j.view_for(user) for j in sorted(ctx_of(request).jobs.jobs.values(), key=lambda j: -j.id)]


def _job(request: Request, job_id: int):
    job = ctx_of(request).jobs.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, detail=[{"loc": ["path", "job_id"], "msg": f"no job {job_id}", "type": "not_found"}])
    return job


@router.get("/jobs/{job_id}", responses={**FORBIDDEN, **NOT_FOUND, **INVALID}, tags=["studies"])
async def job(job_id: int, request: Request, user: dict = Depends(require("read"))) -> dict:
    """A job's status and progress."""
    return _job(request, job_id).view_for(user)


@router.get("/jobs/{job_id}/result", responses={**FORBIDDEN, **NOT_FOUND, **INVALID,
                                                409: {"description": "not finished yet"}}, tags=["studies"])
async def job_result(job_id: int, request: Request, user: dict = Depends(require("read"))) -> dict:
    """The result of a finished job."""
    j = _job(request, job_id)
    if not j.visible_to(user):
        raise forbid(f"job {job_id} is a military movement: the role {user['role']} does not see its result")
    if j.status != "done":
        raise HTTPException(409, detail=[{"loc": ["path", "job_id"], "type": "not_ready",
                                          "msg": f"job {job_id} is {j.status}"}])
    return j.view_for(user, with_result=True)


# -- capacity, portfolio, movements --------------------------------------------------------------------------------

@router.get("/capacity/report", responses={**FORBIDDEN, **INVALID, **CACHED}, tags=["capacity"],
            response_class=JSONResponse, response_model=dict)
def capacity_report(request: Request,
                    window: str = Query("07:00-09:00", min_length=11, max_length=11,
                                        pattern=r"^\d\d:\d\d-\d\d:\d\d$"),
                    top: int = Query(50, ge=1, le=5000),
                    _user: dict = Depends(require("read"))) -> Response:
    """UIC 406 consumption per line section in WINDOW on the day as it will be (reference weekday plus
    every allocation), busiest first: trains, compressed minutes, rate, whether over the norm."""
    ctx = ctx_of(request)

    def make() -> bytes:
        with ctx.engine.connect() as conn:
            state = allocation_store.load_state(conn, None)
        table = allocation_store.day_table(ctx.warm.base, state)
        try:
            report = capacity_service.report(window, table=table, net=ctx.warm.net)
        except RailcapError as exc:
            raise HTTPException(422, detail=[{"loc": ["query", "window"], "msg": p.reason, "type": "value_error"}
                                             for p in exc.problems]) from None
        return to_json(capacity_service.report_dict(report, top))
    return ctx.reads.respond(request, ("capacity", window, top), make)


@router.get("/portfolio/measures", responses=FORBIDDEN, tags=["portfolio"])
def portfolio_measures(_user: dict = Depends(require("read"))) -> list[dict]:
    """The measures catalogue (freight agenda 2026–2030 and starter-package candidates), by priority."""
    measures = measures_catalogue().measures.values()
    return [measure_dict(m) for m in sorted(measures, key=lambda m: (str(m.priority), m.id))]


@router.get("/movements/sites", responses=FORBIDDEN, tags=["movements"])
def movement_sites(_user: dict = Depends(require("read"))) -> list[dict]:
    """Military loading sites and ports: tracks, trains a day, loading time, opening hours, source."""
    return movement_service.loading_sites()
