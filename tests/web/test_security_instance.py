"""The instance folder: readiness fails and saves are refused when the SQLite file is gone; a read-only instance
path is no obstacle when DATABASE_URL and SECRET_KEY are set; start-up errors are one line; the generated
secret key is created atomically, so concurrent starts all read the same full key."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from planner.web import create_app
from planner.web.app import StartupError, _secret_key
from tests.web.conftest import close_store, form_of, make_app

ROOT = Path(__file__).resolve().parents[2]


def test_readiness_fails_and_saves_are_refused_once_the_database_file_is_gone(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/plans.db")
    try:
        client = app.test_client()
        form = form_of(client.get("/").get_data(as_text=True))
        assert client.post("/save", data=form).status_code == 303
        assert client.get("/readyz").status_code == 200
        for name in ("plans.db", "plans.db-wal", "plans.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        assert client.get("/readyz").status_code == 503
        refused = client.post("/save", data=form)
        assert refused.status_code == 503, "a save into a deleted file would be acknowledged and then lost"
        assert not (tmp_path / "plans.db").exists() or (tmp_path / "plans.db").stat().st_size == 0
        assert client.get("/healthz").status_code == 200, "liveness: the process still answers"
    finally:
        close_store(app)


def test_an_unusable_instance_path_does_not_stop_start_up_when_database_url_and_secret_key_are_set(tmp_path,
                                                                                                  monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BACKSTRIDE_INSTANCE", str(blocker / "instance"))  # mkdir fails for root too
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/plans.db", "SECRET_KEY": "set", "QUIET_LOGS": True,
                      "SESSION_COOKIE_SECURE": False})
    try:
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        form = form_of(client.get("/").get_data(as_text=True))
        assert client.post("/save", data=form).status_code == 303
    finally:
        close_store(app)


def test_without_a_secret_key_an_unusable_instance_path_is_one_clear_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BACKSTRIDE_INSTANCE", str(blocker / "instance"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(StartupError) as raised:
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/plans.db"})
    message = str(raised.value)
    assert "\n" not in message and "instance" in message and "SECRET_KEY" in message


def test_the_server_reports_a_start_up_error_in_one_line_without_a_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(BACKSTRIDE_INSTANCE=str(blocker / "instance"), PORT=str(port), WEB_CONCURRENCY="1")
    done = subprocess.run([sys.executable, "-m", "planner.web.serve"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("Backstride cannot start:")]
    assert len(lines) == 1 and "instance folder" in lines[0], done.stderr


def _read_key(folder: str, start, out) -> None:
    start.wait()
    try:
        out.put(_secret_key(Path(folder)))
    except Exception as error:  # noqa: BLE001 - reported to the parent
        out.put(f"error: {error}")


def test_processes_starting_at_once_all_read_one_full_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    context = multiprocessing.get_context("fork")
    for trial in range(100):  # the old O_EXCL-then-write code gave a short key in ~5 % of trials
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        start, out = context.Barrier(4), context.Queue()
        children = [context.Process(target=_read_key, args=(str(folder), start, out)) for _ in range(4)]
        for child in children:
            child.start()
        keys = [out.get(timeout=30) for _ in children]
        for child in children:
            child.join(timeout=30)
        assert len(set(keys)) == 1 and len(keys[0]) == 64, (trial, keys)
        assert sorted(p.name for p in folder.iterdir()) == ["secret_key"], "no temporary file is left behind"
