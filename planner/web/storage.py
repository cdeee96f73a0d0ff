"""The web side of saved plans: one Store per app (lazily opened), and item fingerprints for SEQUENCE."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from planner.ical import block_fingerprints
from planner.store import Store


def store() -> Store:
    """The app's Store: DATABASE_URL, or SQLite under instance/ (schema migrated on first use)."""
    return store_for(current_app)


def store_for(app: Flask) -> Store:
    """The Store of a given app (the rate limiter counts in it outside any view)."""
    ext = app.extensions
    if "backstride.store" not in ext:
        with _OPENING:  # two threads of one worker must not migrate and open two stores
            if "backstride.store" not in ext:
                url = app.config.get("DATABASE_URL")
                ext["backstride.store"] = Store(url) if url else Store.from_env(Path(app.instance_path))
    return ext["backstride.store"]


_OPENING = threading.Lock()


def fingerprints(plan: dict[str, Any]) -> dict[str, str]:
    """Calendar event (block key and date) → fingerprint of what it shows: a changed one gets a new SEQUENCE."""
    return block_fingerprints(plan)


