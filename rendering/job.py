"""One scene's work, run in a worker process: build it, render it, move its files into place.

Files go to the run's staging folder inside the output folder; render.py renames them into place
only when every job has succeeded, so an interrupted run never leaves a partial file at a final path.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .slots import CACHE, Slot, cache_slot

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Written:
    """A file put in place, and what the manifest says of it."""

    path: Path
    scene: str
    step: str
    kind: str  # video, section, subtitles, figure
    format: str
    resolution: tuple[int, int] | None = None
    fps: int | None = None
    extra: dict = field(default_factory=dict)


def step_name(cls) -> str:
    """A scene's step: its ``step`` attribute, else its class name in snake case."""
    return getattr(cls, "step", None) or re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def make_inputs(options: dict):
    import attention
    from scenes.base import Inputs
    from scenes.theme import load_theme

    source = {}
    if options.get("tokens"):
        source = {"tokens": list(options["tokens"])}
    elif options.get("sentence") is not None:
        source = {"sentence": options["sentence"]}
    trace = attention.example(d=options["d"], d_k=options["dk"], seed=options["seed"],
                              mask=None if options["mask"] == "none" else options["mask"], **source)
    return Inputs(trace=trace, theme=load_theme(options["theme"]), decimals=options["decimals"],
                  numbers=options["numbers"], heads=options["heads"], seed=options["seed"])


def _manim_config(slot: Slot, **settings) -> dict:
    return {"media_dir": str(slot.media), "tex_dir": str(slot.tex), "text_dir": str(slot.text),
            "progress_bar": "none", "verbosity": "WARNING", **settings}


def _checked(config, wanted: dict) -> None:
    """tempconfig silently drops keys it does not know: make sure each setting took effect."""
    for key, value in wanted.items():
        if key in ("media_dir", "tex_dir", "text_dir"):
            continue
        actual = config[key]
        if (str(actual) if isinstance(value, str) else actual) != value:
            raise RuntimeError(f"Manim ignored the setting {key}={value!r} (it has {actual!r})")


def build(scene_name: str, options: dict, then=None, **settings):
    """The scene with its animations skipped: every mobject in its final state, no video written.

    ``then(scene)`` runs while the scene's configuration (``settings``) is still in force.
    """
    from manim import config, tempconfig

    from scenes.catalog import by_name

    cls = by_name(scene_name)
    with cache_slot() as slot:
        with tempconfig(_manim_config(slot, dry_run=True, disable_caching=True, **settings)):
            _checked(config, settings)
            scene = cls(make_inputs(options), skip_animations=True)
            scene.render()
            if then is not None:
                then(scene)
    return scene


LENGTHS = CACHE / "lengths.json"


def _length_key(scene_name: str, options: dict) -> str:
    return hashlib.sha256(json.dumps([scene_name, options, _source_digest()], sort_keys=True).encode()).hexdigest()


def _known_lengths() -> dict:
    try:
        return json.loads(LENGTHS.read_text())
    except (OSError, ValueError):
        return {}


def cached_length(scene_name: str, options: dict) -> float | None:
    """The remembered length of a scene for these options and this version of the code, if any."""
    return _known_lengths().get(_length_key(scene_name, options))


def scene_length(scene_name: str, options: dict) -> float:
    """Seconds of video the scene plays; building it also proves its inputs can be drawn.

    Remembered per scene, options and version of the project's code (the key changes whenever a
    source file of the scenes, the core or the assets does), so `--list` is quick the second time.
    """
    length = float(build(scene_name, options).renderer.time)
    known = _known_lengths()
    known[_length_key(scene_name, options)] = length
    LENGTHS.parent.mkdir(parents=True, exist_ok=True)
    partial = LENGTHS.with_name(f".{LENGTHS.name}.{os.getpid()}")
    partial.write_text(json.dumps(known))
    os.replace(partial, LENGTHS)
    return length


def _source_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("attention/*.py"), *ROOT.glob("scenes/*.py"), *ROOT.glob("assets/**/*")]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def place(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target`` in the run's staging folder; render.py moves it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


PROGRESS_EVERY = 10.0  # percent between two progress lines of a scene


def _progress(cls, scene_name: str, step: str, length: float):
    """``cls`` printing a progress line (scene, current step, percent, elapsed) every 10 %."""
    start = time.monotonic()

    class Tracked(cls):
        _reported = -PROGRESS_EVERY

        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            percent = 100.0 * min(1.0, self.renderer.time / length) if length else 100.0
            if percent - self._reported >= PROGRESS_EVERY or percent >= 100.0 > self._reported:
                self._reported = percent
                sections = self.renderer.file_writer.sections
                current = sections[-1].name if sections and sections[-1].name != "autocreated" else step
                print(f"  {scene_name:16} {current:16} {percent:5.1f}%  {time.monotonic() - start:7.1f} s",
                      flush=True)

    Tracked.__name__ = Tracked.__qualname__ = scene_name
    return Tracked


def render_video(scene_name: str, options: dict, picture: dict, fmt: str, sections: bool, out: str) -> list[Written]:
    from manim import config, tempconfig

    from scenes.catalog import by_name

    cls = by_name(scene_name)
    step = step_name(cls)
    out = Path(out)
    # for the progress lines: remembered, or built once in its own slot (released before rendering)
    length = cached_length(scene_name, options) or scene_length(scene_name, options)
    with cache_slot() as slot:
        settings = {"pixel_width": picture["width"], "pixel_height": picture["height"],
                    "frame_rate": picture["fps"], "format": fmt, "transparent": options["transparent"],
                    "save_sections": sections, "output_file": scene_name, "disable_caching": False}
        with tempconfig(_manim_config(slot, **settings)):
            _checked(config, settings)
            scene = _progress(cls, scene_name, step, length)(make_inputs(options))
            scene.render()
            writer = scene.renderer.file_writer
            movie = writer.gif_file_path if fmt == "gif" else writer.movie_file_path
            sections_dir = writer.sections_output_dir if sections else None
        size = (picture["width"], picture["height"])
        written = [Written(place(movie, out / f"{scene_name}.{fmt}"), scene_name, step, "video", fmt,
                           size, picture["fps"])]
        srt = movie.with_suffix(".srt")
        if srt.is_file():
            written.append(Written(place(srt, out / f"{scene_name}.srt"), scene_name, step, "subtitles",
                                   "srt"))
        if sections_dir is not None:
            written += _sections(Path(sections_dir), scene_name, fmt, size, picture["fps"], out)
    return written


def _sections(folder: Path, scene_name: str, fmt: str, size, fps, out: Path) -> list[Written]:
    import json

    index = folder / f"{scene_name}.json"
    if not index.is_file():
        return []
    written = []
    for n, section in enumerate(json.loads(index.read_text())):
        source = folder / section["video"]
        if not source.is_file():
            continue
        name = section["name"]
        target = out / "sections" / scene_name / f"{n:02d}_{name}.{fmt}"
        written.append(Written(place(source, target), scene_name, name, "section", fmt, size, fps))
    return written


def render_figure(scene_name: str, options: dict, width: int, formats: list[str], out: str) -> list[Written]:
    """A still of the scene's final state: PNG at ``width`` px (16:9), and vector SVG/PDF."""
    from scenes.catalog import by_name

    from .vector import write_vector

    cls = by_name(scene_name)
    step = step_name(cls)
    out = Path(out) / "figures"
    out.mkdir(parents=True, exist_ok=True)
    height = round(width * 9 / 16)
    written = []

    def draw(scene):
        for kind in formats:
            target = out / f"{step}.{kind}"
            if kind == "png":
                camera = scene.renderer.camera
                camera.reset()
                camera.capture_mobjects(scene.mobjects)
                image = camera.get_image()
                (image if options["transparent"] else image.convert("RGB")).save(target, format="PNG")
            else:
                write_vector(scene, kind, target, options["transparent"])
            written.append(Written(target, scene_name, step, "figure", kind, (width, height)))

    build(scene_name, options, then=draw, pixel_width=width, pixel_height=height, transparent=options["transparent"])
    return written
