"""Rate limits on plan creation and solving, per client address (flask-limiter)."""

from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def solve_limit() -> str:
    """The configured limit for solving and saving (BACKSTRIDE_RATE_LIMIT, default 60/minute;600/hour)."""
    return str(current_app.config["RATE_LIMIT"])
