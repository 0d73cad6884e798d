"""Users, the audit log and the migrations on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest
import sqlalchemy
from sqlalchemy.exc import DBAPIError

from railcap.model.errors import ValidationError
from railcap.store import audit, users
from railcap.store.database import current_revision, downgrade, migrate, plain_engine


@pytest.fixture
def engine(db_url):
    migrate(db_url)
    eng = plain_engine(db_url)
    yield eng
    eng.dispose()


def test_migrations_reach_head_and_are_idempotent(db_url):
    assert current_revision(db_url) is None
    migrate(db_url)
    migrate(db_url)
    assert current_revision(db_url) == "0004"
    names = set(sqlalchemy.inspect(plain_engine(db_url)).get_table_names())
    assert {"users", "audit_log", "secrets", "allocations", "train_versions",
            "train_occupations", "railcap_meta", "store_version", "request_details"} <= names


def test_migrations_go_down_and_up_again(db_url):
    migrate(db_url)
    downgrade(db_url)
    assert current_revision(db_url) is None
    migrate(db_url)
    assert current_revision(db_url) == "0004"


def test_password_is_stored_as_argon2id_and_checked(engine):
    users.add_user(engine, "dp", "defence-planner", "correct horse")
    with engine.connect() as conn:
        stored = conn.execute(sqlalchemy.select(users.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert users.authenticate(engine, "dp", "correct horse") == {"name": "dp", "role": "defence-planner"}
    assert users.authenticate(engine, "dp", "wrong horse") is None
    assert users.authenticate(engine, "nobody", "correct horse") is None
    users.set_active(engine, "dp", False)
    assert users.authenticate(engine, "dp", "correct horse") is None


@pytest.mark.parametrize("name, role, password, field", [
    ("ok", "admiral", "long enough", "role"),
    ("has space", "viewer", "long enough", "name"),
    ("ok", "viewer", "short", "password"),
])
def test_bad_users_are_refused_naming_the_field(engine, name, role, password, field):
    with pytest.raises(ValidationError) as err:
        users.add_user(engine, name, role, password)
    assert err.value.problems[0].field == field


def test_a_name_is_taken_once(engine):
    users.add_user(engine, "ann", "viewer", "password1")
    with pytest.raises(ValidationError, match="exists already"):
        users.add_user(engine, "ann", "analyst", "password2")


def test_signing_secret_is_made_once(engine):
    assert users.signing_secret(engine) == users.signing_secret(engine)
    assert len(users.signing_secret(engine)) >= 48


def test_audit_log_is_append_only_in_the_database(engine):
    audit.append(engine, "dp", "request", "allocation", 7, {"unit": "43 Mechbrig"}, military=True)
    audit.append(engine, "cp", "allocate", "allocation", 7)
    rows = audit.entries(engine, object_type="allocation", object_id=7)
    assert [r["action"] for r in rows] == ["allocate", "request"]
    assert rows[1]["military"] and rows[1]["detail"] == {"unit": "43 Mechbrig"}
    for stmt in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.exec_driver_sql(stmt)
    assert len(audit.entries(engine)) == 2
    assert audit.objects_touched(engine, "cp", "allocation", ("allocate", "confirm")) == {"7"}


def test_audit_row_commits_with_the_action_or_not_at_all(engine):
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            audit.record(conn, "cp", "allocate", "allocation", 1)
            raise RuntimeError("the allocation failed half-way")
    assert audit.entries(engine) == []
