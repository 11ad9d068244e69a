"""The kinds of output, each an ``Exporter`` that declares its options, checks, plans, asks Manim for, and writes.

What belongs here: one module (or one folder, with its writers) per output kind (a page's files go in the
top-level ``assets/<kind>/``), and ``EXPORTERS``, the registry the command line reads: a new output kind is its
module plus one entry below.
"""

from rendering.exporters.base import Exporter, Results
from rendering.exporters.deck.exporter import DeckExporter
from rendering.exporters.explore.exporter import ExploreExporter
from rendering.exporters.figures import FiguresExporter
from rendering.exporters.script import ScriptExporter
from rendering.exporters.sections import SectionsExporter
from rendering.exporters.video import VideoExporter

# By command: `render.py` alone is "video"; `render.py figures ...`, `render.py deck ...`.
EXPORTERS: dict[str, type[Exporter]] = {
    exporter.command: exporter
    for exporter in (VideoExporter, FiguresExporter, DeckExporter, ExploreExporter, ScriptExporter)
}

__all__ = [
    "EXPORTERS",
    "DeckExporter",
    "ExploreExporter",
    "Exporter",
    "FiguresExporter",
    "Results",
    "ScriptExporter",
    "SectionsExporter",
    "VideoExporter",
]
