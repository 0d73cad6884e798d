"""The one way to reach the database: a file path means SQLite, anything with ``://`` is an SQLAlchemy URL.

``migrate(url)`` brings any database to the newest schema with the Alembic
migrations in ``store/migrations`` (the same ones for SQLite and PostgreSQL).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(url_or_path: str | Path) -> str:
    """An SQLAlchemy URL: a plain path becomes ``sqlite:///path``; ``postgresql://`` uses psycopg 3.

    >>> database_url("railcap.sqlite")
    'sqlite:///railcap.sqlite'
    >>> database_url("postgresql://planner@db/railcap")
    'postgresql+psycopg://planner@db/railcap'
    """
    url = str(url_or_path)
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def plain_engine(url_or_path: str | Path) -> Engine:
    """An engine with SQLite's foreign keys on and a generous lock wait (no special transaction mode)."""
    url = database_url(url_or_path)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a writer (crash-safe as well)
        cur.close()
    return engine


def _config(url_or_path: str | Path):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url(url_or_path).replace("%", "%%"))
    return cfg


def migrate(url_or_path: str | Path, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (creating it when new)."""
    from alembic import command

    command.upgrade(_config(url_or_path), revision)


def downgrade(url_or_path: str | Path, revision: str = "base") -> None:
    """Undo migrations down to ``revision`` ("base": an empty database)."""
    from alembic import command

    command.downgrade(_config(url_or_path), revision)


def current_revision(url_or_path: str | Path) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    engine = plain_engine(url_or_path)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
