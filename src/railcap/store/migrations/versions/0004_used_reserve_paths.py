"""A reserve path that a military path used keeps its own status, ``used``, and the allocation that used it
(``used_by``); it was shown as ``cancelled`` before. Existing used reserve paths (a cancelled reserve
allocation whose train's current version is "reserve used") are brought over; downgrading makes them
cancelled again.

The tables follow ``railcap.store.schema``.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_USED_BY = ("SELECT v.changed_by FROM train_versions v WHERE v.train_id = allocations.train_id "
            "AND v.service_date = allocations.service_date AND v.current AND v.action = 'reserve used'")


def upgrade() -> None:
    op.add_column("allocations", sa.Column("used_by", sa.Integer, nullable=True))
    op.execute(f"UPDATE allocations SET status = 'used', used_by = ({_USED_BY}) "
               f"WHERE priority = 'reserve' AND status = 'cancelled' AND EXISTS ({_USED_BY})")


def downgrade() -> None:
    op.execute("UPDATE allocations SET status = 'cancelled' WHERE status = 'used'")
    op.execute("ALTER TABLE allocations DROP COLUMN used_by")  # SQLite >= 3.35 and PostgreSQL alike
