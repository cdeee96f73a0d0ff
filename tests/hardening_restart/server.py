"""The real server of `make run` (python -m planner.web.serve) as a subprocess on a free loopback port.

It runs in a new session, so os.killpg reaches the parent and every child process at once.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
TIMEOUT = 15  # seconds for any one HTTP request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """`make run`'s server in a new session (so os.killpg reaches the parent and every child), on a given database."""

    def __init__(self, workdir: Path, name: str, **env: str) -> None:
        self.port = free_port()
        env = {**os.environ, "HOST": HOST, "PORT": str(self.port), "BACKSTRIDE_INSTANCE": str(workdir / "instance"),
               "DATABASE_URL": f"sqlite:///{workdir / 'plans.db'}", "SECRET_KEY": "restart-test",
               "BACKSTRIDE_RATE_LIMIT": "1000000/minute", "BACKSTRIDE_WRITE_LIMIT": "1000000/minute",
               "BACKSTRIDE_CALENDAR_LIMIT": "1000000/minute", "BACKSTRIDE_INSECURE_COOKIES": "1", **env}
        self.log_path = workdir / f"server-{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "planner.web.serve"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the server exited with {self.proc.returncode}\n{self.log()}"
            with contextlib.suppress(OSError):
                status, _, _ = request(self.port, "GET", "/healthz", timeout=2)
                if status == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"the server not ready after {timeout} s\n{self.log()}")

    def workers(self) -> list[int]:
        pids: set[int] = set()
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                pids.update(int(p) for p in (task / "children").read_text().split())
        return sorted(pids)

    def kill_9(self) -> None:
        """SIGKILL to the parent and all its children at once; returns when every one of them is dead."""
        workers = self.workers()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, f"workers {workers} survived SIGKILL"
            time.sleep(0.05)

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def log(self) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-40:])

    def close(self) -> None:
        """Whatever happened: nothing of this server keeps running."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self._log.close()


def _alive(pid: int) -> bool:
    """True unless the process is gone or a zombie (a zombie holds no files, locks or sockets)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = TIMEOUT) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        headers_out = {k.lower(): v for k, v in response.getheaders()}
        headers_out["set-cookie"] = "\n".join(response.headers.get_all("Set-Cookie") or [])
        return response.status, headers_out, data
    finally:
        conn.close()


