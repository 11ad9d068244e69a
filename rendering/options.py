"""Command-line and TOML options for render.py, checked before anything renders, and turned into the
core's Request, the look and the picture."""

from __future__ import annotations

import argparse
import os
import tomllib
from pathlib import Path

import attention

from .errors import UserError
from .exporters.figures import FIGURE_FORMATS
from .spec import QUALITIES, Look, Picture
from .stills import CROPS

FORMATS = ("mp4", "gif", "webm", "mov")
DEFAULT_QUALITY = "m"  # 720p30: what lecturers embed, and a first render of a few minutes
MAX_DECIMALS = 4


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, as for every other user error
        raise UserError(f"{message} (see --help)")


def _common(parser: argparse.ArgumentParser) -> None:
    inputs = parser.add_argument_group("inputs")
    source = inputs.add_mutually_exclusive_group()
    source.add_argument("--sentence", help="the sentence, split on white space (default: the video's)")
    source.add_argument("--tokens", nargs="+", metavar="TOKEN", help="the tokens, one by one")
    inputs.add_argument("--seed", type=int, default=0, help="seed of embeddings and weights (default 0)")
    inputs.add_argument("--d", type=int, default=5, help="embedding width d, 2 to 8 (default 5)")
    inputs.add_argument("--dk", type=int, default=None, help="query/key width d_k (default: d)")
    inputs.add_argument("--heads", type=int, default=2, help="heads of the multi-head scene (default 2)")
    inputs.add_argument("--mask", choices=("none", "causal"), default="none")
    models = ", ".join(f"{card.key} ({card.name})" for card in attention.MODELS.values())
    inputs.add_argument(
        "--model",
        default=None,
        help=f"a pretrained model's head instead of the toy model: {models}; the tokens are its WordPiece "
        "tokens, the toy's sizes and seed play no part, and only the video's scenes and `heads` can show it",
    )
    inputs.add_argument("--layer", type=int, default=None, help="the model's layer, from 1 (default 1; needs --model)")
    inputs.add_argument("--head", type=int, default=None, help="the layer's head, from 1 (default 1; needs --model)")
    look = parser.add_argument_group("look")
    look.add_argument("--theme", choices=("video", "dark"), default="video")
    look.add_argument("--decimals", type=int, default=2, help=f"digits after the point, 0 to {MAX_DECIMALS}")
    look.add_argument(
        "--numbers",
        choices=("auto", "on", "off"),
        default="auto",
        help="digits in cells; auto draws them where legible at the output size",
    )
    look.add_argument(
        "--transparent",
        action="store_true",
        help="real alpha channel: mov is qtrle/argb, webm is VP9 with alpha "
        "(decode it with libvpx-vp9 to see yuva420p), png is RGBA; mp4 and gif have no alpha",
    )
    out = parser.add_argument_group("output")
    out.add_argument("--out", default="renders", help="output folder (default renders/)")
    out.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="render processes at once: scenes, or parts of a scene of several sections (default: the number of cores)",
    )
    out.add_argument("--config", metavar="FILE.toml", help="options from a TOML file; the command line wins")
    out.add_argument(
        "--dry-run",
        action="store_true",
        help="build every requested scene with animations skipped and say what would be written",
    )


def _picture(parser: argparse.ArgumentParser) -> None:
    """The options of a movie's pixel size and frame rate (videos and decks)."""
    parser.add_argument(
        "-q",
        "--quality",
        choices=list(QUALITIES),
        default=DEFAULT_QUALITY,
        help="l 480p15, m 720p30 (default: its grids show digits where they fit, the explained numbers "
        "are large at every preset), h 1080p60, p 1440p60, k 2160p60",
    )
    parser.add_argument("--fps", type=int, help="frame rate, overriding the preset's")
    parser.add_argument("--resolution", metavar="W,H", help="pixel size, overriding the preset's, e.g. 1280,720")


def video_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="render.py",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Render the attention video, some of its scenes, stills (`render.py figures`) or lecture decks "
        "(`render.py deck`).",
        epilog="examples:\n  render.py                         the whole video, 720p30, into renders/\n"
        "  render.py Step1MatMul -q h        one scene at 1080p60\n"
        "  render.py --sections              one clip per section as well as the whole\n"
        "  render.py figures --width 1600    a PNG, SVG and PDF of every scene\n"
        "  render.py deck -q h               an HTML deck and a PowerPoint file, a slide per section\n"
        "  render.py --list                  every scene, what it shows, its length",
    )
    parser.add_argument("scenes", nargs="*", metavar="SCENE", help="scenes to render (default: FullVideo)")
    parser.add_argument("--list", action="store_true", help="list every scene with its length, then exit")
    _picture(parser)
    parser.add_argument("--format", choices=FORMATS, default=None, help="mp4 (default; mov with --transparent)")
    parser.add_argument("--sections", action="store_true", help="one clip per section as well as the whole")
    parser.add_argument(
        "--clear-cache",
        action="store_true",
        help="forget every remembered render (the output cache under $ATTENTION_CACHE/outputs), then exit",
    )
    _common(parser)
    return parser


def figure_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="render.py figures",
        description="Figures for articles: each meaningful state of each scene (one per section where a scene has "
        "several), cropped to its content, with a caption in the manifest.",
    )
    parser.add_argument("scenes", nargs="*", metavar="SCENE", help="scene or part names (default: every scene)")
    parser.add_argument("--width", type=int, default=3840, help="PNG width in pixels (default 3840)")
    parser.add_argument(
        "--crop",
        choices=CROPS,
        default="content",
        help="content: cropped to what is drawn with an even margin (default); frame: the 16:9 frame, for slides",
    )
    parser.add_argument(
        "--formats",
        nargs="+",
        choices=FIGURE_FORMATS,
        default=list(FIGURE_FORMATS),
        help="png (raster), svg and pdf (vector: paths and outlined text)",
    )
    _common(parser)
    return parser


def deck_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="render.py deck",
        description="A lecture deck of each scene, a slide per section (its clip, title and narration as notes): "
        "deck/<name>.html, one offline file, and deck/<name>.pptx.",
    )
    parser.add_argument("scenes", nargs="*", metavar="SCENE", help="scene or part names (default: FullVideo)")
    _picture(parser)
    parser.add_argument(
        "--format", choices=FORMATS, default="mp4", help="mp4 only: H.264, which browsers and PowerPoint both play"
    )
    parser.add_argument(
        "--deck-media",
        choices=("embed", "beside"),
        default="embed",
        help="embed the clips in the HTML file (default), or put them beside it in deck/<name>_media/",
    )
    parser.add_argument("--deck-name", metavar="NAME", help="file name of the deck (default: the scene's part name)")
    _common(parser)
    return parser


SUBCOMMANDS = {"figures": figure_parser, "deck": deck_parser}


def _from_toml(path: str, parser: argparse.ArgumentParser) -> dict:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise UserError(f"cannot read --config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"--config {path} is not valid TOML: {exc}") from None
    known = {action.dest for action in parser._actions}
    values = {}
    for key, value in data.items():
        dest = key.replace("-", "_")
        if dest not in known or dest in ("config", "help"):
            raise UserError(f"--config {path}: unknown option {key!r}")
        values[dest] = value
    return values


def parse(argv: list[str]) -> tuple[str, argparse.Namespace]:
    """('video' | 'figures' | 'deck', options), the TOML file's values under the command line's."""
    kind = argv[0] if argv[:1] and argv[0] in SUBCOMMANDS else "video"
    parser = SUBCOMMANDS[kind]() if kind in SUBCOMMANDS else video_parser()
    args = argv[1:] if kind in SUBCOMMANDS else argv
    first = parser.parse_args(args)
    if first.config:
        parser.set_defaults(**_from_toml(first.config, parser))
        first = parser.parse_args(args)
    validate(first, kind)
    return kind, first


def validate(args, kind: str) -> None:
    if not 0 <= args.decimals <= MAX_DECIMALS:
        raise UserError(f"--decimals must be 0 to {MAX_DECIMALS}, got {args.decimals}")
    if args.jobs < 1:
        raise UserError(f"--jobs must be at least 1, got {args.jobs}")
    if kind == "figures":
        if not 16 <= args.width <= 16384:
            raise UserError(f"--width must be 16 to 16384 pixels, got {args.width}")
        return
    if args.fps is not None and not 1 <= args.fps <= 240:
        raise UserError(f"--fps must be 1 to 240, got {args.fps}")
    if args.resolution is not None:
        try:
            width, height = (int(v) for v in args.resolution.split(","))
        except ValueError:
            raise UserError(f"--resolution takes W,H in pixels, e.g. 1280,720; got {args.resolution!r}") from None
        if not (16 <= width <= 8192 and 16 <= height <= 8192) or width % 2 or height % 2:
            raise UserError(f"--resolution must be even and 16 to 8192 pixels a side, got {args.resolution}")
    if args.format is None:
        args.format = "mov" if args.transparent else "mp4"


def picture_of(args) -> Picture:
    resolution = tuple(int(v) for v in args.resolution.split(",")) if args.resolution else None
    return Picture.preset(args.quality, resolution, args.fps)


def request_of(args) -> attention.Request:
    """The core's record of what was asked; a bad sentence, size, model, layer or head (or a model that is not
    installed) raises UserError with the core's one-line message."""
    sizes = {
        "d": args.d,
        "d_k": args.dk,
        "heads": args.heads,
        "seed": args.seed,
        "mask": None if args.mask == "none" else args.mask,
        "model": args.model,
        "layer": args.layer,
        "head": args.head,
    }
    try:
        if args.tokens:
            return attention.Request(tokens=tuple(args.tokens), **sizes)
        return attention.Request.from_sentence(
            args.sentence if args.sentence is not None else attention.VIDEO_SENTENCE, **sizes
        )
    except (TypeError, ValueError) as exc:
        raise UserError(str(exc)) from None


def look_of(args) -> Look:
    return Look(theme=args.theme, decimals=args.decimals, numbers=args.numbers, transparent=args.transparent)


def inputs_record(request: attention.Request, look: Look) -> dict:
    """The options that decide the numbers and the look, as the manifest records them."""
    return {
        "sentence": request.sentence,
        "tokens": list(request.tokens),
        "seed": request.seed,
        "d": request.d,
        "dk": request.d_k,
        "heads": request.heads,
        "mask": request.mask or "none",
        "model": request.model_name,
        "layer": request.layer,
        "head": request.head,
        "theme": look.theme,
        "decimals": look.decimals,
        "numbers": look.numbers,
        "transparent": look.transparent,
    }


def out_dir(args) -> Path:
    return Path(args.out).expanduser()
