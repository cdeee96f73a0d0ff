"""Shared fixtures: the real coaching knowledge and the example requests."""

import json
from pathlib import Path

import pytest

from planner.knowledge import Knowledge, default_knowledge
from planner.request import PlanRequest, parse_request

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return default_knowledge()


@pytest.fixture(scope="session")
def example():
    """example(name) -> PlanRequest of data/examples/<name>.json."""
    def load(name: str) -> PlanRequest:
        data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
        return parse_request(data, default_knowledge().vocabulary)
    return load
