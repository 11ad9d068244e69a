"""Manim's internals, as the project relies on them, and the rule that only scenes/manim_patches/ touches them.

Every internal of ``scenes/manim_patches/internals.py`` is looked up in the installed Manim and checked for its kind
(a class, a function with the parameters the project calls or replaces it with, a property, an attribute each
instance has, seen on instances from one tiny real render): an upgrade that renames or reshapes one fails here,
naming it, before a render fails somewhere else. The adapter's functions run on that render. The rule is an
``ast`` scan (nothing imported) of the project's code outside scenes/manim_patches/.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import av
import cairo
import manim
import pytest
from manim import RIGHT, WHITE, Camera, FadeIn, Scene, Square, Transform, tempconfig
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from scenes.manim_patches import adapter, internals
from scenes.manim_patches.internals import CHECKED_WITH, RELIED_ON, Internal

ROOT = Path(__file__).resolve().parent.parent
PATCHES = ROOT / "scenes" / "manim_patches"
SCANNED = ("attention", "scenes", "rendering", "bench")  # the project's code, with the scripts at the top level
FPS = 10
RUN_TIME = 0.5


class TinyScene(Scene):
    """One filmed section with a subtitle, then a second one that ends the scene before it plays."""

    def construct(self):
        self.next_section("shown")
        self.play(FadeIn(Square()), run_time=RUN_TIME, subcaption="one", subcaption_duration=RUN_TIME)
        self.next_section("never")
        adapter.end_early()
        self.wait(1)  # not reached: the movie ends with "shown"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The rendered TinyScene: 64 x 36 pixels, 10 fps, its section clips saved."""
    media = tmp_path_factory.mktemp("tiny")
    settings = {
        "media_dir": str(media),
        "pixel_width": 64,
        "pixel_height": 36,
        "frame_rate": FPS,
        "save_sections": True,
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "WARNING",
        "format": "mp4",
    }
    with tempconfig(settings):
        scene = TinyScene()
        scene.render()
        movie = adapter.movie_path(scene)  # read while the render's configuration holds
    return scene, movie


def _instances(scene) -> dict[str, object]:
    """An instance of each class whose per-instance attributes are relied on, from the render or made here."""
    writer = scene.renderer.file_writer
    segment = VideoSegmentEncoder(
        target=Path(writer.movie_file_path).with_name("segment.mp4"), spec=writer.video_encoder
    )
    segment.abort()
    method_animation = Square().animate.shift(RIGHT).build()
    return {
        "manim.scene.scene:Scene": scene,
        internals.RENDERER: scene.renderer,
        internals.WRITER: writer,
        "manim.scene.section:Section": writer.sections[0],
        internals.ANIMATION: FadeIn(Square()),
        internals.TRANSFORM: Transform(Square(), Square().shift(RIGHT)),
        "manim.animation.transform:_MethodAnimation": method_animation,
        "manim.data_structures:MethodWithArgs": method_animation.methods[0],
        "manim.mobject.mobject:Mobject": Square().copy(),
        internals.SEGMENT: segment,
    }


def _resolve(owner: str):
    module, _, qualname = owner.partition(":")
    found = importlib.import_module(module)
    for name in filter(None, qualname.split(".")):
        found = getattr(found, name)
    return found


def problem(internal: Internal, instances: dict[str, object]) -> str | None:
    """What is wrong with ``internal`` in the installed Manim, or None when it is as relied on."""
    try:
        owner = _resolve(internal.owner)
    except (ImportError, AttributeError) as exc:
        return f"{internal.owner} is gone ({exc})"
    if internal.kind == "attribute":
        if internal.owner not in instances:
            return f"no instance of {internal.owner} to check {internal.name} on (add one to _instances)"
        instance = instances[internal.owner]
        if not isinstance(instance, owner):
            return f"the instance checked is a {type(instance).__name__}, not a {internal.owner}"
        if not hasattr(instance, internal.name):
            return "no such attribute on an instance"
        value = getattr(instance, internal.name)
        if internal.holds is not None and not isinstance(value, internal.holds):
            return f"holds a {type(value).__name__}, not a {internal.holds.__name__}"
        return None
    found = inspect.getattr_static(owner, internal.name, None)
    if found is None:
        return "missing"
    if internal.kind == "property":
        return None if isinstance(found, property) else f"is a {type(found).__name__}, not a property"
    if internal.kind in ("class", "exception"):
        if not inspect.isclass(found):
            return f"is a {type(found).__name__}, not a class"
        return None if internal.kind == "class" or issubclass(found, BaseException) else "is not an exception"
    if not inspect.isfunction(found):
        return f"is a {type(found).__name__}, not a function"
    # the parameters of the function Manim defines (a patch wraps it, keeping the original as __wrapped__)
    parameters = tuple(inspect.signature(inspect.unwrap(found)).parameters)
    if internal.params and parameters != internal.params:
        return f"takes {parameters}, not {internal.params}"
    return None


def test_manim_internals_are_as_relied_on(tiny):
    scene, _ = tiny
    instances = _instances(scene)
    changed = [f"  {internal} ({internal.kind}, for {internal.used_by}): {why}"
               for internal in RELIED_ON if (why := problem(internal, instances))]  # fmt: skip
    if changed:
        pytest.fail(
            f"Manim {manim.__version__} changed what scenes/manim_patches/ relies on (checked with {CHECKED_WITH}):\n"
            + "\n".join(changed),
            pytrace=False,
        )


def test_the_check_names_a_changed_internal(tiny):
    # the same checks on internals as they are not: each must be reported
    scene, _ = tiny
    instances = _instances(scene)
    camera = "manim.camera.camera:Camera"
    assert problem(Internal(internals.WRITER, "movie_path", "property", "adapter"), instances) == "missing"
    assert "not a property" in problem(Internal(internals.WRITER, "add_partial_movie_file", "property", "x"), {})
    one_parameter = Internal(camera, "get_cairo_context", "function", "x", ("self",))
    assert "takes ('self', 'pixel_array')" in problem(one_parameter, {})
    assert "holds a float" in problem(Internal(internals.RENDERER, "time", "attribute", "x", holds=int), instances)
    assert "no such attribute" in problem(Internal(internals.RENDERER, "clock", "attribute", "x"), instances)
    assert "is gone" in problem(Internal("manim.scene.no_such_module", "X", "class", "x"), {})


def test_each_internal_names_the_patch_that_needs_it():
    modules = {path.stem for path in PATCHES.glob("*.py")}
    for internal in RELIED_ON:
        for user in internal.used_by.split(", "):
            assert user in modules, f"{internal}: used_by names {user!r}, not a module of scenes/manim_patches/"


def test_the_adapter_reads_a_tiny_render(tiny):
    scene, movie = tiny
    frames = round(RUN_TIME * FPS)
    with av.open(str(movie)) as container:  # the movie holds the filmed section only: the scene ended early
        assert sum(1 for _ in container.decode(video=0)) == frames
    clips = adapter.section_clips(scene)
    assert list(clips) == ["shown"] and clips["shown"].is_file()
    assert adapter.subcaptions_of(scene) == [(0, round(RUN_TIME * 1e6), "one")]
    assert scene.time == pytest.approx(RUN_TIME)  # Manim's public clock, which the subtitles are on


def test_capture_into_draws_on_the_context_given():
    # a white square filling the middle of a 20 x 20 surface of our own, nothing in the camera's own pixels
    size = 20
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, size, size)
    context = cairo.Context(surface)
    context.set_matrix(cairo.Matrix(size / 4, 0, 0, -size / 4, size / 2, size / 2))  # 4 x 4 units, y up
    camera = Camera(pixel_width=size, pixel_height=size, frame_width=4, frame_height=4)
    adapter.capture_into(camera, [Square(side_length=2, color=WHITE, fill_opacity=1)], context)
    surface.flush()
    pixels = surface.get_data().cast("B")
    middle = (size // 2 * size + size // 2) * 4
    assert tuple(pixels[middle : middle + 4]) == (255, 255, 255, 255)
    assert not camera.pixel_array[..., :3].any()  # its own pixels hold the black background alone
    assert "get_cairo_context" not in vars(camera)  # the camera draws into its own pixels again


# ----- the rule: Manim's internals only in scenes/manim_patches/ --------------------------------------------------
# Attributes only Manim's renderer, file writer and camera have, and how one reaches them (``renderer``).
INTERNAL_ATTRIBUTES = frozenset(
    {
        "renderer",
        "file_writer",
        "movie_file_path",
        "gif_file_path",
        "sections_output_dir",
        "partial_movie_files",
        "output_plan",
        "get_cairo_context",
        "animations_hashes",
        "num_plays",
        "skip_animations",
        "_original_skipping_status",
        "add_partial_movie_file",
        "is_already_cached",
        "_text2svg",
        "_setup_scene",
    }
)
INTERNAL_MODULES = ("manim.renderer", "manim.scene.scene_file_writer", "manim.utils.exceptions", "manim._config")


def internal_uses(path: Path) -> list[str]:
    """Each line of ``path`` that touches a Manim internal: one of INTERNAL_ATTRIBUTES, an import from one of
    INTERNAL_MODULES, or a private name imported from Manim."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Attribute) and node.attr in INTERNAL_ATTRIBUTES:
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "manim":
            module = node.module
            if module.startswith(INTERNAL_MODULES) or any(alias.name.startswith("_") for alias in node.names):
                found.append((node.lineno, f"from {module} import {', '.join(a.name for a in node.names)}"))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names if a.name.startswith(INTERNAL_MODULES)]
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return [f"{shown}:{line}: {what}" for line, what in sorted(found)]


def _project_files() -> list[Path]:
    files = sorted(ROOT.glob("*.py"))
    for folder in SCANNED:
        files += sorted(p for p in (ROOT / folder).rglob("*.py") if not p.is_relative_to(PATCHES))
    return files


def test_the_rule_sees_each_kind_of_use(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "from manim.utils.exceptions import EndSceneEarlyException\n"
        "from manim.animation.transform import _MethodAnimation\n"
        "import manim.renderer.cairo_renderer\n"
        "t = scene.renderer.time\n"
        "camera.get_cairo_context = None\n"
        "from manim import Square\n"
        "scene.time, scene.camera.background_color\n"
    )
    lines = [use.rsplit(":", 2)[1] for use in internal_uses(module)]
    assert lines == ["1", "2", "3", "4", "5"]


def test_manim_internals_only_in_manim_patches():
    uses = [use for path in _project_files() for use in internal_uses(path)]
    if uses:
        pytest.fail(
            "Manim internals outside scenes/manim_patches/ (go through scenes/manim_patches/adapter.py, or add a "
            "function there):\n" + "\n".join(f"  {use}" for use in uses),
            pytrace=False,
        )
