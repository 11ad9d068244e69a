"""Speed-with-a-voice benchmark: every row of issue #28's table from one run, each beside its target.

Rows, each the wall clock of the real command in a fresh process, run from a snapshot of the code taken at the
start (edits made meanwhile change nothing):

    floor       a blank Manim scene as long as the narrated FullVideo, at the chosen quality, one process
    cold        render.py FullVideo -q Q (narrated by the default voice), empty cache      target <= 1.0x floor
    unchanged   the same command again, nothing changed                                    target <= 2 s
    figures     render.py figures --width 3840 (PNG+SVG+PDF of every scene), empty cache   target <= 0.2x floor
    voice       narrated cold against silent cold (--voice none, its own empty cache), in
                seconds of rendering per second of video (the voice lengthens the video)   target <= 1.05x
    lecture     render.py Lecture -q Q cold, against a blank floor of its own length       target <= 1.0x floor
                (only when the catalog has a Lecture entry; otherwise the row says why it is skipped)

At 1080p60 (the issue's quality, ``--quality h``, the default) it takes 15 to 25 minutes of both cores and must
run with nothing else on the machine; ``--quality l`` runs the same rows at 480p15 in a few minutes, to check
that it works (its ratios are not the issue's). The load average before and after is printed.

    .venv/bin/python bench/bench_speed.py                     # the issue's table, 1080p60
    .venv/bin/python bench/bench_speed.py --quality l         # a quick check at 480p15
    .venv/bin/python bench/bench_speed.py --rows cold unchanged --quality l
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_render's timing helpers, shared with issue #10's
from bench_render import (  # noqa: E402
    BLANK_SCENE,
    MANIM,
    Row,
    Timed,
    load,
    print_table,
    render_py,
    run,
    verdict,
    video_seconds,
)

from rendering.cache.codehash import copy_sources  # noqa: E402

VIDEO = "FullVideo"
LECTURE = "Lecture"
ROWS = ("cold", "unchanged", "figures", "voice", "lecture")
UNCHANGED = 2.0  # seconds
FIGURES = 0.2  # of the floor
VOICE = 1.05  # narrated over silent, per second of video


def blank_floor(seconds: float, quality: str, work: Path) -> Timed:
    """Manim's own cost of ``seconds`` of blank video at ``quality``: one process, start, import and encoding."""
    scene = work / f"blank-{seconds:.1f}.py"
    scene.write_text(BLANK_SCENE)
    media = work / f"floor-{seconds:.1f}"
    command = [str(MANIM), "render", f"-q{quality}", "--disable_caching", "--media_dir", str(media)]
    command += ["--progress_bar", "none", "-v", "WARNING", str(scene), "Blank"]
    return run(command, {"BENCH_SECONDS": repr(seconds)})


def has_lecture(snapshot: Path) -> str | None:
    """None if the snapshot's catalog has a Lecture scene, else why the row is skipped."""
    try:
        run(
            [sys.executable, "-c", f"from scenes.registry import by_name; by_name({LECTURE!r})"],
            {"PYTHONPATH": str(snapshot)},
        )
    except RuntimeError:
        return f"no {LECTURE} entry in the catalog (scenes/catalog.py) yet"
    return None


def typesetting(cache: Path, work: Path) -> tuple[int, float, float] | None:
    """How many LaTeX expressions a run typeset (its shared typeset folder holds one SVG each), and the seconds
    of one expression's ``latex`` (from the run's preamble format) and ``dvisvgm`` (without its special handlers,
    as scenes/manim_patches/raw_group.py converts a one-part expression), each the median of 5 runs; None if the
    run left no expression or format to time."""
    shared = cache / "typeset"
    made = sorted(shared.glob("*.svg"))
    formats = sorted(shared.glob("preamble-*.fmt"))
    sources = [tex for svg in made[:1] for tex in cache.glob(f"slot-*/Tex/{svg.stem}.tex")]
    if not sources or not formats:
        return None
    probe = work / "typesetting-probe"
    probe.mkdir(exist_ok=True)
    latex = ["latex", f"-fmt={formats[0].with_suffix('')}", "-interaction=batchmode", f"-output-directory={probe}"]
    dvisvgm = ["dvisvgm", "--no-fonts", "--no-specials", "--verbosity=0", f"--output={probe / 'probe.svg'}"]
    dvi = probe / f"{sources[0].stem}.dvi"
    latex_s = statistics.median(run([*latex, str(sources[0])]).seconds for _ in range(5))
    dvisvgm_s = statistics.median(run([*dvisvgm, str(dvi)]).seconds for _ in range(5))
    return len(made), latex_s, dvisvgm_s


def bench(rows: tuple[str, ...], quality: str, work: Path) -> list[Row]:
    table: list[Row] = []
    snapshot = copy_sources(work / "snapshot")
    video = [VIDEO, "-q", quality]
    cache, out = work / "cache", work / "out"
    print(f"cold: render.py {' '.join(video)}, narrated, empty cache ...", file=sys.stderr, flush=True)
    cold = render_py(video, cache, out, snapshot)
    length = video_seconds(out / f"{VIDEO}.mp4")
    floor = blank_floor(length, quality, work)
    table.append(Row("floor", f"{floor.seconds:.1f} s for {length:.1f} s of video (-q {quality})", "-", "-"))
    ratio = cold.seconds / floor.seconds
    why = "filming costs more than Manim's own frames (see the profile in the closing note)"
    table.append(
        Row(
            "cold",
            f"{cold.seconds:.1f} s = {ratio:.2f}x floor",
            "<= 1.0x floor",
            verdict(ratio <= 1, f"{ratio - 1:.2f}x", why),
        )
    )
    if "unchanged" in rows:
        print("unchanged: the same command again ...", file=sys.stderr, flush=True)
        again = render_py(video, cache, work / "out-again", snapshot)
        path = {"PYTHONPATH": str(snapshot)}
        imports = run([sys.executable, "-c", "import rendering.cli.main"], path).seconds
        # naming the scenes imports their classes, and so Manim
        scenes = run([sys.executable, "-c", "import rendering.cli.main, scenes.registry"], path).seconds
        shown = f"{again.seconds:.1f} s = {again.seconds / cold.seconds:.3f}x cold"
        why = (
            f"starting Python and importing the command line takes {imports:.1f} s, and the scenes with Manim"
            f" {scenes - imports:.1f} s more"
        )
        table.append(
            Row(
                "unchanged",
                shown,
                f"<= {UNCHANGED:.0f} s",
                verdict(again.seconds <= UNCHANGED, f"{again.seconds - UNCHANGED:.1f} s", why),
            )
        )
    if "figures" in rows:
        print("figures: render.py figures --width 3840, empty cache ...", file=sys.stderr, flush=True)
        figures = render_py(["figures", "--width", "3840"], work / "cache-figures", work / "out-figures", snapshot)
        share = figures.seconds / floor.seconds
        why = f"each scene is built and drawn at 3840 px in three formats ({figures.cpu:.0f} s of CPU on 2 cores)"
        typeset = typesetting(work / "cache-figures", work)
        if typeset is not None:
            count, latex_s, dvisvgm_s = typeset
            why += (
                f"; {count} LaTeX expressions, each a latex run ({latex_s * 1000:.0f} ms) and a dvisvgm run"
                f" ({dvisvgm_s * 1000:.0f} ms), are {count * (latex_s + dvisvgm_s):.0f} s of that CPU"
            )
        table.append(
            Row(
                "figures",
                f"{figures.seconds:.1f} s = {share:.2f}x floor",
                f"<= {FIGURES}x floor",
                verdict(share <= FIGURES, f"{share - FIGURES:.2f}x", why),
            )
        )
    if "voice" in rows:
        print(f"silent: render.py {' '.join(video)} --voice none, empty cache ...", file=sys.stderr, flush=True)
        silent = render_py([*video, "--voice", "none"], work / "cache-silent", work / "out-silent", snapshot)
        quiet = video_seconds(work / "out-silent" / f"{VIDEO}.mp4")
        per = (cold.seconds / length) / (silent.seconds / quiet)
        shown = f"{cold.seconds / length:.3f} / {silent.seconds / quiet:.3f} s per s of video = {per:.3f}x"
        why = "the voice's own work (piper, the loudness loop, the track and mux) on top of the filming"
        table.append(Row("voice", shown, f"<= {VOICE}x", verdict(per <= VOICE, f"{per - VOICE:.3f}x", why)))
    if "lecture" in rows:
        skipped = has_lecture(snapshot)
        if skipped is not None:
            print(f"lecture: skipped: {skipped}", file=sys.stderr, flush=True)
            table.append(Row("lecture", f"skipped: {skipped}", "<= 1.0x its floor", "-"))
        else:
            print(f"lecture: render.py {LECTURE} -q {quality}, empty cache ...", file=sys.stderr, flush=True)
            lecture = render_py([LECTURE, "-q", quality], work / "cache-lecture", work / "out-lecture", snapshot)
            own = video_seconds(work / "out-lecture" / f"{LECTURE}.mp4")
            base = blank_floor(own, quality, work)
            share = lecture.seconds / base.seconds
            lecture_why = "filming and the voice cost more than Manim's own frames"
            shown = f"{lecture.seconds:.1f} s = {share:.2f}x its floor ({base.seconds:.1f} s for {own:.1f} s)"
            table.append(
                Row("lecture", shown, "<= 1.0x its floor", verdict(share <= 1, f"{share - 1:.2f}x", lecture_why))
            )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", "-q", default="h", choices=("l", "m", "h", "p", "k"), help="Manim's preset")
    parser.add_argument("--rows", nargs="+", choices=ROWS, default=list(ROWS), help="rows (cold and floor always)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    args = parser.parse_args(argv)
    print(f"load average before: {load()} (1, 5, 15 min)")
    with contextlib.ExitStack() as stack:  # the work folder goes at the end, or on an error, unless --keep
        kept = Path(tempfile.mkdtemp(prefix="bench_speed_")) if args.keep else None
        work = kept or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_speed_")))
        table = bench(tuple(args.rows), args.quality, work)
    if kept:
        print(f"kept {kept}", file=sys.stderr)
    print(f"load average after:  {load()}")
    print_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
