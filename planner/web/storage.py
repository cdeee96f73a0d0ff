"""The web side of saved plans: one Store per app (lazily opened), and item fingerprints for SEQUENCE."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

from planner.ical import block_fingerprints
from planner.store import Store


def store() -> Store:
    """The app's Store: DATABASE_URL, or SQLite under instance/ (schema migrated on first use)."""
    ext = current_app.extensions
    if "backstride.store" not in ext:
        url = current_app.config.get("DATABASE_URL")
        ext["backstride.store"] = Store(url) if url else Store.from_env(Path(current_app.instance_path))
    return ext["backstride.store"]


def fingerprints(plan: dict[str, Any]) -> dict[str, str]:
    """Calendar event (block key and date) → fingerprint of what it shows: a changed one gets a new SEQUENCE."""
    return block_fingerprints(plan)


