"""A held frame is converted for the codec once and encoded as many times as it is held: the same file.

scenes/manim_patches/held_frames.py replaces Manim's segment encoder's ``write_frame`` for repeated frames; here a
drawn frame, a hold and another drawn frame are encoded once by the patch and once by Manim's own method (kept as
``__wrapped__``), and the two files must be the same bytes, hold as many decoded frames at the same timestamps, and
the patch must have wrapped the held frame once, not once per repeat.
"""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from scenes.manim_patches import held_frames

WIDTH, HEIGHT, FPS = 320, 180, 30
HELD = 45  # frames: a second and a half of a narrated hold at 30 fps


def _pictures() -> list[np.ndarray]:
    """Two different RGBA pictures with detail (gradients and a block), so the codec has something to keep."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    first = np.zeros((HEIGHT, WIDTH, 4), np.uint8)
    first[..., 0], first[..., 1], first[..., 3] = x * 255 // WIDTH, y * 255 // HEIGHT, 255
    second = first.copy()
    second[..., 0] = 255 - first[..., 0]
    second[40:120, 100:220, 2] = 200
    return [first, second]


def _encode(path, write) -> None:
    # Manim's settings for an mp4 segment (manim/_config/video_encoder.py)
    spec = VideoEncoderSpec("mp4", "libx264", "yuv420p", WIDTH, HEIGHT, Fraction(FPS), (("crf", "23"),))
    encoder = VideoSegmentEncoder(target=path, spec=spec)
    first, second = _pictures()
    write(encoder, first.copy(), repeat=1)
    write(encoder, first.copy(), repeat=HELD)
    write(encoder, second.copy(), repeat=1)
    write(encoder, second.copy(), repeat=HELD)
    encoder.finish()


def _decoded(path) -> tuple[list[int], list[np.ndarray]]:
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))
        return [frame.pts for frame in frames], [frame.to_ndarray(format="rgb24").astype(int) for frame in frames]


@pytest.fixture(scope="module")
def encoded(tmp_path_factory):
    held_frames.install()
    folder = tmp_path_factory.mktemp("held")
    patched = VideoSegmentEncoder.write_frame
    assert patched.converts_once, "held_frames.install() did not replace write_frame"
    _encode(folder / "patched.mp4", patched)
    _encode(folder / "manim.mp4", patched.__wrapped__)
    return folder / "patched.mp4", folder / "manim.mp4"


def test_a_held_frame_encodes_to_the_same_file(encoded):
    patched, manims = encoded
    assert patched.read_bytes() == manims.read_bytes()
    stamps, pictures = _decoded(patched)
    assert len(pictures) == 2 + 2 * HELD
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    # each decoded frame shows the picture held then (a lossy codec: nearer to it than to the other, by far)
    sources = [picture[..., :3].astype(int) for picture in _pictures()]
    shown = [1] * (1 + HELD) + [2] * (1 + HELD)
    for picture, which in zip(pictures, shown, strict=True):
        near, far = (np.abs(picture - sources[n]).mean() for n in (which - 1, 2 - which))
        assert near < 2 < 10 < far


def test_a_held_frame_is_converted_once(tmp_path, monkeypatch):
    held_frames.install()
    wrapped = []
    real = av.VideoFrame.from_ndarray

    class Counting:
        @staticmethod
        def from_ndarray(array, format):
            wrapped.append(format)
            return real(array, format=format)

    monkeypatch.setattr(held_frames.av, "VideoFrame", Counting, raising=True)
    _encode(tmp_path / "counted.mp4", VideoSegmentEncoder.write_frame)
    monkeypatch.undo()
    # two single frames (Manim's own method) and two holds of HELD frames, each wrapped once: not 2 + 2 x HELD
    assert len(wrapped) == 4
    stamps, _ = _decoded(tmp_path / "counted.mp4")
    assert len(stamps) == 2 + 2 * HELD
