"""Store fixtures: a fresh database per test, on SQLite and (when BACKSTRIDE_PG_URL is set) PostgreSQL.

Each PostgreSQL test gets its own schema (chosen through the connection's search_path), dropped afterwards.
`bash scripts/postgres-test uv run --frozen pytest tests/storage -m postgres` provides a throwaway server.
"""

import os
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.store import Store

PG_URL = os.environ.get("BACKSTRIDE_PG_URL")
REPO = Path(__file__).resolve().parents[2]
BACKENDS = ["sqlite"] + ([pytest.param("postgresql", marks=pytest.mark.postgres)] if PG_URL else [])


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A URL to an empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'plans.db'}"
        return
    schema = f"test_{secrets.token_hex(6)}"
    admin = sa.create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()


@pytest.fixture
def store(db_url):
    """A migrated store on an empty database."""
    with Store(db_url) as opened:
        yield opened


@pytest.fixture
def raw(db_url):
    """A plain SQLAlchemy engine on the same database, to look under the store."""
    engine = sa.create_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def subprocess_env():
    """Environment for child Pythons that import planner from this checkout, whatever their cwd."""
    paths = [str(REPO), os.environ.get("PYTHONPATH")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)}
