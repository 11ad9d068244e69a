"""The scenes the command line offers, found by class name or part name: the catalog, then the whole video."""

from __future__ import annotations

from scenes.catalog import SCENES
from scenes.scene import AttentionScene
from scenes.video.full_video import FullVideo
from scenes.video.lecture import Lecture

ALL_SCENES: tuple[type[AttentionScene], ...] = (*SCENES, FullVideo, Lecture)
DEFAULT_VIDEO = FullVideo


def by_name(name: str) -> type[AttentionScene]:
    """The scene whose class name or part name is ``name``; KeyError naming the known scenes otherwise."""
    for scene in ALL_SCENES:
        if name in (scene.__name__, scene.part.name):
            return scene
    known = ", ".join(s.__name__ for s in ALL_SCENES)
    raise KeyError(f"unknown scene {name!r}; known scenes: {known}")
