"""Frame regression: the last frame of every scene against tests/control_data/scenes/<Scene>.npz.

Uses Manim's own ``frames_comparison`` (854x480, dry run, animations skipped, the frame after the
last play). After an intended change of the look, regenerate and review the control data:

    .venv/bin/pytest tests/test_frames.py --set_test      # then inspect with --show_diff
"""

from __future__ import annotations

import pytest
from manim.utils.testing.frames_comparison import frames_comparison

import attention
from scenes.catalog import SCENES
from scenes.kit.theme import load_theme
from scenes.scene import Inputs

# frames_comparison reads this name from the test function's globals: control data goes to
# tests/control_data/<__module_test__>/<test name>.npz
__module_test__ = "scenes"

# One fixed input for every frame: the video's example with every digit drawn, so that a wrong
# digit changes pixels (in "auto" mode 854x480 may hide them).
FRAME_SEED = 0
# The catalog's scenes; the whole video ends on its last part's frame (the two control files were
# byte-identical) and takes ~15 s to play, so tests/test_scenes.py builds it without a frame.
# Scenes of a pretrained model only (the layer's heads) have no toy frame: tests/test_model_scenes.py checks them.
FRAME_SCENES = [scene for scene in SCENES if attention.Capability.LAYER_HEADS not in scene.part.needs]


def frame_inputs() -> Inputs:
    request = attention.Request.from_sentence(seed=FRAME_SEED)
    return Inputs(request=request, theme=load_theme("video"), decimals=2, numbers="on")


def with_inputs(scene_class, inputs: Inputs):
    """``scene_class`` drawing ``inputs``: frames_comparison builds its base scene itself, so the inputs are the
    class's own (``AttentionScene.inputs``, read by its ``setup``)."""
    return type(scene_class.__name__, (scene_class,), {"inputs": inputs, "__module__": scene_class.__module__})


def frame_test(scene_class, manim_dirs):
    """A frames_comparison test for one scene, named test_<Scene> so the control file is <Scene>.npz.

    frames_comparison makes a subclass of ``base_scene`` whose construct() calls the decorated
    function with the scene; the function runs the scene's own construct(). It is decorated here,
    per scene, because base_scene is fixed at decoration time and the shared tex_dir is a fixture.
    """
    base = with_inputs(scene_class, frame_inputs())

    def construct(scene):
        scene_class.construct(scene)

    construct.__name__ = f"test_{scene_class.__name__}"
    return frames_comparison(
        construct, last_frame=True, base_scene=base, tex_dir=manim_dirs.tex, text_dir=manim_dirs.text
    )


@pytest.mark.parametrize("scene_class", FRAME_SCENES, ids=[s.__name__ for s in FRAME_SCENES])
def test_last_frame(scene_class, manim_dirs, request, tmp_path):
    control = request.path.parent / "control_data" / __module_test__ / f"{scene_class.__name__}.npz"
    if not control.is_file() and not request.config.getoption("--set_test"):
        pytest.fail(
            f"no control frame for {scene_class.__name__}: review the scene, then run "
            f"`.venv/bin/pytest tests/test_frames.py --set_test -k {scene_class.__name__}` "
            f"and commit {control.relative_to(request.path.parent.parent)}"
        )
    frame_test(scene_class, manim_dirs)(request=request, tmp_path=tmp_path)
