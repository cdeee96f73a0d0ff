"""Programs in SQL: a saved plan's weeks (one row per published version), its log and its calendar record.

* Check-ins are appended in their own rows and never updated: two check-ins racing on one program are two
  inserts, so neither is lost, and every re-plan reads all of them (Contract 5: a later check-in for the same
  date and item replaces the earlier one when the log is read, not in the database).
* Publishing a week (the first plan of a new week, or an accepted re-plan) checks the saved plan's revision
  and bumps it in one transaction, so an accept that started from an older week raises `PlanChanged`; the
  saved plan's `plan_json` always holds the current week, so its page and feed show what was published.
* The latest re-plan is kept only when it has seen at least as many check-ins as the one it replaces.
Deleting the saved plan deletes its program rows (foreign keys ON DELETE CASCADE).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.store import (
    PlanChanged,
    SavedPlan,
    Store,
    _dumps,
    _feed_token,
    _find,
    _now,
    _saved,
    checkins,
    program_weeks,
    programs,
    saved_plans,
)

NO_PINS = {"pins": [], "moves": []}


@dataclass(frozen=True)
class Program:
    """A saved plan with its weeks (Monday ISO → the latest published version), log and calendar record."""

    saved: SavedPlan
    weeks: dict[str, dict[str, Any]]
    checkins: list[dict[str, Any]]          # Contract-5 entries in the order they were stored
    last_checkin: int                       # id of the newest check-in row (0: none)
    published: dict[str, dict[str, Any]] | None = None   # stem -> Published.to_dict()
    next_plan: dict[str, Any] | None = None
    pins: dict[str, list] = field(default_factory=lambda: dict(NO_PINS))
    replan: dict[str, Any] | None = None    # {"monday", "plan", "revision", "pending", "pins", "moves"}
    replan_upto: int = 0

    @property
    def token(self) -> str:
        return self.saved.token

    @property
    def revision(self) -> int:
        return self.saved.revision

    @property
    def monday(self) -> str:
        """The Monday of the program's current (latest) week."""
        return max(self.weeks) if self.weeks else self.saved.plan.get("week_start", "")


class Programs:
    """The program side of a Store (same engine, same transactions)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def load(self, token: str) -> Program | None:
        """The program of a saved plan (its first week and program row made on first use), or None."""
        with self._store._transaction() as conn:
            row = _find(conn, saved_plans.c.token_hash, token)
            if row is None:
                return None
            started = conn.execute(sa.select(programs.c.plan_id).where(programs.c.plan_id == row["id"])).first()
            if started is not None:
                return self._read(conn, row, token)
        with self._store._transaction(write=True) as conn:   # first use: a plan saved before programs existed
            row = _find(conn, saved_plans.c.token_hash, token)
            if row is None:
                return None
            self._start(conn, row)
            return self._read(conn, row, token)

    def add_checkins(self, token: str, entries: list[dict[str, Any]]) -> int | None:
        """Append Contract-5 entries (insert only); the id of the last one, or None without such a program."""
        with self._store._transaction(write=True) as conn:
            row = _find(conn, saved_plans.c.token_hash, token)
            if row is None:
                return None
            now, last = _now(), 0
            for entry in entries:
                result = conn.execute(checkins.insert().values(plan_id=row["id"], checkin_json=_dumps(entry),
                                                               created_at=now))
                last = result.inserted_primary_key[0]
            return last

    def keep_replan(self, token: str, replan: dict[str, Any], upto: int) -> bool:
        """Store the latest re-plan unless one that has seen more check-ins is stored already."""
        with self._store._transaction(write=True) as conn:
            row = _find(conn, saved_plans.c.token_hash, token)
            if row is None:
                return False
            result = conn.execute(programs.update().where(programs.c.plan_id == row["id"],
                                                          programs.c.replan_upto <= upto)
                                  .values(replan_json=_dumps(replan), replan_upto=upto))
            return result.rowcount > 0

    def settle_replan(self, token: str) -> None:
        """Keep the week as it was: the stored re-plan is no longer a pending proposal."""
        with self._store._transaction(write=True) as conn:
            row = _find(conn, saved_plans.c.token_hash, token)
            if row is not None:
                conn.execute(programs.update().where(programs.c.plan_id == row["id"]).values(replan_json=None))

    def publish(self, token: str, plan: dict[str, Any], *, expected_revision: int,
                published: dict[str, dict[str, Any]], next_plan: dict[str, Any] | None,
                pins: dict[str, list] | None = None, fingerprints: dict[str, str] | None = None,
                bump: bool = True) -> Program:
        """Make `plan` the current week (a new version of its Monday): revision + 1, the calendar record and
        next week replaced, the re-plan settled. PlanChanged when the revision is not `expected_revision`.
        `bump=False` records a week the saved plan already holds (an edit through the form bumped it)."""
        with self._store._transaction(write=True) as conn:
            row = _find(conn, saved_plans.c.token_hash, token, for_update=True)
            if row is None:
                raise KeyError("no such program")
            if row["revision"] != expected_revision:
                raise PlanChanged(_saved(row, token, _feed_token(token, row["feed_salt"])))
            self._start(conn, row)
            monday = plan["week_start"]
            version = conn.execute(sa.select(sa.func.max(program_weeks.c.version))
                                   .where(program_weeks.c.plan_id == row["id"], program_weeks.c.monday == monday)
                                   ).scalar() or 0
            now = _now()
            conn.execute(program_weeks.insert().values(plan_id=row["id"], monday=monday, version=version + 1,
                                                       plan_json=_dumps(plan), created_at=now))
            changes: dict[str, Any] = {}
            if bump:
                changes = {"plan_json": _dumps(plan), "revision": row["revision"] + 1, "updated_at": now}
                if fingerprints is not None:
                    changes["fingerprints_json"] = _dumps(fingerprints)
                conn.execute(saved_plans.update().where(saved_plans.c.id == row["id"]).values(changes))
            values: dict[str, Any] = {"published_json": _dumps(published), "replan_json": None,
                                      "next_json": None if next_plan is None else _dumps(next_plan)}
            if pins is not None:
                values["pins_json"] = _dumps(pins)
            conn.execute(programs.update().where(programs.c.plan_id == row["id"]).values(values))
            return self._read(conn, {**row, **changes}, token)

    def set_published(self, token: str, published: dict[str, dict[str, Any]],
                      next_plan: dict[str, Any] | None) -> None:
        """Record the calendar publication of the current week (first publication of an existing plan)."""
        with self._store._transaction(write=True) as conn:
            row = _find(conn, saved_plans.c.token_hash, token)
            if row is not None:
                conn.execute(programs.update().where(programs.c.plan_id == row["id"]).values(
                    published_json=_dumps(published), next_json=None if next_plan is None else _dumps(next_plan)))

    @staticmethod
    def _start(conn: Connection, row: dict) -> None:
        """A saved plan's program row and first week, when it has none yet (both idempotent under races)."""
        if conn.execute(sa.select(programs.c.plan_id).where(programs.c.plan_id == row["id"])).first() is None:
            conn.execute(sa.text("INSERT INTO programs (plan_id, pins_json, replan_upto) VALUES (:id, :pins, 0) "
                                 "ON CONFLICT (plan_id) DO NOTHING"), {"id": row["id"], "pins": _dumps(NO_PINS)})
        has_week = conn.execute(sa.select(program_weeks.c.id).where(program_weeks.c.plan_id == row["id"])
                                .limit(1)).first()
        monday = json.loads(row["plan_json"]).get("week_start")
        if has_week is None and isinstance(monday, str):
            conn.execute(sa.text("INSERT INTO program_weeks (plan_id, monday, version, plan_json, created_at) "
                                 "VALUES (:id, :monday, 1, :plan, :now) "
                                 "ON CONFLICT (plan_id, monday, version) DO NOTHING"),
                         {"id": row["id"], "monday": monday, "plan": row["plan_json"], "now": _now()})

    @staticmethod
    def _read(conn: Connection, row: dict, token: str) -> Program:
        weeks: dict[str, dict[str, Any]] = {}
        for week in conn.execute(sa.select(program_weeks.c.monday, program_weeks.c.plan_json)
                                 .where(program_weeks.c.plan_id == row["id"])
                                 .order_by(program_weeks.c.monday, program_weeks.c.version)):
            weeks[week.monday] = json.loads(week.plan_json)    # the latest version wins
        log = conn.execute(sa.select(checkins.c.id, checkins.c.checkin_json)
                           .where(checkins.c.plan_id == row["id"]).order_by(checkins.c.id)).all()
        extra = conn.execute(sa.select(programs).where(programs.c.plan_id == row["id"])).mappings().first()
        saved = _saved(row, token, _feed_token(token, row["feed_salt"]))
        loads = lambda text: None if text is None else json.loads(text)  # noqa: E731
        return Program(saved=saved, weeks=weeks, checkins=[json.loads(c.checkin_json) for c in log],
                       last_checkin=log[-1].id if log else 0,
                       published=loads(extra["published_json"]), next_plan=loads(extra["next_json"]),
                       pins=json.loads(extra["pins_json"]), replan=loads(extra["replan_json"]),
                       replan_upto=extra["replan_upto"])

