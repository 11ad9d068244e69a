"""The look of every scene: colours, fonts and the LaTeX template, loaded from assets/palettes.

No colour or font literal lives outside this module and the palette files it reads.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from manim import MathTex, Tex, TexTemplate, Text, ManimColor, interpolate_color

ASSETS = Path(__file__).resolve().parent.parent / "assets"
PALETTES = ASSETS / "palettes"
THEME_NAMES = tuple(sorted(p.stem for p in PALETTES.glob("*.toml")))


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    divider: str
    grid_line: str
    step_arrow: str
    arrow: str
    negative: str
    masked: str
    token_highlight: str
    x_box_fill: str
    formula_box: str
    fill_opacity: float
    matrix: dict = field(default_factory=dict)
    block: dict = field(default_factory=dict)
    fonts: dict = field(default_factory=dict)

    @property
    def serif(self) -> str:
        return self.fonts["serif"]

    @cached_property
    def tex_template(self) -> TexTemplate:
        template = TexTemplate()
        template.add_to_preamble((ASSETS / "latex" / "preamble.tex").read_text())
        return template

    def math(self, *tex: str, font_size: float = 40, color: str | None = None) -> MathTex:
        """Mathematics typeset with the theme's Times-like template (several strings: separate parts)."""
        return MathTex(*tex, tex_template=self.tex_template, font_size=font_size, color=color or self.text)

    def tex(self, tex: str, font_size: float = 40, color: str | None = None) -> Tex:
        return Tex(tex, tex_template=self.tex_template, font_size=font_size, color=color or self.text)

    def words(self, text: str, font_size: float = 32, color: str | None = None, weight: str = "NORMAL") -> Text:
        """Plain text in the serif; tokens go through here, so they are never read as LaTeX."""
        return Text(text, font=self.serif, font_size=font_size, color=color or self.text, weight=weight)

    def matrix_color(self, key: str) -> str:
        return self.matrix[key]

    def rendered_fill(self, key: str) -> ManimColor:
        """The base colour as the stills show it: at fill_opacity over the background."""
        return interpolate_color(ManimColor(self.background), ManimColor(self.matrix[key]), self.fill_opacity)


def load_theme(name: str = "video") -> Theme:
    path = PALETTES / f"{name}.toml"
    if not path.is_file():
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEME_NAMES)}")
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return Theme(**data)
