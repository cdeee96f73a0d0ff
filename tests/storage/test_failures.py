"""An unusable database is reported as StoreUnavailable (the web answers 503), never as a crash."""

import sqlite3
import subprocess
import sys

import pytest

import planner.store
from planner.store import Store, StoreUnavailable


def test_a_sqlite_url_whose_file_is_a_directory_is_unavailable(tmp_path):
    with pytest.raises(StoreUnavailable):
        Store(f"sqlite:///{tmp_path}")


def test_a_sqlite_file_below_a_regular_file_is_unavailable(tmp_path):
    (tmp_path / "not-a-dir").write_text("")
    with pytest.raises(StoreUnavailable):
        Store(f"sqlite:///{tmp_path / 'not-a-dir' / 'plans.db'}")


def test_an_unreachable_postgresql_server_is_unavailable():
    with pytest.raises(StoreUnavailable):
        Store("postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2")


def test_a_plain_postgresql_url_uses_the_installed_psycopg_driver():
    for scheme in ("postgresql", "postgres"):
        with pytest.raises(StoreUnavailable):  # not ModuleNotFoundError for psycopg2
            Store(f"{scheme}://nobody@127.0.0.1:1/nothing?connect_timeout=2")


def test_a_store_whose_database_goes_away_later_raises_unavailable_on_each_call(tmp_path):
    with Store(f"sqlite:///{tmp_path}", migrate=False) as store:
        for call in (lambda: store.get("x"), lambda: store.get_by_feed("x"), lambda: store.save({}, {}, {}),
                     lambda: store.update("x", {}, {}, {}), lambda: store.delete("x"),
                     lambda: store.rotate_feed("x")):
            with pytest.raises(StoreUnavailable):
                call()


def test_a_database_locked_by_another_writer_is_unavailable_after_the_busy_timeout(tmp_path, monkeypatch):
    monkeypatch.setattr(planner.store, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "plans.db"
    with Store(f"sqlite:///{path}") as store:
        saved = store.save({}, {}, {})
        store.close()  # drop pooled connections so new ones pick up the short timeout
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreUnavailable, match="locked"):
                store.update(saved.token, {"a": 1}, {}, {})
            assert store.get(saved.token) == saved  # WAL: readers are not blocked by the writer
            other.execute("ROLLBACK")
        finally:
            other.close()
        assert store.update(saved.token, {"a": 1}, {}, {}).revision == 2


def test_from_env_uses_database_url_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with Store.from_env(tmp_path / "instance"):
        pass
    assert (tmp_path / "elsewhere.db").exists()
    assert not (tmp_path / "instance").exists()


def test_from_env_defaults_to_a_sqlite_file_in_a_new_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with Store.from_env(tmp_path / "instance" / "nested") as store:
        store.save({}, {}, {})
    assert (tmp_path / "instance" / "nested" / "backstride.db").is_file()


def test_from_env_reports_an_instance_folder_it_cannot_create(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreUnavailable):
        Store.from_env(tmp_path / "file" / "instance")


def test_the_store_does_not_import_flask(subprocess_env):
    check = "import sys, planner.store; assert 'flask' not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", check], check=True, env=subprocess_env, timeout=60)
