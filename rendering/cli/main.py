"""The command line for the three uses: the video (or some scenes), lecture clips and decks, article figures.

render.py                          the whole video, 720p30, into renders/
render.py Step1MatMul -q h         one scene at 1080p60
render.py --sections               one clip per section as well as the whole
render.py Step3Softmax --transparent --format webm    a clip with alpha, for slides
render.py figures                  PNG (3840 px), SVG and PDF of every scene
render.py deck                     deck/video.html (offline) and deck/video.pptx, a slide per section
render.py --list                   every scene, what it shows, its length

Every command is an exporter of ``rendering.exporters.EXPORTERS``; its options are admitted by
``rendering.cli.options`` and the request by ``rendering.cli.admission`` before any work starts.

Exit codes: 0 done (also when a signal arrives once the files are being published: they are completed, and the
run says so), 1 a fault of ours or a worker that died, 2 a request that cannot be done, 130 Ctrl-C (SIGINT),
143 SIGTERM and 129 SIGHUP (128 + the signal; all clean up alike: nothing is left half-written).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import attention
from rendering import interrupts, streams
from rendering.cli.admission import Admitted, admit, drawable, look_of, request_of
from rendering.cli.checks import check_latex, check_out, check_targets
from rendering.cli.options import parse
from rendering.errors import UserError
from rendering.workers.pool import WorkerDied


def fail(message: str) -> int:
    print(f"render.py: {message}", file=sys.stderr)
    return 2


def not_drawn_record(scene: str, kind: str, reason: str) -> dict:
    print(f"render.py: {scene} cannot be drawn, its {kind} are left out: {reason}", file=sys.stderr)
    return {"scene": scene, "kind": kind, "reason": reason}


def list_scenes(options) -> int:
    """Every scene with its length for this request, and those that cannot show its kind of trace."""
    from rendering.exporters import VideoExporter
    from rendering.workers.pool import run_jobs
    from rendering.workers.scene_jobs import cached_length, scene_length
    from scenes.registry import ALL_SCENES

    request, look = request_of(options), look_of(options, VideoExporter)  # lengths as the video plays them
    # the others cannot be built for this request
    shown = [cls for cls in ALL_SCENES if cls.part.refusal(cls.__name__, request) is None]
    able, refused = drawable(shown, request, look)
    if refused:
        raise UserError(refused[0].reason)
    lengths = {cls.__name__: cached_length(cls.__name__, request, look) for cls in able}
    missing = [name for name, length in lengths.items() if length is None]
    if missing:
        calls = [(scene_length, (name, request, look)) for name in missing]
        lengths.update(zip(missing, run_jobs(options["jobs"], calls), strict=True))
    for cls in ALL_SCENES:
        if cls in able:
            print(f"{cls.__name__:18} {cls.part.name:18} {lengths[cls.__name__]:6.1f} s  {cls.part.description}")
        else:
            needs = "toy model only" if request.model is not None else "needs --model"
            print(f"{cls.__name__:18} {cls.part.name:18} {'':8}  {cls.part.description} ({needs})")
    return 0


def versions() -> dict:
    import manim

    return {
        "project": "self-attention-animated",
        "project_version": attention.__version__,
        "manim_version": manim.__version__,
    }


def dry_run(admitted: Admitted, out: Path) -> int:
    from rendering.workers.scene_jobs import scene_length

    try:
        for cls in admitted.scenes:
            length = scene_length(cls.__name__, admitted.request, admitted.look)
            print(f"built {cls.__name__} ({length:.1f} s of video)")
    except (ValueError, TypeError) as exc:
        return fail(str(exc))
    print("would write:")
    for path in [p for exporter in admitted.exporters for p in exporter.plan()] + ["manifest.json"]:
        print(f"  {out / path}")
    return 0


def exact_plan(admitted: Admitted) -> list[str]:
    """The very paths the run writes (figures' names by building their scenes); a scene's build that fails here
    fails again in the run, which says why."""
    return [p for exporter in admitted.exporters for p in exporter.exact_plan(admitted.request, admitted.look)]


def clear_cache() -> int:
    from rendering.cache.location import CONFIGURED, refusal, unusable

    if CONFIGURED.exists() and not CONFIGURED.is_dir():
        raise UserError(f"the cache folder {CONFIGURED} is a file, not a folder: there is no cache to clear")
    if CONFIGURED.exists() and unusable(CONFIGURED):
        raise UserError(
            f"the cache folder {CONFIGURED} cannot be changed ({unusable(CONFIGURED)}), so it was not cleared"
        )
    refused = refusal(CONFIGURED) if CONFIGURED.exists() else None
    if refused:
        raise UserError(f"{refused}; nothing was cleared")
    from rendering.cache.store import Store

    store = Store()
    try:
        entries, size, left = store.clear()
    except OSError as exc:
        raise UserError(f"the cache {store.root} could not be cleared: {exc.strerror}") from None
    for path in left:
        print(f"render.py: left {path}: not a file of the output cache's layout, so not ours", file=sys.stderr)
    print(f"cleared the output cache {store.root}: {entries} render(s), {size / 1e6:.1f} MB")
    return 0


def check_cache() -> None:
    """The cache folder is ours (or was adopted just now); a UserError before any work otherwise."""
    from rendering.cache.slots import REFUSED

    if REFUSED is not None:
        raise UserError(REFUSED)


def interrupted(exc: KeyboardInterrupt) -> int:
    """The line and exit code of a run stopped by a signal before it began to publish."""
    stopped = interrupts.Interrupted(getattr(exc, "signum", signal.SIGINT))
    print(f"render.py: interrupted ({stopped.name}); nothing was left half-written", file=sys.stderr)
    return stopped.exit_code


def died(exc: WorkerDied) -> int:
    print(f"render.py: {exc}", file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    # a str would be read character by character, bytes would make argparse fail with a TypeError
    odd = argv if not isinstance(argv, (list, tuple)) else next((a for a in argv if not isinstance(a, str)), "")
    if not isinstance(odd, str) or isinstance(argv, str):
        return fail(f"main takes a list of strings, e.g. main(['explore', '--out', 'x']), not a {type(odd).__name__}")
    interrupts.reset()
    try:
        command, options = parse(argv)
        if options.get("clear_cache"):
            return clear_cache()
        check_cache()
        if options.get("list"):
            return list_scenes(options)
        admitted = admit(command, options)
        if any(type(exporter).renders for exporter in admitted.exporters):
            check_latex()
        out = Path(options["out"]).expanduser()
        check_out(out)
        planned = [path for exporter in admitted.exporters for path in exporter.plan()]
        check_targets(out, planned, options["force"], lambda: exact_plan(admitted))
        if not options["dry_run"]:
            from rendering.voice.cues import check_voice

            check_voice(admitted.scenes, admitted.request, admitted.look, options["jobs"])
    except UserError as exc:
        return fail(str(exc))
    except WorkerDied as exc:  # --list and the takes' check run workers too
        return died(exc)
    kind = admitted.exporters[0].kind
    not_drawn = [not_drawn_record(refusal.scene, kind, refusal.reason) for refusal in admitted.refused]
    if options["dry_run"]:
        return dry_run(admitted, out)

    from rendering.manifest import inputs_record, write_manifest
    from rendering.run import execute

    start = time.monotonic()
    request, look = admitted.request, admitted.look
    try:
        placed, run_id = execute(list(admitted.exporters), request, look, out, options["jobs"], options["force"])
        for exporter in admitted.exporters:
            for scene, reason in exporter.failures:
                not_drawn.append(not_drawn_record(scene, exporter.kind, reason))
        if not placed:  # the folders made for it are gone (Staging.publish); a user's empty --out stays
            raise UserError("no scene could be drawn, so nothing was written")
        manifest = write_manifest(
            out,
            placed,
            inputs_record(request, look),
            request.trace().digest(),
            versions(),
            run_id,
            not_drawn,
            options["force"],
        )
    except KeyboardInterrupt as exc:
        return interrupted(exc)
    except WorkerDied as exc:
        return died(exc)
    except (UserError, ValueError, TypeError) as exc:  # e.g. a layout that does not fit, found while building
        return fail(str(exc))
    print(f"done in {time.monotonic() - start:.1f} s; written:")
    for item in placed:
        if not item.reused:
            print(f"  {item.path}")
    print(f"  {manifest}")
    for item in placed:
        if item.reused:
            print(f"reused (unchanged): {item.path}")
    if sys.stdout is not None:
        sys.stdout.flush()
    complete(out)
    return 0


def complete(out: Path) -> None:
    """Once every file and the manifest are in place: say so on stderr if a signal arrived meanwhile or the
    output streams could not show everything."""
    notes = streams.lost()
    if interrupts.deferred():
        notes.insert(0, f"{interrupts.deferred()} arrived while the files were being published")
    for note in notes:
        print(f"render.py: {note}; every file and the manifest in {out} are complete", file=sys.stderr)


def run() -> None:
    """The console entry point (``render.py``, ``attention-render``): Ctrl-C and SIGTERM clean up like any failure,
    and a fault of ours is one line too (ATTENTION_DEBUG=1 shows its traceback), never a traceback."""
    interrupts.install()  # SIGTERM cleans up as Ctrl-C does
    streams.guard_output()  # a closed pipe or an ASCII-only terminal never costs the files
    try:
        code = main(sys.argv[1:])
    except KeyboardInterrupt as exc:
        code = interrupted(exc)
    except Exception as exc:  # the last guard: a bug of ours, said in one line
        if os.environ.get("ATTENTION_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"render.py: internal error ({type(exc).__name__}: {message}); please report it", file=sys.stderr)
        code = 1
    sys.exit(code)
