"""Entry point for plain Manim: `manim -ql video.py FullVideo`, or any scene of `python render.py --list`.

Manim only offers classes whose module starts with this file's module name, so each scene of
the catalog is re-declared here as a trivial subclass.
"""

from scenes.catalog import SCENES

for _scene in SCENES:
    globals()[_scene.__name__] = type(_scene.__name__, (_scene,), {"__module__": __name__})
