"""What the store guarantees when several writers meet: a stale edit raises PlanChanged instead of
overwriting, rate-limit windows count exactly across connections, and a deleted SQLite file is noticed."""

from __future__ import annotations

import threading
import time

import pytest

from planner.store import PlanChanged, Store, StoreUnavailable


def test_an_edit_from_an_older_revision_raises_plan_changed_and_keeps_the_newer_plan(store):
    saved = store.save({"v": 0}, {"p": 0}, {})
    first = store.update(saved.token, {"v": 1}, {"p": 1}, {}, expected_revision=1)
    assert first.revision == 2
    with pytest.raises(PlanChanged) as raised:
        store.update(saved.token, {"v": 2}, {"p": 2}, {}, expected_revision=1)
    assert raised.value.current.revision == 2 and raised.value.current.request == {"v": 1}
    assert store.get(saved.token).request == {"v": 1}
    assert store.update(saved.token, {"v": 3}, {"p": 3}, {}).revision == 3, "no expected revision: no check"


def test_two_writers_from_the_same_revision_never_both_win(db_url):
    with Store(db_url) as store:
        saved = store.save({"v": 0}, {}, {})
        outcomes: list[str] = []
        start = threading.Barrier(2)

        def edit(value: int) -> None:
            start.wait()
            try:
                store.update(saved.token, {"v": value}, {}, {}, expected_revision=1)
                outcomes.append("saved")
            except PlanChanged:
                outcomes.append("changed")

        threads = [threading.Thread(target=edit, args=(v,)) for v in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["changed", "saved"]
        assert store.get(saved.token).revision == 2


def test_rate_limit_hits_count_across_threads_and_start_again_in_a_new_window(db_url):
    with Store(db_url) as store:
        threads = [threading.Thread(target=lambda: [store.hit("k", 60) for _ in range(10)]) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        hits, ends = store.hits("k")
        assert hits == 40 and time.time() < ends <= time.time() + 60
        assert store.hit("short", 0.2) == 1 and store.hit("short", 0.2) == 2
        time.sleep(0.3)
        assert store.hits("short")[0] == 0 and store.hit("short", 0.2) == 1, "an ended window starts over"
        assert store.clear_hits("k") == 1 and store.hits("k")[0] == 0


def test_a_deleted_sqlite_file_makes_the_store_unavailable_instead_of_writing_into_nothing(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'plans.db'}") as store:
        saved = store.save({}, {}, {})
        (tmp_path / "plans.db").unlink()
        assert store.ping() is False
        with pytest.raises(StoreUnavailable, match="gone"):
            store.update(saved.token, {}, {}, {})
        with pytest.raises(StoreUnavailable):
            store.save({}, {}, {})
