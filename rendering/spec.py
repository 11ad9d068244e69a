"""Plain records of a run, small enough to pass to worker processes: the look, the picture, one render job."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import attention

QUALITIES = {  # Manim's presets, by its -q letters: (its name, width, height, frame rate)
    "l": ("low_quality", 854, 480, 15),
    "m": ("medium_quality", 1280, 720, 30),
    "h": ("high_quality", 1920, 1080, 60),
    "p": ("production_quality", 2560, 1440, 60),
    "k": ("fourk_quality", 3840, 2160, 60),
}


@dataclass(frozen=True)
class Look:
    """How the numbers are drawn: the theme's name, the digits, and an alpha channel or not."""

    theme: str = "video"
    decimals: int = 2
    numbers: str = "auto"
    transparent: bool = False

    def inputs(self, request: attention.Request):
        """The scenes' Inputs for ``request`` in this look (imports Manim: call it in a worker)."""
        from scenes.base import Inputs
        from scenes.theme import load_theme

        return Inputs(request=request, theme=load_theme(self.theme), decimals=self.decimals, numbers=self.numbers)


@dataclass(frozen=True)
class Picture:
    """Pixel size and frame rate of a video render."""

    width: int
    height: int
    fps: int
    quality: str  # Manim's preset name, for its folder names

    @classmethod
    def preset(cls, letter: str, resolution: tuple[int, int] | None = None, fps: int | None = None) -> Picture:
        name, width, height, rate = QUALITIES[letter]
        if resolution:
            width, height = resolution
        return cls(width, height, fps or rate, name)

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


@dataclass(frozen=True)
class MovieJob:
    """One scene rendered to a movie (with its subtitles, and its section clips when ``sections``)."""

    scene: str
    picture: Picture
    format: str
    sections: bool = False

    @property
    def key(self) -> tuple:
        """Jobs with one key are one render: asking for sections too does not render twice."""
        return ("movie", self.scene, self.picture, self.format)


@dataclass(frozen=True)
class StillJob:
    """One scene built with its animations skipped and drawn as stills of its final state."""

    scene: str
    width: int
    formats: tuple[str, ...]

    @property
    def key(self) -> tuple:
        return ("still", self.scene, self.width, self.formats)


@dataclass(frozen=True)
class Movie:
    """What a movie job left in the run's work folder."""

    path: Path
    subtitles: Path | None
    sections: tuple[tuple[str, Path], ...]  # (section name, clip named "<nn>_<name>.<format>"), in order


@dataclass(frozen=True)
class Written:
    """A file an exporter put in the output folder, and what the manifest says of it."""

    path: Path
    scene: str
    part: str
    kind: str  # video, section, subtitles, figure
    format: str
    section: str | None = None
    step: int | None = None
    resolution: tuple[int, int] | None = None
    fps: int | None = None
