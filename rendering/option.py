"""An option a user can set, on the command line, in a TOML file or from Python, and its one check.

What belongs here: the ``Option`` record (name, type, default, choices, range, help) whose ``admit`` turns a
given value into a typed one or refuses it in one line, the same way whichever of the three places it came from;
and the groups of options that several outputs share (inputs, look, output folder, movie picture). Each output
kind declares its own options beside its exporter (``Exporter.options``); the command line is built from them.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from rendering.errors import UserError
from scenes.kit.limits import MAX_TOKENS

# Where a value came from, for the one line that refuses it: "--d" on the command line, "d" in a file.
COMMAND_LINE = "command line"
PYTHON = "python"


@dataclass(frozen=True)
class Option:
    """One option: ``name`` is its long name (``deck-name``: ``--deck-name`` on the command line, ``deck-name``
    or ``deck_name`` in a TOML file, ``deck_name`` from Python).

    ``kind``: "int", "str", "flag" (a bool), "list" (of strings) or "size" (W,H in pixels). ``choices`` limit a
    str or each item of a list; ``low``/``high`` bound an int (inclusive); ``check`` is a further test that
    returns an error text or None (for facts known only when asked, such as Manim's quality presets).

    Examples
    --------
    >>> depth = Option("decimals", "int", 2, "digits after the point", low=0, high=4)
    >>> depth.admit("3", COMMAND_LINE)
    3
    >>> depth.admit(7, "figures.toml")
    Traceback (most recent call last):
    ...
    rendering.errors.UserError: --config figures.toml: decimals must be 0 to 4, got 7
    """

    name: str
    kind: str
    default: Any
    help: str
    choices: tuple[str, ...] | None = None
    low: int | None = None
    high: int | None = None
    short: str | None = None
    metavar: str | None = None
    check: Callable[[Any], str | None] | None = None
    positional: bool = False
    command_line_only: bool = False  # --config itself
    multiline: bool = False  # tabs and line breaks allowed (a sentence: they split it like spaces)

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def flag(self) -> str:
        return self.dest if self.positional else f"--{self.name}"

    def refuse(self, where: str, problem: str) -> UserError:
        if where == COMMAND_LINE:
            return UserError(f"{self.flag} {problem}")
        if where == PYTHON:
            return UserError(f"{self.dest} {problem}")
        return UserError(f"--config {where}: {self.name} {problem}")

    def admit(self, value: Any, where: str) -> Any:
        """``value`` as this option's type, checked; UserError (one line naming the option and, for a file,
        the file) otherwise. Command-line values arrive as text, others as they were written."""
        typed = self._typed(value, where)
        if self.kind == "list":
            for item in typed:
                self._check_text(item, where)
        elif isinstance(typed, str):
            self._check_text(typed, where)
        if self.choices is not None:
            for item in typed if self.kind == "list" else [typed]:
                if item not in self.choices:
                    raise self.refuse(where, f"must be one of {', '.join(self.choices)}; got {item!r}")
        if self.kind == "int" and typed is not None:
            if (self.low is not None and typed < self.low) or (self.high is not None and typed > self.high):
                raise self.refuse(where, f"must be {self._range()}, got {typed}")
        if self.check is not None and typed is not None:
            problem = self.check(typed)
            if problem:
                raise self.refuse(where, problem)
        return typed

    def _range(self) -> str:
        if self.high is None:
            return f"at least {self.low}"
        if self.low is None:
            return f"at most {self.high}"
        return f"{self.low} to {self.high}"

    def _typed(self, value: Any, where: str) -> Any:
        text = where == COMMAND_LINE
        kind = self.kind
        if value is None and self.default is None and kind != "flag":
            return None
        if kind == "flag":
            if isinstance(value, bool):
                return value
            raise self.refuse(where, f"is a switch: true or false, got {_shown(value)}")
        if kind == "int":
            if text and isinstance(value, str):
                try:
                    return int(value.strip(), 10)
                except ValueError:
                    raise self.refuse(where, f"must be a whole number, got {value!r}") from None
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            raise self.refuse(where, f"must be a whole number, got {_shown(value)}")
        if kind == "str":
            if isinstance(value, str):
                return value
            raise self.refuse(where, f"must be text, got {_shown(value)}")
        if kind == "list":
            if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
                return tuple(value)
            raise self.refuse(where, f'must be a list of texts, e.g. ["a", "b"], got {_shown(value)}')
        if kind == "size":
            return self._size(value, where)
        raise AssertionError(f"option {self.name}: unknown kind {kind!r}")

    def _size(self, value: Any, where: str) -> tuple[int, int]:
        pair = None
        if isinstance(value, str):
            try:
                pair = tuple(int(v, 10) for v in value.split(","))
            except ValueError:
                pair = None
        elif isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            pair = tuple(value)
        if pair is None or len(pair) != 2:
            raise self.refuse(where, f"takes W,H in pixels, e.g. 1280,720; got {_shown(value)}")
        width, height = pair
        if not (16 <= width <= 8192 and 16 <= height <= 8192) or width % 2 or height % 2:
            raise self.refuse(where, f"must be even and 16 to 8192 pixels a side, got {width},{height}")
        return width, height

    def _check_text(self, text: str, where: str) -> None:
        for char in text:
            if unicodedata.category(char) == "Cc" and not (self.multiline and char in "\t\n\r"):
                raise self.refuse(where, f"contains the control character U+{ord(char):04X}; remove it")


def _shown(value: Any) -> str:
    kind = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a table"}
    return f"{value!r} ({kind.get(type(value), type(value).__name__)})"


@cache
def qualities() -> dict[str, tuple[str, int, int, int]]:
    """Manim's quality presets by their ``-q`` letter: (its name, width, height, frame rate), read from Manim."""
    from manim.constants import QUALITIES

    return {
        spec["flag"]: (name, spec["pixel_width"], spec["pixel_height"], spec["frame_rate"])
        for name, spec in QUALITIES.items()
        if spec["flag"]
    }


def _quality(letter: str) -> str | None:
    known = qualities()
    return None if letter in known else f"must be one of {', '.join(known)}; got {letter!r}"


FORMATS = ("mp4", "gif", "webm", "mov")
DEFAULT_QUALITY = "m"  # 720p30: what lecturers embed, and a first render of a few minutes
MAX_DECIMALS = 4


def _model_help() -> str:
    return (
        "a pretrained model's head instead of the toy model (minilm: all-MiniLM-L6-v2); the tokens are its "
        "tokenizer's, the toy's sizes and seed play no part"
    )


TOKEN = {"low": 1, "high": MAX_TOKENS}  # a place among the tokens a scene draws

INPUTS = (
    Option("sentence", "str", None, "the sentence, split on white space (default: the video's)", multiline=True),
    Option("tokens", "list", None, "the tokens, one by one", metavar="TOKEN"),
    Option("seed", "int", 0, "seed of embeddings and weights (default 0)", low=0, high=2**32 - 1),
    Option("d", "int", 5, "embedding width d, 2 to 8 (default 5)"),
    Option("dk", "int", None, "query/key width d_k (default: d)"),
    # d is at most 8 on screen and each head is d / heads wide
    Option("heads", "int", 2, "heads of the multi-head scene, 1 to 8 (default 2)", low=1, high=8),
    Option("mask", "str", "none", "none or causal", choices=("none", "causal")),
    Option("model", "str", None, _model_help()),
    Option("layer", "int", None, "the model's layer, from 1 (default 1; needs --model)"),
    Option("head", "int", None, "the layer's head, from 1 (default 1; needs --model)"),
    # the online-softmax scene's: at most the tokens drawn, and T itself checked by the scene once tokenized
    Option("row", "int", None, "online softmax: the query row, 1 to T (default: one whose maximum grows)", **TOKEN),
    Option("block", "int", None, "online softmax: keys a block, 1 to T (default: T / 3 rounded up)", **TOKEN),
    Option(
        "steps",
        "int",
        None,
        "tokens a cached decode writes (toy: replays), 1 to 8: the KV-cache scene's (default 3), the explorer's (4)",
        low=1,
        high=8,
    ),
)
LOOK = (
    Option("theme", "str", "video", "the palette: video (light) or dark", choices=("video", "dark")),
    Option("decimals", "int", 2, f"digits after the point, 0 to {MAX_DECIMALS}", low=0, high=MAX_DECIMALS),
    Option("numbers", "str", "auto", "digits in cells; auto draws them where legible", choices=("auto", "on", "off")),
    Option(
        "transparent",
        "flag",
        False,
        "real alpha channel: mov is qtrle/argb, webm is VP9 with alpha, png is RGBA; mp4 and gif have none",
    ),
)
OUTPUT = (
    Option(
        "out",
        "str",
        "renders",
        "output folder (default renders/)",
        check=lambda out: None if out.strip() else "is empty: name a folder",
    ),
    Option(
        "jobs",
        "int",
        os.cpu_count() or 1,
        "render processes at once (default: the number of cores)",
        low=1,
        high=256,
    ),
    Option("config", "str", None, "options from a TOML file; the command line wins", command_line_only=True),
    Option("dry-run", "flag", False, "build every requested scene with animations skipped; say what would be written"),
    Option(
        "force",
        "flag",
        False,
        "replace files in --out that no manifest of ours lists (without it such a file stops the run before any work)",
    ),
)
PICTURE = (
    Option(
        "quality",
        "str",
        DEFAULT_QUALITY,
        "Manim's preset: l 480p15, m 720p30 (default), h 1080p60, p 1440p60, k 2160p60",
        short="-q",
        check=_quality,
    ),
    Option("fps", "int", None, "frame rate, overriding the preset's", low=1, high=240),
    Option("resolution", "size", None, "pixel size, overriding the preset's, e.g. 1280,720", metavar="W,H"),
)


def voice_option(default: str) -> Option:
    """``--voice``: none (silent), a voice of the engines' table (rendering/voice/choice.py), or a folder of
    recorded takes."""
    from rendering.voice.choice import described, metavar

    return Option("voice", "str", None, f"narration: {described()}; default {default}", metavar=metavar())


def scenes_option(default_help: str) -> Option:
    return Option("scenes", "list", (), f"scene or part names (default: {default_help})", positional=True)
