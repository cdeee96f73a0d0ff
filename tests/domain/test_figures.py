"""The exercise figures: every exercise has one, and the poses obey the skeleton, the floor and human ranges."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from planner import figures as F
from planner.knowledge import default_knowledge

EXERCISES = [e.id for e in default_knowledge().catalogue.exercises]
SVG = "{http://www.w3.org/2000/svg}"


def _frames(exercise_id: str) -> list[F.Frame]:
    return F.frames(F.pose_for(exercise_id))


def test_every_catalogue_exercise_has_a_pose_file_and_every_pose_file_an_exercise() -> None:
    files = {p.stem for p in F.POSES_DIR.glob("*.toml") if not p.stem.startswith("_")}
    assert files == set(EXERCISES)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_bone_lengths_stay_the_same_in_every_key_position(exercise_id: str) -> None:
    pose = F.pose_for(exercise_id)
    lengths = F.bone_lengths(pose.view)
    for frame in _frames(exercise_id):
        for name, (a, b) in F.SEGMENTS.items():
            got = math.dist(frame.joints[a], frame.joints[b])
            assert got == pytest.approx(lengths[name], abs=0.01), f"{frame.name}: {name} is {got:.2f}"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_declared_contacts_touch_their_surface_within_one_pixel(exercise_id: str) -> None:
    for frame in _frames(exercise_id):
        for contact in frame.contacts:
            edge, surface = F.contact_level(frame, contact)
            assert abs(edge - surface) <= 1.0, f"{frame.name}: {contact} is {edge - surface:+.1f} px off"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_no_joint_or_limb_goes_below_the_floor_line(exercise_id: str) -> None:
    if F.pose_for(exercise_id).view == "top":
        return
    for frame in _frames(exercise_id):
        # straight segments between joints above the floor stay above it, so the joints are enough
        for joint, (_, y) in frame.joints.items():
            assert y + F.EDGE.get(joint, 0.0) <= F.FLOOR_Y + 1.0, f"{frame.name}: {joint} is under the floor"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_joint_lies_inside_its_panel_of_the_view_box(exercise_id: str) -> None:
    root = ET.fromstring(F.figure_svg(exercise_id))
    _, top, _, height = (float(v) for v in root.get("viewBox").split())
    for frame in _frames(exercise_id):
        for joint, (x, y) in frame.joints.items():
            reach = F.HEAD_R if joint == "head" else F.LIMB_W / 2
            assert reach <= x <= F.PANEL_W - reach, (frame.name, joint, x)
            assert top + reach <= y <= top + height - reach, (frame.name, joint, y)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_joint_angles_stay_within_human_ranges(exercise_id: str) -> None:
    pose = F.pose_for(exercise_id)
    ranges = F.VIEW_RANGES[pose.view]
    for frame in _frames(exercise_id):
        for name, value in frame.angles.items():
            if name == "trunk":
                continue
            low, high = ranges[name.split("_")[0]]
            assert low - 0.5 <= value <= high + 0.5, f"{frame.name}: {name} = {value:.1f} outside {low}..{high}"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_each_figure_is_accessible_svg_of_a_few_kilobytes(exercise_id: str) -> None:
    for size in ("large", "small"):
        svg = F.figure_svg(exercise_id, size)
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert root.find(f"{SVG}title").text == default_knowledge().catalogue.get(exercise_id).name
        assert root.find(f"{SVG}desc").text == F.pose_for(exercise_id).description
        assert len(svg.encode()) < 8000, f"{size}: {len(svg)} bytes"
        assert "style=" not in svg and "<script" not in svg and "<style" not in svg


def test_the_large_figure_shows_every_key_position_and_the_small_one_a_single_position() -> None:
    large = ET.fromstring(F.figure_svg("glute_bridge"))
    small = ET.fromstring(F.figure_svg("glute_bridge", "small"))
    heads = lambda root: [c for c in root.iter(f"{SVG}circle") if c.get("r") == str(int(F.HEAD_R))]  # noqa: E731
    assert len(heads(large)) == len(F.pose_for("glute_bridge").position) and len(heads(small)) == 1


def test_the_target_is_highlighted_and_limbs_are_drawn_in_current_color() -> None:
    svg = F.figure_svg("supine_strap_stretch")
    assert 'class="fig-target"' in svg and 'stroke="currentColor"' in svg and 'stroke-opacity=".4"' in svg


def test_figures_are_deterministic_from_the_pose_data() -> None:
    pose = F.load_pose(F.pose_path("bird_dog"))
    assert F.render(pose, "Bird dog") == F.render(F.load_pose(F.pose_path("bird_dog")), "Bird dog")


def test_an_unknown_exercise_has_no_figure() -> None:
    with pytest.raises(KeyError):
        F.figure_svg("superman_lift")


def test_a_pose_with_an_unknown_angle_is_refused_with_the_file_named(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('view = "side"\nbase = "standing"\ndescription = "You stand tall and breathe slowly."\n'
                   'target = ["hip"]\n[[position]]\nname = "aa"\nangles = { elbow = 10 }\n[[position]]\nname = "bb"\n')
    with pytest.raises(F.DataError, match=r"bad\.toml.*elbow"):
        F.load_pose(bad)


def test_grounding_puts_two_contacts_on_the_floor_by_turning_the_figure() -> None:
    angles = {n: 0.0 for n in F.ANGLE_NAMES} | {"trunk": -80.0}
    solved = F.ground(angles, "side", ("shoulder", "hip"), ())
    pts = F.place(solved, "side")
    assert pts["shoulder"][1] == pytest.approx(pts["hip"][1], abs=0.1)
    assert solved["trunk"] == pytest.approx(-90.0, abs=0.5)


def test_a_shared_symbol_and_its_uses_make_a_small_figure_in_a_few_hundred_bytes() -> None:
    symbol = ET.fromstring(F.figure_symbol("glute_bridge").replace("<symbol ", f'<symbol xmlns="{SVG[1:-1]}" ', 1))
    use = ET.fromstring(F.figure_use("glute_bridge"))
    small = ET.fromstring(F.figure_svg("glute_bridge", "small"))
    assert symbol.get("id") == "fig-glute_bridge" and use.find(f"{SVG}use").get("href") == "#fig-glute_bridge"
    assert symbol.get("viewBox") == small.get("viewBox")
    # the <use> draws the symbol into a viewport at the origin of the figure that holds it: that figure's
    # viewBox starts at 0 0 with the symbol's size, or a drawing whose box starts lower is drawn out of sight
    assert use.get("viewBox") == "0 0 " + " ".join(symbol.get("viewBox").split()[2:])
    assert use.find(f"{SVG}title").text == "Glute bridge" and len(F.figure_use("glute_bridge")) < 300
    with pytest.raises(KeyError):
        F.figure_use("superman_lift")


def test_a_contact_on_a_prop_needs_that_prop_in_the_pose(tmp_path) -> None:
    bad = tmp_path / "no_bench.toml"
    bad.write_text('view = "side"\nbase = "standing"\ndescription = "You lie with your shoulders on a bench."\n'
                   'target = ["hip"]\ncontacts = ["shoulder@bench"]\n'
                   '[[position]]\nname = "aa"\n[[position]]\nname = "bb"\n')
    with pytest.raises(F.DataError, match=r"no_bench\.toml.*needs a \[\[props\]\] bench"):
        F.load_pose(bad)
