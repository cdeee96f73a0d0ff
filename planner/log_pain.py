"""Pain from the log (DOMAIN §2 pain-monitoring model): one run's status, the trend over the last 3 runs, and the
pain inputs of the planned week — the latest run's pain during and next morning, the request's rest answers.

Thresholds come from data/rules.toml [pain], so a logged run is judged exactly like typed pain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from planner.log import Checkin, day_label
from planner.request import Pain, PlanRequest
from planner.rules import PainStatus, Rules

Source = Literal["log", "request", "log+request", "none"]

_MORNING_WORDS = {"usual": "back to usual", "settles_within_24h": "above usual, settled within 24 h",
                  "persists": "not back to usual within 24 h"}


def trend_of(runs: Sequence[Checkin]) -> Literal["falling", "flat", "rising"] | None:
    """Over the last 3 runs: rising if pain during strictly increased, falling if strictly decreased; None with
    fewer than 3 runs."""
    if len(runs) < 3:
        return None
    a, b, c = (r.pain_during or 0 for r in runs[-3:])
    return "rising" if a < b < c else "falling" if a > b > c else "flat"


def status_of(during: int, morning: str, trend: str, rules: Rules) -> tuple[PainStatus, list[str]]:
    """GREEN/AMBER/RED from pain during, the next-morning answer and the trend, with what decided it."""
    t = rules.pain
    red = [w for cond, w in ((during > t.red_during_above, f"pain {during}/10 during the run"),
                             (morning == "persists", "pain not back to usual within 24 h"),
                             (trend == "rising", "pain rising over the last 3 runs")) if cond]
    if red:
        return "RED", red
    amber = [w for cond, w in ((during >= t.amber_during_from, f"pain {during}/10 during the run"),
                               (morning == "settles_within_24h", "next-morning pain above usual, settled in 24 h"))
             if cond]
    if amber:
        return "AMBER", amber
    return "GREEN", [f"pain {during}/10 during the run, next morning at usual"]


def session_status(run: Checkin, before: Sequence[Checkin], rules: Rules) -> tuple[PainStatus, list[str]]:
    """One logged run's status from its own answers and the trend over it and the runs before it (a missing
    next-morning answer counts as usual: the runner reports a worse morning when there is one)."""
    return status_of(run.pain_during or 0, run.next_morning or "usual",
                     trend_of([*before, run]) or "flat", rules)


def pain_from_log(request: PlanRequest, runs: list[Checkin], today: dt.date, rules: Rules,
                  recent_days: int) -> tuple[Pain, PainStatus, Source, tuple[str, ...]]:
    """The week's pain inputs: the latest recent run's answers and the trend where the log has runs in the last
    `recent_days`, the typed pain otherwise; with its status and reasons."""
    typed = request.pain
    # recency is judged from the Sunday before the week (or today, if earlier), so that re-planning later in the
    # week with no new check-in reads the same runs; this week's check-ins always count
    anchor = min(today, request.week_start - dt.timedelta(days=1))
    recent = [r for r in runs if (anchor - r.date).days < recent_days]
    reasons: list[str] = []
    if not recent:
        pain, source = typed, "request"
        reasons.append(f"No run logged in the last {recent_days} days: pain as you told us "
                       f"({typed.during_run}/10 during runs, next morning {_MORNING_WORDS[typed.next_morning]}).")
    else:
        latest = recent[-1]
        trend = trend_of(recent)
        morning = latest.next_morning or "usual"
        pain = typed.model_copy(update={"during_run": latest.pain_during, "next_morning": morning,
                                        "trend": trend or typed.trend})
        source = "log"
        answer = (f"the next morning {_MORNING_WORDS[morning]}" if latest.next_morning
                  else "no next-morning answer yet (counted as usual)")
        reasons.append(f"Latest run {day_label(latest.date)}: {latest.minutes} min, pain {latest.pain_during}/10 "
                       f"during, {answer}.")
        if trend is None:
            reasons.append(f"Fewer than 3 runs logged in {recent_days} days: trend as you told us ({typed.trend}).")
        else:
            last3 = " → ".join(str(r.pain_during) for r in recent[-3:])
            reasons.append(f"Pain during the last 3 runs: {last3} ({trend}).")
    status, why = _with_rest_pain(pain, *status_of(pain.during_run, pain.next_morning, pain.trend, rules), rules)
    reasons.append(f"{status}: {'; '.join(why)}." + (" No running; walking and cycling are fine — please see a "
                                                      "clinician if it does not settle." if status == "STOP" else ""))
    return pain, status, source, tuple(reasons)


_ORDER: tuple[PainStatus, ...] = ("GREEN", "AMBER", "RED", "STOP")


def _with_rest_pain(pain: Pain, status: PainStatus, why: list[str], rules: Rules) -> tuple[PainStatus, list[str]]:
    """Rest pain and limping (typed: the log has no rest answers) raise the status: ≥ stop → STOP, and where
    rules.toml has them, rest pain ≥ red_at_rest_from → RED, ≥ amber_at_rest_from → AMBER, and running pain
    ≥ stop_running_during_from → STOP for running (as planner.pain on main decides)."""
    t = rules.pain
    # thresholds a newer rules.toml adds ([pain] amber_at_rest_from, red_at_rest_from, stop_running_during_from)
    steps = [("STOP", t.stop_at_rest_from), ("RED", getattr(t, "red_at_rest_from", None)),
             ("AMBER", getattr(t, "amber_at_rest_from", None))]
    raised: list[tuple[PainStatus, str]] = [(level, f"pain {pain.at_rest}/10 at rest") for level, low in steps
                                            if low is not None and pain.at_rest >= low][:1]
    severe = getattr(t, "stop_running_during_from", None)
    if severe is not None and pain.during_run >= severe:   # no running this week; walking and cycling are fine
        raised.insert(0, ("STOP", f"pain {pain.during_run}/10 during the run: no running this week"))
    if pain.limping:
        raised.insert(0, ("STOP", "limping because of the pain"))
    for level, words in raised:
        if _ORDER.index(level) > _ORDER.index(status):
            return level, [words]
        if level == status:
            why = [*why, words]
    return status, why
