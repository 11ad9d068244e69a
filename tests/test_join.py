"""rendering/parallel/join.py and subtitles.py on real Manim movies: a tiny three-section scene rendered whole,
and part by part with the other sections skipped; the parts joined by stream copy must be the whole, frame for frame.

Everything is rendered here at 320x180, 15 fps, into pytest's temporary directory.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from manim import BLUE, RED, Circle, Create, FadeOut, Scene, Square, Transform, tempconfig
from manim.scene.section import DefaultSectionType

from rendering.parallel.join import JoinError, join_videos, probe_video, slice_starts
from rendering.parallel.subtitles import SubtitleSlice, shift_subtitles

FPS = 15
SECTIONS = ("one", "two", "three")


class ThreeSections(Scene):
    """Three sections of short animations, with subcaptions; ``only`` renders one section, skipping the rest."""

    only: str | None = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.clock: dict[str, float] = {}  # Manim's renderer.time where the rendered section starts and ends

    def next_section(self, name="unnamed", section_type=DefaultSectionType.NORMAL, skip_animations=False):
        if self.only is not None:
            # Manim's clock runs on through skipped sections, so the part's .srt is on the whole video's clock
            if "start" in self.clock and "end" not in self.clock:
                self.clock["end"] = self.renderer.time
            if name == self.only:
                self.clock["start"] = self.renderer.time
            skip_animations = name != self.only
        super().next_section(name, section_type, skip_animations)

    def construct(self):
        self.next_section("one")
        square = Square(color=BLUE)
        self.add_subcaption("A square.", duration=1.2)  # outlasts its section
        self.play(Create(square), run_time=0.5)  # 8 frames: 0.533 s of video for 0.5 s of Manim's skipped clock
        self.wait(0.4)
        self.next_section("two")
        self.play(square.animate.rotate(0.6).set_color(RED), run_time=0.7, subcaption="It turns red.")
        self.add_subcaption("Then a circle.", duration=0.5, offset=0.2)
        self.play(Transform(square, Circle(color=RED)), run_time=0.55)
        self.wait(0.3)
        self.next_section("three")
        self.play(FadeOut(square), run_time=0.6, subcaption="Gone.")


@dataclass(frozen=True)
class Rendered:
    movie: Path
    srt: Path | None
    clock: dict
    subcaptions: list[srt.Subtitle]  # as Manim holds them, in microseconds (its .srt keeps milliseconds)
    sections: Path | None  # the folder of section clips, when asked for


def render(
    media: Path,
    only: str | None = None,
    fmt: str = "mp4",
    transparent: bool = False,
    size: tuple[int, int] = (320, 180),
    sections: bool = False,
) -> Rendered:
    settings = {
        "pixel_width": size[0],
        "pixel_height": size[1],
        "frame_rate": FPS,
        "media_dir": str(media),
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "WARNING",
        "format": fmt,
        "transparent": transparent,
        "save_sections": sections,
    }
    with tempconfig(settings):
        scene = type("ThreeSections", (ThreeSections,), {"only": only})()
        scene.render()
        writer = scene.renderer.file_writer
        movie = Path(writer.movie_file_path)
        folder = Path(writer.sections_output_dir) if sections else None
    subtitles = movie.with_suffix(".srt")
    return Rendered(movie, subtitles if subtitles.is_file() else None, scene.clock, list(writer.subcaptions), folder)


@dataclass(frozen=True)
class Joined:
    whole: Rendered
    parts: list[Rendered]
    movie: Path
    srt: Path  # shifted from the parts' .srt files
    exact_srt: Path  # shifted from the parts' subcaptions as Manim holds them


def render_and_join(base: Path, fmt: str, transparent: bool = False) -> Joined:
    # each render in its own media folder, as parallel part jobs would be
    whole = render(base / "whole", fmt=fmt, transparent=transparent, sections=True)
    parts = [render(base / name, only=name, fmt=fmt, transparent=transparent) for name in SECTIONS]
    movie = base / f"joined.{fmt}"
    join_videos([p.movie for p in parts], movie)
    starts = slice_starts([probe_video(p.movie) for p in parts])
    # the part's own stretch of its clock: from its section's start to the next section's (the last: open)
    shift_subtitles(
        [
            SubtitleSlice(p.srt, start, p.clock["start"], p.clock.get("end"))
            for p, start in zip(parts, starts, strict=True)
        ],
        base / "joined.srt",
    )
    shift_subtitles(
        [
            SubtitleSlice(p.subcaptions, start, p.clock["start"], p.clock.get("end"))
            for p, start in zip(parts, starts, strict=True)
        ],
        base / "exact.srt",
    )
    return Joined(whole, parts, movie, base / "joined.srt", base / "exact.srt")


@pytest.fixture(scope="module")
def mp4(tmp_path_factory) -> Joined:
    return render_and_join(tmp_path_factory.mktemp("mp4"), "mp4")


@pytest.fixture(scope="module")
def webm(tmp_path_factory) -> Joined:
    return render_and_join(tmp_path_factory.mktemp("webm"), "webm", transparent=True)


@pytest.fixture(scope="module")
def mov(tmp_path_factory) -> Joined:
    return render_and_join(tmp_path_factory.mktemp("mov"), "mov", transparent=True)


def packets(path: Path) -> list[tuple[int, int, bytes]]:
    """(pts, dts, data) of every video packet, in decode order and the stream's time base."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [(p.pts, p.dts, bytes(p)) for p in container.demux(stream) if p.size]


def frames(path: Path, codec: str | None = None, fmt: str = "rgb24") -> list[tuple[int, np.ndarray]]:
    """(pts, pixels) of every decoded frame; ``codec`` picks the decoder (libvpx-vp9 decodes VP9 alpha)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if codec is None:
            decoded = list(container.decode(stream))
        else:
            decoder = av.CodecContext.create(codec, "r")
            decoded = [f for p in container.demux(stream) for f in decoder.decode(p)]
        return [(f.pts, f.to_ndarray(format=fmt)) for f in decoded]


def assert_exact_timestamps(path: Path) -> None:
    info = probe_video(path)
    listed = packets(path)
    dts = [d for _, d, _ in listed]
    assert all(a < b for a, b in zip(dts, dts[1:], strict=False)), "dts must strictly increase"
    assert all(p >= d for p, d, _ in listed), "a frame cannot be shown before it is decoded"
    pts = sorted(p for p, _, _ in listed)
    # each frame exactly at n / fps (to the nearest tick of the stream's time base), no gap, no repeat
    assert pts == [round(Fraction(n, FPS) / info.time_base) for n in range(info.frames)]
    shown = [p for p, _ in frames(path)]
    assert shown == pts


# ----- mp4 (H.264) -------------------------------------------------------------------------------------------
def test_joined_mp4_has_the_frames_and_length_of_the_single_render(mp4):
    whole, joined = probe_video(mp4.whole.movie), probe_video(mp4.movie)
    parts = [probe_video(p.movie) for p in mp4.parts]
    assert joined.frames == whole.frames == sum(p.frames for p in parts)
    assert joined.duration == whole.duration == Fraction(whole.frames, FPS)
    with av.open(str(mp4.movie)) as container:
        stream = container.streams.video[0]
        # the file says so too (Manim's own concatenation ends up a little short: its pts drift)
        assert stream.duration * stream.time_base == joined.duration
        assert container.metadata.get("comment", "").startswith("Rendered with Manim Community")


def test_joined_mp4_timestamps_are_exact_and_increasing(mp4):
    assert_exact_timestamps(mp4.movie)


def test_joined_mp4_is_the_single_render_frame_for_frame(mp4):
    whole, joined = frames(mp4.whole.movie), frames(mp4.movie)
    assert len(joined) == len(whole)
    for n, ((_, a), (_, b)) in enumerate(zip(whole, joined, strict=True)):
        assert np.array_equal(a, b), f"frame {n} differs"
    # Exactly equal, not merely close: Manim encodes every play() into its own partial file, starting at a
    # keyframe, from the same pixels with the same x264 settings; a part's movie is those files' packets,
    # and the join copies them. So the joined stream carries the single render's very bytes.
    assert [data for _, _, data in packets(mp4.movie)] == [data for _, _, data in packets(mp4.whole.movie)]


def test_part_render_is_the_section_clip_of_the_single_render(mp4):
    clips = sorted(mp4.whole.sections.glob("*.mp4"))
    assert [c.stem.rsplit("_", 1)[-1] for c in clips] == list(SECTIONS)
    for clip, part in zip(clips, mp4.parts, strict=True):
        assert [d for _, _, d in packets(clip)] == [d for _, _, d in packets(part.movie)], clip.name


def test_shifted_subtitles_match_the_single_render(mp4):
    whole = list(srt.parse(mp4.whole.srt.read_text()))
    # premise: a part-only render's .srt holds every section's subtitles, on the whole video's clock
    assert all(len(list(srt.parse(p.srt.read_text()))) == len(whole) for p in mp4.parts)
    joined = list(srt.parse(mp4.srt.read_text()))
    assert [s.content for s in joined] == [s.content for s in whole]
    assert [s.index for s in joined] == list(range(1, len(whole) + 1))
    # .srt keeps whole milliseconds, cut (not rounded) from Manim's float clock: the part's clock and the
    # single render's are cut at different origins, so a time may land 1 ms apart
    tolerance = datetime.timedelta(milliseconds=1)
    for a, b in zip(whole, joined, strict=True):
        assert abs(a.start - b.start) <= tolerance and abs(a.end - b.end) <= tolerance, (a, b)
    # from Manim's own microsecond times instead, the merged file is the single render's, to the byte
    assert mp4.exact_srt.read_text() == mp4.whole.srt.read_text()


def test_parts_of_another_size_are_refused(mp4, tmp_path):
    small = render(tmp_path / "small", only="three", size=(160, 90))
    target = tmp_path / "out" / "joined.mp4"
    target.parent.mkdir()
    target.write_bytes(b"an earlier join")
    with pytest.raises(JoinError) as caught:
        join_videos([mp4.parts[0].movie, small.movie], target)
    message = str(caught.value)
    assert "codec parameters differ" in message and "size 320x180 vs 160x90" in message
    assert "\n" not in message
    assert target.read_bytes() == b"an earlier join" and list(target.parent.iterdir()) == [target]


# ----- webm (VP9 with alpha) ---------------------------------------------------------------------------------
def test_joined_webm_is_the_single_render_frame_for_frame(webm):
    whole, joined = probe_video(webm.whole.movie), probe_video(webm.movie)
    assert joined.frames == whole.frames == sum(probe_video(p.movie).frames for p in webm.parts)
    assert joined.codec == "vp9" and joined.alpha, "the alpha channel (Matroska AlphaMode) must survive"
    assert_exact_timestamps(webm.movie)  # Matroska counts milliseconds: 0, 67, 133, 200, ...
    # libvpx-vp9 decodes the alpha side channel (FFmpeg's own vp9 decoder drops it)
    a, b = frames(webm.whole.movie, "libvpx-vp9", "rgba"), frames(webm.movie, "libvpx-vp9", "rgba")
    assert len(a) == len(b) == whole.frames
    for n, ((_, x), (_, y)) in enumerate(zip(a, b, strict=True)):
        assert np.array_equal(x, y), f"frame {n} differs"
    assert b[0][1][..., 3].min() == 0, "transparent background expected"
    assert [d for _, _, d in packets(webm.movie)] == [d for _, _, d in packets(webm.whole.movie)]


# ----- mov (QuickTime Animation, ARGB) ----------------------------------------------------------------------
def test_joined_mov_is_the_single_render_frame_for_frame(mov):
    whole, joined = probe_video(mov.whole.movie), probe_video(mov.movie)
    assert (joined.codec, joined.pix_fmt) == ("qtrle", "argb")
    assert joined.frames == whole.frames and joined.duration == whole.duration
    assert_exact_timestamps(mov.movie)
    a, b = frames(mov.whole.movie, fmt="rgba"), frames(mov.movie, fmt="rgba")
    for n, ((_, x), (_, y)) in enumerate(zip(a, b, strict=True)):
        assert np.array_equal(x, y), f"frame {n} differs"
    assert b[0][1][..., 3].min() == 0, "transparent background expected"


# ----- what is refused ---------------------------------------------------------------------------------------
def test_gif_is_refused():
    with pytest.raises(JoinError, match="GIF parts are not joined"):
        join_videos([Path("a.gif"), Path("b.gif")], Path("joined.gif"))


def test_a_movie_with_sound_is_measured_but_not_joined(tmp_path):
    movie = tmp_path / "sound.mp4"
    with av.open(str(movie), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = 64, 36, "yuv420p"
        audio = container.add_stream("aac", rate=48000)
        for n in range(3):
            frame = av.VideoFrame.from_ndarray(np.zeros((36, 64, 3), np.uint8), format="rgb24")
            frame.pts = n
            container.mux(video.encode(frame))
        sound = av.AudioFrame.from_ndarray(np.zeros((1, 2048), np.float32), format="fltp", layout="mono")
        sound.sample_rate, sound.pts = 48000, 0
        container.mux(audio.encode(sound))
        container.mux(video.encode())
        container.mux(audio.encode())
    assert probe_video(movie).frames == 3  # a narrated section clip is measured by its video (decks do)
    with pytest.raises(JoinError, match="has an audio track"):
        join_videos([movie, movie], tmp_path / "joined.mp4")
    assert not (tmp_path / "joined.mp4").exists()
