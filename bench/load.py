"""Load test of the real server: `make run`'s server (planner.web.serve) on loopback, N virtual users for D seconds.

    uv run --frozen python bench/load.py [--users 16] [--duration 60] [--think 0] [--json]
        [--mix 'POST /plan=3,GET /=1'] [--workers N] [--threads N] [--no-htmx]
        [--server-command 'granian --interface wsgi --workers 2 --factory --port {port} planner.web:create_app']

Starts `python -m planner.web.serve` (or --server-command, {port} replaced) on a free loopback port with its own
temporary instance folder and SQLite database (no rate limit, session cookie allowed over http), waits for
/healthz, then runs the virtual users. Each user is a thread with its own keep-alive connection, cookie jar
(session cookie) and CSRF token, like a browser tab. Before the clock starts every user opens the form and
saves one plan (warm-up, not counted). Then each user loops, picking by weight:

    GET  /                       the form page
    POST /plan                   a form solve as the page's htmx sends it (the fragment; --no-htmx: whole page),
                                 the example form varied: a run's minutes/start, pain, wake time
    POST /api/v1/plans           a JSON solve (data/examples/*.json, a run's minutes varied)
    POST /save                   solve and store (303, not followed)
    GET  /p/<token>/week.ics     a 4-week calendar of one of the user's saved plans
    GET  /static/app.css         the baseline: no app code beyond static file serving
    POST /p/<token>/checkin      a check-in on an item of one of the user's saved weeks (saved for this week,
                                 so its first days are past) as the program page's htmx sends it: stored, the
                                 week re-planned from the whole log, the proposal kept (the panel fragment)

Users wait `--think` seconds between requests (default 0: closed loop, the server is kept saturated).
Prints requests/s, per-endpoint count, p50/p95/p99 ms and errors (non-2xx/3xx or exceptions), solved
plans/s (POST /plan + API), the peak RSS (VmHWM) of each server process, the plan-solve p99 / static p99
ratio, the machine load before/after and where the CPU went (the server, this load generator, the rest of
the machine: other work disturbs the figures on a small machine), and each worker's CPU share (keep-alive
connections stay with the process that accepted them, so one process can end up with most users).
Targets: plan solve p99 <= 100 ms, >= 50 solved plans/s, RSS <= 200 MB per worker, 0 errors, and a check-in's
p99 at most twice the plan solve p99 of the same run.

A request that fails before any byte of its answer on a reused keep-alive connection (the server closed
it: keep-alive timeout, worker recycled by max_requests) is retried once on a fresh connection, as
browsers and urllib3 do; such retries are counted separately and are not errors.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
HOST = "127.0.0.1"

ENDPOINTS = {  # name -> weight in the mix
    "GET /": 15,
    "POST /plan": 30,
    "POST /api/v1/plans": 25,
    "POST /save": 10,
    "GET /p/<t>/week.ics": 10,
    "GET /static/app.css": 10,
    "POST /p/<t>/checkin": 10,
}
CHECKIN = "POST /p/<t>/checkin"
SOLVES = ("POST /plan", "POST /api/v1/plans")
TARGET_P99_MS, TARGET_SOLVES_PER_S, TARGET_RSS_MB = 100.0, 50.0, 200.0
RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


# --------------------------------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """The server as `make run` starts it, in its own session (process group) with a private database."""

    def __init__(self, extra_env: dict[str, str] | None = None, command: str | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="backstride-load-"))
        self.port = free_port()
        env = {**os.environ, "HOST": HOST, "PORT": str(self.port), "BACKSTRIDE_INSTANCE": str(self.dir / "instance"),
               "DATABASE_URL": f"sqlite:///{self.dir / 'load.db'}", "SECRET_KEY": "load-test-secret",
               "BACKSTRIDE_RATE_LIMIT": "1000000/minute", "BACKSTRIDE_WRITE_LIMIT": "1000000/minute",
               "BACKSTRIDE_CALENDAR_LIMIT": "1000000/minute", "BACKSTRIDE_INSECURE_COOKIES": "1",
               **(extra_env or {})}
        self.log_path = self.dir / "server.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        argv = (command.replace("{port}", str(self.port)).split() if command else
                [sys.executable, "-m", "planner.web.serve"])
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server not ready after {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def workers(self) -> list[int]:
        return children(self.proc.pid)

    def stop(self) -> None:
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=10)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # any worker left behind
            self._log.close()
            shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ /proc

def children(pid: int) -> list[int]:
    """The child processes of pid: /proc/<pid>/task/*/children, else a scan of every /proc/*/stat ppid."""
    found: set[int] = set()
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found.update(int(c) for c in (task / "children").read_text().split())
    except OSError:
        pass
    if not found:  # no /proc/<pid>/task/*/children (CONFIG_PROC_CHILDREN): scan every process's ppid
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat and int(stat[1]) == pid:
                    found.add(int(entry.name))
    return sorted(found)


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat fields after the command name: [state, ppid, pgrp, ...] (index = field number - 3)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_ticks(pid: int, *, with_children: bool = False) -> int:
    """utime + stime (+ cutime + cstime: reaped children, i.e. recycled workers) in clock ticks."""
    stat = _stat(pid)
    if stat is None:
        return 0
    ticks = int(stat[11]) + int(stat[12])  # fields 14, 15
    return ticks + (int(stat[13]) + int(stat[14]) if with_children else 0)


def server_ticks(server: Server) -> int:
    return cpu_ticks(server.proc.pid, with_children=True) + sum(cpu_ticks(w) for w in server.workers())


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    total = sum(fields[:8])  # guest time is already inside user
    return total - fields[3] - fields[4], total


class WorkerWatch(threading.Thread):
    """Samples the master's children every 0.5 s: every worker pid seen and its peak RSS (VmHWM)."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server, self.stop_event = server, threading.Event()
        self.peak_kb: dict[int, int] = {}
        self.ticks: dict[int, int] = {}  # CPU ticks at the last sample (a worker's own, at its exit)

    def sample(self) -> None:
        for pid in self.server.workers():
            hwm = status_kb(pid, "VmHWM")
            if hwm is not None:
                self.peak_kb[pid] = max(hwm, self.peak_kb.get(pid, 0))
                self.ticks[pid] = max(cpu_ticks(pid), self.ticks.get(pid, 0))

    def run(self) -> None:
        while not self.stop_event.wait(0.5):
            self.sample()


# ------------------------------------------------------------------------------------------------ clients

def form_of(html: str) -> list[tuple[str, str]]:
    """What a browser submits for form#planner (the same reader the web tests use)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.web.conftest import form_of as read_form
    return list(read_form(html).items(multi=True))


class HttpError(Exception):
    pass


class Client:
    """One browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.retries = 0

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """The open connection (reused=True) unless the server closed it, else a new one."""
        if self.conn is not None and self.conn.sock is not None:
            readable, _, _ = select.select([self.conn.sock], [], [], 0)
            if not readable:  # nothing pending and not at EOF: still usable
                return self.conn, True
            self.conn.close()
        self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        return self.conn, False

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (0, 1):
            conn, reused = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except RETRYABLE:
                conn.close()
                self.conn = None
                if reused and attempt == 0:
                    self.retries += 1
                    continue
                raise
            except BaseException:
                conn.close()
                self.conn = None
                raise
            for value in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            if response.will_close:
                conn.close()
                self.conn = None
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX_HEADERS = {**FORM_HEADERS, "HX-Request": "true", "HX-Target": "plan", "HX-Trigger": "planner"}
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class User(threading.Thread):
    """A virtual user: opens the form, saves once (warm-up), then loops over the weighted mix."""

    def __init__(self, index: int, port: int, examples: list[dict[str, Any]], start: threading.Barrier,
                 stop_at: list[float], think: float, mix: dict[str, int], htmx: bool) -> None:
        super().__init__(name=f"user-{index}", daemon=True)
        self.rng = random.Random(index)
        self.client = Client(port)
        self.examples, self.start_barrier, self.stop_at, self.think = examples, start, stop_at, think
        self.mix, self.htmx = mix, htmx
        self.form: list[tuple[str, str]] = []
        self.tokens: list[str] = []
        self.checkable: list[tuple[str, str, str, bool]] = []   # (token, date, item key, is a run)
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.setup_error: str | None = None

    # the requests -------------------------------------------------------------------------------------

    def varied_form(self, green: bool = False) -> bytes:
        """The example form with a few values varied; `green` keeps pain GREEN (a week that may be repeated
        over several weeks in the calendar export)."""
        rng, fields = self.rng, []
        changes = {
            "run_tue_minutes": str(rng.randrange(25, 56)),
            "run_tue_start": rng.choice(["06:30", "06:45", "07:00", "07:15", "07:30"]),
            "run_fri_minutes": str(rng.randrange(25, 46)),
            "avail_sat_minutes": str(rng.randrange(25, 46)),
            "pain_during_run": str(rng.randrange(0, 5)),
            "pain_at_rest": str(rng.randrange(0, 3)),
            # before the earliest warm-up (a 06:30 run starts its warm-up at 06:22): a later wake time is refused
            "wake_time": rng.choice(["05:30", "06:00", "06:15"]),
        }
        if green:
            # a saved week must plan: wake before the earliest run's warm-up (06:30 - 8 min)
            changes.update(pain_during_run=str(rng.randrange(0, 4)), pain_next_morning="usual", wake_time="06:00")
            # this week's Monday: the week's first days are past, so its program takes check-ins
            today = time.localtime()
            changes["week_start"] = time.strftime("%Y-%m-%d", time.localtime(time.time() - today.tm_wday * 86400))
        for name, value in self.form:
            fields.append((name, changes.get(name, value)))
        return urllib.parse.urlencode(fields).encode()

    def varied_example(self) -> bytes:
        data = json.loads(json.dumps(self.rng.choice(self.examples)))
        if data.get("runs"):
            run = data["runs"][0]
            run["minutes"] = max(20, run["minutes"] + self.rng.randrange(-5, 6))
        return json.dumps(data).encode()

    def get_form(self) -> str:
        status, _, body = self.client.request("GET", "/")
        if status != 200:
            raise HttpError(f"GET / answered {status}")
        return body.decode()

    def save(self) -> str:
        status, headers, _ = self.client.request("POST", "/save", self.varied_form(green=True), FORM_HEADERS)
        location = headers.get("location", "")
        if status != 303 or "/p/" not in location:
            raise HttpError(f"POST /save answered {status} (Location {location!r})")
        token = location.rsplit("/", 1)[1]
        self.tokens.append(token)
        status, _, body = self.client.request("GET", f"/api/v1/programs/{token}")
        if status == 200:
            today = time.strftime("%Y-%m-%d")
            self.checkable += [(token, day["date"], item["key"], item["kind"] == "run")
                               for day in json.loads(body)["week"]["days"] if day["date"] <= today
                               for item in day["items"] if item["kind"] not in ("warm_up", "cool_down")]
        return token

    def one(self, endpoint: str) -> None:
        c = self.client
        if endpoint == "GET /":
            self.get_form()
        elif endpoint == "POST /plan":
            headers = HTMX_HEADERS if self.htmx else FORM_HEADERS
            status, _, body = c.request("POST", "/plan", self.varied_form(), headers)
            if status != 200:
                raise HttpError(f"answered {status}")
            if body.count(b'<li class="day"') != 7:
                raise HttpError("a plan page without seven days")
        elif endpoint == "POST /api/v1/plans":
            status, _, body = c.request("POST", "/api/v1/plans", self.varied_example(), JSON_HEADERS)
            if status != 200 or not body.startswith(b"{"):
                raise HttpError(f"answered {status}")
        elif endpoint == "POST /save":
            self.save()
        elif endpoint == "GET /p/<t>/week.ics":
            status, _, body = c.request("GET", f"/p/{self.rng.choice(self.tokens)}/week.ics?weeks=4")
            if status != 200 or not body.startswith(b"BEGIN:VCALENDAR"):
                raise HttpError(f"answered {status}")
        elif endpoint == CHECKIN:
            self.check_in()
        elif endpoint == "GET /static/app.css":
            status, _, _ = c.request("GET", "/static/app.css")
            if status != 200:
                raise HttpError(f"answered {status}")

    def check_in(self) -> None:
        """One tap on the program page: an item done (a run with its minutes and a low pain) or skipped."""
        if not self.checkable:
            raise HttpError("no saved week with a day up to today to check in")
        token, date, key, run = self.rng.choice(self.checkable)
        csrf = dict(self.form)["csrf_token"]
        fields = {"csrf_token": csrf, "date": date, "item": key, "status": self.rng.choice(["done", "done", "skipped"])}
        if run and fields["status"] == "done":
            fields.update(minutes=str(self.rng.randrange(20, 41)), pain_during=str(self.rng.randrange(0, 3)),
                          next_morning="usual")
        headers = {**FORM_HEADERS, "HX-Request": "true", "HX-Target": "program"}
        status, _, body = self.client.request("POST", f"/p/{token}/checkin", urllib.parse.urlencode(fields).encode(),
                                              headers)
        if status != 200 or b'id="program"' not in body:
            raise HttpError(f"answered {status}")

    # the loop -----------------------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.form = form_of(self.get_form())
            if not any(name == "csrf_token" for name, _ in self.form):
                raise HttpError("the form has no csrf_token")
            self.save()
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            self.setup_error = f"{type(error).__name__}: {error}"
        try:
            self.start_barrier.wait()
        except threading.BrokenBarrierError:
            return
        if self.setup_error:
            return
        names, weights = list(self.mix), list(self.mix.values())
        while time.monotonic() < self.stop_at[0]:
            endpoint = self.rng.choices(names, weights)[0]
            started = time.perf_counter()
            try:
                self.one(endpoint)
            except Exception as error:  # noqa: BLE001 - every failure is an error in the table
                self.errors[endpoint] += 1
                if len(self.error_samples) < 5:
                    self.error_samples.append(f"{endpoint}: {type(error).__name__}: {error}")
            self.latencies[endpoint].append((time.perf_counter() - started) * 1000)
            if self.think:
                time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
        self.client.close()


# ------------------------------------------------------------------------------------------------- report

def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def server_settings(env: dict[str, str], command: str | None) -> dict[str, Any]:
    """Processes and threads as planner.web.serve resolves them with the server's environment."""
    from planner.web.serve import settings
    conf = settings({**os.environ, **env})
    return {"workers": conf["workers"], "threads": conf["threads"], "command": command or "python -m planner.web.serve"}


def cpu_per_plan(examples: list[dict[str, Any]], count: int = 200) -> float:
    """CPU seconds of one in-process make_plan (validation included) on requests like the load's: the
    examples and the example form's week, a run's minutes varied, in this process before the server starts."""
    from planner.engine import make_plan
    from planner.knowledge import default_knowledge, example_request
    from planner.request import next_monday, parse_request

    knowledge, rng = default_knowledge(), random.Random(7)
    week = next_monday().isoformat()
    pool = [*examples, {**example_request(), "week_start": week}]
    requests = []
    for i in range(count):
        data = json.loads(json.dumps(pool[i % len(pool)]))
        if data.get("runs"):
            data["runs"][0]["minutes"] = max(20, data["runs"][0]["minutes"] + rng.randrange(-5, 6))
        requests.append(data)
    make_plan(parse_request(requests[0], knowledge.vocabulary), knowledge)  # warm caches, as a worker is
    started = time.process_time()
    for data in requests:
        make_plan(parse_request(data, knowledge.vocabulary), knowledge)
    return (time.process_time() - started) / count


def run(users: int, duration: float, think: float, mix: dict[str, int] | None = None,
        server_env: dict[str, str] | None = None, htmx: bool = True,
        server_command: str | None = None) -> dict[str, Any]:
    # requests only: the examples folder also holds logs (Contract 5) and the requests they go with
    examples = [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json")) if not p.name.startswith("log-")]
    plan_cpu_s = cpu_per_plan(examples)
    mix = mix or ENDPOINTS
    load_before = os.getloadavg()
    server = Server(server_env, server_command)
    try:
        server.wait_ready()
        watch = WorkerWatch(server)
        watch.sample()
        initial_workers = set(server.workers())
        ticks_at_start = dict(watch.ticks)
        start_barrier = threading.Barrier(users + 1)
        stop_at = [math.inf]
        crew = [User(i, server.port, examples, start_barrier, stop_at, think, mix, htmx) for i in range(users)]
        for user in crew:
            user.start()
        start_barrier.wait(timeout=120)
        setup_errors = [u.setup_error for u in crew if u.setup_error]
        if setup_errors:
            stop_at[0] = 0
            raise RuntimeError(f"{len(setup_errors)} users failed to start: {setup_errors[0]}\n{server.log_tail()}")
        busy0, total0 = machine_ticks()
        server0, self0 = server_ticks(server), resource.getrusage(resource.RUSAGE_SELF)
        watch.start()
        started = time.monotonic()
        stop_at[0] = started + duration
        for user in crew:
            user.join(timeout=duration + 60)
        elapsed = time.monotonic() - started
        hung = [u.name for u in crew if u.is_alive()]
        busy1, total1 = machine_ticks()
        server1, self1 = server_ticks(server), resource.getrusage(resource.RUSAGE_SELF)
        watch.stop_event.set()
        watch.join()
        final_workers = server.workers()
        final_hwm = {pid: status_kb(pid, "VmHWM") or 0 for pid in final_workers}  # at the end, before stopping
        for pid, kb in final_hwm.items():
            watch.peak_kb[pid] = max(kb, watch.peak_kb.get(pid, 0))
        watch.sample()
        load_after = os.getloadavg()
        log_lines = len(server.log_path.read_bytes().splitlines())
    finally:
        server.stop()

    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    samples: list[str] = []
    for user in crew:
        for name, values in user.latencies.items():
            latencies[name].extend(values)
        for name, count in user.errors.items():
            errors[name] += count
        samples.extend(user.error_samples)
    rows = {}
    for name in mix:
        values = sorted(latencies[name])
        rows[name] = {"count": len(values), "p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95),
                      "p99_ms": percentile(values, 99), "errors": errors[name]}
    total = sum(r["count"] for r in rows.values())
    all_values = sorted(v for values in latencies.values() for v in values)
    solved = sum(rows[name]["count"] - rows[name]["errors"] for name in SOLVES if name in rows)
    ticks_per_s = os.sysconf("SC_CLK_TCK")
    cores = os.cpu_count() or 1
    window = (total1 - total0) / cores / ticks_per_s  # seconds of wall time the CPU counters span
    busy_cores = (busy1 - busy0) / ticks_per_s / window
    server_cores = (server1 - server0) / ticks_per_s / window
    self_cores = ((self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime)) / window
    peak_mb = {pid: kb / 1024 for pid, kb in sorted(watch.peak_kb.items())}
    worker_cores = {str(pid): (ticks - ticks_at_start.get(pid, 0)) / ticks_per_s / window
                    for pid, ticks in sorted(watch.ticks.items())}
    plan_p99 = rows.get("POST /plan", {}).get("p99_ms", math.nan)
    checkin_p99 = rows.get(CHECKIN, {}).get("p99_ms", math.nan)
    static_p99 = rows.get("GET /static/app.css", {}).get("p99_ms", math.nan)
    result = {
        "users": users, "duration_s": round(elapsed, 2), "think_s": think, "mix": mix, "htmx_plan": htmx,
        "server": server_settings(server_env or {}, server_command),
        "requests": total, "requests_per_s": total / elapsed,
        "overall": {"p50_ms": percentile(all_values, 50), "p95_ms": percentile(all_values, 95),
                    "p99_ms": percentile(all_values, 99)},
        "endpoints": rows, "errors": sum(errors.values()), "error_samples": samples[:10],
        "keepalive_retries": sum(u.client.retries for u in crew), "hung_users": hung,
        "solved_plans_per_s": solved / elapsed,
        "worker_peak_rss_mb": {str(pid): round(mb, 1) for pid, mb in peak_mb.items()},
        "workers_at_end": final_workers, "workers_at_start": sorted(initial_workers),
        "workers_recycled": len(set(watch.peak_kb) - set(final_workers)),
        "worker_cpu_cores": worker_cores,
        "server_cpu_ms_per_request": (server1 - server0) / ticks_per_s * 1000 / total if total else math.nan,
        "plan_p99_over_static_p99": plan_p99 / static_p99 if static_p99 else math.nan,
        "checkin_p99_over_plan_p99": checkin_p99 / plan_p99 if plan_p99 else math.nan,
        "in_process_cpu_ms_per_plan": plan_cpu_s * 1000,
        # the share of the solver's ceiling the server reached: 1.0 = HTTP, rendering and logging cost nothing
        "solves_per_s_over_ceiling": solved / elapsed / (cores / plan_cpu_s),
        "loadavg_before": load_before, "loadavg_after": load_after,
        "cpu_cores_busy": {"machine": busy_cores, "server": server_cores, "load_generator": self_cores,
                           "other": busy_cores - server_cores - self_cores, "cores": cores},
        "server_log_lines": log_lines,
    }
    rss_max = max(peak_mb.values(), default=math.nan)
    result["targets"] = {
        f"plan solve p99 <= {TARGET_P99_MS:g} ms": plan_p99 <= TARGET_P99_MS,
        f"solved plans/s >= {TARGET_SOLVES_PER_S:g}": result["solved_plans_per_s"] >= TARGET_SOLVES_PER_S,
        f"peak RSS per worker <= {TARGET_RSS_MB:g} MB": rss_max <= TARGET_RSS_MB,
        "0 errors": result["errors"] == 0 and not hung,
    }
    if CHECKIN in rows:
        result["targets"]["check-in p99 <= 2 x plan solve p99"] = checkin_p99 <= 2 * plan_p99
    return result


def print_table(r: dict[str, Any]) -> None:
    g = r["server"]
    print(f"Backstride load test: {r['users']} users, {r['duration_s']:.1f} s, think {r['think_s']:g} s; "
          f"{g['command']}: {g['workers']} processes x {g['threads']} threads"
          + ("" if r["htmx_plan"] else "; POST /plan without htmx"))
    print(f"requests: {r['requests']}  ({r['requests_per_s']:.1f}/s)   solved plans/s (plan + API): "
          f"{r['solved_plans_per_s']:.1f}   errors: {r['errors']}   keep-alive retries: {r['keepalive_retries']}")
    print()
    print(f"{'endpoint':<22}{'count':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, row in r["endpoints"].items():
        print(f"{name:<22}{row['count']:>8}{row['count'] / r['duration_s']:>8.1f}{row['p50_ms']:>9.1f}"
              f"{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['errors']:>8}")
    o = r["overall"]
    print(f"{'all':<22}{r['requests']:>8}{r['requests_per_s']:>8.1f}{o['p50_ms']:>9.1f}{o['p95_ms']:>9.1f}"
          f"{o['p99_ms']:>9.1f}{r['errors']:>8}")
    print()
    print(f"plan solve p99 / static p99: {r['plan_p99_over_static_p99']:.2f}   "
          f"check-in p99 / plan solve p99: {r['checkin_p99_over_plan_p99']:.2f}")
    ceiling = r["solved_plans_per_s"] / r["solves_per_s_over_ceiling"]
    print(f"in-process CPU per plan: {r['in_process_cpu_ms_per_plan']:.1f} ms -> ceiling {ceiling:.1f} solves/s on "
          f"{r['cpu_cores_busy']['cores']} cores; solved {r['solved_plans_per_s']:.1f}/s = "
          f"{r['solves_per_s_over_ceiling'] * 100:.0f} % of it (meaningful at saturation: --think 0)")
    print(f"in-process CPU per plan / server CPU per request: "
          f"{r['in_process_cpu_ms_per_plan'] / r['server_cpu_ms_per_request']:.2f} (with a solve-only --mix, the share "
          f"of the server's CPU that is planning; other work on the machine does not move it as it moves solves/s)")
    rss = ", ".join(f"{pid}: {mb:.1f} MB" for pid, mb in r["worker_peak_rss_mb"].items())
    print(f"worker peak RSS (VmHWM): {rss}  (recycled during the run: {r['workers_recycled']})")
    c = r["cpu_cores_busy"]
    print(f"CPU (cores busy of {c['cores']}): machine {c['machine']:.2f} = server {c['server']:.2f}"
          f" + load generator {c['load_generator']:.2f} + other {c['other']:.2f};  per worker: "
          + ", ".join(f"{pid}: {cores:.2f}" for pid, cores in r["worker_cpu_cores"].items())
          + f";  server CPU per request: {r['server_cpu_ms_per_request']:.1f} ms")
    before, after = r["loadavg_before"], r["loadavg_after"]
    print(f"load average before: {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}   "
          f"after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    print()
    for target, met in r["targets"].items():
        print(f"target {target}: {'met' if met else 'MISSED'}")
    for sample in r["error_samples"]:
        print(f"error: {sample}")
    if r["hung_users"]:
        print(f"users still running after the deadline: {', '.join(r['hung_users'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of measured load")
    parser.add_argument("--think", type=float, default=0.12, help="mean seconds between a user's requests")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--mix", help="endpoint weights instead of the default mix, e.g. 'POST /plan=1,GET /=1'")
    parser.add_argument("--workers", type=int, help="server processes (WEB_CONCURRENCY) instead of one per core")
    parser.add_argument("--threads", type=int, help="app threads per process (BACKSTRIDE_THREADS) instead of 1")
    parser.add_argument("--no-htmx", action="store_true",
                        help="POST /plan as a plain form post (whole page), not as the page's htmx request (fragment)")
    parser.add_argument("--server-command", help="another server to measure on the same load ({port} is replaced)")
    args = parser.parse_args(argv)
    mix = None
    if args.mix:
        mix = {name.strip(): int(weight) for name, weight in (part.rsplit("=", 1) for part in args.mix.split(","))}
        unknown = set(mix) - set(ENDPOINTS)
        if unknown:
            parser.error(f"unknown endpoints {sorted(unknown)}; choose from {list(ENDPOINTS)}")
    server_env = {}
    if args.workers:
        server_env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        server_env["BACKSTRIDE_THREADS"] = str(args.threads)
    result = run(args.users, args.duration, args.think, mix, server_env, not args.no_htmx, args.server_command)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print_table(result)
    return 0 if all(result["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
