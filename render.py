#!/usr/bin/env python3
"""Render the attention video, or some of its scenes, from the command line.

    python render.py                      the whole video at preview quality (480p15) into renders/
    python render.py -q h                 the same at 1080p60
    python render.py Step1MatMul -q m     one scene
    python render.py --list               every scene, with what it shows

Inputs: --sentence/--tokens, --seed, --d, --dk, --mask; look: --theme, --decimals, --numbers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
QUALITIES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality", "p": "production_quality",
             "k": "fourk_quality"}
QUALITIES_PIXELS = {"l": 480, "m": 720, "h": 1080, "p": 1440, "k": 2160}
FORMATS = ("mp4", "gif", "webm", "mov")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "self-attention-animated"


class UserError(Exception):
    """A problem with what was asked; printed as one line, exit status 2."""


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="render.py", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("scenes", nargs="*", metavar="SCENE", help="scenes to render (default: FullVideo)")
    parser.add_argument("--list", action="store_true", help="list the scenes and exit")
    parser.add_argument("-q", "--quality", choices=list(QUALITIES), default="l",
                        help="l 480p15 (default), m 720p30, h 1080p60, p 1440p60, k 2160p60")
    parser.add_argument("--format", choices=FORMATS, default="mp4")
    parser.add_argument("--sections", action="store_true", help="also write one clip per section (step)")
    parser.add_argument("--out", default="renders", help="output folder (default: renders/)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--sentence", help="the sentence, split on spaces (default: the video's)")
    source.add_argument("--tokens", nargs="+", help="the tokens, given one by one")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--d", type=int, default=5, help="embedding width d (default 5)")
    parser.add_argument("--dk", type=int, default=None, help="query/key width d_k (default d)")
    parser.add_argument("--mask", choices=("none", "causal"), default="none")
    parser.add_argument("--decimals", type=int, default=2)
    parser.add_argument("--numbers", choices=("auto", "on", "off"), default="auto",
                        help="digits in cells: auto shows them where legible at the output size")
    parser.add_argument("--theme", default="video", help="video (default) or dark")
    return parser.parse_args(argv)


def build_inputs(args):
    import attention
    from scenes.base import Inputs
    from scenes.theme import load_theme

    try:
        if args.decimals < 0 or args.decimals > 4:
            raise ValueError(f"--decimals must be 0 to 4, got {args.decimals}")
        chosen = {"tokens": args.tokens} if args.tokens else {}
        if args.sentence is not None:
            chosen = {"sentence": args.sentence}
        trace = attention.example(d=args.d, d_k=args.dk, mask=None if args.mask == "none" else args.mask,
                                  seed=args.seed, **chosen)
        return Inputs(trace=trace, theme=load_theme(args.theme), decimals=args.decimals, numbers=args.numbers)
    except (ValueError, TypeError) as exc:
        raise UserError(str(exc)) from None


def check_out(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise UserError(f"cannot write to --out {out}: {exc.strerror}; choose a writable folder") from None


def check_latex() -> None:
    for tool in ("latex", "dvisvgm"):
        if shutil.which(tool) is None:
            raise UserError(f"{tool} is not installed; run `bash setup.sh install` to install LaTeX")


def render_scene(cls, inputs, args, out: Path) -> list[Path]:
    """Render one scene in a private media folder inside ``out``, then move its files into place."""
    from manim import config, tempconfig

    staging = Path(tempfile.mkdtemp(prefix=f".{cls.__name__}-", dir=out))
    try:
        settings = {
            "quality": QUALITIES[args.quality], "format": args.format, "media_dir": str(staging),
            "tex_dir": str(CACHE / "Tex"), "text_dir": str(CACHE / "texts"), "progress_bar": "none",
            "verbosity": "WARNING", "save_sections": args.sections, "output_file": cls.__name__,
        }
        with tempconfig(settings):
            if config.pixel_height != int(QUALITIES_PIXELS[args.quality]):
                raise RuntimeError("Manim did not take the requested quality")
            scene = cls(inputs)
            scene.render()
        written = []
        for path in sorted(staging.rglob("*")):
            if not path.is_file() or "partial_movie_files" in path.parts:
                continue
            if path.suffix not in {".mp4", ".gif", ".webm", ".mov", ".srt", ".json", ".png"}:
                continue
            relative = path.relative_to(staging)
            target = out / ("sections" if "sections" in relative.parts else "") / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)  # atomic: the file appears complete or not at all
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)



def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT))
    from scenes.catalog import SCENES, by_name

    if args.list:
        for cls in SCENES:
            print(f"{cls.__name__:16} {cls.description}")
        return 0
    try:
        classes = [by_name(name) for name in (args.scenes or ["FullVideo"])]
    except KeyError as exc:
        print(f"render.py: {exc.args[0]}", file=sys.stderr)
        return 2
    try:
        inputs = build_inputs(args)
        out = Path(args.out)
        check_out(out)
        check_latex()
        for cls in classes:
            cls(inputs)  # sizes that cannot be drawn fail here, before anything renders
    except (UserError, ValueError) as exc:
        print(f"render.py: {exc}", file=sys.stderr)
        return 2
    written = []
    for cls in classes:
        start = time.monotonic()
        print(f"rendering {cls.__name__} ...", flush=True)
        files = render_scene(cls, inputs, args, out)
        print(f"  {cls.__name__}: {time.monotonic() - start:.1f} s", flush=True)
        written += files
    print("written:")
    for path in written:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("render.py: interrupted; no partial file was left in place", file=sys.stderr)
        sys.exit(130)
