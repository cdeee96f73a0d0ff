"""The Alembic migrations build exactly the schema the store's table model describes."""

import subprocess
import sys

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from planner.store import MIGRATIONS, Store, metadata


def _alembic(conn: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def test_migrating_an_empty_database_gives_the_schema_of_the_model(db_url, raw):
    Store(db_url).close()
    with raw.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        assert context.get_current_revision() == "0003"


def test_the_migrations_go_down_to_nothing_and_back_up(db_url, raw):
    Store(db_url).close()
    with raw.begin() as conn:
        command.downgrade(_alembic(conn), "base")
        assert not sa.inspect(conn).has_table("saved_plans")
    with Store(db_url) as store:
        saved = store.save({"a": 1}, {}, {})
        assert store.get(saved.token) == saved


def test_opening_a_migrated_database_again_keeps_its_plans(db_url):
    with Store(db_url) as store:
        saved = store.save({"a": 1}, {"b": 2}, {"c": "d"})
    with Store(db_url) as store:
        assert store.get(saved.token) == saved


def test_several_processes_can_migrate_one_fresh_database_at_once(db_url, raw, subprocess_env, tmp_path):
    start = "import sys; from planner.store import Store; Store(sys.argv[1]).save({}, {}, {})"
    children = [subprocess.Popen([sys.executable, "-c", start, db_url], cwd=tmp_path, env=subprocess_env,
                                 stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [(child.communicate(timeout=60)[1], child.returncode) for child in children]
    assert [errors for errors, code in outcomes if code != 0] == []
    with raw.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM saved_plans")).scalar() == 3
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
