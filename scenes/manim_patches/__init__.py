"""Where the project reaches into Manim's internals, kept in one place so that a Manim upgrade is checked here.

What belongs here: the adapter the rest of the project calls instead of reading Manim's renderer, file writer and
camera (``adapter``: the movie, section clips, subtitles, early end, drawing onto our own Cairo context); plays
finished at once when nothing films them (``skipping``), a fast copy of mobjects (``cloning``: every deep copy,
Manim's SVG cache and the typesetting cache), damaged working files in Manim's caches treated as misses
(``damaged_cache``, installed here: every scene imports this package before Manim reads a cached file), LaTeX
typeset once for every worker (``shared_tex``, installed here, on once a render names its shared folder), LaTeX's
preamble loaded once as a format (``preloaded_preamble``), a one-part expression's SVG converted without Ghostscript
(``raw_group``), text typeset the same at every output size (``text_canvas``) and a held frame converted for the
codec once (``held_frames``), all installed here; each replaces a Manim function once, through ``wrapping``. Each
module names the Manim internals it relies on, and ``internals`` lists them all with the Manim release they were
checked against, for tests/test_manim_adapter.py.
"""

from scenes.manim_patches import (
    cloning,
    damaged_cache,
    held_frames,
    preloaded_preamble,
    raw_group,
    shared_tex,
    text_canvas,
)

damaged_cache.install()
shared_tex.install()  # after damaged_cache: a damaged SVG in the slot is discarded, then taken from the shared one
text_canvas.install()
held_frames.install()
preloaded_preamble.install()
raw_group.install()
cloning.install()
