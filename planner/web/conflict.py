"""Concurrent edits of a saved plan: which revision an edit started from, and what differs between versions.

Every saved plan has a revision (1 when saved, +1 per update). The edit form carries the revision it was
opened at (a hidden `revision` input); a script sends `If-Match` with the ETag of the page it read. An edit
that started from an older revision is not stored: the writer sees the saved version's values beside their
own and decides (sending the form again replaces the saved version on purpose).
"""

from __future__ import annotations

from typing import Any

from flask import Request

from planner.request import WEEKDAYS
from planner.web import forms

NOT_COMPARED = {"csrf_token", "saved_token", "revision", "relax"}


def etag_of(saved: Any) -> str:
    """The ETag of a saved plan's page: its revision (strong, quoted)."""
    return f'"r{saved.revision}"'


def expected_revision(request: Request, saved: Any) -> tuple[int | None, int]:
    """(revision the edit started from, status of a mismatch): If-Match first (412), else the form's
    `revision` (409); None when the request names no revision (then the edit is not checked)."""
    if request.if_match:
        matches = request.if_match.star_tag or request.if_match.contains(etag_of(saved).strip('"'))
        return (saved.revision if matches else 0), 412  # 0 is no revision: a mismatch
    raw = (request.form.get("revision") or "").strip()
    return (int(raw) if raw.isdigit() and len(raw) < 10 else None), 409


def conflict_rows(saved_request: dict[str, Any], submitted: dict[str, Any]) -> list[dict[str, str]]:
    """The inputs whose saved value differs from the submitted one: label, saved value, submitted value."""
    saved = forms.form_from_request(saved_request)
    rows = []
    for key, value in saved.items():
        if key in NOT_COMPARED or _rest_day_detail(key, saved, submitted):
            continue
        mine, theirs = _shown(submitted.get(key)), _shown(value)
        if mine != theirs:
            rows.append({"label": forms.label_of(key), "saved": theirs or "—", "yours": mine or "—"})
    return rows


def _rest_day_detail(key: str, saved: dict[str, Any], submitted: dict[str, Any]) -> bool:
    """A rest day's run minutes and start mean nothing on either side."""
    for day in WEEKDAYS:
        if key in (f"run_{day}_minutes", f"run_{day}_start"):
            kind = f"run_{day}_kind"
            return saved.get(kind) == "rest" and submitted.get(kind, "rest") == "rest"
    return False


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(sorted(str(v) for v in value))
    return "" if value is None else str(value).strip()
