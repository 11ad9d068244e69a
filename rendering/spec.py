"""Plain records of a run, small enough to pass to worker processes: the look, the picture, one render job."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import attention
from rendering.errors import UserError


@dataclass(frozen=True)
class Look:
    """How the numbers are drawn (the theme's name, the digits, an alpha channel or not) and the voice that
    narrates them."""

    theme: str = "video"
    decimals: int = 2
    numbers: str = "auto"
    transparent: bool = False
    voice: object | None = None  # rendering.voice.engine.SpeechEngine; None: silent (its repr is in every cache key)

    @classmethod
    def of(cls, options, default_voice: str = "none") -> Look:
        """The look admitted options ask for.

        Parameters
        ----------
        options
            Admitted options: ``theme``, ``decimals``, ``numbers``, ``transparent``, and ``voice`` and ``format``
            where the command has them.
        default_voice
            The command's narration when ``voice`` is not given; a ``transparent`` clip (it goes on someone
            else's slides) and a GIF (it has no sound) are silent instead.

        Raises
        ------
        UserError
            A voice asked for a GIF, or a ``voice`` that is neither "none", a voice of the engines' table
            (rendering/voice/choice.py) nor a folder of takes.
        """
        from rendering.voice.choice import voice_of  # an engine may read its model's files: only when asked

        chosen = options.get("voice")
        gif = options.get("format") == "gif"
        if chosen is None:
            chosen = "none" if options["transparent"] or gif else default_voice
        elif gif and chosen != "none":
            raise UserError(f"--voice {chosen}: a GIF has no sound; use --format mp4, webm or mov for a narrated clip")
        return cls(
            theme=options["theme"],
            decimals=options["decimals"],
            numbers=options["numbers"],
            transparent=options["transparent"],
            voice=voice_of(chosen),
        )

    def inputs(self, request: attention.Request):
        """The scenes' Inputs for ``request`` in this look (imports Manim: call it in a worker)."""
        from scenes.kit.theme import load_theme
        from scenes.scene import Inputs

        theme = load_theme(self.theme)
        return Inputs(request, theme, self.decimals, self.numbers, speech=self.speech())

    def speech(self):
        """The voice's takes in this process (None when silent): rendering.voice.speech.Speech."""
        if self.voice is None:
            return None
        from rendering.voice.speech import Speech

        return Speech(self.voice)


@dataclass(frozen=True)
class Picture:
    """Pixel size and frame rate of a video render."""

    width: int
    height: int
    fps: int
    quality: str  # Manim's preset name, for its folder names

    @classmethod
    def preset(cls, letter: str, resolution: tuple[int, int] | None = None, fps: int | None = None) -> Picture:
        from rendering.option import qualities  # Manim's own table (imports Manim)

        name, width, height, rate = qualities()[letter]
        if resolution:
            width, height = resolution
        return cls(width, height, fps or rate, name)

    @classmethod
    def of(cls, options) -> Picture:
        """The picture admitted options ask for: ``quality``, overridden by ``resolution`` and ``fps``."""
        return cls.preset(options["quality"], options["resolution"], options["fps"])

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


@dataclass(frozen=True)
class MovieIdentity:
    """What makes two movie renders one render: the scene, its picture and its format. The output cache's keys,
    the learned costs, the slices of a parallel render and the run's results all name a movie by it."""

    scene: str
    picture: Picture
    format: str

    @property
    def picture_format(self) -> str:
        """The picture and format as text (the learned costs' key, which holds for every scene); not a ``Look``,
        which is how the scenes are drawn."""
        return f"{self.picture.width}x{self.picture.height}@{self.picture.fps}/{self.format}"


@dataclass(frozen=True)
class MovieJob:
    """One scene rendered to a movie (with its subtitles, and its section clips when ``sections``)."""

    scene: str
    picture: Picture
    format: str
    sections: bool = False

    @property
    def identity(self) -> MovieIdentity:
        """Jobs with one identity are one render: asking for sections too does not render twice."""
        return MovieIdentity(self.scene, self.picture, self.format)


CROPS = ("content", "frame")  # a figure's extent: what is drawn with a margin, or the whole 16:9 frame


@dataclass(frozen=True)
class StillJob:
    """One scene built once, with its animations skipped, and each state it marks as a figure drawn in every
    format: cropped to its content (``crop="content"``) or at the 16:9 frame (``"frame"``)."""

    scene: str
    width: int
    formats: tuple[str, ...]
    crop: str = "content"

    @property
    def identity(self) -> StillJob:
        """A still job is its own identity: every field decides what it draws."""
        return self


@dataclass(frozen=True)
class Still:
    """One figure of a scene: its name, its caption (alt text), its files by format, its pixel size."""

    name: str
    caption: str
    files: dict[str, Path]
    size: tuple[int, int]  # pixels of the PNG (points of the SVG and PDF pages)
    units: tuple[float, float]  # the region drawn, in Manim units (the frame is 14.2 x 8)


@dataclass(frozen=True)
class Stills:
    """What a still job made: the scene's figures, or why the scene could not be drawn."""

    figures: tuple[Still, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Movie:
    """What a movie job left in the run's work folder."""

    path: Path
    subtitles: Path | None
    sections: tuple[tuple[str, Path], ...]  # (section name, clip named "<nn>_<name>.<format>"), in order
    beside: tuple[Path, ...] = ()  # files that go beside the movie, by their names: chapter list, transcripts


@dataclass(frozen=True)
class Written:
    """A file an exporter put in the output folder, and what the manifest says of it."""

    path: Path
    scene: str
    part: str
    kind: str  # video, section, subtitles, figure, deck
    format: str
    section: str | None = None
    step: int | None = None
    resolution: tuple[int, int] | None = None
    fps: int | None = None
    reused: bool = False  # already at its path with these very bytes: left in place (see run.py)
    caption: str | None = None  # a figure's one-sentence description, its alt text
    units: tuple[float, float] | None = None  # a figure's region, in Manim units
