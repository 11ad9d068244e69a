"""FullVideo rendered in parallel slices and joined, through render.py: with --jobs 2 it must be the very movie
one process renders (frames, packets, timestamps, subtitles, section clips), and a change to one part's code
renders that part alone. Also the planner that splits and balances the slices, on its own.

Renders are tiny (320x180 at 5 fps) and shared by the tests through module-scoped fixtures.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt

from rendering.files import FILE_MODE
from rendering.parallel.costs import Costs
from rendering.parallel.join import probe_video
from rendering.parallel.plan import plan
from rendering.spec import MovieIdentity, MovieJob, Picture
from scenes.topics.masking import MaskingScene
from scenes.video.full_video import FullVideo
from scenes.video.shapes import ShapeTracking

ROOT = Path(__file__).resolve().parent.parent
FPS = 5
SMALL = ["--resolution", "320,180", "--fps", str(FPS)]
VIDEO = FullVideo.__name__


def render(*args, cache: Path, out: Path, root: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "ATTENTION_CACHE": str(cache)}
    if root != ROOT:
        env["PYTHONPATH"] = str(root)  # the copy's packages, not the editable install's
    command = [sys.executable, str(root / "render.py"), *args, "--out", str(out)]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    return result


@dataclass(frozen=True)
class Runs:
    two: Path  # out folder of --jobs 2 --sections
    one: Path  # out folder of --jobs 1
    single: Path  # Manim's own movie and .srt of the --jobs 1 render, which filmed every section in one scene
    two_log: str
    one_log: str
    changed_log: str  # --jobs 2 again, in a copy of the project with a comment added to step 4's file
    changed: Path


@pytest.fixture(scope="module")
def runs(tmp_path_factory, render_cache, project_copy) -> Runs:
    base = tmp_path_factory.mktemp("parts")
    # every run from one snapshot of the code, so that edits made meanwhile in the working tree change nothing
    project = project_copy(base / "project")
    cache_one = render_cache()
    one = render(VIDEO, *SMALL, "--jobs", "1", cache=cache_one, out=base / "one", root=project)
    # the --jobs 1 slice filmed every section in one Manim scene, so Manim's own concatenated movie and .srt,
    # left in the Manim slot it used, are the single render (slots are shared: take the newest)
    made = max(cache_one.glob(f"slot-*/media/videos/180p{FPS}/{VIDEO}.mp4"), key=os.path.getmtime)
    single = base / "single"
    single.mkdir()
    shutil.copy(made, single / f"{VIDEO}.mp4")
    shutil.copy(made.with_suffix(".srt"), single / f"{VIDEO}.srt")
    cache_two = render_cache()  # made after the first run: every slot has its LaTeX by now
    two = render(VIDEO, *SMALL, "--jobs", "2", "--sections", cache=cache_two, out=base / "two", root=project)
    edited = shutil.copytree(project, base / "edited", ignore=shutil.ignore_patterns("__pycache__"))
    with open(edited / "scenes" / "video" / "step_output.py", "a") as fh:
        fh.write("# a comment: new code for step 4, the same frames\n")
    changed = render(VIDEO, *SMALL, "--jobs", "2", cache=cache_two, out=base / "changed", root=edited)
    return Runs(base / "two", base / "one", single, two.stdout, one.stdout, changed.stdout, base / "changed")


def packets(path: Path) -> list[tuple[int, int, bytes]]:
    with av.open(str(path)) as container:
        return [(p.pts, p.dts, bytes(p)) for p in container.demux(container.streams.video[0]) if p.size]


def pixels(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_two_jobs_render_two_slices_one_job_one(runs):
    assert "rendering 2 slice(s) with 2 job(s)" in runs.two_log, runs.two_log
    assert "rendering 1 slice(s) with 1 job(s)" in runs.one_log, runs.one_log


def test_joined_video_is_the_single_render_frame_for_frame(runs):
    joined, alone, single = (folder / f"{VIDEO}.mp4" for folder in (runs.two, runs.one, runs.single))
    assert joined.stat().st_mode & 0o777 == FILE_MODE  # a joined file is as shareable as any other
    frames = probe_video(single).frames
    assert probe_video(joined).frames == probe_video(alone).frames == frames
    # the slices' packets are copied: the joined stream carries the single render's very bytes
    data = [d for _, _, d in packets(single)]
    assert [d for _, _, d in packets(joined)] == [d for _, _, d in packets(alone)] == data
    decoded = pixels(joined)
    assert len(decoded) == frames
    for n, (a, b) in enumerate(zip(decoded, pixels(single), strict=True)):
        assert np.array_equal(a, b), f"frame {n} differs"


def test_joined_timestamps_are_exact_and_increasing(runs):
    movie = runs.two / f"{VIDEO}.mp4"
    info, listed = probe_video(movie), packets(movie)
    dts = [d for _, d, _ in listed]
    assert all(a < b for a, b in zip(dts, dts[1:], strict=False))
    assert all(p >= d for p, d, _ in listed)
    # frame n at n / fps exactly: no gap, no repeat at a join
    assert sorted(p for p, _, _ in listed) == [round(Fraction(n, FPS) / info.time_base) for n in range(info.frames)]
    with av.open(str(movie)) as container:
        assert [f.pts for f in container.decode(video=0)] == sorted(p for p, _, _ in listed)


def test_subtitles_are_the_single_renders(runs):
    single = list(srt.parse((runs.single / f"{VIDEO}.srt").read_text()))
    assert len(single) > 20
    joined = (runs.two / f"{VIDEO}.srt").read_text()
    assert joined == (runs.one / f"{VIDEO}.srt").read_text()
    # Manim's own .srt has one subtitle a cue; ours is set to timed-text rules (rendering/timed_text): the same
    # words, each cue's first subtitle where Manim starts it (to the millisecond), a long cue split in two
    subtitles = list(srt.parse(joined))
    assert " ".join(s.content for s in subtitles).split() == " ".join(s.content for s in single).split()
    starts = {round(s.start.total_seconds(), 3) for s in subtitles}
    assert all(round(s.start.total_seconds(), 3) in starts for s in single)


def test_section_clips_are_the_pieces_of_the_joined_video(runs):
    clips = sorted((runs.two / "sections" / VIDEO).glob("*.mp4"))
    assert [c.name for c in clips] == [f"{n:02d}_{name}.mp4" for n, name in enumerate(FullVideo.part.section_names)]
    movie = [d for _, _, d in packets(runs.two / f"{VIDEO}.mp4")]
    assert [d for clip in clips for _, _, d in packets(clip)] == movie
    entries = {e["file"]: e for e in json.loads((runs.two / "manifest.json").read_text())["files"]}
    for clip, section in zip(clips, FullVideo.part.section_names, strict=True):
        assert entries[f"sections/{VIDEO}/{clip.name}"]["section"] == section


def test_a_change_to_one_part_renders_that_part_alone(runs):
    others = [s for s in FullVideo.part.section_names if s != "step4_output"]
    assert f"{VIDEO}: rendered step4_output; from the cache: {', '.join(others)}" in runs.changed_log, runs.changed_log
    assert "rendering 1 slice(s)" in runs.changed_log
    for name in (f"{VIDEO}.mp4", f"{VIDEO}.srt"):  # a comment changes no frame
        assert (runs.changed / name).read_bytes() == (runs.two / name).read_bytes()


# ----- the planner, on its own -----------------------------------------------------------------------------
PICTURE = Picture(1920, 1080, 60, "high_quality")


def job(scene, fmt="mp4") -> MovieJob:
    return MovieJob(scene.__name__, PICTURE, fmt)


def costs_of(scene, film: dict, skip: dict) -> Costs:
    key = MovieIdentity(scene.__name__, PICTURE, "mp4").picture_format
    seconds = {name: {"film": film[name], "skip": skip[name]} for name in film}
    return Costs(lengths={}, seconds={scene.__name__: {key: seconds}}, path=Path(os.devnull))


def test_one_process_or_one_section_is_never_split():
    video = [(FullVideo, job(FullVideo), list(FullVideo.part.section_names))]
    assert [p.play for p in plan(video, Costs(path=Path(os.devnull)), 1)] == [FullVideo.part.section_names]
    shapes = [(ShapeTracking, job(ShapeTracking), None)]
    assert [p.play for p in plan(shapes, Costs(path=Path(os.devnull)), 4)] == [None]


def test_a_topic_scene_of_three_sections_is_split_when_cores_are_idle():
    sections = list(MaskingScene.part.section_names)
    slices = plan([(MaskingScene, job(MaskingScene), sections)], Costs(path=Path(os.devnull)), 2)
    assert len(slices) == 2
    assert sorted(s for p in slices for s in p.play) == sorted(sections)  # each section once, in two runs


def test_slices_are_balanced_by_learned_seconds():
    names = FullVideo.part.section_names
    film = dict(zip(names, [10, 100, 10, 10, 10, 10, 10], strict=True))  # "tokens" is the costly one
    skip = dict.fromkeys(names, 1.0)
    slices = plan([(FullVideo, job(FullVideo), list(names))], costs_of(FullVideo, film, skip), 2)
    # "tokens" alone (its 100 s, intro skipped) on one worker; the other five (50 s, two skipped) and then
    # intro (10 s) on the other: 104 s, where intro + tokens as one slice would take 110 s
    assert sorted(p.play for p in slices) == [
        ("intro",),
        ("step1_matmul", "step2_scale", "step3_softmax", "step4_output", "shapes"),
        ("tokens",),
    ]
    assert slices[0].play == ("tokens",)  # the longest first


def test_a_small_scene_beside_the_video_still_lets_the_video_split():
    names = FullVideo.part.section_names
    costs = costs_of(FullVideo, dict.fromkeys(names, 20.0), dict.fromkeys(names, 2.0))
    missing = [(FullVideo, job(FullVideo), list(names)), (ShapeTracking, job(ShapeTracking), None)]
    slices = plan(missing, costs, 2)
    assert len([p for p in slices if p.scene == VIDEO]) == 2 and len(slices) == 3


# ----- the clips, as seen: one continuous story, each clip ending on its content --------------------------
INK = 200  # a pixel darker than this light grey is drawing
HANDING_OVER = 1.6  # seconds at a section's start that still show the section before (a hand-over, a clear)


def ink(frame: np.ndarray) -> float:
    """The fraction of a frame's pixels that are drawing."""
    return float((frame.mean(axis=2) < INK).mean())


def pane(frame: np.ndarray) -> np.ndarray:
    """The content right of the step layout's divider (at x = -3.7 of the 14.2-unit frame), a margin left out."""
    width = frame.shape[1]
    return frame[:, int((-3.7 + 7.1) / 14.2 * width) + 3 :]


def clips_of(runs) -> dict[str, Path]:
    return {
        name: runs.two / "sections" / VIDEO / f"{n:02d}_{name}.mp4"
        for n, name in enumerate(FullVideo.part.section_names)
    }


def test_a_steps_result_grid_carries_into_the_next_step(runs):
    """The last frame of a section and the first of the next show the same drawing at the same place: nothing
    fades out between sections, and from step to step the pane holds the grid being handed over."""
    clips, names = clips_of(runs), FullVideo.part.section_names
    for before, after in zip(names, names[1:], strict=False):
        last, first = pixels(clips[before])[-1], pixels(clips[after])[0]
        if after.startswith("step") and before.startswith("step"):
            last, first = pane(last), pane(first)
            assert ink(last) > 0.03, f"{before} ends with an empty pane: nothing to hand over to {after}"
        changed = np.abs(last.astype(int) - first.astype(int)).max(axis=2) > 48
        assert changed.mean() < 0.005, f"{after} does not start where {before} ended ({changed.mean():.1%} changed)"


def test_no_clip_ends_emptier_than_half_its_fullest_frame(runs):
    """A clip's last frame (its poster in decks) shows the section at its fullest: at least half the ink of the
    clip's fullest frame once the section has taken over the screen."""
    for name, clip in clips_of(runs).items():
        inks = [ink(frame) for frame in pixels(clip)][round(HANDING_OVER * FPS) :]
        assert inks[-1] >= 0.5 * max(inks), f"{name} ends on {inks[-1]:.3f} ink, its fullest frame has {max(inks):.3f}"
