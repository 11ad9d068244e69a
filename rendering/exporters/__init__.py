"""The kinds of output, one module each: what it checks, plans, asks Manim for, and writes.

A new output kind is one module here with an ``Exporter`` subclass, and one line in rendering/cli.py
that chooses it.
"""

from .base import Exporter, Results
from .deck import DeckExporter
from .figures import FiguresExporter
from .sections import SectionsExporter
from .video import VideoExporter

__all__ = ["DeckExporter", "Exporter", "FiguresExporter", "Results", "SectionsExporter", "VideoExporter"]
