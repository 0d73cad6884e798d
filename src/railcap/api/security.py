"""Sign-in tokens and roles.

A token is a JWT signed with HS256 by the database's own secret; it names the
user and expires (``RAILCAP_TOKEN_MINUTES``, default 480). Every request checks
the signature, the expiry, and that the user still exists and is active; the
role is read from the database, not trusted from the token.
"""

from __future__ import annotations

import datetime as dt

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from railcap.store import users

ALGORITHM = "HS256"
ISSUER = "railcap"

# what each role may do; the one place for it
PERMISSIONS: dict[str, frozenset[str]] = {
    "defence-planner": frozenset({"read", "plan", "plan-military", "request", "cancel-own", "study", "audit"}),
    "capacity-planner": frozenset({"read", "plan", "plan-military", "allocate", "confirm", "cancel", "study",
                                   "audit"}),
    "analyst": frozenset({"read", "study"}),
    "viewer": frozenset({"read"}),
}

bearer = HTTPBearer(auto_error=False, description="The token from POST /api/token")


def issue_token(secret: str, name: str, minutes: float) -> tuple[str, int]:
    now = dt.datetime.now(dt.timezone.utc)
    exp = now + dt.timedelta(minutes=minutes)
    claims = {"sub": name, "iss": ISSUER, "iat": int(now.timestamp()), "exp": int(exp.timestamp())}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), int(minutes * 60)


def _refuse(reason: str) -> HTTPException:
    return HTTPException(401, detail=[{"loc": ["header", "authorization"], "msg": reason,
                                       "type": "not_authenticated"}],
                         headers={"WWW-Authenticate": "Bearer"})


async def current_user(request: Request,
                 creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> dict:
    """The signed-in user (name, role) or 401."""
    if creds is None or creds.scheme.lower() != "bearer":
        raise _refuse("sign in first: Authorization: Bearer <token from POST /api/token>")
    ctx = request.app.state.ctx
    try:
        claims = jwt.decode(creds.credentials, ctx.secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "sub", "iss"]})
    except jwt.ExpiredSignatureError:
        raise _refuse("the token has expired; sign in again") from None
    except jwt.PyJWTError:
        raise _refuse("the token is not valid") from None
    user = users.get_user(ctx.engine, str(claims["sub"]))
    if user is None or not user["active"]:
        raise _refuse("the token's user no longer exists or is disabled")
    return {"name": user["name"], "role": user["role"]}


def may(user: dict, permission: str) -> bool:
    return permission in PERMISSIONS.get(user["role"], frozenset())


def require(permission: str):
    """A dependency: the signed-in user, who must hold ``permission`` (else 403)."""

    async def check(user: dict = Depends(current_user)) -> dict:
        if not may(user, permission):
            raise HTTPException(403, detail=[{"loc": ["header", "authorization"], "type": "forbidden",
                                              "msg": f"the role {user['role']} may not {permission}"}])
        return user
    return check
