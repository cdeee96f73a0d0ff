"""Rate limits per client address, counted in the project's database so every worker sees one budget.

Three budgets, each shared by the routes it names (flask-limiter shared limits, one counter per client):

* solving — POST /plan, POST /api/v1/plans, POST /save, POST /p/<t>: BACKSTRIDE_RATE_LIMIT, the one knob
  (default 60/minute;600/hour). Each of these runs the solver once; which route it came through does not
  matter, so they draw on one budget.
* writing — save, update, delete, feed rotation (each an fsync'd write): 30/minute;300/hour
  (BACKSTRIDE_WRITE_LIMIT; a save or an update counts against both budgets).
* calendar — GET /p/<t>/week.ics (up to 12 weeks of events): 20/minute;200/hour (BACKSTRIDE_CALENDAR_LIMIT).
  The feeds under /f/ are left alone: calendar services poll them, many users behind one address.

The counters live in the `rate_hits` table of the app's database (DATABASE_URL or the SQLite file), through
`DatabaseStorage` below (storage URI `backstride://`). BACKSTRIDE_RATELIMIT_STORAGE may name another
flask-limiter storage (e.g. a Redis URL); `memory://` counts per worker process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage

from planner.store import Store, StoreUnavailable

limiter = Limiter(key_func=get_remote_address, default_limits=[])

WRITE_LIMIT = "30/minute;300/hour"
CALENDAR_LIMIT = "20/minute;200/hour"
RECENT_S = 1.0  # how long a thread's own last count of a window stands in for reading it again


def solve_limit() -> str:
    """The configured budget for solving (BACKSTRIDE_RATE_LIMIT, default 60/minute;600/hour)."""
    return str(current_app.config["RATE_LIMIT"])


def write_limit() -> str:
    return str(current_app.config.get("WRITE_LIMIT", WRITE_LIMIT))


def calendar_limit() -> str:
    return str(current_app.config.get("CALENDAR_LIMIT", CALENDAR_LIMIT))


# One counter per client for all routes of a budget: flask-limiter keys shared limits by their scope.
solving = limiter.shared_limit(solve_limit, scope="solving")
writing = limiter.shared_limit(write_limit, scope="writing")
calendar = limiter.shared_limit(calendar_limit, scope="calendar")


def init(app: Flask, store: Callable[[], Store]) -> None:
    """Attach the limiter; `store` opens the app's Store (lazily, the first time a limit is counted)."""
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {})
    if app.config["RATELIMIT_STORAGE_URI"].startswith("backstride:"):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"store": store}
    limiter.init_app(app)


def limit_view(app: Flask, endpoint: str, budget: Any) -> None:
    """Put a budget on a view another module registered (feed.py is not ours to decorate)."""
    app.view_functions[endpoint] = budget(app.view_functions[endpoint])


class DatabaseStorage(Storage):
    """A fixed-window flask-limiter storage on the Store's `rate_hits` table (scheme `backstride://`)."""

    STORAGE_SCHEME = ["backstride"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 store: Callable[[], Store] | None = None, **options: Any) -> None:
        if store is None:
            raise ValueError("backstride:// counts in the app's database: pass store= (planner.web.limits.init)")
        self._store = store
        self._recent = threading.local()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (StoreUnavailable, sa.exc.SQLAlchemyError)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        hits, ends = self._store().hit_window(key, expiry, amount)
        now = time.monotonic()
        windows = getattr(self._recent, "windows", {})
        self._recent.windows = {k: v for k, v in windows.items() if now - v[2] < RECENT_S}
        self._recent.windows[key] = (hits, ends, now)
        return hits

    def _window(self, key: str) -> tuple[int, float]:
        # flask-limiter reads the window back right after counting a hit (for the X-RateLimit headers): the
        # count this thread just got is as good as a second query, and a query costs more than the hit did.
        recent = getattr(self._recent, "windows", {}).get(key)
        if recent is not None and time.monotonic() - recent[2] < RECENT_S:
            return recent[0], recent[1]
        return self._store().hits(key)

    def get(self, key: str) -> int:
        return self._window(key)[0]

    def get_expiry(self, key: str) -> float:
        return self._window(key)[1]

    def check(self) -> bool:
        return self._store().ping()

    def reset(self) -> int | None:
        return self._store().clear_hits()

    def clear(self, key: str) -> None:
        self._store().clear_hits(key)
