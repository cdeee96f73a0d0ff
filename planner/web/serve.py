"""The production server of `make run`: pre-forked waitress processes behind one port, on 127.0.0.1 by default.

    python -m planner.web.serve        HOST (127.0.0.1), PORT (5000), WEB_CONCURRENCY (cores), BACKSTRIDE_THREADS (1)

Behind a reverse proxy set BACKSTRIDE_TRUSTED_PROXY to its address: waitress then takes the client address
(rate limits are per client) and scheme from its X-Forwarded-For / X-Forwarded-Proto, and from no one else.

Why this shape (measured with bench/load.py and tests/hardening_restart/test_slow_clients.py, README):

* waitress reads and buffers a whole request (headers and body) in its I/O loop before any app thread sees
  it, so a client that connects and sends nothing, trickles headers or trickles a body costs a connection
  (a few KB), never an app thread. gunicorn's sync workers read requests themselves (two idle clients held
  both workers), and granian hands a request to its WSGI thread before the body has arrived (two slow
  bodies held both workers).
* The solver is CPU-bound Python plus a one-thread CP-SAT call, so throughput needs one process per core;
  waitress alone is one process (the GIL). Each child gets its own listening socket bound to the same port
  with SO_REUSEPORT, so the kernel spreads new connections evenly over the children (one shared socket let
  one busy process take most keep-alive connections).
* The parent never imports the app: each child builds it after the fork. A child that dies is started
  again; a child that cannot even start (a broken data file, an unusable instance folder) stops the server
  with its one-line reason instead of a respawn loop.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time

START_GRACE_S = 10.0   # a child that dies within this of its start did not start: stop, don't respawn
STOP_GRACE_S = 10.0    # SIGTERM → children finish in-flight requests for this long, then SIGKILL
CANNOT_START = 3       # a child's exit code for "the app cannot start" (the reason is on stderr)


def settings(env: os._Environ[str] | dict[str, str] = os.environ) -> dict[str, object]:
    """Host, port, processes and threads from the environment (the README documents these)."""
    return {"host": env.get("HOST", "127.0.0.1"), "port": int(env.get("PORT", "5000")),
            "workers": max(1, int(env.get("WEB_CONCURRENCY", os.cpu_count() or 1))),
            "threads": max(1, int(env.get("BACKSTRIDE_THREADS", "1")))}


def listening_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket with SO_REUSEPORT, so several of them can share one port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def child(sock: socket.socket, threads: int) -> None:
    """Build the app and serve it on `sock` with waitress until SIGTERM; never returns."""
    from waitress.server import create_server

    from planner.web import create_app
    from planner.web.app import StartupError

    try:
        app = create_app()
    except StartupError as error:
        print(f"Backstride cannot start: {error}", file=sys.stderr, flush=True)
        os._exit(CANNOT_START)
    except SystemExit as error:  # the data-file check already printed its message
        os._exit(CANNOT_START if error.code else 0)
    proxy = os.environ.get("BACKSTRIDE_TRUSTED_PROXY")
    behind = {"trusted_proxy": proxy, "trusted_proxy_count": 1,
              "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"}} if proxy else {}
    server = create_server(
        app, sockets=[sock], threads=threads, ident="backstride", **behind,
        connection_limit=1000,           # open connections per process; slow clients cost only these
        channel_timeout=30,              # seconds without a byte from an idle connection before it is closed
        max_request_header_size=16384,
        max_request_body_size=1 << 20,   # the app refuses more than 64 KB itself with a clearer message
        asyncore_use_poll=True,          # poll(), not select(): no limit of 1024 file descriptors
        clear_untrusted_proxy_headers=True)

    def _stop(signum, frame):  # noqa: ARG001
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=STOP_GRACE_S)
    os._exit(0)


def _spawn(sock: socket.socket, threads: int) -> int:
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        child(sock, threads)
    return pid


def main() -> int:
    """Bind, fork the children, keep them running; SIGTERM/SIGINT stop everything (exit 0)."""
    conf = settings()
    try:
        sockets = [listening_socket(str(conf["host"]), int(conf["port"])) for _ in range(int(conf["workers"]))]
    except OSError as error:
        print(f"Backstride cannot start: cannot listen on {conf['host']}:{conf['port']}: {error.strerror}",
              file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    started: dict[int, tuple[socket.socket, float]] = {}
    for sock in sockets:
        started[_spawn(sock, int(conf["threads"]))] = (sock, time.monotonic())
    print(f"Backstride serving on http://{conf['host']}:{conf['port']} ({conf['workers']} processes × "
          f"{conf['threads']} thread)", file=sys.stderr, flush=True)
    if conf["host"] not in ("127.0.0.1", "localhost", "::1") and not (
            os.environ.get("PUBLIC_URL") or os.environ.get("BACKSTRIDE_HOSTS")):
        print("Backstride: listening beyond loopback without PUBLIC_URL or BACKSTRIDE_HOSTS: requests for any "
              "host name other than localhost and 127.0.0.1 are refused (400)", file=sys.stderr, flush=True)
    code = 0
    while True:
        try:
            pid, status = os.waitpid(-1, 0)  # a signal handler raising _Stop is the only way out of this wait
        except (_Stop, ChildProcessError):
            break
        if pid not in started:
            continue
        sock, since = started.pop(pid)
        if os.waitstatus_to_exitcode(status) == CANNOT_START or time.monotonic() - since < START_GRACE_S and \
                os.waitstatus_to_exitcode(status) > 0:
            code = 1
            break
        print(f"Backstride: process {pid} ended ({os.waitstatus_to_exitcode(status)}); starting another",
              file=sys.stderr, flush=True)
        started[_spawn(sock, int(conf["threads"]))] = (sock, time.monotonic())
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _stop_children(list(started))
    return code


class _Stop(Exception):
    """SIGTERM or SIGINT reached the parent."""


def _raise_stop(signum, frame):  # noqa: ARG001
    raise _Stop


def _stop_children(pids: list[int]) -> None:
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S + 2
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if not _reaped(pid)]
        time.sleep(0.05)
    for pid in pids:
        _signal(pid, signal.SIGKILL)
        _reaped(pid, wait=True)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _reaped(pid: int, wait: bool = False) -> bool:
    try:
        done, _ = os.waitpid(pid, 0 if wait else os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid


if __name__ == "__main__":
    sys.exit(main())
