"""The FastAPI application: sign-in, the network, the reference day, path requests, studies, pages."""

from __future__ import annotations

import os
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.responses import JSONResponse

from railcap.api.jobs import JobRunner
from railcap.model.errors import NotFoundError, RailcapError

TOKEN_MINUTES = float(os.environ.get("RAILCAP_TOKEN_MINUTES", "480"))


@dataclass
class Tables:
    request_details: object


@dataclass
class Context:
    """What every request handler reaches through ``request.app.state.ctx``."""

    url: str
    engine: object  # reads, users, audit rows of their own
    alloc_engine: object  # the allocation store's engine: one writing transaction at a time
    secret: str
    warm: object
    tables: Tables
    planning: object  # api.planning.Planning: the plan cache and the forked planners
    reads: object  # api.readcache.ReadCache: read answers per store version
    token_minutes: float = TOKEN_MINUTES
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    jobs: JobRunner = field(default_factory=JobRunner)


def open_database(db: str):
    """Migrate the database to the newest schema and open the allocation store's engine on it."""
    from sqlalchemy import MetaData, Table

    from railcap.store.allocations import open_store
    from railcap.store.database import database_url, migrate, plain_engine
    from railcap.store.users import signing_secret

    url = database_url(db)
    migrate(url)
    engine = plain_engine(url)
    tables = Tables(Table("request_details", MetaData(), autoload_with=engine))
    return url, engine, open_store(url), signing_secret(engine), tables


def create_app(db: str, *, warm=None, token_minutes: float = TOKEN_MINUTES, plan_processes: int = 0) -> FastAPI:
    """The application on database ``db`` (a path for SQLite or an SQLAlchemy URL).

    ``warm`` is the loaded network and day (``api.warm.Warm``); loaded at start-up when not given.
    ``plan_processes``: path searches run in that many processes forked once the day is loaded (0: in
    the server's threads).
    """
    from railcap.api import pages, routes, views
    from railcap.api.planning import Planning
    from railcap.api.readcache import ReadCache
    from railcap.api.warm import Warm

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        url, engine, alloc_engine, secret, tables = open_database(db)
        day = warm or Warm.load()
        app.state.ctx = Context(url, engine, alloc_engine, secret, day, tables,
                                Planning(day, url, engine, plan_processes), ReadCache(engine), token_minutes)
        yield
        app.state.ctx.planning.shutdown()
        app.state.ctx.jobs.shutdown()
        engine.dispose()
        alloc_engine.dispose()

    app = FastAPI(title="railcap", version="0.1.0", lifespan=lifespan,
                  description="Short-notice paths with military priority, resilience studies and the network of "
                              "the Dutch railways. Sign in with POST /api/token, then send "
                              "`Authorization: Bearer <token>`. Military request details are shown only to "
                              "defence planners and to the capacity planners who allocated them.")
    _error_handlers(app)
    app.include_router(routes.router)
    app.include_router(views.router)
    app.include_router(pages.router)
    return app


def _problems(exc: RailcapError, where: str = "body") -> list[dict]:
    return [{"loc": [where, *str(p.field).replace("]", "").replace("[", ".").split(".")], "msg": p.reason,
             "type": "value_error", "element": p.element} for p in exc.problems]


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFoundError)
    async def not_found(_request: Request, exc: NotFoundError):
        return JSONResponse(status_code=404, content={"detail": _problems(exc)})

    @app.exception_handler(RailcapError)
    async def invalid(_request: Request, exc: RailcapError):
        return JSONResponse(status_code=422, content={"detail": _problems(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400:  # a body that is not even JSON: say where, as for every invalid input
            return JSONResponse(status_code=422, content={"detail": [
                {"loc": ["body"], "msg": "the body is not valid JSON (UTF-8)", "type": "json_invalid"}]})
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def malformed(_request: Request, exc: RequestValidationError):
        # FastAPI's own shape, without echoing the input back (it may hold what others must not see)
        return JSONResponse(status_code=422, content={"detail": [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()]})
