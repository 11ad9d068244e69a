"""One audio track for a movie's whole timeline, built from its cues, and muxed into the movie after the join.

What belongs here: placing each cue's take (at 48 kHz, normalised once when it was made: speech.py) at the
sample where its subtitle starts, on a track exactly as long as the video; and writing the movie again with
that track: its video packets copied as they are (a joined movie keeps its frames and timestamps), the track
encoded once (AAC in mp4 and mov, Opus in webm). One track for the whole timeline, so no join can click or gap. The
same movie and track give the same bytes: FFmpeg's AAC and libopus encoders are deterministic, and the webm
muxer is asked to be bit-exact (its track UIDs are otherwise random).

Examples
--------
>>> from fractions import Fraction
>>> cue = Cue(Fraction(1, 2), "intro.00", "Hello.")
>>> cue.sample
24000
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from rendering.files import temporary_beside
from rendering.voice.loudness import CEILING, limited, true_peak

RATE = 48000  # what Opus requires, and AAC's usual rate
CODECS = {".mp4": ("aac", "fltp"), ".mov": ("aac", "fltp"), ".webm": ("libopus", "flt")}
BITRATE = 128_000
# FFmpeg's AAC encoder's fast coder: at 128 kb/s of mono speech it keeps the waveform closer than the default
# two-loop search (45 against 30 dB signal-to-noise, measured on the FullVideo's track) in under half the time
CODEC_OPTIONS = {"aac": {"aac_coder": "fast"}}
MUXERS = {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}


@dataclass(frozen=True)
class Cue:
    """A cue on a movie's timeline: where its speech (and its subtitle) starts, its id, the text it says."""

    start: Fraction
    cue: str
    text: str

    @property
    def sample(self) -> int:
        return round(self.start * RATE)


def timeline(cues: Sequence[Cue], duration: Fraction, speech) -> np.ndarray:
    """The track: silence, and each cue's take from its start sample, ``duration`` seconds long (a take that
    would run past the end is cut; narrate() never lets one run into the next)."""
    track = np.zeros(round(Fraction(duration) * RATE), dtype=np.float64)
    for cue in cues:
        take = speech.voiced(cue.cue, cue.text)
        begin = cue.sample
        end = min(len(track), begin + len(take))
        if end > begin:
            track[begin:end] += take[: end - begin]
    return np.clip(track, -1.0, 1.0)


def video_duration(path: Path) -> Fraction:
    from rendering.parallel.join import probe_video

    return probe_video(path).duration


def mux(movie: Path, track: np.ndarray, target: Path | None = None) -> Path:
    """``movie`` with ``track`` as its sound, into ``target`` (default: in place), written whole or not at all.
    The video packets are copied unchanged; the track is encoded, interleaved by time, and decoded again: should
    the codec have lifted a peak past the ceiling, the track is turned down by that much and encoded again."""
    movie, target = Path(movie), Path(target or movie)
    for _ in range(4):
        written = _mux_once(movie, track, target)
        decoded = _decoded(written)
        if true_peak(decoded) <= CEILING - 0.1:
            return written
        decoded = np.pad(decoded[: len(track)], (0, max(0, len(track) - len(decoded))))  # the codec's last frame
        # the codec lifted a few peaks: turn the track down around those alone, so its loudness stays
        track = limited(track, RATE, 2 * CEILING - true_peak(decoded), side=decoded)
    return written


def _decoded(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        frames = [frame.to_ndarray() for frame in container.decode(container.streams.audio[0])]
    return np.concatenate(frames, axis=1).mean(axis=0) if frames else np.zeros(0)


def _mux_once(movie: Path, track: np.ndarray, target: Path) -> Path:
    suffix = movie.suffix.lower()
    codec, layout_format = CODECS[suffix]
    partial = temporary_beside(target)
    try:
        with av.open(str(movie)) as source:
            video_in = source.streams.video[0]
            time_base = Fraction(video_in.time_base)
            options = {}
            if suffix in (".mp4", ".mov") and time_base.denominator >= 1000:
                options = {"movie_timescale": str(time_base.denominator)}  # as join.py: exact edit lists
            elif suffix == ".webm":
                options = {"fflags": "+bitexact"}  # Matroska draws its tracks' UIDs at random unless bit-exact
            with av.open(str(partial), "w", format=MUXERS[suffix], container_options=options) as output:
                comment = {key.lower(): value for key, value in source.metadata.items()}.get("comment")
                if comment:
                    output.metadata["comment"] = comment
                video = output.add_stream_from_template(video_in)
                if video_in.metadata.get("alpha_mode") == "1":
                    video.codec_context.pix_fmt = "yuva420p"
                audio = output.add_stream(codec, rate=RATE, layout="mono", options=CODEC_OPTIONS.get(codec, {}))
                audio.bit_rate = BITRATE
                audio.time_base = Fraction(1, RATE)
                frames = _audio_frames(track, layout_format, audio.codec_context.frame_size or 960)
                pending = iter(frames)
                head = next(pending, None)
                for packet in source.demux(video_in):
                    if packet.pts is None or not packet.size:
                        continue
                    at = packet.pts * time_base
                    while head is not None and Fraction(head.pts, RATE) <= at:  # the sound up to this frame
                        for encoded in audio.encode(head):
                            output.mux(encoded)
                        head = next(pending, None)
                    packet.stream = video
                    output.mux(packet)
                while head is not None:
                    for encoded in audio.encode(head):
                        output.mux(encoded)
                    head = next(pending, None)
                for encoded in audio.encode(None):
                    output.mux(encoded)
        os.replace(partial, target)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
    return target


def _audio_frames(track: np.ndarray, sample_format: str, size: int):
    samples = np.asarray(track, dtype=np.float32)
    for start in range(0, len(samples), size):
        chunk = samples[start : start + size]
        frame = av.AudioFrame.from_ndarray(chunk[None, :], format=sample_format, layout="mono")
        frame.sample_rate = RATE
        frame.pts = start
        frame.time_base = Fraction(1, RATE)
        yield frame
