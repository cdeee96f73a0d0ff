"""The exercise catalogue as data: a complete how-to for every exercise, valid variants, doses that grow with
level, effort cues, cues that start with the position, the Nordic anchor, health facts, honest sources, and no
claim DOMAIN §5 forbids (issue 11 part 2; issue 8 findings 6, 9-12)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from planner.catalogue import CUE_START, load_catalogue
from planner.datafile import DATA_DIR, DataError
from planner.eligibility import allowed, exercise_limits
from planner.frames import day_frames
from planner.request import HEALTH_FACTS, parse_request
from planner.volume import run_limits

CATALOGUE = DATA_DIR / "exercises.toml"


@pytest.fixture(scope="module")
def exercises(knowledge):
    return {e.id: e for e in knowledge.catalogue.exercises}


def load_changed(tmp_path: Path, old: str, new: str, *more: tuple[str, str]):
    """Load a copy of the catalogue with the first `old` replaced by `new` (each pair must occur)."""
    text = CATALOGUE.read_text(encoding="utf-8")
    for was, now in ((old, new), *more):
        assert was in text, was
        text = text.replace(was, now, 1)
    path = tmp_path / "exercises.toml"
    path.write_text(text, encoding="utf-8")
    return load_catalogue(path)


def longest_hold_seconds(dose: str) -> int:
    """The longest hold a dose names ('3–5 × 20–30 s holds' -> 30)."""
    return max(int(s) for s in re.findall(r"(\d+) s\b", dose))


# --- how to do it ---------------------------------------------------------------------------------------

def test_every_exercise_has_a_complete_how_to(exercises):
    assert len(exercises) >= 50
    for ex in exercises.values():
        how = ex.how
        assert how.start and how.breathing and how.feel and how.stop_if, ex.id
        assert 3 <= len(how.steps) <= 5, ex.id
        assert len(how.mistakes) == 2, ex.id


def test_a_catalogue_entry_without_a_how_to_is_rejected_naming_the_entry(tmp_path):
    text = CATALOGUE.read_text(encoding="utf-8")
    first = text.index("[exercise.how]")
    path = tmp_path / "exercises.toml"
    path.write_text(text[:first] + text[text.index("[[exercise]]", first):], encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_catalogue(path)
    assert "dead_bug" in str(info.value) and "how" in str(info.value)


def test_the_feel_says_where_you_should_not_feel_it(exercises):
    for ex in exercises.values():
        assert "should not feel" in ex.how.feel, ex.id


def test_every_when_to_stop_carries_the_global_rule_pain_above_5_or_leg_symptoms(exercises):
    for ex in exercises.values():
        stop = ex.how.stop_if.lower()
        assert "5/10" in stop, ex.id
        assert "tingling" in stop or "below the knee" in stop, ex.id


def test_how_tos_speak_to_the_runner_in_the_second_person(exercises):
    for ex in exercises.values():
        text = " ".join((ex.how.start, *ex.how.steps, ex.how.feel)).lower()
        assert re.search(r"\byour?\b", text), ex.id


# --- cues -------------------------------------------------------------------------------------------------

def test_every_cue_and_every_how_to_start_begins_with_the_starting_position(exercises):
    for ex in exercises.values():
        assert CUE_START.match(ex.cue), ex.cue
        assert CUE_START.match(ex.how.start), ex.how.start
        assert len(ex.cue) <= 200


def test_a_cue_that_does_not_start_with_a_position_is_rejected(tmp_path):
    with pytest.raises(DataError) as info:
        load_changed(tmp_path, 'cue = "On hands and knees, hands under shoulders, knees under hips; reach',
                     'cue = "Reach')
    assert "bird_dog" in str(info.value) and "starting position" in str(info.value)


# --- easier / harder --------------------------------------------------------------------------------------

def test_variants_exist_share_the_category_and_step_the_level_the_right_way(exercises):
    named = 0
    for ex in exercises.values():
        for other_id, easier in ((ex.easier, True), (ex.harder, False)):
            if other_id is None:
                continue
            named += 1
            other = exercises[other_id]
            assert other.id != ex.id
            assert other.category == ex.category, (ex.id, other_id)
            assert (other.level <= ex.level) if easier else (other.level >= ex.level), (ex.id, other_id)
    assert named >= 30


def test_the_plank_and_bridge_progressions_run_one_level_at_a_time(exercises):
    def chain(start: str) -> list[int]:
        levels, ex = [], exercises[start]
        while ex is not None:
            levels.append(ex.level)
            ex = exercises[ex.harder] if ex.harder else None
        return levels
    assert chain("front_plank_knees") == [1, 2, 3]
    assert chain("glute_bridge") == [1, 2, 3]
    assert chain("side_plank_knees") == [1, 2]
    assert exercises["front_plank"].easier == "front_plank_knees"


@pytest.mark.parametrize(("old", "new", "words"), [
    ('harder = "front_plank"\n', 'harder = "no_such_move"\n', "unknown exercise id"),
    ('harder = "front_plank"\n', 'harder = "glute_bridge"\n', "is glutes, not core"),
    ('harder = "loaded_hip_thrust"\n', 'harder = "clamshell"\n', "level 1, this item level"),
    ('easier = "glute_bridge"\n', 'easier = "loaded_hip_thrust"\n', "level 3, this item level"),
    ('harder = "front_plank"\n', 'harder = "front_plank_knees"\n', "its own variant"),
])
def test_a_bad_variant_is_rejected_naming_entry_and_field(tmp_path, old, new, words):
    with pytest.raises(DataError) as info:
        load_changed(tmp_path, old, new)
    assert words in str(info.value)


# --- doses by level and effort ----------------------------------------------------------------------------

@pytest.mark.parametrize("plank", ["front_plank_knees", "front_plank", "side_plank_knees", "side_plank_feet"])
def test_plank_holds_grow_with_level(exercises, plank):
    ex = exercises[plank]
    holds = [longest_hold_seconds(ex.dose_for(level)) for level in range(ex.level, 4)]
    assert holds == sorted(holds) and holds[-1] > holds[0], holds


def test_a_level_3_runner_holds_the_front_plank_longer_than_a_beginner_holds_the_knee_plank(exercises):
    assert longest_hold_seconds(exercises["front_plank_knees"].dose_for(1)) <= 20
    assert longest_hold_seconds(exercises["front_plank"].dose_for(2)) >= 30
    assert longest_hold_seconds(exercises["front_plank"].dose_for(3)) >= 45


def test_an_item_keeps_its_own_dose_below_the_first_higher_level_entry(exercises):
    plank = exercises["front_plank"]
    assert plank.dose_for(2) == plank.dose and plank.dose_for(3) != plank.dose
    assert exercises["supine_strap_stretch"].dose_for(3) == exercises["supine_strap_stretch"].dose


def test_minutes_cover_the_longest_holds_an_item_can_be_dosed(exercises):
    """The solver counts `minutes`: the hold time of the biggest dose alone must fit in them."""
    pattern = re.compile(r"^(?:\d+–)?(\d+) × (?:\d+–)?(\d+) s holds( per side)?$")
    checked = 0
    for ex in exercises.values():
        for dose in (ex.dose, *ex.dose_by_level.values()):
            match = pattern.match(dose)
            if match:
                sets, seconds, per_side = int(match[1]), int(match[2]), bool(match[3])
                assert sets * seconds * (2 if per_side else 1) <= ex.minutes * 60, (ex.id, dose)
                checked += 1
    assert checked >= 8


def test_dose_by_level_only_names_levels_above_the_items_own(tmp_path):
    with pytest.raises(DataError) as info:
        load_changed(tmp_path, 'dose_by_level = { 2 = "3 × 10 slow reps per side" }',
                     'dose_by_level = { 1 = "3 × 10 slow reps per side" }')
    assert "dead_bug" in str(info.value) and "dose_by_level" in str(info.value)


def test_every_loaded_item_and_everything_with_a_weight_says_how_hard(exercises):
    loaded = [e for e in exercises.values() if e.loaded or "weight" in e.equipment]
    assert {"loaded_hip_thrust", "suitcase_carry", "single_leg_rdl"} <= {e.id for e in loaded}
    for ex in loaded:
        assert len(ex.effort) >= 20, ex.id
    assert "3–4 more times" in exercises["loaded_hip_thrust"].effort


def test_a_loaded_item_without_an_effort_cue_is_rejected(tmp_path):
    with pytest.raises(DataError) as info:
        load_changed(tmp_path, 'effort = "A weight you could lift 3–4 more times with good form."\n', "")
    assert "loaded_hip_thrust" in str(info.value) and "effort" in str(info.value)


# --- equipment and health facts ---------------------------------------------------------------------------

def week(knowledge, **overrides):
    """A level-3 GREEN week with every piece of equipment; Monday evening is free of R4/R8/R5 limits."""
    data = {"week_start": "2026-11-30", "timezone": "UTC", "wake_time": "06:30", "level": 3,
            "runs": [{"day": "thu", "kind": "easy", "minutes": 40, "start": "07:00"}],
            "available": {"mon": {"minutes": 45, "start": "18:00"}},
            "equipment": sorted(knowledge.catalogue.equipment_ids())}
    data.update(overrides)
    return parse_request(data, knowledge.vocabulary)


def allowed_on_monday_evening(knowledge, ex, req) -> bool:
    limits = exercise_limits(req, "GREEN", False, knowledge.rules)
    frames = day_frames(req, run_limits(req, "GREEN", knowledge.rules), knowledge.rules)
    return allowed(ex, req, limits, frames, 0, 18 * 60, knowledge.rules)


def test_nordic_curls_need_the_anchor(knowledge, exercises):
    nordic = exercises["nordic_curl"]
    assert nordic.equipment == ("anchor",)
    anchor = next(q for q in knowledge.catalogue.equipment if q.id == "anchor")
    assert "partner" in anchor.name and "heels" in anchor.name
    everything = sorted(knowledge.catalogue.equipment_ids())
    assert allowed_on_monday_evening(knowledge, nordic, week(knowledge))
    without = week(knowledge, equipment=[q for q in everything if q != "anchor"])
    assert not allowed_on_monday_evening(knowledge, nordic, without)


RULED_OUT = {
    "osteoporosis": {"foam_roller_thoracic_extension", "mcgill_curl_up", "childs_pose", "worlds_greatest_stretch"},
    "knee_pain": {"pigeon_stretch", "split_squat", "walking_lunge_rotation", "worlds_greatest_stretch"},
    "hip_pinch": {"pigeon_stretch", "supine_figure_4", "childs_pose", "quadruped_thoracic_rotation",
                  "worlds_greatest_stretch"},
}


def test_the_ruled_out_table_covers_every_health_fact():
    assert set(RULED_OUT) == set(HEALTH_FACTS)


@pytest.mark.parametrize("fact", sorted(RULED_OUT))
def test_each_health_fact_rules_out_exactly_its_items(knowledge, exercises, fact):
    assert {e.id for e in exercises.values() if fact in e.avoid_with} == RULED_OUT[fact]
    for ex_id in RULED_OUT[fact]:
        ex = exercises[ex_id]
        assert allowed_on_monday_evening(knowledge, ex, week(knowledge)), ex_id
        assert not allowed_on_monday_evening(knowledge, ex, week(knowledge, health=[fact])), ex_id


def test_a_caution_that_names_a_health_fact_is_backed_by_avoid_with_and_back(exercises):
    words = {"osteoporosis": "osteoporosis", "knee_pain": "knee pain", "hip_pinch": "pinch"}
    for ex in exercises.values():
        said = " ".join(ex.cautions).lower()
        for fact, word in words.items():
            assert (word in said) == (fact in ex.avoid_with), (ex.id, fact)


def test_a_cautious_week_keeps_two_basic_items_per_category_even_with_every_health_fact(tmp_path):
    with pytest.raises(DataError) as info:
        load_changed(tmp_path, 'id = "cat_camel"\n', 'id = "cat_camel"\navoid_with = ["osteoporosis"]\n',
                     ('id = "thread_the_needle"\n', 'id = "thread_the_needle"\navoid_with = ["osteoporosis"]\n'))
    assert "category 'thoracic'" in str(info.value)


def test_only_straight_knee_hamstring_stretches_are_marked_as_such(exercises):
    marked = {e.id for e in exercises.values() if e.straight_leg_stretch}
    assert marked == {"supine_strap_stretch", "doorway_hamstring_stretch"}
    hamstring_stretches = {e.id for e in exercises.values() if e.category == "hamstrings" and e.kind == "stretch"}
    assert marked == hamstring_stretches


def test_a_strength_item_cannot_be_marked_a_straight_leg_stretch(tmp_path):
    with pytest.raises(DataError) as info:
        load_changed(tmp_path, 'id = "nordic_curl"\n', 'id = "nordic_curl"\nstraight_leg_stretch = true\n')
    assert "straight_leg_stretch" in str(info.value)


# --- sources and claims -----------------------------------------------------------------------------------

# The sources DOMAIN.md names, as the catalogue cites them; "[Conv]" where none addresses the move.
DOMAIN_SOURCES = ("[Conv]", "George et al., JOSPT 2021", "NICE NG59", "McGill, Phys Ther 1998", "Axler & McGill",
                  "Bandy et al., Phys Ther 1997", "ACSM flexibility guidance", "Owen et al., BJSM 2020",
                  "van Dyk et al., BJSM 2019", "Garber et al., MSSE 2011")


def test_every_source_is_one_domain_names_or_says_convention(exercises):
    for ex in exercises.values():
        for part in ex.source.split("; "):
            assert any(s in part for s in DOMAIN_SOURCES), (ex.id, part)


def test_van_dyk_is_cited_only_by_nordic_curls(exercises):
    assert {e.id for e in exercises.values() if "van Dyk" in e.source} == {"nordic_curl"}


def test_nice_ng59_is_no_source_for_crocodile_breathing_and_bandy_only_for_hamstring_stretches(exercises):
    assert "NICE" not in exercises["crocodile_breathing"].source
    assert "[Conv]" in exercises["crocodile_breathing"].source
    bandy = {e.id for e in exercises.values() if "Bandy" in e.source}
    assert bandy == {"supine_strap_stretch", "doorway_hamstring_stretch"}


FORBIDDEN = [r"prevent\w* injur", r"injury prevention", r"prevent\w* soreness", r"soreness.{0,20}cure",
             r"\bcures?\b", r"lactic", r"toxin", r"flush", r"44 ?%", r"dangerous", r"reliev\w* (back )?pain",
             r"stop running for a week"]


def forbidden_claims(text: str) -> list[str]:
    """The DOMAIN §5 claims a text repeats."""
    return [p for p in FORBIDDEN if re.search(p, text, re.IGNORECASE)]


def strings_in(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings_in(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings_in(v)]
    return []


def test_the_scan_finds_a_forbidden_claim_when_there_is_one():
    assert forbidden_claims("Stretching flushes lactic acid and prevents injuries.")
    assert not forbidden_claims("Keep the ribs secure and breathe.")


def test_no_text_in_the_catalogue_repeats_a_claim_domain_forbids():
    data = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    texts = strings_in(data)
    assert len(texts) > 1000
    found = {t: forbidden_claims(t) for t in texts if forbidden_claims(t)}
    assert found == {}
