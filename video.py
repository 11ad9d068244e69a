"""Entry point for plain Manim: `manim -ql video.py FullVideo`, or any scene of `python render.py --list`.

Each scene file also runs on its own (`manim -ql scenes/video/step_softmax.py Step3Softmax`). Manim only
offers classes whose module starts with the file's module name, so each scene is re-declared here as
a trivial subclass.
"""

from scenes.registry import ALL_SCENES

for _scene in ALL_SCENES:
    globals()[_scene.__name__] = type(_scene.__name__, (_scene,), {"__module__": __name__})
