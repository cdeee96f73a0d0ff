"""Slow clients cost a connection, not a worker: the real server of `make run` keeps answering `/healthz` and
plan requests within a second while 8 connections send nothing, trickle their headers or trickle a body.

On gunicorn's sync workers (the server before) two such connections held both workers until the 30 s worker
timeout, and /healthz failed for ~35 s.
"""

from __future__ import annotations

import json
import socket
import threading
import time

from tests.conftest import EXAMPLES
from tests.hardening_restart.server import HOST, Server, request

SLOW_SECONDS = 20
PROBE_PAUSE_S = 0.15
PLAN_BODY = (EXAMPLES / "amber-half-marathoner.json").read_bytes()


def _slow_client(port: int, kind: str, until: float, still_open: list[str]) -> None:
    """One connection that sends nothing ('idle'), a header line a second ('headers') or a body byte a second."""
    sock = socket.create_connection((HOST, port), timeout=5)
    try:
        if kind == "headers":
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        elif kind == "body":
            sock.sendall(b"POST /api/v1/plans HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 4000\r\n\r\n{")
        while time.monotonic() < until:
            time.sleep(1)
            if kind == "headers":
                sock.sendall(b"X-Slow: 1\r\n")
            elif kind == "body":
                sock.sendall(b" ")
        still_open.append(kind)  # every trickled byte was accepted: the server kept waiting for this client
    except OSError:
        pass
    finally:
        sock.close()


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99 + 0.5) - 1)]


def test_eight_slow_connections_never_delay_healthz_or_a_plan_beyond_a_second(tmp_path):
    server = Server(tmp_path, "slow")
    try:
        server.wait_ready()
        until = time.monotonic() + SLOW_SECONDS
        still_open: list[str] = []
        kinds = ["idle"] * 3 + ["headers"] * 3 + ["body"] * 2
        clients = [threading.Thread(target=_slow_client, args=(server.port, kind, until, still_open), daemon=True)
                   for kind in kinds]
        for client in clients:
            client.start()
        time.sleep(0.5)  # every slow connection is open and has sent what it sends first

        timings: dict[str, list[float]] = {"healthz": [], "plan": []}
        statuses: list[tuple[str, int]] = []
        while time.monotonic() < until - 0.5:
            for name, args in (("healthz", ("GET", "/healthz")),
                               ("plan", ("POST", "/api/v1/plans", PLAN_BODY, {"Content-Type": "application/json"}))):
                started = time.perf_counter()
                try:
                    status, _, body = request(server.port, *args, timeout=3)
                except OSError as error:  # a timeout counts as 3 s and a failure
                    status, body = 0, str(error).encode()
                timings[name].append(time.perf_counter() - started)
                statuses.append((name, status))
                if name == "plan" and status == 200:
                    assert json.loads(body)["status"] in ("optimal", "feasible")
            time.sleep(PROBE_PAUSE_S)
        for client in clients:
            client.join(timeout=10)
    finally:
        server.close()

    assert all(status == 200 for _, status in statuses), [s for s in statuses if s[1] != 200][:5]
    assert len(timings["healthz"]) >= 40, "too few probes to speak of a p99"
    for name, values in timings.items():
        assert _p99(values) < 1.0, f"{name}: p99 {_p99(values) * 1000:.0f} ms with 8 slow clients"
    assert sorted(still_open) == sorted(kinds), f"the server dropped slow clients early: only {still_open} stayed"
