"""Saved plans survive the real server dying: `kill -9` of the server's whole process group in the middle of a
burst of saves, and a plain SIGTERM restart. The server is `make run`'s (planner.web.serve), as in production,
on loopback with its own SQLite database; every save is a browser's POST /save (session cookie + CSRF token).

A save is acknowledged when its 303 reached the client. Every acknowledged plan must be there after the
restart and intact (its page shows its seven days and the values it was saved with, its .ics parses);
saves that were in flight at the kill may or may not exist.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import sqlite3
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.hardening_restart.server import TIMEOUT, Server, request
from tests.web.conftest import form_of

FIRST_SAVES = 20
BURST_THREADS = 6
BURST_ACKS_BEFORE_KILL = 8


class Browser:
    """One browser session: a cookie jar and the CSRF token of the form it opened."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        status, _, body = self.get("/")
        assert status == 200
        self.form = form_of(body.decode())
        assert self.form.get("csrf_token")

    def _send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, out, data = request(self.port, method, path, body, headers)
        for line in filter(None, out["set-cookie"].split("\n")):
            jar = SimpleCookie()
            jar.load(line)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return status, out, data

    def get(self, path: str):
        return self._send("GET", path)

    def save(self, name: str, minutes: int) -> str | None:
        """POST /save; the page token when the 303 arrived, None for any other answer."""
        form = self.form.copy()
        form["name"], form["run_tue_minutes"] = name, str(minutes)
        body = urllib.parse.urlencode(list(form.items(multi=True))).encode()
        status, headers, _ = self._send("POST", "/save", body, {"Content-Type": "application/x-www-form-urlencoded"})
        location = headers.get("location", "")
        if status == 303 and location.startswith("/p/"):
            return location.removeprefix("/p/")
        return None


def plan_values(i: int, tag: str) -> tuple[str, int]:
    """The name and Tuesday minutes save number i is made with, so each saved plan is recognisable."""
    return f"Restart {tag} {i:03d}", 25 + i % 26


@pytest.fixture
def servers(tmp_path):
    """Start servers on the test's database (tmp_path); every one is killed at teardown, whatever happened."""
    started: list[Server] = []

    def start(name: str) -> Server:
        server = Server(tmp_path, name)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.close()


def assert_all_there(port: int, acknowledged: dict[str, tuple[str, int]]) -> None:
    """Every acknowledged plan opens with seven days and its own values, and its calendar parses."""
    for token, (name, minutes) in acknowledged.items():
        status, _, body = request(port, "GET", f"/p/{token}")
        assert status == 200, f"acknowledged save {name!r} is missing after the restart ({status})"
        html = body.decode()
        assert html.count('<li class="day"') == 7, name
        form = form_of(html)
        assert (form["name"], form["run_tue_minutes"]) == (name, str(minutes))
        status, headers, ics = request(port, "GET", f"/p/{token}/week.ics?weeks=1")
        assert status == 200 and headers["content-type"].startswith("text/calendar"), name
        calendar = Calendar.from_ical(ics)
        events = calendar.walk("VEVENT")
        assert events, f"{name}: a calendar without events"
        assert name in ics.decode(), f"{name}: the calendar does not carry the plan's name"
        assert all(event.get("UID") and event.get("DTSTART") for event in events), name


def assert_database_sound(path: Path, at_least: int, at_most: int) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = db.execute("SELECT count(*) FROM saved_plans").fetchone()[0]
    assert at_least <= count <= at_most


def save_many(port: int, tag: str, numbers: range) -> dict[str, tuple[str, int]]:
    browser, saved = Browser(port), {}
    for i in numbers:
        values = plan_values(i, tag)
        token = browser.save(*values)
        assert token, f"save {i} was not acknowledged"
        saved[token] = values
    return saved


def test_every_acknowledged_save_survives_a_kill_9_of_the_server_mid_burst(servers, tmp_path):
    first = servers("first")
    acknowledged = save_many(first.port, "before", range(FIRST_SAVES))

    lock = threading.Lock()
    burst_acks: dict[str, tuple[str, int]] = {}
    attempts = {"started": 0, "in_flight_at_kill": 0}
    killed = threading.Event()
    enough = threading.Event()
    counter = iter(range(FIRST_SAVES, 10_000))
    failures: list[BaseException] = []

    def saver(browser: Browser) -> None:
        while True:
            with lock:
                if killed.is_set():
                    return
                values = plan_values(next(counter), "burst")
                attempts["started"] += 1
            try:
                token = browser.save(*values)
            except (OSError, http.client.HTTPException) as error:  # the server died under it: unacknowledged
                with lock:
                    if not killed.is_set():  # killed is set before the kill: this failure came earlier
                        failures.append(error)
                    attempts["in_flight_at_kill"] += 1
                return
            if token is None:  # an answer other than 303 is no acknowledgement (and should not happen)
                failures.append(AssertionError(f"save {values} answered without a 303"))
                return
            with lock:
                burst_acks[token] = values  # a 303 received, even after the kill: the save was committed
                if len(burst_acks) >= BURST_ACKS_BEFORE_KILL:
                    enough.set()

    browsers = [Browser(first.port) for _ in range(BURST_THREADS)]  # each its own session and CSRF token
    threads = [threading.Thread(target=saver, args=(browser,), daemon=True) for browser in browsers]
    for thread in threads:
        thread.start()
    try:
        assert enough.wait(timeout=30), f"the burst saved only {len(burst_acks)} plans\n{first.log()}"
    finally:
        with lock:
            killed.set()
        first.kill_9()  # the master and every worker, mid-burst
    for thread in threads:
        thread.join(timeout=TIMEOUT + 5)
    assert not any(thread.is_alive() for thread in threads)
    assert not failures, failures
    assert attempts["in_flight_at_kill"] >= 1, "the kill came between requests, not in the middle of the burst"

    print(f"burst: {attempts['started']} saves started, {len(burst_acks)} acknowledged, "
          f"{attempts['in_flight_at_kill']} cut off by the kill")
    acknowledged.update(burst_acks)
    assert_database_sound(tmp_path / "plans.db", at_least=len(acknowledged), at_most=FIRST_SAVES + attempts["started"])
    second = servers("second")
    assert_all_there(second.port, acknowledged)
    assert save_many(second.port, "after", range(2)), "the restarted server does not save"
    second.terminate()


def test_a_plain_restart_keeps_every_plan(servers, tmp_path):
    first = servers("first")
    acknowledged = save_many(first.port, "kept", range(10))
    assert first.terminate() == 0, first.log()
    second = servers("second")
    assert_all_there(second.port, acknowledged)
    acknowledged.update(save_many(second.port, "more", range(10, 13)))
    assert second.terminate() == 0, second.log()
    assert_database_sound(tmp_path / "plans.db", at_least=len(acknowledged), at_most=len(acknowledged))


def test_a_worker_process_that_dies_is_replaced_and_the_server_keeps_answering(servers):
    server = servers("respawn")
    before = server.workers()
    assert len(before) == 2, before
    os.kill(before[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (len(server.workers()) < 2 or before[0] in server.workers()):
        time.sleep(0.1)
    after = server.workers()
    assert len(after) == 2 and before[0] not in after and before[1] in after, (before, after)
    server.wait_ready()
    assert all(request(server.port, "GET", "/healthz")[0] == 200 for _ in range(20))
    assert server.terminate() == 0, server.log()
