"""What every view shares: form or JSON → validated request → plan dict, with one log line per solve."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from planner.engine import make_plan
from planner.explain import relax
from planner.knowledge import Knowledge
from planner.request import PlanRequest, RequestError, next_monday, parse_request
from planner.web import forms
from planner.web.logs import solve_log
from planner.weekly import Refusal


def knowledge() -> Knowledge:
    return current_app.extensions["backstride.knowledge"]


@dataclass
class FormOutcome:
    """The result of one form submission: values to re-render, errors by input name, and the plan if any."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    request: PlanRequest | None = None
    plan: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.plan is not None


def plan_for(request: PlanRequest) -> dict[str, Any]:
    """Solve one validated request and log status, wall time and objective."""
    return logged(lambda: make_plan(request, knowledge()).to_dict())


def logged(solve: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one solve and log its status, wall time and objective (one log line per solve)."""
    started = time.perf_counter()
    data = solve()
    solve_log(status=data["status"], pain=data["pain_status"], ms=round((time.perf_counter() - started) * 1000, 1),
              objective=data["objective"])
    return data


def parse_api(data: Any) -> PlanRequest:
    """Contract-1 JSON → PlanRequest (RequestError lists the bad fields)."""
    return parse_request(data, knowledge().vocabulary)


def solve_form(form: MultiDict[str, str],
               plan: Callable[[PlanRequest], dict[str, Any]] | None = None) -> FormOutcome:
    """Validate a submitted planner form, apply a chosen relaxation, and solve (with `plan`, default a fresh
    week: plan_for); errors name the inputs, and a Refusal of `plan` is the form's error."""
    vocab = knowledge().vocabulary
    data, early = forms.request_from_form(form, vocab.screening_tiers)
    try:
        request = parse_request(data, vocab)
    except RequestError as exc:
        errors = forms.errors_for_form(early + exc.errors, data)
        return FormOutcome(forms.form_from_submission(form), errors)
    if early:
        return FormOutcome(forms.form_from_submission(form), forms.errors_for_form(early, data))
    values = forms.form_from_submission(form)
    action = (form.get("relax") or "").strip()[:80]
    if action:
        try:
            request = relax(request, action, knowledge().rules)
        except (ValueError, RequestError):
            return FormOutcome(values, {"form": f"'{action}' is not a change this planner suggested"})
        values = forms.form_from_request(request.to_json_dict())
    try:
        return FormOutcome(values, {}, request, (plan or plan_for)(request))
    except Refusal as refused:
        return FormOutcome(values, {"form": str(refused)}, request)


def example_values() -> dict[str, Any]:
    """The example week the form opens with, moved to next Monday."""
    from planner.knowledge import example_request
    data = example_request()
    data["week_start"] = next_monday(dt.date.today()).isoformat()
    return forms.form_from_request(data)
