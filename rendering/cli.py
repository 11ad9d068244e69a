"""The command line for the three uses: the video (or some scenes), lecture clips and decks, article figures.

render.py                          the whole video, 720p30, into renders/
render.py Step1MatMul -q h         one scene at 1080p60
render.py --sections               one clip per section as well as the whole
render.py Step3Softmax -t --format webm    a clip with alpha, for slides
render.py figures                  PNG (3840 px), SVG and PDF of every scene
render.py deck                     deck/video.html (offline) and deck/video.pptx, a slide per section
render.py --list                   every scene, what it shows, its length
"""

from __future__ import annotations

import shutil
import signal
import sys
import time
import uuid
from pathlib import Path

import attention

from .errors import UserError
from .exporters import DeckExporter, Exporter, FiguresExporter, SectionsExporter, VideoExporter
from .options import inputs_record, look_of, out_dir, parse, picture_of, request_of
from .spec import Look


def fail(message: str) -> int:
    print(f"render.py: {message}", file=sys.stderr)
    return 2


def resolve(names: list[str], figures: bool, request: attention.Request) -> list[type]:
    """Scene classes for names given as class or part names; the default: the video, or the figures of every
    scene that can show the request's kind of trace (with a model: the video's scenes and the layer's heads).
    A scene named that cannot show it (a toy-only topic with --model, the heads without) is a UserError."""
    from scenes.catalog import SCENES
    from scenes.registry import DEFAULT_VIDEO, by_name

    if not names:
        return [scene for scene in SCENES if scene.part.draws(request)] if figures else [DEFAULT_VIDEO]
    chosen = []
    for name in names:
        try:
            scene = by_name(name)
        except KeyError as exc:
            raise UserError(f"{exc.args[0]} (see --list)") from None
        if not scene.part.draws(request):
            raise UserError(scene.part.source_refusal(scene.__name__, request))
        if scene not in chosen:
            chosen.append(scene)
    return chosen


def check_length(request: attention.Request) -> None:
    """The tokens can be drawn at all (every scene has the same limit): one line for all scenes, not one each."""
    from scenes.layout import check_drawable, check_model_tokens

    try:
        if request.model is not None:
            check_model_tokens(request.T, request.model_name)
        else:
            check_drawable(request.T, None)
    except ValueError as exc:
        raise UserError(str(exc)) from None


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


def check_targets(out: Path, paths: list[str]) -> None:
    """Each planned file can land at its path: it is not a folder, and no folder on its way is a file."""
    for relative in paths:
        target = out / relative
        if target.is_dir():
            raise UserError(f"cannot write {target}: it is a folder")
        for folder in target.relative_to(out).parents:
            if (out / folder).exists() and not (out / folder).is_dir():
                raise UserError(f"cannot write {target}: {out / folder} is a file, not a folder")


def check_drawable(classes, request: attention.Request, look: Look) -> None:
    """Each scene can draw the request (checked without building a Scene, which would make Manim's folders)."""
    try:
        inputs = look.inputs(request)
        for cls in classes:
            cls.check_inputs(inputs)
    except (ValueError, TypeError) as exc:
        raise UserError(str(exc)) from None


def drawable(classes, request: attention.Request, look: Look, kind: str) -> tuple[list, list[dict]]:
    """The scenes that can draw the request, and a record of each that cannot (named on stderr with the reason):
    for figures, one scene that cannot draw an input must not keep the others' figures from being written."""
    try:
        inputs = look.inputs(request)
    except (ValueError, TypeError) as exc:
        raise UserError(str(exc)) from None
    able, not_drawn = [], []
    for cls in classes:
        try:
            cls.check_inputs(inputs)
            able.append(cls)
        except (ValueError, TypeError) as exc:
            not_drawn.append(not_drawn_record(cls.__name__, kind, str(exc)))
    return able, not_drawn


def not_drawn_record(scene: str, kind: str, reason: str) -> dict:
    print(f"render.py: {scene} cannot be drawn, its {kind} are left out: {reason}", file=sys.stderr)
    return {"scene": scene, "kind": kind, "reason": reason}


def list_scenes(classes, request: attention.Request, look: Look, jobs: int) -> int:
    from .manim_jobs import cached_length, scene_length
    from .pool import run_jobs

    shown = [cls for cls in classes if cls.part.draws(request)]  # the others cannot be built for this request
    lengths = {cls.__name__: cached_length(cls.__name__, request, look) for cls in shown}
    missing = [name for name, length in lengths.items() if length is None]
    if missing:
        calls = [(scene_length, (name, request, look)) for name in missing]
        lengths.update(zip(missing, run_jobs(jobs, calls), strict=True))
    for cls in classes:
        if cls in shown:
            print(f"{cls.__name__:18} {cls.part.name:18} {lengths[cls.__name__]:6.1f} s  {cls.part.description}")
        else:
            needs = "toy model only" if request.model is not None else "needs --model"
            print(f"{cls.__name__:18} {cls.part.name:18} {'':8}  {cls.part.description} ({needs})")
    return 0


def exporters_for(kind: str, args, classes) -> list[Exporter]:
    if kind == "figures":
        return [FiguresExporter(classes, args.width, args.formats, args.crop)]
    picture = picture_of(args)
    if kind == "deck":
        return [DeckExporter(classes, picture, args.theme, args.deck_media, args.deck_name, args.format)]
    chosen: list[Exporter] = [VideoExporter(classes, picture, args.format)]
    if args.sections:
        chosen.append(SectionsExporter(classes, picture, args.format))
    return chosen


def versions() -> dict:
    import manim

    return {
        "project": "self-attention-animated",
        "project_version": attention.__version__,
        "manim_version": manim.__version__,
    }


def dry_run(classes, exporters, request, look, out: Path) -> int:
    from .manim_jobs import scene_length

    try:
        for cls in classes:
            print(f"built {cls.__name__} ({scene_length(cls.__name__, request, look):.1f} s of video)")
    except (ValueError, TypeError) as exc:
        return fail(str(exc))
    print("would write:")
    for path in [p for exporter in exporters for p in exporter.plan()] + ["manifest.json"]:
        print(f"  {out / path}")
    return 0


def clear_cache() -> int:
    from .cache import Store

    store = Store()
    entries, size = store.clear()
    print(f"cleared the output cache {store.root}: {entries} render(s), {size / 1e6:.1f} MB")
    return 0


def main(argv: list[str]) -> int:
    try:
        kind, args = parse(argv)
        if kind == "video" and args.clear_cache:
            return clear_cache()
        from scenes.registry import ALL_SCENES

        request, look = request_of(args), look_of(args)
        listing = kind == "video" and args.list
        classes = list(ALL_SCENES) if listing else resolve(args.scenes, kind == "figures", request)
        check_length(request)
        not_drawn: list[dict] = []
        if kind == "figures":
            classes, not_drawn = drawable(classes, request, look, kind)
            if not classes:
                raise UserError("no scene can draw this input, so no figure was written")
        else:  # --list names the scenes that cannot show this kind of trace, without building them
            check_drawable([cls for cls in classes if cls.part.draws(request)] if listing else classes, request, look)
        if kind == "video" and args.list:
            return list_scenes(classes, request, look, args.jobs)
        exporters = exporters_for(kind, args, classes)
        for exporter in exporters:
            exporter.check(look)
        check_latex()
        out = out_dir(args)
        check_out(out)
        check_targets(out, [path for exporter in exporters for path in exporter.plan()])
    except UserError as exc:
        return fail(str(exc))
    if args.dry_run:
        return dry_run(classes, exporters, request, look, out)

    from .manifest import write_manifest
    from .run import execute

    start = time.monotonic()
    try:
        placed, run_id = execute(exporters, request, look, out, args.jobs)
        for exporter in exporters:
            for scene, reason in getattr(exporter, "failures", ()):
                not_drawn.append(not_drawn_record(scene, exporter.kind, reason))
        if not placed:
            if out.is_dir() and not any(out.iterdir()):
                out.rmdir()  # made for this run, which wrote nothing
            raise UserError("no scene could be drawn, so nothing was written")
        manifest = write_manifest(
            out, placed, inputs_record(request, look), request.trace().digest(), versions(), run_id, not_drawn
        )
    except KeyboardInterrupt:
        print("render.py: interrupted; nothing was left half-written", file=sys.stderr)
        return 130
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
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run() -> None:
    """The console entry point: Ctrl-C and SIGTERM clean up like any failure."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)  # a killed job cleans up like Ctrl-C
    sys.exit(main(sys.argv[1:]))
