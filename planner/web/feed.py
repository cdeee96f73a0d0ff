"""Calendar export of saved plans: the .ics download (1–12 weeks) and the subscription feed."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from flask import Blueprint, Response, abort, current_app, request, url_for

from planner.ical import build_calendar, repeatable
from planner.web.storage import store

bp = Blueprint("feed", __name__)
CALENDAR_TYPE = "text/calendar; charset=utf-8"


def uid_base(token: str) -> str:
    """A stable, non-secret UID domain for a saved plan: a one-way hash of its token (UIDs never leak links)."""
    return hashlib.sha256(f"backstride-uid:{token}".encode()).hexdigest()[:20] + ".backstride"


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL, on PUBLIC_URL when set (behind a proxy), else on the request's own host."""
    base = current_app.config.get("PUBLIC_URL")
    path = url_for(endpoint, **values)
    return base.rstrip("/") + path if base else url_for(endpoint, _external=True, **values)


def _calendar(saved: Any, token: str, *, weeks: int, busy_only: bool, with_link: bool) -> bytes:
    """The calendar body, cached per worker by plan revision: feeds are polled again and again, and a
    12-week file costs ~100 ms of CPU (icalendar's line folding), far more than serving it from memory."""
    plan_url = public_url("pages.saved", token=token) if with_link else None
    key = (uid_base(token), saved.revision, weeks, busy_only, plan_url)   # a revision is one saved content
    cached = _CACHE.get(key)
    if cached is None:
        cached = _build(saved, token, weeks=weeks, busy_only=busy_only, plan_url=plan_url)
        with _CACHE_LOCK:
            while _CACHE and (len(_CACHE) >= _CACHE_SIZE or sum(map(len, _CACHE.values())) + len(cached)
                              > _CACHE_BYTES):
                _CACHE.pop(next(iter(_CACHE)))   # oldest first
            _CACHE[key] = cached
    return cached


_CACHE: dict[tuple[Any, ...], bytes] = {}
_CACHE_SIZE = 256
_CACHE_BYTES = 8 * 1024 * 1024   # per worker; a 12-week body is ~280 KB
_CACHE_LOCK = threading.Lock()


def _build(saved: Any, token: str, *, weeks: int, busy_only: bool, plan_url: str | None) -> bytes:
    plan = saved.plan
    return build_calendar(
        plan, uid_base=uid_base(token), stamp=saved.updated_at, weeks=weeks, sequences=saved.sequences,
        reminder_minutes=None if busy_only else saved.request.get("reminder_minutes"),
        plan_url=plan_url, busy_only=busy_only,
        calname="Training" if busy_only else (plan.get("name") or "Backstride week"))


@bp.get("/p/<token>/week.ics")
def download(token: str) -> Response:
    """The week (or N repeated weeks) as an .ics file to import once."""
    saved = store().get(token[:64])
    if saved is None:
        abort(404)
    raw = request.args.get("weeks", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 12:
        abort(400, description="weeks: must be a whole number from 1 to 12")
    if int(raw) > 1 and not repeatable(saved.plan, saved.request):
        abort(400, description="weeks: a week planned around pain or a caution answer is for this week only; "
                               "check your pain and plan again next week")
    body = _calendar(saved, token, weeks=int(raw), busy_only=False, with_link=True)
    response = Response(body, content_type=CALENDAR_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="backstride-{saved.plan["week_start"]}.ics"'
    return response


def _feed(feed_token: str, busy_only: bool) -> Response:
    saved = store().get_by_feed(feed_token[:64])
    if saved is None:
        abort(404)
    body = _calendar(saved, saved.token, weeks=1, busy_only=busy_only, with_link=not busy_only)
    response = Response(body, content_type=CALENDAR_TYPE)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Disposition"] = 'inline; filename="backstride.ics"'
    return response


@bp.get("/f/<feed_token>.ics")
def feed(feed_token: str) -> Response:
    """The live subscription feed: always the saved plan's current week."""
    return _feed(feed_token, busy_only=False)


@bp.get("/f/<feed_token>/busy.ics")
def busy_feed(feed_token: str) -> Response:
    """The same feed with 'Training' titles and no health details, for a work calendar."""
    return _feed(feed_token, busy_only=True)
