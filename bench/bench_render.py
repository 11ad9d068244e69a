"""Render benchmark: each scene through the real `manim render` CLI, beside a blank-scene floor.

For every scene of ``scenes.registry.ALL_SCENES`` (or ``--scenes``) this times

    .venv/bin/manim render -q<Q> --disable_caching --media_dir <tmp> --progress_bar none -v WARNING video.py <Scene>

and, as the floor, a generated scene that only does ``self.wait(<same seconds>)`` at the same quality:
process start, ``import manim``, and encoding that many frames. The full video (the registry's default) is
rendered at --full-quality (1080p60 by default) and compared with the target of at most
--target times its floor. Scene names and quality presets come from the project (registry, rendering.spec).

    .venv/bin/python bench/bench_render.py                       # every scene at -ql, FullVideo at -qh
    .venv/bin/python bench/bench_render.py --scenes Step1MatMul  # one scene
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import av

from rendering.spec import QUALITIES as SPEC_QUALITIES
from scenes.registry import ALL_SCENES, DEFAULT_VIDEO  # imports manim: ~2 s, once

FULL_VIDEO = DEFAULT_VIDEO.__name__

ROOT = Path(__file__).resolve().parent.parent
MANIM = ROOT / ".venv" / "bin" / "manim"
ENTRY = ROOT / "video.py"
QUALITIES = {letter: f"{height}p{fps}" for letter, (_, _, height, fps) in SPEC_QUALITIES.items()}

BLANK_SCENE = """\
import os

from manim import Scene


class Blank(Scene):
    def construct(self):
        self.wait(float(os.environ["BENCH_SECONDS"]))
"""


@dataclass
class Run:
    seconds: float  # wall clock of the manim process
    video_seconds: float  # duration of the mp4 it wrote
    frames: int


@dataclass
class Row:
    scene: str
    quality: str
    run: Run | None
    floor: Run | None
    error: str = ""

    @property
    def ratio(self) -> float | None:
        if self.run is None or self.floor is None or self.floor.seconds <= 0:
            return None
        return self.run.seconds / self.floor.seconds


def catalog_names() -> list[str]:
    return [scene.__name__ for scene in ALL_SCENES]


def video_length(path: Path) -> tuple[float, int]:
    """Seconds and frames of the first video stream of ``path``."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.duration is not None and stream.time_base is not None:
            seconds = float(stream.duration * stream.time_base)
        else:
            seconds = container.duration / av.time_base
        frames = stream.frames or round(seconds * float(stream.average_rate or 0))
    return seconds, frames


def render(entry: Path, scene: str, quality: str, media_dir: Path, env: dict | None = None) -> Run:
    cmd = [
        str(MANIM),
        "render",
        f"-q{quality}",
        "--disable_caching",
        "--media_dir",
        str(media_dir),
        "--progress_bar",
        "none",
        "-v",
        "WARNING",
        str(entry),
        scene,
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"`{' '.join(cmd)}` exited with {done.returncode}:\n{tail}")
    movies = [p for p in media_dir.rglob(f"{scene}.mp4") if "partial_movie_files" not in p.parts]
    if len(movies) != 1:
        raise RuntimeError(f"expected one {scene}.mp4 under {media_dir}, found {movies}")
    video_seconds, frames = video_length(movies[0])
    return Run(seconds, video_seconds, frames)


def bench(scene: str, quality: str, work: Path, blank: Path, warm: bool = False) -> Row:
    row = Row(scene, QUALITIES[quality], None, None)
    media = work / f"{scene}-{quality}"
    try:
        if warm:  # LaTeX and text SVGs made once, untimed; --disable_caching still re-renders every frame
            render(ENTRY, scene, quality, media)
        row.run = render(ENTRY, scene, quality, media)
        row.floor = render(
            blank,
            "Blank",
            quality,
            work / f"{scene}-{quality}-floor",
            env={"BENCH_SECONDS": repr(row.run.video_seconds)},
        )
    except RuntimeError as error:
        row.error = str(error)
    return row


def fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def print_table(rows: list[Row], target: float, warm: bool) -> None:
    head = ("scene", "quality", "video s", "render s", "frames/s", "floor s", "ratio")
    lines = []
    for r in rows:
        run, floor = r.run, r.floor
        fps = run.frames / run.seconds if run and run.seconds else None
        lines.append(
            (
                r.scene,
                r.quality,
                fmt(run and run.video_seconds, ".1f"),
                fmt(run and run.seconds, ".1f"),
                fmt(fps, ".1f"),
                fmt(floor and floor.seconds, ".1f"),
                fmt(r.ratio),
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print(
            "  ".join(
                str(x).rjust(w) if n > 1 else str(x).ljust(w) for n, (x, w) in enumerate(zip(line, widths, strict=True))
            )
        )
    print(
        "\nratio = render s / floor s; floor = a blank scene of the same length and quality; "
        "frames/s = frames written / render s; " + ("LaTeX warm" if warm else "fresh media_dir: LaTeX compiled cold")
    )
    for r in rows:
        if r.scene == FULL_VIDEO and r.ratio is not None:
            verdict = "meets" if r.ratio <= target else "misses"
            print(
                f"{FULL_VIDEO} at {r.quality}: {r.ratio:.2f}x its floor -> {r.ratio / target:.2f} of the "
                f"{target:g}x target ({verdict} it); {r.run.seconds / r.run.video_seconds:.2f} s of render "
                f"per second of video"
            )
    for r in rows:
        if r.error:
            print(f"\n{r.scene} FAILED: {r.error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenes",
        nargs="+",
        metavar="SCENE",
        help="scene names (space- or comma-separated); default: every scene of the catalog",
    )
    parser.add_argument("--quality", choices=QUALITIES, default="l", help="quality of each scene (default l: 480p15)")
    parser.add_argument(
        "--full-quality", choices=QUALITIES, default="h", help=f"quality of {FULL_VIDEO} (default h: 1080p60)"
    )
    parser.add_argument("--target", type=float, default=2.0, help=f"{FULL_VIDEO}'s target ratio to its floor")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="render each scene once untimed first, so LaTeX is not compiled in the timed run",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary media directory and print it")
    args = parser.parse_args(argv)

    known = catalog_names()
    wanted = [n for item in args.scenes for n in item.split(",") if n] if args.scenes else known
    unknown = [n for n in wanted if n not in known]
    if unknown:
        parser.error(f"unknown scene(s) {', '.join(unknown)}; known: {', '.join(known)}")

    work = Path(tempfile.mkdtemp(prefix="bench_render_"))
    blank = work / "blank_scene.py"
    blank.write_text(BLANK_SCENE)
    rows = []
    try:
        for name in wanted:
            if name == FULL_VIDEO:
                continue
            print(f"rendering {name} at -q{args.quality} ...", file=sys.stderr, flush=True)
            rows.append(bench(name, args.quality, work, blank, args.warm))
        if FULL_VIDEO in wanted:
            print(f"rendering {FULL_VIDEO} at -q{args.full_quality} ...", file=sys.stderr, flush=True)
            rows.append(bench(FULL_VIDEO, args.full_quality, work, blank, args.warm))
        elif FULL_VIDEO not in known:
            print(f"no {FULL_VIDEO} scene in the catalog: the full-video render is skipped", file=sys.stderr)
    finally:
        if args.keep:
            print(f"media kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_table(rows, args.target, args.warm)
    return 1 if any(r.error for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
