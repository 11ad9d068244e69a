"""Where the project reaches into Manim's internals, kept in one place so that a Manim upgrade is checked here.

What belongs here: plays finished at once when nothing films them (``skipping``), a fast copy of typeset
mobjects (``cloning``), and damaged working files in Manim's caches treated as misses (``damaged_cache``,
installed here: every scene imports this package before Manim reads a cached file), and text typeset the same at
every output size (``text_canvas``, installed here too). Each module names the Manim internals it relies on.
"""

from scenes.manim_patches import damaged_cache, text_canvas

damaged_cache.install()
text_canvas.install()
