"""Composition, measured on a rendered movie: how much of its pane each section's fullest frame uses, and
whether anything drawn touches the frame's edge (clipped).

The pane is the content area of ``dead_air``: right of the divider in a pipeline step, the whole frame
elsewhere. A section's fullest frame is the one with the most ink in its pane, its first ``SETTLE`` seconds left
out (where the previous section may still be fading out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from rendering.inspection.dead_air import Stretch, content_left, ink

EDGE = 2  # pixels along the frame's border where drawing means it was clipped
SETTLE = 1.0  # seconds at a section's start left out: the previous section's drawing may still be leaving


@dataclass(frozen=True)
class Fullest:
    """A section's fullest frame: its time, its ink share in the pane, the share of the pane's width and
    height that the drawing's bounding box spans, and whether drawing touches the frame's edge."""

    time: float
    ink: float
    width_share: float
    height_share: float
    touches_edge: bool
    frame: np.ndarray

    @property
    def span(self) -> float:
        """The larger of the two shares: the pane is used along at least one side."""
        return max(self.width_share, self.height_share)


def fullest_frames(movie: Path, stretches: Sequence[Stretch]) -> list[Fullest]:
    """The fullest frame of each of ``stretches`` (in their order) in ``movie``."""
    best: list[Fullest | None] = [None] * len(stretches)
    with av.open(str(movie)) as container:
        video = container.streams.video[0]
        fps = float(video.average_rate)
        width, height = video.codec_context.width, video.codec_context.height
        for n, frame in enumerate(container.decode(video)):
            t = (n + 0.5) / fps
            index = next((i for i, s in enumerate(stretches) if s.start + SETTLE <= t < s.end), None)
            if index is None:
                continue
            pixels = frame.to_ndarray(format="rgb24")
            left = content_left(stretches, t, width, height)
            drawn = ink(pixels[:, left:])
            share = float(drawn.mean())
            if best[index] is not None and share <= best[index].ink:
                continue
            rows, cols = np.flatnonzero(drawn.any(axis=1)), np.flatnonzero(drawn.any(axis=0))
            whole = ink(pixels)
            edge = whole[:EDGE].any() or whole[-EDGE:].any() or whole[:, :EDGE].any() or whole[:, -EDGE:].any()
            best[index] = Fullest(
                round(n / fps, 3),
                share,
                (cols[-1] - cols[0] + 1) / drawn.shape[1] if len(cols) else 0.0,
                (rows[-1] - rows[0] + 1) / drawn.shape[0] if len(rows) else 0.0,
                bool(edge),
                pixels,
            )
    return [b for b in best if b is not None]
