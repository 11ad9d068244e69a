"""Every Manim internal the project relies on, as data: what each patch of this folder reads, calls or replaces.

Manim documents its scenes, mobjects, animations and ``config``; its renderer, file writer, camera internals and
private helpers are not part of that promise and change between releases. Each one used here is listed once with
what it must be (a class, a function with these parameters, a property, an attribute every instance has), so that
tests/test_manim_adapter.py checks them all against the installed Manim and names what changed. A new use of an
internal adds its line here.

Checked against Manim ``CHECKED_WITH``.
"""

from __future__ import annotations

from dataclasses import dataclass

CHECKED_WITH = "0.22.0"  # the Manim release these internals were read in (``manim.__version__``)
KINDS = ("class", "exception", "function", "property", "attribute")

WRITER = "manim.scene.scene_file_writer:SceneFileWriter"
RENDERER = "manim.renderer.cairo_renderer:CairoRenderer"
ANIMATION = "manim.animation.animation:Animation"
TRANSFORM = "manim.animation.transform:Transform"
TEXT = "manim.mobject.text.text_mobject"
PLAN = "manim._config.output_plan:OutputPlan"
SVG = "manim.mobject.svg.svg_mobject:SVGMobject"
SEGMENT = "manim.scene.video_segment_encoder:VideoSegmentEncoder"


@dataclass(frozen=True)
class Internal:
    """One thing of Manim's the project relies on beyond its documented API.

    ``owner`` is ``"module"`` or ``"module:Class"``; ``kind`` one of KINDS ("attribute": set on each instance,
    not on the class); ``params``, for a function, its parameters in order as the project calls or replaces it;
    ``holds``, for an attribute, the type of its value; ``used_by``, the module of this folder that needs it."""

    owner: str
    name: str
    kind: str
    used_by: str
    params: tuple[str, ...] = ()
    holds: type | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.owner}.{self.name}: kind must be one of {KINDS}, got {self.kind!r}")

    def __str__(self) -> str:
        return f"{self.owner.replace(':', '.')}.{self.name}"


RELIED_ON = (
    # adapter.py: the movie, the section clips, the subtitles, the early end, the camera's context
    Internal("manim.scene.scene", "Scene", "class", "adapter"),
    Internal("manim.scene.scene:Scene", "renderer", "attribute", "adapter"),
    Internal(RENDERER, "file_writer", "attribute", "adapter"),
    Internal(WRITER, "movie_file_path", "property", "adapter"),
    Internal(WRITER, "gif_file_path", "property", "adapter"),
    Internal(WRITER, "sections_output_dir", "property", "adapter"),
    Internal(WRITER, "sections", "attribute", "adapter", holds=list),
    Internal(WRITER, "subcaptions", "attribute", "adapter", holds=list),
    Internal("manim.scene.section:Section", "name", "attribute", "adapter", holds=str),
    Internal("manim.scene.section:Section", "video", "attribute", "adapter", holds=str),
    Internal("manim.utils.exceptions", "EndSceneEarlyException", "exception", "adapter"),
    Internal("manim.camera.camera:Camera", "get_cairo_context", "function", "adapter", ("self", "pixel_array")),
    # skipping.py: a skipped play's end state and the books Manim keeps of it
    Internal(RENDERER, "_original_skipping_status", "attribute", "skipping", holds=bool),
    Internal(RENDERER, "animations_hashes", "attribute", "skipping", holds=list),
    Internal(RENDERER, "time", "attribute", "skipping", holds=float),
    Internal(RENDERER, "num_plays", "attribute", "skipping", holds=int),
    Internal(WRITER, "add_partial_movie_file", "function", "skipping", ("self", "hash_animation")),
    Internal("manim.scene.scene:Scene", "compile_animations", "function", "skipping", ("self", "args", "kwargs")),
    Internal("manim.scene.scene:Scene", "get_run_time", "function", "skipping", ("self", "animations")),
    Internal("manim.scene.scene:Scene", "add_mobjects_from_animations", "function", "skipping", ("self", "animations")),
    Internal(ANIMATION, "_setup_scene", "function", "skipping", ("self", "scene")),
    Internal(ANIMATION, "is_remover", "function", "skipping", ("self",)),
    Internal(ANIMATION, "remover", "attribute", "skipping", holds=bool),
    Internal(TRANSFORM, "target_mobject", "attribute", "skipping"),
    Internal(TRANSFORM, "replace_mobject_with_target_in_scene", "attribute", "skipping", holds=bool),
    Internal("manim.animation.transform", "_MethodAnimation", "class", "skipping"),
    Internal("manim.animation.transform:_MethodAnimation", "methods", "attribute", "skipping", holds=list),
    Internal("manim.data_structures:MethodWithArgs", "method", "attribute", "skipping"),
    Internal("manim.data_structures:MethodWithArgs", "args", "attribute", "skipping"),
    Internal("manim.data_structures:MethodWithArgs", "kwargs", "attribute", "skipping", holds=dict),
    # damaged_cache.py: where Manim looks up its cached working files
    Internal(
        "manim.utils.tex_file_writing",
        "tex_to_svg_file",
        "function",
        "damaged_cache, shared_tex",
        ("expression", "environment", "tex_template"),
    ),
    Internal(
        "manim.utils.tex_file_writing",
        "generate_tex_file",
        "function",
        "damaged_cache, shared_tex",
        ("expression", "environment", "tex_template"),
    ),
    Internal("manim.mobject.text.tex_mobject", "tex_to_svg_file", "function", "damaged_cache, shared_tex"),
    Internal(f"{TEXT}:Text", "_text2svg", "function", "damaged_cache, text_canvas", ("self", "color")),
    Internal(f"{TEXT}:MarkupText", "_text2svg", "function", "damaged_cache", ("self", "color")),
    Internal(WRITER, "is_already_cached", "function", "damaged_cache", ("self", "hash_invocation")),
    Internal(WRITER, "output_plan", "attribute", "damaged_cache"),
    Internal(PLAN, "segment_path", "function", "damaged_cache", ("self", "cache_key")),
    # preloaded_preamble.py: the command Manim runs LaTeX with
    Internal(
        "manim.utils.tex_file_writing",
        "make_tex_compilation_command",
        "function",
        "preloaded_preamble",
        ("tex_compiler", "output_format", "tex_file", "tex_dir"),
    ),
    # raw_group.py: the conversion of a typeset DVI to SVG
    Internal(
        "manim.utils.tex_file_writing", "convert_to_svg", "function", "raw_group", ("dvi_file", "extension", "page")
    ),
    # held_frames.py: a repeated frame encoded by the segment encoder
    Internal(SEGMENT, "write_frame", "function", "held_frames", ("self", "pixels", "repeat")),
    Internal(SEGMENT, "_validate_frame", "function", "held_frames", ("self", "pixels", "repeat")),
    Internal(SEGMENT, "_operation_error", "function", "held_frames", ("self", "operation", "error")),
    Internal(SEGMENT, "_stream", "attribute", "held_frames"),
    Internal(SEGMENT, "_container", "attribute", "held_frames"),
    Internal(SEGMENT, "_next_pts", "attribute", "held_frames", holds=int),
    Internal(SEGMENT, "spec", "attribute", "held_frames"),
    # cloning.py: a mobject's deep copy, and a copy's link to its original, as Mobject.copy sets it
    Internal("manim.mobject.mobject:Mobject", "original_id", "attribute", "cloning"),
    Internal("manim.mobject.mobject:Mobject", "__deepcopy__", "function", "cloning", ("self", "clone_from_id")),
    Internal(SVG, "init_svg_mobject", "function", "cloning", ("self", "use_svg_cache")),
    Internal(SVG, "generate_mobject", "function", "cloning", ("self",)),
    Internal(SVG, "hash_seed", "property", "cloning"),
    Internal("manim.mobject.svg.svg_mobject", "hash_obj", "function", "cloning"),
)
