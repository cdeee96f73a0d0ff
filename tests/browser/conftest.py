"""Browser fixtures: the real app on a free local port, driven by Debian's Chromium through pytest-playwright.

`uv run --frozen pytest tests/browser` needs no extra flags: the launch arguments point Playwright at
`chromium` on PATH (install it with `bash scripts/install-chromium`; Playwright's own download does not work
here). Without it the browser tests fail with that hint: a skip would hide a missing install step.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from planner.web import create_app

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on 127.0.0.1:<free port> from a background thread, with a fresh SQLite database."""
    tmp = tmp_path_factory.mktemp("browser")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/b.db", "SECRET_KEY": "test", "RATE_LIMIT": "10000/minute",
                      "WRITE_LIMIT": "10000/minute", "CALENDAR_LIMIT": "10000/minute",
                      "QUIET_LOGS": True, "SESSION_COOKIE_SECURE": False})
    with serving(app) as url:
        yield url


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve `app` on 127.0.0.1:<free port> from a background thread until the block ends; then close its store."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="backstride-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        store = app.extensions.get("backstride.store")
        if store is not None:
            store.close()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright gives every context this base URL, so tests can `page.goto("/")`."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: run `bash scripts/install-chromium` (make test does)")
    return {**browser_type_launch_args, "executable_path": executable, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A fixed viewport, locale and time zone, so pages (and screenshots) look the same on every machine."""
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "en-GB", "timezone_id": "Europe/Berlin"}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail("axe-core is not installed: run `npm ci` (make setup does)")
    return AXE_JS.read_text(encoding="utf-8")
