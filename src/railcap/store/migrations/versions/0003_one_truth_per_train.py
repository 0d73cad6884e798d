"""One truth per train: train versions (one current, the rest history) with their block occupations, the
store's identity (``railcap_meta``) and version counter (optimistic concurrency), and the holder's note on
an allocation. The per-allocation ``occupations`` and ``moved_trains`` of 0002 are replaced by the versions.

The tables follow ``railcap.store.allocations``.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "railcap_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.bulk_insert(meta, [{"key": "schema", "value": "railcap"}])
    version = op.create_table(
        "store_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.bulk_insert(version, [{"id": 1, "version": 0}])
    op.add_column("allocations", sa.Column("note", sa.Text, nullable=False, server_default=""))
    op.add_column("allocations", sa.Column("updated_at", sa.String, nullable=False, server_default=""))
    op.create_table(
        "train_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("service_date", sa.String, nullable=False),
        sa.Column("train_id", sa.String, nullable=False),
        sa.Column("train_class", sa.String, nullable=False),
        sa.Column("allocation_id", sa.Integer, sa.ForeignKey("allocations.id"), nullable=True),
        sa.Column("changed_by", sa.Integer, sa.ForeignKey("allocations.id"), nullable=True),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("departure_s", sa.Float, nullable=True),
        sa.Column("arrival_s", sa.Float, nullable=True),
        sa.Column("run_json", sa.Text, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("store_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String, nullable=False),
    )
    op.create_index("train_versions_day", "train_versions", ["service_date", "current"])
    op.create_index("train_versions_one_current", "train_versions", ["service_date", "train_id"], unique=True,
                    sqlite_where=sa.text("current"), postgresql_where=sa.text("current"))
    op.create_table(
        "train_occupations",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("train_versions.id"), nullable=False, index=True),
        sa.Column("resource_id", sa.String, nullable=False),
        sa.Column("start_s", sa.Float, nullable=False),
        sa.Column("end_s", sa.Float, nullable=False),
    )
    op.drop_table("occupations")
    op.drop_table("moved_trains")


def downgrade() -> None:
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
    op.drop_table("train_occupations")
    op.drop_index("train_versions_one_current", "train_versions")
    op.drop_index("train_versions_day", "train_versions")
    op.drop_table("train_versions")
    op.execute("ALTER TABLE allocations DROP COLUMN updated_at")  # SQLite >= 3.35 and PostgreSQL alike
    op.execute("ALTER TABLE allocations DROP COLUMN note")
    op.drop_table("store_version")
    op.drop_table("railcap_meta")
