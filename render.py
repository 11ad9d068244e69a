#!/usr/bin/env python3
"""The command line for the three uses: the video (or some scenes), lecture clips, article figures.

    python render.py                          the whole video, 480p15, into renders/
    python render.py Step1MatMul -q h         one scene at 1080p60
    python render.py --sections               one clip per step as well as the whole
    python render.py Step3Softmax -t --format webm    a clip with alpha, for slides
    python render.py figures                  PNG (3840 px), SVG and PDF of every step
    python render.py --list                   every scene, what it shows, its length

Run `python render.py --help` or `python render.py figures --help` for every option.
"""

from __future__ import annotations

import multiprocessing
import shutil
import signal
import sys
import time
import uuid
from pathlib import Path

from rendering.options import Picture, UserError, input_options, out_dir, parse

ROOT = Path(__file__).resolve().parent
PROJECT_VERSION = "0.1.0"


def fail(message: str) -> int:
    print(f"render.py: {message}", file=sys.stderr)
    return 2


def resolve(names: list[str], figures: bool):
    """Scene classes for names given as scene or step names; the default: the video, or every step."""
    from rendering.job import step_name
    from scenes.catalog import SCENES

    if not names:
        return [s for s in SCENES if s.__name__ != "FullVideo"] if figures else [s for s in SCENES
                                                                                  if s.__name__ == "FullVideo"]
    chosen = []
    for name in names:
        match = [s for s in SCENES if name in (s.__name__, step_name(s))]
        if not match:
            known = ", ".join(s.__name__ for s in SCENES)
            raise UserError(f"unknown scene {name!r}; known scenes: {known} (see --list)")
        chosen += [s for s in match if s not in chosen]
    return chosen


def check_latex() -> None:
    for tool in ("latex", "dvisvgm"):
        if shutil.which(tool) is None:
            raise UserError(f"{tool} is not installed, so LaTeX cannot typeset; run `bash setup.sh install`")


def check_out(out: Path) -> None:
    """The output folder exists or can be made, and takes files; raises a UserError otherwise."""
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"--out {out}: {existing} is a file, not a folder")
    probe = existing / f".probe-{uuid.uuid4().hex}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as exc:
        raise UserError(f"--out {out} is not writable ({exc.strerror}); choose another folder") from None


def check_inputs(classes, options: dict):
    """Build the trace and construct each scene (which checks the sizes can be drawn)."""
    from rendering.job import make_inputs

    try:
        inputs = make_inputs(options)
        for cls in classes:
            cls.check_inputs(inputs)  # without building a Scene, which would make Manim's media folder
    except (ValueError, TypeError) as exc:
        raise UserError(str(exc)) from None
    return inputs


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides, and terminates the workers


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_jobs(jobs: int, calls: list) -> list:
    """Run (function, args) pairs in worker processes; results in call order.

    On Ctrl-C or SIGTERM the workers are terminated at once and KeyboardInterrupt propagates.
    """
    context = multiprocessing.get_context("spawn")  # a fresh Manim config in every worker
    pool = context.Pool(max(1, min(jobs, len(calls))), initializer=_ignore_interrupts)
    try:
        pending = [pool.apply_async(function, args) for function, args in calls]
        results = [job.get() for job in pending]
        pool.close()
        return results
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def list_scenes(classes, options: dict, jobs: int) -> int:
    from rendering.job import cached_length, scene_length, step_name

    lengths = {cls.__name__: cached_length(cls.__name__, options) for cls in classes}
    missing = [name for name, length in lengths.items() if length is None]
    if missing:
        lengths.update(zip(missing, run_jobs(jobs, [(scene_length, (name, options)) for name in missing]),
                           strict=True))
    for cls in classes:
        print(f"{cls.__name__:18} {step_name(cls):18} {lengths[cls.__name__]:6.1f} s  {cls.description}")
    return 0


def finish(written, staging: Path, out: Path) -> list:
    """Move every staged file to its final path (an atomic rename each); return them re-pointed."""
    from dataclasses import replace

    placed = []
    for item in written:
        target = out / item.path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        item.path.replace(target)
        placed.append(replace(item, path=target))
    shutil.rmtree(staging, ignore_errors=True)
    return placed


def cleanup(staging: Path, out: Path, made_out: bool) -> None:
    shutil.rmtree(staging, ignore_errors=True)
    if made_out:
        shutil.rmtree(out, ignore_errors=True)


def versions() -> dict:
    import manim

    return {"project": "self-attention-animated", "project_version": PROJECT_VERSION,
            "manim_version": manim.__version__}


def main(argv: list[str]) -> int:
    try:
        kind, args = parse(argv)
        figures = kind == "figures"
        sys.path.insert(0, str(ROOT))
        if not figures and args.list:
            from scenes.catalog import SCENES

            classes = list(SCENES)
        else:
            classes = resolve(args.steps if figures else args.scenes, figures)
        options = input_options(args)
        inputs = check_inputs(classes, options)
        if not figures and args.list:
            return list_scenes(classes, options, args.jobs)
        check_latex()
        out = out_dir(args)
        check_out(out)
    except UserError as exc:
        return fail(str(exc))

    from rendering.job import render_figure, render_video, step_name

    if figures:
        planned = [f"{out}/figures/{step_name(c)}.{f}" for c in classes for f in args.formats]
    else:
        planned = [f"{out}/{c.__name__}.{args.format}" for c in classes]
    if args.dry_run:
        from rendering.job import scene_length

        try:
            for cls in classes:
                length = scene_length(cls.__name__, options)
                print(f"built {cls.__name__} ({length:.1f} s of video)")
        except (ValueError, TypeError) as exc:
            return fail(str(exc))
        print("would write:")
        for path in planned + [f"{out}/manifest.json"]:
            print(f"  {path}")
        return 0

    run_id = uuid.uuid4().hex[:12]
    made_out = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".run-{run_id}"
    start = time.monotonic()
    try:
        if figures:
            calls = [(render_figure, (c.__name__, options, args.width, args.formats, str(staging))) for c in classes]
        else:
            picture = Picture.of(args)
            calls = [(render_video, (c.__name__, options, vars(picture), args.format, args.sections, str(staging)))
                     for c in classes]
        print(f"rendering {len(calls)} scene(s) with {min(args.jobs, len(calls))} job(s) ...", flush=True)
        written = [item for batch in run_jobs(args.jobs, calls) for item in batch]
        placed = finish(written, staging, out)
        from rendering.manifest import write_manifest

        manifest = write_manifest(out, placed, options, inputs.trace.digest(), versions(), run_id)
    except KeyboardInterrupt:
        cleanup(staging, out, made_out)
        print("render.py: interrupted; nothing was left half-written", file=sys.stderr)
        return 130
    except (ValueError, TypeError) as exc:  # a layout that does not fit, found while building
        cleanup(staging, out, made_out)
        return fail(str(exc))
    except BaseException:
        cleanup(staging, out, made_out)
        raise
    print(f"done in {time.monotonic() - start:.1f} s; written:")
    for item in placed:
        print(f"  {item.path}")
    print(f"  {manifest}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)  # a killed job cleans up like Ctrl-C
    sys.exit(main(sys.argv[1:]))
