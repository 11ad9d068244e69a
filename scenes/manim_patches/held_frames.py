"""A held frame converted to the codec's pixel format once, not once per frame it is held.

A narrated video holds its picture while the voice speaks: about two frames in three of the video are a
``wait`` Manim films as one frame written ``repeat`` times. Manim 0.22's segment encoder wraps the RGBA array in
a new frame for every repeat and the codec converts each one to YUV again (a copy of the frame and a colour
conversion per repeat: at 1080p about as long as encoding it). Converting it once, as the codec would, and
encoding that one frame ``repeat`` times gives the same pictures at the same timestamps, so the same file,
byte for byte (tests/test_held_frames.py).

Manim internals relied on (0.22.0, listed in ``internals.py``): ``VideoSegmentEncoder.write_frame(self, pixels,
*, repeat)``, its ``_validate_frame``, ``_operation_error``, ``_stream``, ``_container``, ``_next_pts`` and
``spec.frame_rate``.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import av
from manim.scene.video_segment_encoder import VideoSegmentEncoder


def install() -> None:
    """Convert a repeated frame once per ``write_frame`` call (idempotent)."""
    original = VideoSegmentEncoder.write_frame
    if getattr(original, "converts_once", False):
        return

    @functools.wraps(original)
    def converted_once(self, pixels, *, repeat: int = 1) -> None:
        if repeat == 1:
            return original(self, pixels, repeat=repeat)
        self._validate_frame(pixels, repeat)
        codec = self._stream.codec_context
        rate = self.spec.frame_rate
        time_base = Fraction(rate.denominator, rate.numerator)
        try:
            # the conversion the codec makes of a frame in another format (PyAV's VideoCodecContext), made once
            frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
            if frame.format.name != codec.format.name:
                frame = frame.reformat(codec.width, codec.height, codec.format, threads=codec.thread_count)
            for _ in range(repeat):
                frame.pts = self._next_pts  # the codec keeps a reference with its own timestamp: reuse is safe
                frame.time_base = time_base
                self._next_pts += 1
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error

    converted_once.converts_once = True
    VideoSegmentEncoder.write_frame = converted_once
