"""The allocation store's tables (allocations, their block occupations, the civil trains they moved) and
the details of a request that only some roles may see (unit, load, movement).

The columns follow the store's own table definitions (now ``railcap.store.allocations``, changed by 0003);
``tests/web/test_store_migrations.py`` checks that the two agree.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())  # a database the path commands made before
    if "allocations" not in existing:
        _allocation_tables()
    op.create_table(
        "request_details",
        sa.Column("allocation_id", sa.Integer, sa.ForeignKey("allocations.id"), primary_key=True),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False, server_default=""),
        sa.Column("load", sa.String(200), nullable=False, server_default=""),
        sa.Column("movement", sa.String(200), nullable=False, server_default=""),
    )


def _allocation_tables() -> None:
    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("train_id", sa.String, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("priority", sa.String, nullable=False),
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("destination", sa.String, nullable=False),
        sa.Column("consist", sa.String, nullable=False),
        sa.Column("service_date", sa.String, nullable=False),
        sa.Column("departure_s", sa.Float, nullable=False),
        sa.Column("arrival_s", sa.Float, nullable=False),
        sa.Column("created_at", sa.String, nullable=False),
        sa.Column("request_json", sa.Text, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
    )
    op.create_table(
        "occupations",
        sa.Column("allocation_id", sa.Integer, sa.ForeignKey("allocations.id"), nullable=False, index=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("train_id", sa.String, nullable=False),
        sa.Column("train_class", sa.String, nullable=False),
        sa.Column("resource_id", sa.String, nullable=False, index=True),
        sa.Column("start_s", sa.Float, nullable=False),
        sa.Column("end_s", sa.Float, nullable=False),
    )
    op.create_table(
        "moved_trains",
        sa.Column("allocation_id", sa.Integer, sa.ForeignKey("allocations.id"), nullable=False, index=True),
        sa.Column("train_id", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False),
    )


def downgrade() -> None:
    for name in ("request_details", "moved_trains", "occupations", "allocations"):
        op.drop_table(name)
