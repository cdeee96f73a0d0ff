"""Exercise figures: a planar stick skeleton posed from data/poses/<id>.toml and drawn server-side as SVG.

The model is a physiotherapy-handout line drawing: pelvis, two spine segments, neck, head, upper and lower
arms, thighs, shins and feet with fixed bone lengths. A pose file names a view (side, front or top), a base
posture from data/poses/_bases.toml and 2–3 key positions as joint angles (degrees). Forward kinematics place
the joints; declared contacts ground the figure (a few named angles may be nudged so every contact touches its
surface); the renderer draws the positions side by side with a motion arrow, the target part highlighted.

Angles: `trunk` is the absolute direction of the lower spine, clockwise from straight up with the figure facing
right (0 standing, -90 lying on the back head-left, 90 face down head-right). Every other angle is relative:
spine and neck flexion, shoulder and hip flexion (abduction in the front view), elbow and knee flexion, ankle
dorsiflexion (negative: pointing the foot).

The package, one module per step: `skeleton` (the body: bone lengths, joint ranges, forward kinematics), `poses`
(the pose files and their schema), `grounding` (contacts that touch their surfaces, key positions placed in a
panel) and `svg` (the drawing).
"""

from planner.datafile import DataError
from planner.figures.grounding import Frame, contact_level, frames, ground
from planner.figures.poses import POSES_DIR, Pose, Position, Prop, bases, load_pose, pose_for, pose_path
from planner.figures.skeleton import (
    ANGLE_NAMES,
    BONES,
    EDGE,
    FLOOR_LINE,
    FLOOR_Y,
    HEAD_R,
    JOINTS,
    LIMB_W,
    PANEL_H,
    PANEL_W,
    RANGES,
    SEGMENTS,
    SURFACES,
    VIEW_RANGES,
    bone_lengths,
    place,
)
from planner.figures.svg import figure_svg, figure_symbol, figure_use, render, view_box_rows

__all__ = ["ANGLE_NAMES", "BONES", "EDGE", "FLOOR_LINE", "FLOOR_Y", "HEAD_R", "JOINTS", "LIMB_W", "PANEL_H",
           "PANEL_W", "POSES_DIR", "RANGES", "SEGMENTS", "SURFACES", "VIEW_RANGES", "DataError", "Frame", "Pose",
           "Position", "Prop", "bases", "bone_lengths", "contact_level", "figure_svg", "figure_symbol",
           "figure_use", "frames", "ground", "load_pose", "place", "pose_for", "pose_path", "render",
           "view_box_rows"]
