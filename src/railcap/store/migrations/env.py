"""Alembic environment: the URL comes from the Config that ``railcap.store.database.migrate`` builds."""

from alembic import context
from sqlalchemy import pool

from railcap.store.database import plain_engine

url = context.config.get_main_option("sqlalchemy.url")
engine = plain_engine(url)
engine.pool = pool.NullPool(engine.pool._creator)  # one short-lived connection per migration run
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
