"""Programs in SQL: weeks, an insert-only log, stale accepts detected, and everything deleted with the plan."""

import threading

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from planner.program_store import Programs
from planner.store import MIGRATIONS, PlanChanged, Store

WEEK = {"status": "optimal", "week_start": "2026-11-30", "days": []}
NEXT = {"status": "optimal", "week_start": "2026-12-07", "days": []}


def _checkin(n: int) -> dict:
    return {"date": "2026-12-01", "item": "tue-core", "status": "done", "note": f"#{n}"}


def test_a_saved_plan_is_a_program_whose_first_week_is_its_week(store):
    saved = store.save({"a": 1}, WEEK, {})
    program = Programs(store).load(saved.token)
    assert program.weeks == {"2026-11-30": WEEK}
    assert program.checkins == [] and program.replan is None and program.published is None
    assert program.monday == "2026-11-30"


def test_check_ins_are_appended_and_come_back_in_order(store):
    saved = store.save({}, WEEK, {})
    programs = Programs(store)
    programs.add_checkins(saved.token, [_checkin(1), _checkin(2)])
    last = programs.add_checkins(saved.token, [_checkin(3)])
    program = programs.load(saved.token)
    assert [c["note"] for c in program.checkins] == ["#1", "#2", "#3"]
    assert program.last_checkin == last


def test_publishing_a_week_bumps_the_revision_and_a_stale_accept_is_refused(store):
    saved = store.save({}, WEEK, {})
    programs = Programs(store)
    newer = {**WEEK, "status": "feasible"}
    program = programs.publish(saved.token, newer, expected_revision=saved.revision, published={"x": {}},
                               next_plan=NEXT)
    assert program.revision == saved.revision + 1
    assert program.weeks["2026-11-30"] == newer and program.next_plan == NEXT
    assert store.get(saved.token).plan == newer
    with pytest.raises(PlanChanged):
        programs.publish(saved.token, WEEK, expected_revision=saved.revision, published={}, next_plan=None)
    assert programs.load(saved.token).weeks["2026-11-30"] == newer


def test_a_later_week_is_a_new_week_and_the_earlier_stays_readable(store):
    saved = store.save({}, WEEK, {})
    programs = Programs(store)
    program = programs.publish(saved.token, NEXT, expected_revision=1, published={}, next_plan=None)
    assert program.weeks == {"2026-11-30": WEEK, "2026-12-07": NEXT}
    assert program.monday == "2026-12-07"


def test_a_re_plan_that_saw_fewer_check_ins_does_not_replace_one_that_saw_more(store):
    saved = store.save({}, WEEK, {})
    programs = Programs(store)
    programs.load(saved.token)
    assert programs.keep_replan(saved.token, {"seen": 5}, 5)
    assert not programs.keep_replan(saved.token, {"seen": 4}, 4)
    assert programs.load(saved.token).replan == {"seen": 5}
    programs.settle_replan(saved.token)
    assert programs.load(saved.token).replan is None


def test_deleting_a_program_deletes_its_log_and_weeks(store, raw):
    saved = store.save({}, WEEK, {})
    programs = Programs(store)
    programs.add_checkins(saved.token, [_checkin(1)])
    programs.publish(saved.token, NEXT, expected_revision=1, published={}, next_plan=None)
    assert store.delete(saved.token)
    with raw.connect() as conn:
        for table in ("checkins", "program_weeks", "programs"):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0, table


def test_check_ins_from_many_threads_at_once_are_all_kept(store):
    saved = store.save({}, WEEK, {})
    programs = Programs(store)
    programs.load(saved.token)

    def client(offset: int) -> None:
        for n in range(20):
            programs.add_checkins(saved.token, [_checkin(offset + n)])

    threads = [threading.Thread(target=client, args=(100 * t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    notes = {c["note"] for c in programs.load(saved.token).checkins}
    assert notes == {f"#{100 * t + n}" for t in range(4) for n in range(20)}


def test_saved_plans_from_before_programs_migrate_to_programs_with_an_empty_log(db_url, raw):
    Store(db_url).close()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with raw.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    with Store(db_url) as store:   # this store migrates again (to 0003); save through a 0002-shaped insert
        pass
    with raw.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    with Store(db_url, migrate=False) as old:
        saved = old.save({}, WEEK, {})
    with raw.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        assert conn.execute(sa.text("SELECT monday, version FROM program_weeks")).all() == [("2026-11-30", 1)]
        assert conn.execute(sa.text("SELECT count(*) FROM checkins")).scalar() == 0
    with Store(db_url) as store:
        program = Programs(store).load(saved.token)
        assert program.weeks == {"2026-11-30": WEEK} and program.checkins == []


def test_two_accepts_racing_from_one_revision_publish_exactly_one(store):
    saved = store.save({}, WEEK, {})
    programs = Programs(store)
    programs.load(saved.token)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def accept(status: str) -> None:
        start.wait()
        try:
            programs.publish(saved.token, {**WEEK, "status": status}, expected_revision=saved.revision,
                             published={}, next_plan=None)
            outcomes.append("published")
        except PlanChanged:
            outcomes.append("stale")

    threads = [threading.Thread(target=accept, args=(s,)) for s in ("feasible", "optimal")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "stale"]
    assert programs.load(saved.token).revision == saved.revision + 1
