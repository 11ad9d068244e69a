"""The lecture (issue 26, item 1): its parts in the catalog's declared order, a model request refused in one line,
and one bridge into a topic filmed at the tests' tiny size, read back from its pixels.

The order is checked on the lecture's plan (its sections and their owners, as the parallel render splits them),
without filming it; the one join filmed is a two-part sequence played by the lecture's own join, ended once its
bridge has been said.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from manim import tempconfig

from rendering.inspection.dead_air import INK_SHARE, ink
from rendering.parallel.costs import Costs
from rendering.parallel.plan import plan
from rendering.spec import MovieJob, Picture
from scenes.catalog import LECTURE_PARTS
from scenes.kit.narration import cue_owner
from scenes.kit.text.pronunciation import written
from scenes.manim_patches.adapter import end_early, movie_path
from scenes.scene import Inputs
from scenes.topics.multi_head import MultiHeadScene
from scenes.video.intro import IntroScene
from scenes.video.lecture import BRIDGES, Lecture, bridge_at, play_join
from scenes.video.sequence import SequenceScene, play_sequence, sequence_part

ROOT = Path(__file__).resolve().parent.parent
TINY = (320, 180)
FPS = 15


def owners_in_order(sections) -> list[type]:
    found: list[type] = []
    for section in sections:
        if not found or found[-1] is not section.owner:
            found.append(section.owner)
    return found


def test_the_lectures_parts_play_in_the_declared_order():
    assert owners_in_order(Lecture.part.sections) == list(LECTURE_PARTS)
    # the parallel plan of a cold render films those sections, in that order, each once
    job = MovieJob(Lecture.__name__, Picture(854, 480, 15, "low_quality"), "mp4", sections=True)
    missing = [(Lecture, job, list(Lecture.part.section_names))]
    slices = plan(missing, Costs({}, {}), workers=4)
    filmed = sorted(slices, key=lambda s: Lecture.part.section_names.index(s.play[0]))
    played = [name for s in filmed for name in s.play]
    assert played == list(Lecture.part.section_names)
    assert owners_in_order(Lecture.part.sections[Lecture.part.section_names.index(n)] for n in played) == list(
        LECTURE_PARTS
    )


def test_every_topic_is_bridged_in_and_out():
    for before, after in zip(LECTURE_PARTS, LECTURE_PARTS[1:], strict=False):
        if not (before.part.in_video and after.part.in_video):
            assert bridge_at(before, after) is not None, (before.__name__, after.__name__)
    assert "ScoreFunctions" in BRIDGES  # joins the lecture after Step 1 when its scene lands


def test_a_model_request_is_refused_in_one_line_naming_the_toy_only_parts(tmp_path, render_cache):
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "render.py"), "Lecture", "--model", "minilm", "--out", str(out)]
    env = {**os.environ, "ATTENTION_CACHE": str(render_cache())}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for topic in ("EmbeddingScene", "WhyQKV", "WhyScale", "MaskingScene", "MultiHeadScene", "CrossAttention"):
        assert topic in lines[0]
    assert not out.exists()


class OneJoin(SequenceScene):
    """The paper intro, then multi-head attention, joined as the lecture joins them: only the join is filmed."""

    part = sequence_part(
        "one_join", "One join", "The intro, bridged into multi-head attention", (IntroScene, MultiHeadScene)
    )
    play_only = (cue_owner(MultiHeadScene, MultiHeadScene.part.section_names[0]),)

    @staticmethod
    def play_part(scene) -> None:
        def bridge_then_end(scene, before, after) -> None:
            play_join(scene, before, after)
            end_early()  # the bridge said: the movie holds the join alone

        play_sequence(scene, bridge_then_end)


@pytest.fixture(scope="module")
def join_film(tmp_path_factory, manim_dirs):
    media = tmp_path_factory.mktemp("lecture-join")
    settings = {
        "pixel_width": TINY[0],
        "pixel_height": TINY[1],
        "frame_rate": FPS,
        "media_dir": str(media),
        "tex_dir": str(manim_dirs.tex),
        "text_dir": str(manim_dirs.text),
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "WARNING",
    }
    with tempconfig(settings):
        scene = OneJoin.drawing(Inputs())
        scene.render()
        movie = movie_path(scene)
        subcaptions = list(scene.renderer.file_writer.subcaptions)
    with av.open(str(movie)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    return frames, subcaptions


def test_the_screen_is_drawn_on_while_a_bridge_into_a_topic_is_said(join_film):
    frames, subcaptions = join_film
    said = written(BRIDGES[MultiHeadScene.__name__].into)
    bridge = [s for s in subcaptions if s.content == said]
    assert len(bridge) == 1, [s.content for s in subcaptions]
    # the film is the bridge alone: it starts with the cue and lasts as long as its subtitle and the gap after it
    seconds = (bridge[0].end - bridge[0].start).total_seconds()
    assert seconds - 0.5 <= len(frames) / FPS <= seconds + 1.0
    shares = [float(np.mean(ink(frame))) for frame in frames]
    assert min(shares) >= INK_SHARE, min(shares)
    # once the bridge is under way: the intro's diagram shrunk aside under the topic's title, both in the right pane
    last = ink(frames[-1])
    right = last[:, TINY[0] // 3 :]
    assert right[: TINY[1] // 2].mean() >= INK_SHARE and right[TINY[1] // 2 :].mean() >= INK_SHARE
