"""The app's JSON-lines log: one line per request and per solve, never a token or the request's contents."""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger("backstride")


def json_log(event: str, **fields: Any) -> None:
    """One JSON line: the event and its fields."""
    log.info(json.dumps({"event": event, **fields}, separators=(",", ":")))


def solve_log(**fields: Any) -> None:
    """One JSON line per solve: status, wall time, objective (never the request)."""
    json_log("solve", **fields)
