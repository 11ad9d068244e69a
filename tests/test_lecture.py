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

import attention
from rendering.inspection.dead_air import INK_SHARE, ink
from rendering.parallel.costs import Costs
from rendering.parallel.film import film_slice
from rendering.parallel.plan import SliceJob, plan
from rendering.spec import Look, MovieJob, Picture
from scenes.catalog import LECTURE_PARTS
from scenes.kit.narration import cue_owner
from scenes.kit.text.pronunciation import written
from scenes.manim_patches.adapter import end_early
from scenes.topics.multi_head import MultiHeadScene
from scenes.video.intro import IntroScene
from scenes.video.lecture import BRIDGES, Lecture, bridge_at, play_join
from scenes.video.sequence import SequenceScene, play_sequence, sequence_part

ROOT = Path(__file__).resolve().parent.parent
TINY = (320, 180)
FPS = 15
PAIR = (IntroScene, MultiHeadScene)


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
    """The paper intro, then multi-head attention, joined as the lecture joins them: only the topic's first section
    is filmed, and it ends once the bridge is said and the topic has opened that section by its own name."""

    part = sequence_part("one_join", "One join", "The intro, bridged into multi-head attention", PAIR)
    play_only = (cue_owner(MultiHeadScene, MultiHeadScene.part.section_names[0]),)

    @staticmethod
    def play_part(scene) -> None:
        def bridge_then_end(scene, before, after) -> None:
            play_join(scene, before, after)
            scene.next_section(after.part.section_names[0])  # as the topic's own code opens it
            end_early()  # the movie holds the join alone

        play_sequence(scene, bridge_then_end)


@pytest.fixture(scope="module")
def join_film(tmp_path_factory, render_cache):
    """The join filmed as a render worker films a slice of a sequence (rendering/parallel/film.py), at the tests'
    tiny size: (the slice's result, the decoded frames of its one clip)."""
    import scenes.registry
    from rendering.cache import slots

    known = scenes.registry.by_name
    job = SliceJob(OneJoin.__name__, Picture(*TINY, FPS, "low_quality"), "mp4", play=OneJoin.play_only, clips=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(slots, "CACHE", render_cache())
        patch.setattr(scenes.registry, "by_name", lambda name: OneJoin if name == OneJoin.__name__ else known(name))
        result = film_slice(job, attention.Request.from_sentence(), Look(), str(tmp_path_factory.mktemp("join")))
    with av.open(str(result.clips[OneJoin.play_only[0]])) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    return result, frames


def test_the_join_is_filmed_under_the_sequences_section_names(join_film):
    result, _ = join_film
    assert result.filmed == OneJoin.play_only
    assert set(result.states) <= set(OneJoin.part.section_names) and set(result.clips) == set(OneJoin.play_only)


def test_the_screen_is_drawn_on_while_a_bridge_into_a_topic_is_said(join_film):
    result, frames = join_film
    said = written(BRIDGES[MultiHeadScene.__name__].into)
    bridge = [(start, end) for start, end, text in result.subcaptions if text == said]
    assert len(bridge) == 1, result.subcaptions
    # the clip opens with the bridge: its frames while the bridge is said, on the clip's own clock
    opens = result.clock[OneJoin.play_only[0]][0]
    start, end = ((t / 1e6 - opens) * FPS for t in bridge[0])
    assert abs(start) < 1 and end < len(frames)
    said_over = frames[: int(end)]
    shares = [float(np.mean(ink(frame))) for frame in said_over]
    assert min(shares) >= INK_SHARE, min(shares)
    # once the bridge is under way: the intro's diagram shrunk aside under the topic's title, both in the right pane
    last = ink(said_over[-1])
    right = last[:, TINY[0] // 3 :]
    assert right[: TINY[1] // 2].mean() >= INK_SHARE and right[TINY[1] // 2 :].mean() >= INK_SHARE
