"""What every HTTP route module shares: the context, the refusal of unknown query parameters, the
documented error answers."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

def reject_unknown_query(request: Request) -> None:
    """A query parameter the operation does not take is an error that names it, not something ignored."""
    route = request.scope.get("route")
    if route is None or not request.query_params:
        return
    known: set[str] = set()
    todo = [route.dependant]
    while todo:
        d = todo.pop()
        known |= {getattr(p, "alias", None) or p.name for p in d.query_params}
        todo.extend(d.dependencies)
    unknown = [k for k in request.query_params.keys() if k not in known]
    if unknown:
        raise HTTPException(422, detail=[{"loc": ["query", k], "msg": "this operation takes no such parameter",
                                          "type": "extra_forbidden"} for k in unknown])


NO_AUTH = {401: {"description": "not signed in, or the token is expired or forged"}}
FORBIDDEN = {**NO_AUTH, 403: {"description": "the role may not do this"}}
NOT_FOUND = {404: {"description": "no such object"}}
INVALID = {422: {"description": "invalid input: every problem names its field in `loc`"}}
PLAN_OK = {200: {"description": "the plan and its diagram", "headers": {"X-Plan-Cache": {
    "description": "hit: the answer to the same request on the same day (store version); miss: searched now",
    "schema": {"type": "string", "enum": ["hit", "miss"]}}}}}
CACHED = {304: {"description": "not modified since the ETag sent in If-None-Match"}}


def ctx_of(request: Request):
    return request.app.state.ctx


def forbid(reason: str) -> HTTPException:
    return HTTPException(403, detail=[{"loc": ["path"], "msg": reason, "type": "forbidden"}])


def api_router() -> APIRouter:
    """A router under ``/api`` that refuses query parameters its operations do not take."""
    return APIRouter(prefix="/api", dependencies=[Depends(reject_unknown_query)])
