"""railcap's tables (the Alembic migrations in ``store/migrations`` create them, the same for SQLite and
PostgreSQL); ``store.allocations`` reads and writes them.

``train_versions`` holds every version of every train that differs from the
reference day on a service date (exactly one current per train);
``train_occupations`` the blocks of the running versions; ``allocations`` what
each holder sees; ``store_version`` the version optimistic writers check.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

STATUSES = ("proposed", "confirmed", "cancelled", "used")  # used: a reserve path a military path took (used_by)
SCHEMA_NAME = "railcap"
HEAD_REVISION = "0004"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004")
SQLITE_HEADER = b"SQLite format 3\x00"

metadata = MetaData()
railcap_meta = Table(
    "railcap_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)
store_version = Table(
    "store_version", metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)
allocations = Table(
    "allocations", metadata,
    Column("id", Integer, primary_key=True),
    Column("train_id", String, nullable=False),
    Column("status", String, nullable=False),
    Column("priority", String, nullable=False),
    Column("origin", String, nullable=False),
    Column("destination", String, nullable=False),
    Column("consist", String, nullable=False),
    Column("service_date", String, nullable=False),  # "" = the reference weekday
    Column("departure_s", Float, nullable=False),
    Column("arrival_s", Float, nullable=False),
    Column("created_at", String, nullable=False),
    Column("request_json", Text, nullable=False),
    Column("result_json", Text, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("updated_at", String, nullable=False, server_default=""),
    Column("used_by", Integer, nullable=True),  # a used reserve path: the allocation that used it
)
train_versions = Table(
    "train_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("service_date", String, nullable=False),
    Column("train_id", String, nullable=False),
    Column("train_class", String, nullable=False),
    Column("allocation_id", Integer, ForeignKey("allocations.id"), nullable=True),  # the train is this allocation
    Column("changed_by", Integer, ForeignKey("allocations.id"), nullable=True),  # whose step made this version
    Column("action", String, nullable=False),  # allocated | replanned | retimed | reserve used | cancelled
    Column("rule", Text, nullable=False),
    Column("departure_s", Float, nullable=True),
    Column("arrival_s", Float, nullable=True),
    Column("run_json", Text, nullable=False),  # "" when cancelled
    Column("current", Boolean, nullable=False),
    Column("store_version", Integer, nullable=False),
    Column("created_at", String, nullable=False),
)
train_occupations = Table(
    "train_occupations", metadata,
    Column("version_id", Integer, ForeignKey("train_versions.id"), nullable=False, index=True),
    Column("resource_id", String, nullable=False),
    Column("start_s", Float, nullable=False),
    Column("end_s", Float, nullable=False),
)

__all__ = ["HEAD_REVISION", "KNOWN_REVISIONS", "SCHEMA_NAME", "SQLITE_HEADER", "STATUSES", "allocations",
           "metadata", "railcap_meta", "store_version", "train_occupations", "train_versions"]
