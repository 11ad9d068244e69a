"""The video as a viewer meets it (issue 24): no speech over an empty pane, each section using its pane, nothing
overlapping or clipped, the closing chain drawing the real data flow, the diagram's labels said as words.

The default video and the masking scene are rendered once each, narrated, at -q l with their section clips
(the manifest says where each section plays), and measured with PyAV (``rendering/inspection``). The layout
checks read the mobjects drawn (a dry build, as tests/test_scenes.py builds).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import manim_test_config
from manim import Arrow, MathTex, tempconfig

from rendering.inspection.composition import fullest_frames
from rendering.inspection.dead_air import measure, stretches_from_manifest
from scenes.kit.block_diagram import BLOCKS
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.text.pronunciation import spoken
from scenes.topics.masking import MaskingScene
from scenes.video.full_video import FullVideo
from scenes.video.shapes import ShapeTracking

ROOT = Path(__file__).resolve().parent.parent
MOST_DEAD_AIR = 1.0  # seconds of speech over an empty pane a whole movie may have
PANE_SPAN = 0.6  # the fullest frame's drawing spans at least this share of its pane's width or height


def render(scene: str, out: Path, cache: Path) -> Path:
    env = {**os.environ, "ATTENTION_CACHE": str(cache)}
    command = [sys.executable, str(ROOT / "render.py"), scene, "-q", "l", "--sections", "--out", str(out)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def video(full_video_low) -> Path:
    """The folder of the default video, narrated, at -q l, with its section clips and manifest (shared)."""
    return full_video_low.parent


@pytest.fixture(scope="module")
def masking(tmp_path_factory, render_cache) -> Path:
    return render(MaskingScene.__name__, tmp_path_factory.mktemp("directed-masking"), render_cache())


# ----- item 2: no dead air ------------------------------------------------------------------------------------------
def test_the_video_never_speaks_over_an_empty_pane(video):
    stretches = stretches_from_manifest(video / "manifest.json", FullVideo.__name__)
    found = measure(video / f"{FullVideo.__name__}.mp4", stretches)
    assert found.spoken > 60  # the measure heard the narration
    assert found.seconds <= MOST_DEAD_AIR, found.intervals


def test_the_masking_scene_never_speaks_over_an_empty_pane(masking):
    # its diagram and divider stay on screen throughout: the pane is right of the divider in every section
    stretches = stretches_from_manifest(masking / "manifest.json", MaskingScene.__name__, divided=True)
    found = measure(masking / f"{MaskingScene.__name__}.mp4", stretches)
    assert found.spoken > 30
    assert found.seconds <= MOST_DEAD_AIR, found.intervals


# ----- item 3: composition -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("scene", [FullVideo, MaskingScene], ids=lambda s: s.__name__)
def test_each_sections_fullest_frame_uses_its_pane_and_nothing_is_clipped(scene, request):
    out = request.getfixturevalue("video" if scene is FullVideo else "masking")
    stretches = stretches_from_manifest(out / "manifest.json", scene.__name__, True if scene is MaskingScene else None)
    fullest = fullest_frames(out / f"{scene.__name__}.mp4", stretches)
    assert len(fullest) == len(scene.part.section_names)
    for name, frame in zip(scene.part.section_names, fullest, strict=True):
        assert frame.span >= PANE_SPAN, (name, frame.time, frame.width_share, frame.height_share)
        assert not frame.touches_edge, (name, frame.time)


def _boxes_overlap(a, b) -> bool:
    return bool(
        a.get_left()[0] < b.get_right()[0]
        and b.get_left()[0] < a.get_right()[0]
        and a.get_bottom()[1] < b.get_top()[1]
        and b.get_bottom()[1] < a.get_top()[1]
    )


@pytest.mark.parametrize("scene_class", [FullVideo, MaskingScene], ids=lambda s: s.__name__)
def test_no_grid_overlaps_another_at_any_figure(manim_dirs, scene_class):
    """At every figure (each section's finished state), no grid's cells cover another grid's cells or label."""
    seen: dict[str, list[MatrixGrid]] = {}

    def capture(scene, figure):
        family = [m for top in scene.mobjects for m in top.get_family()]
        seen[figure.name] = [m for m in family if isinstance(m, MatrixGrid) and m.get_fill_opacity() > 0]

    with tempconfig(manim_test_config(manim_dirs)):
        scene = scene_class.drawing(None, skip_animations=True)
        scene.on_figure = capture
        scene.render()
    assert len(seen) >= len(scene_class.part.section_names) - 1  # every section marks a figure (step 2's is its end)
    for name, grids in seen.items():
        for n, a in enumerate(grids):
            for b in grids[n + 1 :]:
                assert not _boxes_overlap(a.cells, b.cells), (name, a.color_key, b.color_key)
                for one, other in ((a, b), (b, a)):
                    if other.label is not None:
                        assert not _boxes_overlap(one.cells, other.label), (name, one.color_key, other.color_key)


# ----- item 5: the closing chain, the diagram's labels said right -------------------------------------------------
# the boxes of the shape chain, found by the start of their label, and the flow of the data between them
CHAIN_LABELS = {
    "X": "X_",
    "Q": "Q_",
    "K": "K_",
    "V": "V_",
    "Kt": r"K^\top",
    "QKt": r"\left(QK^\top\right)",
    "scaled": r"\left(\tfrac",
    "A": "A_",
    "R": "R_",
}
DATA_FLOW = {
    ("X", "Q"),
    ("X", "K"),
    ("X", "V"),
    ("K", "Kt"),
    ("Q", "QKt"),
    ("Kt", "QKt"),
    ("QKt", "scaled"),
    ("scaled", "A"),
    ("A", "R"),
    ("V", "R"),
}


def _distance(point, mobject) -> float:
    """From ``point`` to the bounding box of ``mobject`` (0 inside)."""
    low, high = mobject.get_corner([-1, -1, 0]), mobject.get_corner([1, 1, 0])
    return float(np.linalg.norm(np.maximum(0, np.maximum(low - point, point - high))[:2]))


def test_the_shape_chain_draws_the_real_data_flow(play_scene):
    scene = play_scene(ShapeTracking)
    family = [m for top in scene.mobjects for m in top.get_family()]
    labels = [m for m in family if isinstance(m, MathTex)]
    boxes = {}
    for name, start in CHAIN_LABELS.items():
        found = [m for m in labels if m.tex_string.startswith(start)]
        assert len(found) == 1, (name, [m.tex_string for m in labels])
        box = next(top for top in family if top.submobjects[1:2] == [found[0]])  # the box group: rectangle, label
        boxes[name] = box
    drawn = set()
    for arrow in (m for m in family if isinstance(m, Arrow)):
        start, end = arrow.get_start(), arrow.get_end()
        source = min(boxes, key=lambda n: _distance(start, boxes[n]))
        target = min(boxes, key=lambda n: _distance(end, boxes[n]))
        drawn.add((source, target))
    assert drawn == DATA_FLOW


def test_the_diagrams_labels_are_said_as_words():
    for _, title in BLOCKS:
        said = spoken(f"{title}.")
        assert "(" not in said and not re.search(r"\.\w|\w\.\W*\w", said), said  # no bracket, no abbreviation
        assert not re.search(r"[a-z][A-Z]", said), said  # no run-together word such as MatMul
    assert spoken("Mask (Opt.).") == "mask, optional."
