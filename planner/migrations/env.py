"""Alembic environment for the saved-plan store.

`Store` runs migrations programmatically and hands over its own connection (already inside a
transaction holding the write lock) as `config.attributes["connection"]`. From the command line
(`uv run --frozen alembic revision --autogenerate -m "..."` at the repo root, see alembic.ini) the URL
comes from DATABASE_URL, or sqlalchemy.url in the ini file.
"""

import os

import sqlalchemy as sa
from alembic import context

from planner.store import metadata


def _configure_and_run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _configure_and_run(connection)
else:
    url = os.environ.get("DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set DATABASE_URL (or sqlalchemy.url in alembic.ini) to the database to migrate")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        from planner.store import Store

        # Store(url, migrate=False) gives the engine with the SQLite pragmas and transaction handling.
        store = Store(url, migrate=False)
        try:
            with store._engine.connect() as conn:
                _configure_and_run(conn)
        finally:
            store.close()
