"""Behind a reverse proxy (BACKSTRIDE_TRUSTED_PROXY), the solving budget is per forwarded client, and a client
that is not the proxy cannot choose its address by sending X-Forwarded-For itself."""

from __future__ import annotations

from tests.conftest import EXAMPLES
from tests.hardening_restart.server import Server, request

BODY = (EXAMPLES / "green-novice.json").read_bytes()


def _solve(port: int, forwarded_for: str) -> int:
    headers = {"Content-Type": "application/json", "X-Forwarded-For": forwarded_for}
    return request(port, "POST", "/api/v1/plans", BODY, headers)[0]


def test_each_forwarded_client_has_its_own_budget_only_behind_the_trusted_proxy(tmp_path):
    behind = Server(tmp_path, "proxy", BACKSTRIDE_TRUSTED_PROXY="127.0.0.1", BACKSTRIDE_RATE_LIMIT="2/minute")
    try:
        behind.wait_ready()
        assert [_solve(behind.port, "10.0.0.1") for _ in range(3)] == [200, 200, 429]
        assert [_solve(behind.port, "10.0.0.2") for _ in range(2)] == [200, 200]
    finally:
        behind.close()
    direct = Server(tmp_path, "direct", BACKSTRIDE_RATE_LIMIT="2/minute")  # no proxy: the header means nothing
    try:
        direct.wait_ready()
        assert [_solve(direct.port, f"10.0.0.{i}") for i in range(3)] == [200, 200, 429]
    finally:
        direct.close()
