"""Saving, finding, updating, deleting and re-keying plans (SQLite, and PostgreSQL when configured)."""

import base64
import threading
from datetime import UTC

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.store import MAX_PAYLOAD_BYTES, SavedPlan, Store

REQUEST = {"week_start": "2026-11-30", "runs": [{"day": "tue", "kind": "easy", "minutes": 40}],
           "note": "Grüße ✓"}
PLAN = {"status": "optimal", "days": [{"date": "2026-12-01", "items": [{"kind": "run", "minutes": 35}]}],
        "summary": {"planned_run_minutes": 35}, "explanation": None}
PRINTS = {"2026-12-01/run": "a1", "2026-12-01/core": "b2"}


def test_a_saved_plan_comes_back_as_it_was_saved(store):
    saved = store.save(REQUEST, PLAN, PRINTS)
    found = store.get(saved.token)
    assert found == saved
    assert (found.request, found.plan, found.fingerprints) == (REQUEST, PLAN, PRINTS)
    assert found.sequences == {"2026-12-01/run": 0, "2026-12-01/core": 0}
    assert found.revision == 1
    assert found.created_at == found.updated_at
    assert found.created_at.tzinfo == UTC


def test_page_and_feed_tokens_carry_at_least_128_random_bits_and_never_repeat(store):
    saved = [store.save(REQUEST, PLAN, PRINTS) for _ in range(30)]
    tokens = [plan.token for plan in saved] + [plan.feed_token for plan in saved]
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
        assert token.isascii() and "/" not in token and "+" not in token


def test_an_unknown_token_finds_nothing_and_changes_nothing(store):
    saved = store.save(REQUEST, PLAN, PRINTS)
    for unknown in ("", "nope", saved.token[:-1], saved.feed_token):
        assert store.get(unknown) is None
        assert store.update(unknown, {}, {}, {}) is None
        assert store.rotate_feed(unknown) is None
        assert store.delete(unknown) is False
    assert store.get_by_feed(saved.token) is None
    assert store.get(saved.token) == saved


def test_the_database_holds_neither_the_page_token_nor_the_feed_token(store, raw):
    saved = store.save(REQUEST, PLAN, PRINTS)
    with raw.connect() as conn:
        row = conn.execute(sa.text("SELECT * FROM saved_plans")).one()
    stored = " ".join(str(value) for value in row)
    assert saved.token not in stored
    assert saved.feed_token not in stored


def test_the_feed_token_finds_the_plan_with_its_page_token(store):
    saved = store.save(REQUEST, PLAN, PRINTS)
    store.save(REQUEST, PLAN, PRINTS)
    assert store.get_by_feed(saved.feed_token) == saved
    rotated = store.rotate_feed(saved.token)
    assert store.get_by_feed(rotated.feed_token) == rotated
    assert rotated.token == saved.token


def test_an_update_bumps_the_sequence_of_changed_and_new_items_only(store):
    saved = store.save(REQUEST, PLAN, {"mon/core": "a", "tue/run": "b", "wed/hips": "c"})
    first = store.update(saved.token, REQUEST, PLAN, {"mon/core": "a", "tue/run": "B", "thu/glutes": "d"})
    assert first.sequences == {"mon/core": 0, "tue/run": 1, "wed/hips": 0, "thu/glutes": 1}
    second = store.update(saved.token, REQUEST, PLAN, {"mon/core": "A", "tue/run": "B", "thu/glutes": "d"})
    assert second.sequences == {"mon/core": 1, "tue/run": 1, "wed/hips": 0, "thu/glutes": 1}
    assert store.get(saved.token) == second


def test_an_item_that_leaves_and_comes_back_gets_a_higher_sequence_than_before(store):
    saved = store.save(REQUEST, PLAN, {"mon/core": "a"})
    store.update(saved.token, REQUEST, PLAN, {})
    back = store.update(saved.token, REQUEST, PLAN, {"mon/core": "a"})
    assert back.sequences["mon/core"] == 1


def test_an_update_replaces_the_content_bumps_the_revision_and_keeps_the_tokens(store):
    saved = store.save(REQUEST, PLAN, PRINTS)
    updated = store.update(saved.token, {"runs": []}, {"status": "infeasible"}, {"x": "1"})
    assert (updated.token, updated.feed_token) == (saved.token, saved.feed_token)
    assert (updated.request, updated.plan) == ({"runs": []}, {"status": "infeasible"})
    assert updated.fingerprints == {"x": "1"}
    assert updated.revision == 2
    assert updated.created_at == saved.created_at
    assert updated.updated_at >= saved.updated_at
    assert store.get(saved.token) == updated
    assert store.get_by_feed(saved.feed_token).revision == 2


def test_a_deleted_plan_is_gone_for_good(store):
    saved = store.save(REQUEST, PLAN, PRINTS)
    kept = store.save(REQUEST, PLAN, PRINTS)
    assert store.delete(saved.token) is True
    assert store.get(saved.token) is None
    assert store.get_by_feed(saved.feed_token) is None
    assert store.delete(saved.token) is False
    assert store.get(kept.token) == kept


def test_rotating_the_feed_retires_the_old_feed_token(store):
    saved = store.save(REQUEST, PLAN, PRINTS)
    rotated = store.rotate_feed(saved.token)
    assert rotated.feed_token != saved.feed_token
    assert store.get_by_feed(saved.feed_token) is None
    assert store.get_by_feed(rotated.feed_token).plan == PLAN
    assert store.get(saved.token) == rotated
    assert rotated.revision == saved.revision


def test_a_plan_too_big_to_keep_is_refused_and_not_saved(store, raw):
    huge = {"blob": "x" * MAX_PAYLOAD_BYTES}
    with pytest.raises(ValueError, match="bytes"):
        store.save(REQUEST, huge, PRINTS)
    saved = store.save(REQUEST, PLAN, PRINTS)
    with pytest.raises(ValueError):
        store.update(saved.token, huge, PLAN, PRINTS)
    assert store.get(saved.token) == saved
    with raw.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM saved_plans")).scalar() == 1


def test_content_that_is_not_json_is_refused(store):
    with pytest.raises(ValueError):
        store.save(REQUEST, {"minutes": float("nan")}, PRINTS)
    with pytest.raises(TypeError):
        store.save(REQUEST, PLAN, {"mon/core": 3})


def test_two_stores_on_one_database_see_each_others_writes(db_url):
    with Store(db_url) as one, Store(db_url) as two:
        saved = one.save(REQUEST, PLAN, PRINTS)
        assert two.get(saved.token) == saved
        updated = two.update(saved.token, REQUEST, {"status": "feasible"}, PRINTS)
        assert one.get(saved.token) == updated
        assert two.delete(saved.token)
        assert one.get(saved.token) is None


def test_concurrent_updates_of_one_plan_lose_no_revision(store):
    saved = store.save(REQUEST, PLAN, {"k": "0"})
    errors = []

    def edit(worker: int) -> None:
        try:
            for step in range(5):
                store.update(saved.token, REQUEST, PLAN, {"k": f"{worker}-{step}"})
        except Exception as error:  # reported below; a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=edit, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = store.get(saved.token)
    assert final.revision == 1 + 4 * 5
    assert final.sequences == {"k": 20}


def test_ping_says_whether_the_database_answers(store, tmp_path):
    assert store.ping() is True
    with Store(f"sqlite:///{tmp_path}", migrate=False) as broken:
        assert broken.ping() is False


@pytest.fixture(scope="module")
def memory_store():
    with Store("sqlite://") as opened:
        yield opened


KEYS = st.sampled_from(["mon/core", "tue/run", "wed/hips", "thu/glutes", "sun/run"])
VERSIONS = st.lists(st.dictionaries(KEYS, st.sampled_from("abc"), max_size=5), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(versions=VERSIONS)
def test_sequences_rise_exactly_when_an_item_is_new_or_changed(memory_store, versions):
    saved: SavedPlan = memory_store.save({}, {}, versions[0])
    seen = {key: 0 for key in versions[0]}
    previous = saved
    for prints in versions[1:]:
        current = memory_store.update(saved.token, {}, {}, prints)
        for key, fingerprint in prints.items():
            changed = previous.fingerprints.get(key) != fingerprint
            expected = seen.get(key, 0) + 1 if changed else seen[key]
            assert current.sequences[key] == expected
            seen[key] = expected
        assert all(current.sequences[key] >= value for key, value in previous.sequences.items())
        previous = current
