"""The one admission check of a request: what was asked, which scenes can draw it, and why the others cannot.

What belongs here: turning admitted options into the core's ``Request`` and a ``Look`` (the core's own checks
refuse a bad sentence, size, model, layer or head in one line), choosing the scenes a command draws, and the one
function, ``drawable``, that decides for each scene whether it can draw the request, and why not. All of it runs
before any work starts, the same for the command line, a TOML file and Python callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import attention
from rendering.errors import UserError
from rendering.exporters import EXPORTERS, Exporter
from rendering.spec import Look


@dataclass(frozen=True)
class Refusal:
    """A scene that cannot draw the request, and the one-line reason."""

    scene: str
    reason: str


@dataclass(frozen=True)
class Admitted:
    """A request admitted for one command: what to draw, how, by which scenes, and by which exporters."""

    command: str
    options: Mapping[str, Any]
    request: attention.Request
    look: Look
    scenes: tuple[type, ...]
    refused: tuple[Refusal, ...]  # scenes left out (figures only: other commands refuse the whole request)
    exporters: tuple[Exporter, ...]


def request_of(options: Mapping[str, Any]) -> attention.Request:
    """The core's record of what was asked; the core's one-line message as a UserError otherwise."""
    sizes = {
        "d": options["d"],
        "d_k": options["dk"],
        "heads": options["heads"],
        "seed": options["seed"],
        "mask": None if options["mask"] == "none" else options["mask"],
        "model": options["model"],
        "layer": options["layer"],
        "head": options["head"],
        "row": options.get("row"),
        "block": options.get("block"),
        "steps": options["steps"],
    }
    sentence = options["sentence"] if options["sentence"] is not None else attention.VIDEO_SENTENCE
    try:
        if options["tokens"] is not None:
            return attention.Request(tokens=tuple(options["tokens"]), **sizes)
        return attention.Request.from_sentence(options["sentence"], **sizes)  # None: the video's, as a default
    except (TypeError, ValueError) as exc:
        if options["model"] is None:  # what the scenes can draw is the narrower limit, so the one a user needs
            _check_toy_drawable(options, sentence)
        raise UserError(str(exc)) from None


def _check_toy_drawable(options: Mapping[str, Any], sentence: str) -> None:
    """The drawing limit (``scenes.kit.limits``) on a toy request's token count and widths, as a UserError."""
    from scenes.kit.layout import check_drawable

    sizes = [options[name] for name in ("d", "dk")]
    try:
        tokens = options["tokens"] if options["tokens"] is not None else attention.tokenize(sentence)
    except (TypeError, ValueError):
        return  # no words, or not text: the core's message says it
    if not all(isinstance(value, int) or value is None for value in sizes):
        return  # a type the core names better
    try:
        check_drawable(len(tokens), *sizes)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def look_of(options: Mapping[str, Any], exporter: type[Exporter] | None = None) -> Look:
    """The look the options ask for; the voice is ``--voice``, else the command's default (none for
    ``--transparent`` clips, which go on someone else's slides, and for a GIF, which has no sound)."""
    return Look.of(options, "none" if exporter is None else exporter.voice)


def named_scenes(names, exporter: type[Exporter], request: attention.Request) -> list[type]:
    """Scene classes for names given as class or part names, or the command's default; an unknown name, or a
    named scene that cannot show the request's kind of trace, is a UserError."""
    from scenes.catalog import SCENES
    from scenes.registry import DEFAULT_VIDEO, by_name

    if not names:
        if exporter.default_scenes == "all":
            return [scene for scene in SCENES if scene.part.refusal(scene.__name__, request) is None]
        return [DEFAULT_VIDEO] if exporter.default_scenes == "video" else []
    chosen = []
    for name in names:
        try:
            scene = by_name(name)
        except KeyError as exc:
            raise UserError(f"{exc.args[0]} (see --list)") from None
        refusal = scene.part.refusal(scene.__name__, request)
        if refusal is not None:
            raise UserError(refusal)
        if scene not in chosen:
            chosen.append(scene)
    return chosen


def drawable(scenes, request: attention.Request, look: Look) -> tuple[list[type], list[Refusal]]:
    """The scenes that can draw ``request`` in ``look``, and a ``Refusal`` for each that cannot: its kind of trace,
    too many tokens, sizes its layout cannot fit. Builds no Scene (which would make Manim's folders)."""
    from scenes.kit.layout import check_tokens_drawable

    try:
        check_tokens_drawable(request)  # the same limit for every scene: one line, not one per scene
        inputs = look.inputs(request)
    except (ValueError, TypeError) as exc:
        raise UserError(str(exc)) from None
    able, refused = [], []
    for scene in scenes:
        try:
            scene.check_inputs(inputs)
            able.append(scene)
        except (ValueError, TypeError) as exc:
            refused.append(Refusal(scene.__name__, str(exc)))
    return able, refused


def check_sizes(request: attention.Request) -> None:
    """The request's tokens and widths are ones the scenes draw (a model's widths are folded); UserError if not."""
    from scenes.kit.layout import check_drawable, check_tokens_drawable

    try:
        check_tokens_drawable(request)
        if attention.Capability.SEEDED in request.capabilities:  # a model's widths are folded on screen
            check_drawable(request.T, request.d, request.width)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def admit(command: str, options: Mapping[str, Any]) -> Admitted:
    """Everything a run needs, checked: UserError (one line) for the first problem found."""
    exporter = EXPORTERS[command]
    request, look = request_of(options), look_of(options, exporter)
    named = named_scenes(options.get("scenes", ()), exporter, request)
    if named:
        able, refused = drawable(named, request, look)
    else:  # an output of the trace alone (the explorer) draws what the scenes draw
        able, refused = [], []
        check_sizes(request)
    if refused and not exporter.partial:
        raise UserError(refused[0].reason)
    if exporter.partial and named and not able:
        raise UserError(f"no scene can draw this input, so no {exporter.kind} were written: {refused[0].reason}")
    exporters = tuple(exporter.from_options(able, options, request))
    for chosen in exporters:
        chosen.check(look)
    return Admitted(command, options, request, look, tuple(able), tuple(refused), exporters)
