"""The planner pages: the form, solving, saving, and saved plans behind unguessable links."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, make_response, redirect, request, url_for

from planner.engine import make_plan
from planner.request import PlanRequest
from planner.store import PlanChanged
from planner.web import forms, program, program_pages, service
from planner.web.conflict import conflict_rows, etag_of, expected_revision
from planner.web.limits import solving, writing
from planner.web.render import page_or_fragment
from planner.web.storage import fingerprints, store

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers."""
    return make_response({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz() -> Response:
    """Readiness: the database answers (503 otherwise, so a balancer stops sending traffic)."""
    try:
        ok = store().ping()
    except Exception:  # noqa: BLE001 - any failure to reach the database means "not ready"
        ok = False
    return make_response({"status": "ok" if ok else "database unavailable"}, 200 if ok else 503)


@bp.get("/")
def index() -> Response:
    """The planner form, pre-filled with an example week (with a notice after a plan was deleted)."""
    values = service.example_values()
    values["screening_answer"] = ""  # the example is someone's week; the safety questions are the visitor's own
    return page_or_fragment("planner", values=values, deleted=request.args.get("deleted") == "1")


@bp.post("/plan")
@solving
def plan() -> Response:
    """Solve the submitted form: the plan fragment for htmx, the whole page otherwise."""
    saved = _saved_from_form()
    # the live preview on a saved plan's page shows what saving would keep
    out = service.solve_form(request.form, _ProgramWeek(saved.token)) if saved is not None else \
        service.solve_form(request.form)
    status = 422 if out.errors else 200
    # A relaxation changes the runner's wishes, so the form itself is re-rendered, not only the plan.
    block = "planner" if request.form.get("relax") else "plan_area"
    if block == "planner" and not out.values.get("flags"):  # a relaxation answers no safety question for the runner
        out.values["screening_answer"] = (request.form.get("screening_answer") or "")[:8]
    return page_or_fragment(block, status, values=out.values, errors=out.errors, plan=out.plan,
                            saved=saved)


class _ProgramWeek:
    """How an edit of a saved plan is planned: a week that has begun keeps the days already done and what the
    runner kept or moved (program.edited_week, one solve), any other afresh; `pins` holds what it kept (None:
    afresh). Raises `planner.weekly.Refusal` when a done day rules the edit out."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.pins: dict[str, list] | None = None

    def __call__(self, req: PlanRequest) -> dict[str, Any]:
        def solve() -> dict[str, Any]:
            found = program.edited_week(self.token, req)
            if found is None:
                return make_plan(req, service.knowledge()).to_dict()
            week, self.pins = found
            return week

        return service.logged(solve)


def _saved_from_form():
    """On a saved plan's page the live preview keeps the page's save panel (token from the hidden field)."""
    token = (request.form.get("saved_token") or "")[:64]
    return store().get(token) if token else None


@bp.post("/save")
@solving
@writing
def save() -> Response:
    """Solve and store the week; redirect to its unguessable link."""
    out = service.solve_form(request.form)
    refusal = _unsaveable(out, saved=None, note="Only a planned week can be saved.")
    if refusal is not None:
        return refusal
    saved = store().save(out.request.to_json_dict(), out.plan, fingerprints(out.plan))
    flash("Saved. This page is your plan's private link: bookmark it to come back, edit or delete.")
    return _see(url_for("pages.saved", token=saved.token))


def _unsaveable(out: service.FormOutcome, saved: Any, note: str) -> Response | None:
    """The form again (422 with messages) when the submission holds no week to store, else None."""
    if out.ok and out.plan["status"] in ("optimal", "feasible"):
        return None
    errors = out.errors or ({"form": note} if out.plan is not None else {})
    return page_or_fragment("planner", 422 if errors else 200, values=out.values, errors=errors, plan=out.plan,
                            saved=saved)


def _see(location: str) -> Response:
    """303 to a page; for htmx an HX-Redirect so the browser really navigates (new URL in the bar)."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, 303)


def _load(token: str):
    if len(token) > 64:
        abort(404)
    saved = store().get(token)
    if saved is None:
        abort(404)
    return saved


@bp.get("/p/<token>")
def saved(token: str) -> Response:
    """A saved plan: its week, the form to edit it, calendar links, delete."""
    _load(token)
    found = program.current(token)     # the first visit of a new week plans it from the log
    item = found.saved
    response = page_or_fragment("planner", values=forms.form_from_request(item.request), plan=item.plan,
                                saved=item, pv=program_pages.view_of(found))
    response.headers["ETag"] = etag_of(item)  # a script may send it back as If-Match with its edit
    return response


@bp.post("/p/<token>")
@solving
@writing
def update(token: str) -> Response:
    """Re-solve a saved plan from the edited form and store it (only changed items get a new SEQUENCE).

    The form carries the revision it was opened at (or a script sends If-Match with the page's ETag): when
    the plan was saved again since, nothing is overwritten; the answer shows both versions (409, or 412
    for a failed If-Match)."""
    item = _load(token)
    expected, status = expected_revision(request, item)
    planner = _ProgramWeek(token)
    out = service.solve_form(request.form, planner)
    if expected is not None and expected != item.revision:
        return _conflict(item, out, status)
    refusal = _unsaveable(out, saved=item, note="Only a planned week can be saved; the saved week is unchanged.")
    if refusal is not None:
        return refusal
    try:
        store().update(token, out.request.to_json_dict(), out.plan, fingerprints(out.plan), expected_revision=expected)
        program.edited(token, planner.pins)   # the edited week is the program's week now; its calendar follows
    except PlanChanged as changed:  # saved by someone else between our read and our write
        return _conflict(changed.current, out, status)
    flash("Your changes are saved; subscribed calendars pick them up at their next refresh.")
    return _see(url_for("pages.saved", token=token))


def _conflict(current, out: service.FormOutcome, status: int) -> Response:
    """The edit form again, holding the submitted values, above the saved version's differing values."""
    conflict = {"revision": current.revision, "rows": conflict_rows(current.request, out.values)}
    response = page_or_fragment("planner", status, values=out.values, errors=out.errors, plan=out.plan,
                                saved=current, conflict=conflict)
    response.headers["ETag"] = etag_of(current)
    return response


@bp.post("/p/<token>/delete")
@writing
def delete(token: str) -> Response:
    """Delete a saved plan and its feed; nothing of it is kept."""
    _load(token)
    store().delete(token)
    return _see(url_for("pages.index", deleted=1))


@bp.post("/p/<token>/feed")
@writing
def rotate_feed(token: str) -> Response:
    """Give the calendar feed a new address; the old one stops working at once."""
    _load(token)
    store().rotate_feed(token)
    flash("Your calendar feed has a new address (below); the old one no longer works. "
          "Subscribe again with the new one.")
    return _see(url_for("pages.saved", token=token) + "#calendar")
