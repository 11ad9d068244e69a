"""Joining separately rendered slices of one video: movies by stream copy (subtitles: ``subtitles.py``).

What belongs here: reading a movie's exact frame count and duration and concatenating movies of identical
codec parameters without re-encoding. Pure functions of files (PyAV, no Manim import), so the join can run
after parallel slice renders.

Packets are copied as they are; timestamps are not, but recomputed from each frame's index in the joined
video (``pts = round(n / fps / time_base)``). Manim's own concatenation (FFmpeg's concat demuxer) offsets
each partial movie file by its container duration, which mp4's edit list and Matroska keep in whole
milliseconds, so a Manim movie's pts drift behind n / fps (FullVideo, 2140 frames at 15 fps: 142.6628 s
for 142.6667 s); a frame's index does not drift.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from rendering.files import temporary_beside

# The muxers Manim writes movies with (it picks them from the suffix, as we do).
MUXERS = {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}


class JoinError(ValueError):
    """Parts that cannot be joined by stream copy; the message is one line naming the file and the reason."""


@dataclass(frozen=True)
class VideoInfo:
    """What a stream copy must keep equal between parts, and the exact length of one movie."""

    path: Path
    container: str  # demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm"
    codec: str
    profile: str | None
    width: int
    height: int
    pix_fmt: str | None
    alpha: bool  # VP9 alpha in a side channel (Matroska AlphaMode); the decoded pix_fmt says yuv420p
    extradata: bytes  # H.264 SPS/PPS: one copy serves the whole joined file, so it must be the same
    frame_rate: Fraction
    time_base: Fraction
    frames: int
    reorder: int  # frames a packet is decoded ahead of its display (B-frames): how far dts trails pts

    @property
    def duration(self) -> Fraction:
        """Seconds, exactly: frames x frame duration (not the container's rounded, drifting figure)."""
        return self.frames / self.frame_rate

    def parameters(self) -> dict[str, object]:
        """What must be equal for two parts' packets to play as one stream."""
        return {
            "container": self.container,
            "codec": self.codec,
            "profile": self.profile,
            "size": f"{self.width}x{self.height}",
            "pix_fmt": self.pix_fmt,
            "alpha": self.alpha,
            "frame rate": self.frame_rate,
            "extradata": self.extradata.hex(),
        }


def _video_stream(container, path: Path, joining: bool):
    """The movie's video stream. To be joined it must be the only stream: audio and other streams are refused,
    not dropped. Measured alone, a movie may carry one audio track as well (a narrated clip). A data stream is
    left alone either way: it is how a demuxer lists the chapter track of a movie of parts (timed_text/chapters.py),
    which says where the movie's parts start and holds no frame."""
    kinds = [stream.type for stream in container.streams if stream.type != "data"]
    if joining and "audio" in kinds:
        raise JoinError(
            f"{path.name}: has an audio track; joining audio by stream copy is not supported "
            f"(each part's encoder delay would shift the sound at every join): render the parts "
            f"silent and add the sound to the joined video"
        )
    if kinds != ["video"] and (joining or kinds != ["video", "audio"]):
        raise JoinError(f"{path.name}: expected one video stream, found {kinds or 'none'}")
    return container.streams.video[0]


def _packets(container, stream) -> Iterator:
    # demux() ends with an empty flush packet (no pts, no data): not a frame
    for packet in container.demux(stream):
        if packet.pts is not None and packet.size:
            yield packet


def nearest(value: Fraction) -> int:
    """Round half away from zero, as libav's av_rescale does."""
    return math.floor(value + Fraction(1, 2)) if value >= 0 else -math.floor(-value + Fraction(1, 2))


def _infer_frame_rate(stream, pts: list[int], time_base: Fraction, path: Path) -> Fraction:
    """The exact rate a movie was encoded at, from its stream and timestamps.

    mp4/mov have a fine time base (1/15360 at 15 fps) in which a frame is a whole number of ticks: their
    r_frame_rate is then exact. Matroska stores milliseconds (66/67 ms at 15 fps) and Manim's concatenated
    webm reports 15000/1001, so there the rate is measured and rounded to an integer; other rates
    (29.97...) cannot be told from a nearby integer in whole milliseconds: pass ``frame_rate``.
    """
    ordered = sorted(pts)
    steps = sorted(b - a for a, b in zip(ordered, ordered[1:], strict=False))
    base = stream.base_rate
    if base:
        ticks = 1 / (Fraction(base) * time_base)
        if ticks.denominator == 1 and (not steps or steps[len(steps) // 2] == ticks):
            return Fraction(base)
    if len(ordered) < 2:
        if base:
            return Fraction(base)
        raise JoinError(f"{path.name}: cannot tell the frame rate of a one-frame movie: pass frame_rate")
    measured = (len(ordered) - 1) / ((ordered[-1] - ordered[0]) * time_base)
    whole = Fraction(round(measured))
    if whole and abs(measured - whole) <= whole / 200:
        return whole
    raise JoinError(
        f"{path.name}: cannot infer an exact frame rate (measured {float(measured):.4f} fps in a "
        f"{time_base} time base): pass frame_rate"
    )


def _reorder(pts: list[int]) -> int:
    """How many frames the decode order runs ahead of the display order (0 without B-frames)."""
    rank = {value: n for n, value in enumerate(sorted(pts))}
    return max([0, *(k - rank[value] for k, value in enumerate(pts))])


def _scan(path: Path, frame_rate: Fraction | int | None, joining: bool) -> tuple[VideoInfo, list[int]]:
    path = Path(path)
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as error:
        raise JoinError(f"{path.name}: cannot be read as a movie ({error})") from error
    with container:
        stream = _video_stream(container, path, joining)
        codec = stream.codec_context
        time_base = Fraction(stream.time_base)
        pts = [packet.pts for packet in _packets(container, stream)]
        if not pts:
            raise JoinError(f"{path.name}: has no video frames")
        if len(set(pts)) != len(pts):
            raise JoinError(f"{path.name}: two packets share a timestamp; only one packet per frame can be joined")
        rate = Fraction(frame_rate) if frame_rate else _infer_frame_rate(stream, pts, time_base, path)
        # a gap or a duplicate would shift every later frame once timestamps are recomputed from the index
        ordered = sorted(pts)
        frame = 1 / (rate * time_base)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if not frame / 2 < b - a < frame * 3 / 2:
                raise JoinError(
                    f"{path.name}: not constant-rate at {float(a * time_base):.3f} s "
                    f"({b - a} ticks between frames, {float(frame):.1f} expected)"
                )
        info = VideoInfo(
            path=path,
            container=container.format.name,
            codec=codec.name,
            profile=codec.profile,
            width=codec.width,
            height=codec.height,
            pix_fmt=codec.pix_fmt,
            alpha=stream.metadata.get("alpha_mode") == "1",
            extradata=bytes(codec.extradata or b""),
            frame_rate=rate,
            time_base=time_base,
            frames=len(pts),
            reorder=_reorder(pts),
        )
    return info, pts


def probe_video(path: Path, frame_rate: Fraction | int | None = None) -> VideoInfo:
    """Codec parameters, exact frame rate and frame count of a movie's video (demuxed, not decoded); a narrated
    movie's audio track is left alone.

    ``frame_rate`` overrides the inferred rate (needed only for non-integer rates in webm).
    """
    return _scan(Path(path), frame_rate, joining=False)[0]


def slice_starts(infos: Sequence[VideoInfo]) -> list[Fraction]:
    """Where each part begins in the joined video, in seconds: the exact sum of the earlier parts' lengths."""
    starts, at = [], Fraction(0)
    for info in infos:
        starts.append(at)
        at += info.duration
    return starts


def _check_joinable(infos: Sequence[VideoInfo]) -> None:
    first = infos[0].parameters()
    for info in infos[1:]:
        other = info.parameters()
        differ = [f"{key} {first[key]} vs {other[key]}" for key in first if first[key] != other[key]]
        if differ:
            shown = "; ".join(d if not d.startswith("extradata") else "extradata (SPS/PPS)" for d in differ)
            raise JoinError(f"cannot join {infos[0].path.name} and {info.path.name}: codec parameters differ: {shown}")


def _muxer(target: Path, parts: Sequence[Path]) -> str:
    suffixes = {Path(p).suffix.lower() for p in parts} | {target.suffix.lower()}
    if ".gif" in suffixes:
        # Manim builds a GIF's palette from all its frames at once, so per-part GIFs disagree on colours
        raise JoinError(
            "GIF parts are not joined: each GIF has a palette made from its own frames; "
            "render the parts as mp4 (or mov) and make the GIF from the joined movie"
        )
    if len(suffixes) != 1 or target.suffix.lower() not in MUXERS:
        raise JoinError(
            f"cannot join {sorted(suffixes)} into {target.name}: parts and target must all be one of "
            f"{', '.join(MUXERS)}"
        )
    return MUXERS[target.suffix.lower()]


def join_videos(parts: Sequence[Path], target: Path, *, frame_rate: Fraction | int | None = None) -> None:
    """Concatenate movies of identical codec parameters into ``target`` by stream copy, frame-exact.

    Each part's packets are remuxed unchanged; pts/dts are recomputed in the output stream's time base from
    the frame's index in the joined video (dts trails pts by the parts' largest B-frame delay, as libav's
    own first dts does), so timestamps are exact multiples of the frame duration and strictly increase.
    Raises :class:`JoinError` (one line) for mismatched parts, audio tracks, GIFs or variable frame rates.
    ``target`` appears only complete: written under a temporary name, then renamed into place.
    """
    target = Path(target)
    parts = [Path(p) for p in parts]
    if not parts:
        raise JoinError("no parts to join")
    muxer = _muxer(target, parts)
    scanned = [_scan(p, frame_rate, joining=True) for p in parts]
    infos = [info for info, _ in scanned]
    _check_joinable(infos)
    rate = infos[0].frame_rate
    delay = max(info.reorder for info in infos)
    # mp4/mov: the movie header's default 1/1000 timescale cuts the edit list (B-frames) to whole milliseconds,
    # which is where Manim's concatenation loses time at every partial file; the track's timescale is exact
    timescale = infos[0].time_base.denominator
    options = {"movie_timescale": str(timescale)} if muxer in ("mp4", "mov") and timescale >= 1000 else {}
    partial = temporary_beside(target)
    try:
        with (
            av.open(str(parts[0])) as first,
            av.open(str(partial), "w", format=muxer, container_options=options) as output,
        ):
            template = first.streams.video[0]
            # Manim's "Rendered with Manim Community v..." (Matroska spells the key COMMENT)
            comment = {key.lower(): value for key, value in first.metadata.items()}.get("comment")
            if comment:
                output.metadata["comment"] = comment
            stream = output.add_stream_from_template(template)
            if infos[0].alpha:
                # as Manim does: Matroska writes AlphaMode only for a pix_fmt with alpha
                stream.codec_context.pix_fmt = "yuva420p"
            stream.codec_context.framerate = rate
            output.start_encoding()
            time_base = Fraction(stream.time_base)  # the muxer's choice (mp4: the parts' 1/15360, webm: 1/1000)

            def ticks(frame: int) -> int:
                return nearest(frame / (rate * time_base))

            shown = decoded = 0  # frames of earlier parts, in display and decode order
            for (info, pts), path in zip(scanned, parts, strict=True):
                rank = {value: n for n, value in enumerate(sorted(pts))}
                with av.open(str(path)) as source:
                    for k, packet in enumerate(_packets(source, source.streams.video[0])):
                        if k >= len(pts) or packet.pts != pts[k]:
                            raise JoinError(f"{path.name}: changed while being joined")
                        n = shown + rank[packet.pts]
                        packet.pts = ticks(n)
                        packet.dts = ticks(decoded + k - delay)
                        packet.duration = ticks(n + 1) - ticks(n)
                        packet.time_base = time_base
                        packet.stream = stream
                        output.mux(packet)
                shown += info.frames
                decoded += info.frames
        joined = probe_video(partial, rate)
        if joined.frames != shown:
            raise JoinError(f"{target.name}: joined movie has {joined.frames} frames, expected {shown}")
        os.replace(partial, target)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
