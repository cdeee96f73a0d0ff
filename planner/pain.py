"""Pain status (DOMAIN.md §2, R13): GREEN / AMBER / RED / STOP from the runner's pain answers, with reasons."""

from __future__ import annotations

from dataclasses import dataclass

from planner.request import Pain
from planner.rules import PainStatus, Rules

_ORDER: tuple[PainStatus, ...] = ("GREEN", "AMBER", "RED", "STOP")


@dataclass(frozen=True)
class PainAssessment:
    """The status and the facts that set it, in plain words ("pain 6/10 at rest")."""

    status: PainStatus
    facts: tuple[str, ...]
    running_only: bool = False   # STOP from pain during running alone: no running, but no red flag either

    @property
    def because(self) -> str:
        return "; ".join(self.facts)


def worst(a: PainStatus, b: PainStatus) -> PainStatus:
    """The more careful of two statuses."""
    return a if _ORDER.index(a) >= _ORDER.index(b) else b


def pain_status(pain: Pain, rules: Rules) -> PainAssessment:
    """The §2 table plus rest pain and severe running pain [H]: rest 4–5 → at least AMBER, 6 → at least RED,
    ≥ 7 → STOP; running pain 8–10 → STOP for running; limping → STOP."""
    t = rules.pain
    stop: list[str] = []
    if pain.at_rest >= t.stop_at_rest_from:
        stop.append(f"pain {pain.at_rest}/10 at rest")
    if pain.limping:
        stop.append("limping because of the pain")
    if stop:
        return PainAssessment("STOP", tuple(stop))
    if pain.during_run >= t.stop_running_during_from:
        return PainAssessment("STOP", (f"pain {pain.during_run}/10 during runs",), running_only=True)
    red: list[str] = []
    if pain.during_run > t.red_during_above:
        red.append(f"pain {pain.during_run}/10 during runs")
    if pain.at_rest >= t.red_at_rest_from:
        red.append(f"pain {pain.at_rest}/10 at rest")
    if pain.next_morning == "persists":
        red.append("pain not back to usual within 24 h")
    if pain.trend == "rising":
        red.append("pain rising over your last 3 runs")
    if red:
        return PainAssessment("RED", tuple(red))
    amber: list[str] = []
    if pain.during_run >= t.amber_during_from:
        amber.append(f"pain {pain.during_run}/10 during runs")
    if pain.at_rest >= t.amber_at_rest_from:
        amber.append(f"pain {pain.at_rest}/10 at rest")
    if pain.next_morning == "settles_within_24h":
        amber.append("next-morning pain above usual that settles within 24 h")
    if amber:
        return PainAssessment("AMBER", tuple(amber))
    return PainAssessment("GREEN", ("pain settled",))
