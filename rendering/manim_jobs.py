"""Manim's side of a run, in a worker process: build a scene, render its movie or its stills, measure its length.

Each render works in a private cache slot (see slots.py) and copies what it made into the run's work
folder; the exporters take their files from there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import attention

from .slots import CACHE, Slot, cache_slot
from .spec import Look, Movie, MovieJob, StillJob

ROOT = Path(__file__).resolve().parent.parent
LENGTHS = CACHE / "lengths.json"
PROGRESS_EVERY = 10.0  # percent between two progress lines of a scene


def _manim_config(slot: Slot, **settings) -> dict:
    return {
        "media_dir": str(slot.media),
        "tex_dir": str(slot.tex),
        "text_dir": str(slot.text),
        "progress_bar": "none",
        "verbosity": "WARNING",
        **settings,
    }


def _checked(config, wanted: dict) -> None:
    """tempconfig silently drops keys it does not know: make sure each setting took effect."""
    for key, value in wanted.items():
        actual = config[key]
        if (str(actual) if isinstance(value, str) else actual) != value:
            raise RuntimeError(f"Manim ignored the setting {key}={value!r} (it has {actual!r})")


def build(scene_name: str, request: attention.Request, look: Look, then=None, **settings):
    """The scene with its animations skipped: every mobject in its final state, no video written.

    ``then(scene)`` runs while the scene's configuration (``settings``) is still in force.
    """
    from manim import config, tempconfig

    from scenes.registry import by_name

    cls = by_name(scene_name)
    with cache_slot() as slot, tempconfig(_manim_config(slot, dry_run=True, disable_caching=True, **settings)):
        _checked(config, settings)
        scene = cls(look.inputs(request), skip_animations=True)
        scene.render()
        if then is not None:
            then(scene)
    return scene


# ----- scene lengths, remembered per scene, inputs and code -----------------------------------
def _length_key(scene_name: str, request: attention.Request, look: Look) -> str:
    text = json.dumps([scene_name, repr(request), repr(look), source_digest()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _known_lengths() -> dict:
    try:
        return json.loads(LENGTHS.read_text())
    except (OSError, ValueError):
        return {}


def cached_length(scene_name: str, request: attention.Request, look: Look) -> float | None:
    """The remembered length of a scene for these inputs and this version of the code, if any."""
    return _known_lengths().get(_length_key(scene_name, request, look))


def scene_length(scene_name: str, request: attention.Request, look: Look) -> float:
    """Seconds of video the scene plays; building it also proves its inputs can be drawn.

    Remembered per scene, inputs and version of the project's code (the key changes whenever a source
    file of the scenes, the core or the assets does), so `--list` is quick the second time.
    """
    length = float(build(scene_name, request, look).renderer.time)
    known = _known_lengths()
    known[_length_key(scene_name, request, look)] = length
    LENGTHS.parent.mkdir(parents=True, exist_ok=True)
    partial = LENGTHS.with_name(f".{LENGTHS.name}.{os.getpid()}")
    partial.write_text(json.dumps(known))
    os.replace(partial, LENGTHS)
    return length


def source_digest() -> str:
    """sha256 over the code and assets that draw a scene: the core, the scenes and the assets."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("attention/*.py"), *ROOT.glob("scenes/*.py"), *ROOT.glob("assets/**/*")]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# ----- movies -----------------------------------------------------------------------------------
def _progress(cls, scene_name: str, length: float):
    """``cls`` printing a progress line (scene, current section, percent, elapsed) every 10 %."""
    start = time.monotonic()

    class Tracked(cls):
        _reported = -PROGRESS_EVERY

        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            percent = 100.0 * min(1.0, self.renderer.time / length) if length else 100.0
            if percent - self._reported >= PROGRESS_EVERY or percent >= 100.0 > self._reported:
                self._reported = percent
                sections = self.renderer.file_writer.sections
                current = sections[-1].name if sections and sections[-1].name != "autocreated" else cls.part.name
                print(f"  {scene_name:16} {current:16} {percent:5.1f}%  {time.monotonic() - start:7.1f} s", flush=True)

    Tracked.__name__ = Tracked.__qualname__ = scene_name
    return Tracked


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def render_movie(job: MovieJob, request: attention.Request, look: Look, work: str) -> Movie:
    """Render ``job``'s scene to a movie in a cache slot; copy the movie, its subtitles and (if asked) its
    section clips into the folder ``work``."""
    from manim import config, tempconfig

    from scenes.registry import by_name

    cls = by_name(job.scene)
    work = Path(work)
    # for the progress lines: remembered, or built once in its own slot (released before rendering)
    length = cached_length(job.scene, request, look) or scene_length(job.scene, request, look)
    picture = job.picture
    with cache_slot() as slot:
        settings = {
            "pixel_width": picture.width,
            "pixel_height": picture.height,
            "frame_rate": picture.fps,
            "format": job.format,
            "transparent": look.transparent,
            "save_sections": job.sections,
            "output_file": job.scene,
            "disable_caching": False,
        }
        with tempconfig(_manim_config(slot, **settings)):
            _checked(config, settings)
            scene = _progress(cls, job.scene, length)(look.inputs(request))
            scene.render()
            writer = scene.renderer.file_writer
            movie = Path(writer.gif_file_path if job.format == "gif" else writer.movie_file_path)
            sections_dir = Path(writer.sections_output_dir) if job.sections else None
        path = _copy(movie, work / f"{job.scene}.{job.format}")
        srt = movie.with_suffix(".srt")
        subtitles = _copy(srt, work / f"{job.scene}.srt") if srt.is_file() else None
        sections = _section_clips(sections_dir, job.scene, work) if sections_dir is not None else ()
    return Movie(path, subtitles, sections)


def _section_clips(folder: Path, scene_name: str, work: Path) -> tuple[tuple[str, Path], ...]:
    index = folder / f"{scene_name}.json"
    if not index.is_file():
        return ()
    clips = []
    for n, section in enumerate(json.loads(index.read_text())):
        source = folder / section["video"]
        if source.is_file():
            name = section["name"]
            clips.append((name, _copy(source, work / "sections" / f"{n:02d}_{name}{source.suffix}")))
    return tuple(clips)


# ----- stills -----------------------------------------------------------------------------------
def render_stills(job: StillJob, request: attention.Request, look: Look, work: str) -> dict[str, Path]:
    """A still of the scene's final state in each format: PNG at ``job.width`` px (16:9), vector SVG and PDF."""
    from .vector import write_vector

    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    height = round(job.width * 9 / 16)
    written = {}

    def draw(scene):
        for kind in job.formats:
            target = work / f"{job.scene}.{kind}"
            if kind == "png":
                camera = scene.renderer.camera
                camera.reset()
                camera.capture_mobjects(scene.mobjects)
                image = camera.get_image()
                (image if look.transparent else image.convert("RGB")).save(target, format="PNG")
            else:
                write_vector(scene, kind, target, look.transparent)
            written[kind] = target

    build(job.scene, request, look, then=draw, pixel_width=job.width, pixel_height=height, transparent=look.transparent)
    return written
