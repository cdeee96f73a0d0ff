"""Pain status (DOMAIN.md §2, R13): GREEN / AMBER / RED / STOP from the runner's pain answers, with reasons."""

from __future__ import annotations

from dataclasses import dataclass

from planner.request import PlanRequest
from planner.rules import PainStatus, Rules, pct


@dataclass(frozen=True)
class PainAssessment:
    status: PainStatus
    reasons: tuple[str, ...]


def pain_status(request: PlanRequest, rules: Rules) -> PainAssessment:
    """GREEN/AMBER/RED/STOP from pain during runs, at rest, next morning and the trend (R13, §2 table)."""
    pain, t = request.pain, rules.pain
    if pain.at_rest >= t.stop_at_rest_from:
        return PainAssessment("STOP", (f"Pain {pain.at_rest}/10 at rest: no running this week; "
                                       "please see a clinician before planning training.",))
    if pain.limping:
        return PainAssessment("STOP", ("Limping because of the pain: no running this week; "
                                       "please see a clinician before planning training.",))
    red: list[str] = []
    if pain.during_run > t.red_during_above:
        red.append(f"pain {pain.during_run}/10 during runs")
    if pain.next_morning == "persists":
        red.append("pain not back to usual within 24 h")
    if pain.trend == "rising":
        red.append("pain rising over the last 3 runs")
    if red:
        red_policy = rules.policy("RED")
        return PainAssessment("RED", (f"RED: {'; '.join(red)}. Each run cut to at most "
                                      f"{pct(red_policy.run_factor)} % and only flare-safe level-"
                                      f"{red_policy.max_level} exercises — reduce, don't rest.",))
    amber: list[str] = []
    if pain.during_run >= t.amber_during_from:
        amber.append(f"pain {pain.during_run}/10 during runs")
    if pain.next_morning == "settles_within_24h":
        amber.append("next-morning pain above usual that settles within 24 h")
    if amber:
        amber_policy = rules.policy("AMBER")
        return PainAssessment("AMBER", (f"AMBER: {'; '.join(amber)}. Volume held, quality runs made easy, "
                                        f"each run at most {pct(amber_policy.run_factor)} % of what you asked, "
                                        f"exercises up to level {amber_policy.max_level}.",))
    return PainAssessment("GREEN", ("GREEN: pain is settled — you may progress within the caps.",))
