"""Layer and head numbers as people see them: from 1, checked against the model's count in one line."""

from __future__ import annotations

import numpy as np


def numbered(name: str, value, top: int) -> int:
    """A 1-based layer or head number, checked against 1..top.

    Examples
    --------
    >>> numbered("head", 9, 9)
    9
    >>> numbered("head", 0, 9)
    Traceback (most recent call last):
    ValueError: head must be 1 to 9, got 0 (heads are numbered from 1)
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer from 1 to {top}, got {type(value).__name__} {value!r}")
    if not 1 <= value <= top:
        raise ValueError(f"{name} must be 1 to {top}, got {value} ({name}s are numbered from 1)")
    return int(value)


class LayersAndHeads:
    """What a loaded model tells of its sizes, read from its ``config``, and its layer and head checks: shared by
    every model family (a frozen dataclass with a ``config`` that has ``layers``, ``heads`` and ``d_model``)."""

    config: object

    @property
    def layers(self) -> int:
        return self.config.layers

    @property
    def heads(self) -> int:
        return self.config.heads

    @property
    def d_model(self) -> int:
        return self.config.d_model

    def check_layer(self, layer) -> int:
        """``layer`` as an int, or a one-line error giving the range 1..layers."""
        return numbered("layer", layer, self.layers)

    def check_head(self, head) -> int:
        """``head`` as an int, or a one-line error giving the range 1..heads."""
        return numbered("head", head, self.heads)
