"""The narration's voice: the pronunciation table, loudness, cue timing from speech, and narrated movies checked
with PyAV (one track as long as the video, speech in every cue and silence between, the parallel join equal to
one process sample for sample, webm with Opus and mov with AAC, the same bytes from fresh caches, recorded takes
changing the timing, --voice none silent)."""

from __future__ import annotations

import io
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt

from rendering.voice import loudness
from scenes.kit.narration import GAP, READING_SPEED, SHORTEST, cue_owner
from scenes.kit.text.pronunciation import spoken, written
from scenes.scene import Inputs
from scenes.video.full_video import FullVideo
from scenes.video.step_scale import Step2Scale

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--resolution", "320,180", "--fps", "10"]
TINY = ["-q", "l", "--resolution", "320,180", "--fps", "6"]
CODECS = {"mp4": "aac", "mov": "aac", "webm": "opus"}  # the audio codec of each container


# ----- the pronunciation table ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, shown, said",
    [
        ("Q times K transposed.", "Q times Kᵀ.", "Q times K transposed."),
        ("Divided by the square root of d k.", "Divided by √dₖ.", "Divided by the square root of d k."),
        ("Each token becomes a vector x i.", "Each token becomes a vector xᵢ.", "Each token becomes a vector x sub i."),
        ("A is T by d.", "A is T × d.", "A is T by d."),
        ("The sum lands in QK transposed.", "The sum lands in QKᵀ.", "The sum lands in Q K transposed."),
        ("weighted by row 3 of A.", "weighted by row 3 of A.", "weighted by row 3 of A."),
        ("d k = d / h", "dₖ = d / h", "d k equals d over h"),
    ],
)
def test_math_is_written_in_unicode_and_spoken_in_words(text, shown, said):
    assert written(text) == shown and spoken(text) == said


# ----- cue ids ------------------------------------------------------------------------------------------
def test_a_cue_id_is_shared_only_by_a_section_and_the_part_it_plays():
    """Recorded takes are files named by cue id: two scenes' cues share a prefix only where one plays the other's
    part (FullVideo, a section per video part; the lecture, a section per section of each part), never because a
    section is named like another scene's part."""
    from scenes.catalog import VIDEO_PARTS
    from scenes.registry import ALL_SCENES

    played = {scene.part.name: scene for scene in VIDEO_PARTS}
    speakers: dict[str, set[str]] = {}
    for scene in ALL_SCENES:
        for section in {*scene.part.section_names, scene.part.name}:
            speaker = scene.part.section_owner(section) or scene
            speakers.setdefault(cue_owner(scene, section), set()).add(speaker.__name__)
    shared = {prefix: sorted(names) for prefix, names in speakers.items() if len(names) > 1}
    assert not shared, f"cue ids shared by different scenes' parts: {shared}"
    assert {cue_owner(FullVideo, name) for name in FullVideo.part.section_names} == set(played)


# ----- loudness -----------------------------------------------------------------------------------------
def test_a_take_is_normalised_to_minus_16_lufs_under_minus_1_dbtp():
    rate = 48000
    t = np.arange(2 * rate) / rate
    burst = 0.05 * np.sin(2 * np.pi * 220 * t) * (1 + 0.9 * np.sin(2 * np.pi * 3 * t))
    burst[rate // 2] = 0.9  # a click far above the speech: the limiter takes it
    out = loudness.normalised(burst, rate)
    assert abs(loudness.integrated(out, rate) + 16) < 0.5 and loudness.true_peak(out) <= -1.0


# ----- cue timing -----------------------------------------------------------------------------------------
class FakeSpeech:
    """Every cue's take lasts ``seconds(text)``: long ones outlast their animations."""

    def __init__(self, scale: float):
        self.scale = scale

    def seconds(self, cue: str, text: str) -> float:
        return self.scale * len(text) / 12


@pytest.mark.parametrize("scale", [0.2, 1.0, 2.0])
def test_each_cue_waits_for_its_speech_and_subtitles_follow_the_rules(play_scene, scale):
    speech = FakeSpeech(scale)
    scene = play_scene(Step2Scale, Inputs(speech=speech))
    subtitles = sorted(scene.renderer.file_writer.subcaptions, key=lambda s: s.start)
    cues = scene.log.cues
    assert len(cues) == len(subtitles) > 2
    micro = 1e-6
    for (start, ident, said, _), subtitle, following in zip(cues, subtitles, [*subtitles[1:], None], strict=True):
        begin = subtitle.start.total_seconds()
        length = (subtitle.end - subtitle.start).total_seconds()
        assert abs(begin - start * micro) < 1e-5, ident  # the speech starts with its subtitle
        expected = max(speech.seconds(ident, said), SHORTEST, len(subtitle.content) / READING_SPEED)
        assert length == pytest.approx(expected, abs=1e-5)
        if following is not None:  # no overlap: the next cue waits for this one's speech
            assert following.start.total_seconds() >= begin + expected + GAP - 1e-5
    assert len({ident for _, ident, _, _ in cues}) == len(cues) and cues[0][1] == "step2_scale.00"


def test_a_silent_scene_keeps_its_timing(play_scene):
    scene = play_scene(Step2Scale, Inputs())
    assert not scene.log.cues and scene.renderer.time == pytest.approx(14.57647, abs=1e-4)  # Step 2 as it hands over


# ----- narrated movies, through render.py --------------------------------------------------------------------
def render(*args, cache: Path, out: Path):
    command = [sys.executable, str(ROOT / "render.py"), *args, "--out", str(out)]
    env = {**__import__("os").environ, "ATTENTION_CACHE": str(cache)}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert result.returncode == 0, result.stderr
    return result


def sound(path: Path) -> tuple[np.ndarray, int, Fraction, Fraction]:
    """(samples, rate, audio duration, video duration) of a movie."""
    with av.open(str(path)) as container:
        assert [s.type for s in container.streams] == ["video", "audio"]
        video, audio = container.streams.video[0], container.streams.audio[0]
        video_length = Fraction(video.frames) / Fraction(video.average_rate)
        rate = audio.rate
        samples = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio)])
    return samples, rate, Fraction(len(samples), rate), video_length


def frames(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [f.to_ndarray().tobytes() for f in container.decode(video=0)]


@pytest.fixture(scope="module")
def narrated(tmp_path_factory, render_cache):
    """WhyScale (three sections) narrated, rendered in one process and in parts joined."""
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path_factory.mktemp(f"voice-{jobs}")
        render("WhyScale", *SMALL, "--jobs", jobs, "--sections", cache=render_cache(), out=out)
        outs[jobs] = out
    return outs


def test_a_narrated_movie_has_one_track_as_long_as_its_video(narrated):
    samples, rate, audio, video = sound(narrated["2"] / "WhyScale.mp4")
    assert abs(audio - video) <= Fraction(1, 10)  # one frame at 10 fps
    assert loudness.integrated(samples, rate) == pytest.approx(-16, abs=1)
    assert loudness.true_peak(samples) <= -1.0


def test_speech_during_every_cue_and_silence_between(narrated):
    out = narrated["2"]
    samples, rate, _, _ = sound(out / "WhyScale.mp4")
    subtitles = list(srt.parse((out / "WhyScale.srt").read_text()))

    def level(a: float, b: float) -> float:
        chunk = samples[int(a * rate) : int(b * rate)]
        return 10 * np.log10(np.mean(chunk**2) + 1e-12)

    for subtitle, following in zip(subtitles, subtitles[1:], strict=False):
        start, end = subtitle.start.total_seconds(), subtitle.end.total_seconds()
        assert level(start, min(end, start + 1.0)) > -40, subtitle.content  # the speech starts with it
        assert start < 0.1 or level(start - 0.1, start) < -60  # and not before it (one frame)
        gap = following.start.total_seconds()
        if gap - end > 0.08:
            assert level(end + 0.02, gap - 0.02) < -50


def test_the_joined_movie_equals_one_process_frame_for_frame_and_sample_for_sample(narrated):
    one, two = narrated["1"] / "WhyScale.mp4", narrated["2"] / "WhyScale.mp4"
    assert np.array_equal(sound(one)[0], sound(two)[0])
    assert frames(one) == frames(two)


def test_section_clips_carry_their_stretch_of_the_track(narrated):
    out = narrated["2"]
    whole, rate, _, _ = sound(out / "WhyScale.mp4")
    at = Fraction(0)
    clips = sorted((out / "sections" / "WhyScale").glob("*.mp4"))
    assert len(clips) == 3
    for clip in clips:
        samples, _, audio, video = sound(clip)
        assert abs(audio - video) <= Fraction(1, 10)
        # each clip is encoded on its own (its own AAC priming): find the best lag within 50 ms, then compare
        begin = round(at * rate)
        middle = samples[len(samples) // 4 : 3 * len(samples) // 4]
        lags = range(-2400, 2401, 16)
        best = max(np.corrcoef(middle, whole[begin + len(samples) // 4 + lag :][: len(middle)])[0, 1] for lag in lags)
        assert best > 0.95, clip.name
        at += video


def level(samples: np.ndarray, rate: int, a: float, b: float) -> float:
    """Mean square of ``samples`` from ``a`` to ``b`` seconds, in dB (speech is above -40, silence below -60)."""
    chunk = samples[int(a * rate) : int(b * rate)]
    return float(10 * np.log10(np.mean(chunk**2) + 1e-12))


@pytest.fixture(scope="module")
def formats(tmp_path_factory, render_cache) -> dict[str, Path]:
    """Step2Scale narrated as webm and as mov, each with a fresh cache."""
    movies = {}
    for kind in ("webm", "mov"):
        out = tmp_path_factory.mktemp(f"voice-{kind}")
        render("Step2Scale", "--format", kind, *TINY, cache=render_cache(), out=out)
        movies[kind] = out / f"Step2Scale.{kind}"
    return movies


@pytest.mark.parametrize("kind", ["webm", "mov"])
def test_webm_and_mov_carry_one_track_of_their_codec_as_long_as_the_video(formats, kind):
    from rendering.parallel.join import probe_video

    movie = formats[kind]
    with av.open(str(movie)) as container:
        streams = [(s.type, s.codec_context.name) for s in container.streams]
        assert streams == [("video", {"webm": "vp9", "mov": "h264"}[kind]), ("audio", CODECS[kind])]
        audio = container.streams.audio[0]
        rate = audio.rate
        samples = np.concatenate([frame.to_ndarray()[0] for frame in container.decode(audio)])
    video = probe_video(movie).duration  # frames / rate: Matroska keeps no frame count
    assert abs(Fraction(len(samples), rate) - video) <= Fraction(1, 6), (len(samples) / rate, float(video))
    subtitles = list(srt.parse(movie.with_suffix(".srt").read_text()))
    assert len(subtitles) >= 3
    for subtitle in subtitles:  # each cue is spoken from its subtitle on
        start = subtitle.start.total_seconds()
        assert level(samples, rate, start, start + 1.0) > -40, subtitle.content
    first = subtitles[0].start.total_seconds()
    assert first < 0.2 or level(samples, rate, 0, first - 0.1) < -60  # and nothing before the first


def test_a_narrated_render_is_byte_identical_from_fresh_caches(tmp_path, render_cache, formats):
    made = []
    for run in ("one", "two"):  # each with its own output and speech cache: piper speaks again
        render("Step2Scale", *TINY, cache=render_cache(), out=tmp_path / run)
        made.append((tmp_path / run / "Step2Scale.mp4").read_bytes())
    with av.open(io.BytesIO(made[0])) as container:
        assert [s.codec_context.name for s in container.streams.audio] == ["aac"]
    assert made[0] == made[1]
    render("Step2Scale", "--format", "webm", *TINY, cache=render_cache(), out=tmp_path / "webm")
    assert (tmp_path / "webm" / "Step2Scale.webm").read_bytes() == formats["webm"].read_bytes()  # Matroska too


# ----- your own voice: the script, recorded takes, silence -------------------------------------------------
def _takes(folder: Path, lengths: list[float]) -> Path:
    import wave

    folder.mkdir()
    rate = 22050
    for n, seconds in enumerate(lengths):
        t = np.arange(int(seconds * rate)) / rate
        tone = (0.3 * np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)) * 32767).astype(np.int16)
        with wave.open(str(folder / f"step2_scale.{n:02d}.wav"), "wb") as take:
            take.setnchannels(1), take.setsampwidth(2), take.setframerate(rate)
            take.writeframes(tone.tobytes())
    return folder


def test_the_script_lists_every_cue_with_its_take_length(tmp_path, render_cache):
    render("script", "Step2Scale", cache=render_cache(), out=tmp_path)
    rows = (tmp_path / "script" / "Step2Scale.csv").read_text().splitlines()
    assert rows[0] == "cue,scene,section,text,seconds"
    assert rows[1].startswith("step2_scale.00,Step2Scale,step2_scale,") and "square root of d k" in rows[1]
    assert len(rows) == 5 and all(float(row.rsplit(",", 1)[1]) > 0.5 for row in rows[1:])


def test_recorded_takes_set_the_timing_and_missing_ones_stop_the_run(tmp_path, render_cache):
    cache = render_cache()
    takes = _takes(tmp_path / "takes", [2.0, 3.0, 7.0, 1.5])
    out = tmp_path / "out"
    render("Step2Scale", *SMALL, "--voice", str(takes), cache=cache, out=out)
    subtitles = list(srt.parse((out / "Step2Scale.srt").read_text()))
    lengths = [(s.end - s.start).total_seconds() for s in subtitles]
    starts = [s.start.total_seconds() for s in subtitles]
    assert lengths[1] == pytest.approx(3.0, abs=0.002) and lengths[2] == pytest.approx(7.0, abs=0.002)
    assert starts[3] - starts[2] >= 7.0 - 0.002  # the next cue waits for the 7 s take (its gap may lose a frame)
    (takes / "step2_scale.03.wav").unlink()
    (takes / "step2_scale.02.wav").write_bytes(b"not a sound")
    command = [sys.executable, str(ROOT / "render.py"), "Step2Scale", *SMALL, "--voice", str(takes)]
    result = subprocess.run(
        [*command, "--out", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, "ATTENTION_CACHE": str(cache)},
    )
    assert result.returncode == 2 and not (tmp_path / "none").exists()
    line = result.stderr.strip()
    assert "\n" not in line and "step2_scale.03" in line and "step2_scale.02" in line


def test_voice_none_is_silent(tmp_path, render_cache):
    render("Step2Scale", *SMALL, "--voice", "none", cache=render_cache(), out=tmp_path)
    with av.open(str(tmp_path / "Step2Scale.mp4")) as container:
        assert [s.type for s in container.streams] == ["video"]
