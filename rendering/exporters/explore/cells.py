"""The explorer's matrices as drawn: folded like the video's grids, each cell's rounded text, shade and float64 value.

What belongs here: ``matrix`` (one matrix as the page draws it), ``Pool`` (the payload's matrices by id, equal ones
stored once), ``texts`` (rounded texts of a row of numbers) and ``kept`` (a folded dimension's indices).

Layout of a matrix: ``rows``/``cols`` are the source indices of the drawn rows and columns (None where an
ellipsis stands); ``text`` the drawn cells' texts, row by row, separated by spaces; ``shade`` one
character per drawn cell; ``full`` the drawn cells' float64 values, little-endian, base64.
"""

from __future__ import annotations

import base64
import hashlib

import numpy as np

import attention
from rendering.exporters.explore.shading import shade_string
from scenes.kit.limits import FOLD_ABOVE

DECIMALS = 2  # as the figures draw them (Look.decimals' default)
ELLIPSIS = {"row": "\u22ee", "column": "\u22ef", "both": "\u22f1"}


def texts(values, decimals: int = DECIMALS) -> str:
    """The rounded texts of ``values``, separated by spaces (no text has one).

    >>> texts([0.125, -2.0, -np.inf])
    '0.12 −2.00 −∞'
    """
    return " ".join(attention.display_text(v, decimals) for v in np.ravel(np.asarray(values, dtype=np.float64)))


def kept(indices) -> list[int]:
    """The source indices of a folded dimension, the ellipsis left out."""
    return [i for i in indices if i is not None]


class Pool:
    """The payload's matrices by id: equal matrices (X of every head of a layer, the toy's weights) stored once."""

    def __init__(self):
        self.matrices: dict[str, dict] = {}

    def add(self, values, key: str, limit: int = FOLD_ABOVE, full: bool = True) -> str:
        values = np.asarray(values, dtype=np.float64)
        shape = f"{values.shape}/{limit}/{full}"  # folded at another limit, or without full values: another
        digest = hashlib.sha256(key.encode() + shape.encode() + values.tobytes()).hexdigest()[:12]
        if digest not in self.matrices:
            self.matrices[digest] = matrix(values, key, limit, full)
        return digest


def matrix(values: np.ndarray, key: str, limit: int = FOLD_ABOVE, full: bool = True) -> dict:
    """A matrix as drawn: folded beyond ``limit`` (``attention.fold``), with texts, shades and (unless ``full``
    is False: a matrix no cell of which can be pointed at) full values.

    >>> m = matrix(np.array([[1.0, -1.0]]), "Q")
    >>> m["text"], m["shade"], m["rows"], m["cols"]
    ('1.00 −1.00', 'Wa', [0], [0, 1])
    """
    shown, rows, cols = attention.fold(values, limit)
    cells = []
    for r, i in enumerate(rows):
        for c, j in enumerate(cols):
            if i is None or j is None:
                kind = "both" if i is None and j is None else ("row" if i is None else "column")
                cells.append(ELLIPSIS[kind])
            else:
                cells.append(attention.display_text(shown[r, c], DECIMALS))
    finite = values[np.isfinite(values)]
    peak = float(np.abs(finite).max()) if finite.size else 0.0  # the whole matrix's, as MatrixGrid's peak_of
    return {
        "key": key,
        "shape": list(values.shape),
        "rows": list(rows),
        "cols": list(cols),
        "text": " ".join(cells),
        "shade": shade_string(shown, peak),
        "full": base64.b64encode(np.ascontiguousarray(shown, dtype="<f8").tobytes()).decode("ascii") if full else None,
    }
