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
    ≥ 7 → STOP; running pain 8–10 → STOP for running; limping → STOP. The facts: every answer that moves the
    status, those that set it first (a clinician reading a referral needs them all)."""
    t = rules.pain
    found: list[tuple[str, str]] = []     # (the status the answer calls for, the answer in words)
    if pain.at_rest >= t.amber_at_rest_from:
        level = ("STOP" if pain.at_rest >= t.stop_at_rest_from else
                 "RED" if pain.at_rest >= t.red_at_rest_from else "AMBER")
        found.append((level, f"pain {pain.at_rest}/10 at rest"))
    if pain.limping:
        found.append(("STOP", "limping because of the pain"))
    if pain.during_run >= t.amber_during_from:
        level = ("STOP running" if pain.during_run >= t.stop_running_during_from else
                 "RED" if pain.during_run > t.red_during_above else "AMBER")
        found.append((level, f"pain {pain.during_run}/10 during runs"))
    if pain.next_morning == "persists":
        found.append(("RED", "pain not back to usual within 24 h"))
    elif pain.next_morning == "settles_within_24h":
        found.append(("AMBER", "next-morning pain above usual that settles within 24 h"))
    if pain.trend == "rising":
        found.append(("RED", "pain rising over your last 3 runs"))
    for level in ("STOP", "STOP running", "RED", "AMBER"):
        if any(lv == level for lv, _ in found):
            order = ("STOP", "STOP running", "RED", "AMBER")
            facts = tuple(words for _, words in sorted(found, key=lambda f: order.index(f[0])))
            if level == "STOP running":
                return PainAssessment("STOP", facts, running_only=True)
            return PainAssessment(level, facts)      # type: ignore[arg-type]
    return PainAssessment("GREEN", ("pain settled",))
