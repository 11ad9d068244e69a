"""The palettes, read without Manim: the colours and fonts of each theme, as its TOML file under assets/palettes/ says.

Examples
--------
>>> read_palette("video")["matrix"]["Q"]
'#FF8313'
"""

from __future__ import annotations

import tomllib
from functools import cache

from scenes.assets import ASSETS

PALETTES = ASSETS / "palettes"
THEME_NAMES = tuple(sorted(p.stem for p in PALETTES.glob("*.toml")))


@cache
def read_palette(name: str) -> dict:
    """The palette ``name`` as its file says it; ValueError naming the known ones otherwise."""
    path = PALETTES / f"{name}.toml"
    if name not in THEME_NAMES or not path.is_file():
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEME_NAMES)}")
    with path.open("rb") as fh:
        return tomllib.load(fh)
