"""Users with roles, passwords hashed with argon2id.

Roles, from most to least trusted with military details:

* ``defence-planner`` — requests military paths; sees every military detail.
* ``capacity-planner`` — plans and allocates paths; sees the details of the
  military requests it allocated or confirmed.
* ``analyst`` — reads everything civil, runs resilience studies.
* ``viewer`` — reads.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from railcap.model.errors import NotFoundError, Problem, ValidationError

ROLES = ("defence-planner", "capacity-planner", "analyst", "viewer")
NAME_CHARS = set(string.ascii_letters + string.digits + "._-@")

metadata = MetaData()
users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", String(32), nullable=False),
)
secrets_table = Table("secrets", metadata, Column("name", String(64), primary_key=True),
                      Column("value", String(255), nullable=False))

_hasher = PasswordHasher()  # argon2id with the library's current parameters


def check_role(role: str) -> str:
    """The role, or a ValidationError naming the allowed ones.

    >>> check_role("viewer")
    'viewer'
    """
    if role not in ROLES:
        raise ValidationError(Problem("user", "role", f"'{role}' is not one of {', '.join(ROLES)}"))
    return role


def check_name(name: str) -> str:
    if not 1 <= len(name) <= 64 or not set(name) <= NAME_CHARS:
        raise ValidationError(Problem("user", "name", "1-64 characters: letters, digits, '.', '_', '-', '@'"))
    return name


def new_password() -> str:
    """A random password of 20 characters (about 119 bits)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(20))


def add_user(engine: Engine, name: str, role: str, password: str) -> None:
    """Store a new user; the password is kept only as its argon2id hash."""
    check_name(name)
    check_role(role)
    if len(password) < 8:
        raise ValidationError(Problem("user", "password", "at least 8 characters"))
    try:
        with engine.begin() as conn:
            conn.execute(users.insert().values(
                name=name, role=role, password_hash=_hasher.hash(password), active=True,
                created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")))
    except IntegrityError:
        raise ValidationError(Problem("user", "name", f"'{name}' exists already")) from None


def authenticate(engine: Engine, name: str, password: str) -> dict | None:
    """The user (name, role) when the password is right and the user active, else None."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None or not row.active:
        _hasher.hash(password)  # the same work either way: no timing hint that the name exists
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return {"name": row.name, "role": row.role}


def get_user(engine: Engine, name: str) -> dict | None:
    """Name, role and whether active; None when there is no such user."""
    with engine.connect() as conn:
        row = conn.execute(select(users.c.name, users.c.role, users.c.active).where(users.c.name == name)).first()
    return dict(row._mapping) if row else None


def list_users(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(users.c.name, users.c.role, users.c.active, users.c.created_at).order_by(users.c.name))]


def set_active(engine: Engine, name: str, active: bool) -> None:
    with engine.begin() as conn:
        if conn.execute(update(users).where(users.c.name == name).values(active=active)).rowcount == 0:
            raise NotFoundError("user", name)


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(users.c.id).limit(1)).first() is not None


def signing_secret(engine: Engine) -> str:
    """The key that signs sign-in tokens: made once per database, so tokens outlive a restart."""
    with engine.connect() as conn:
        row = conn.execute(select(secrets_table.c.value).where(secrets_table.c.name == "token")).first()
    if row:
        return row.value
    try:
        with engine.begin() as conn:
            conn.execute(secrets_table.insert().values(name="token", value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass  # another process made it first
    return signing_secret(engine)
