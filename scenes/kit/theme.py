"""The look of every scene: colours, fonts, type and stroke scales, and the LaTeX template.

Colours and fonts come from the palettes (``palette.py``, assets/palettes/); sizes are the named steps
below. No colour, font size or stroke width is written as a literal outside this module and the palette files it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from manim import ManimColor, MathTex, Tex, Text, TexTemplate, interpolate_color

from scenes.kit.palette import ASSETS, read_palette
from scenes.kit.text.scripts import font_families, left_to_right
from scenes.manim_patches.cloning import clone

RESULT = "R"  # the matrix key of attention's output
RESULT_OUTLINE_DARKER = 0.4  # of the way from R's colour to the text colour


@dataclass(frozen=True)
class TypeScale:
    """Font sizes (Manim's points), smallest to largest, named after what they mostly set."""

    tiny: float = 20  # a matrix's role, under its caption
    token: float = 22  # token labels beside grids, words in tables, the step pointer's "Mask"
    small: float = 24  # tick labels, captions of grids, a softmax's caption
    note: float = 26  # notes, table rows, "Step N", series names
    text: float = 28  # "Apply Softmax(.)", a rule of the heads
    callout: float = 30  # worked-row names, shape labels of small grids
    body: float = 32  # default words, worked sums, a rule under grids
    formula: float = 34  # the step formulas, masked-score labels
    math: float = 36  # shape arithmetic, sums, a sentence's tokens
    label: float = 40  # a matrix's shape label, block names, token words
    heading: float = 42  # a scene's title
    title: float = 44  # the paper's title, a brace's label, Q K V of the diagram
    operator: float = 48  # the operators between matrices: times, plus, equals


@dataclass(frozen=True)
class StrokeScale:
    """Stroke widths (Manim's units), thinnest to thickest."""

    none: float = 0
    hairline: float = 2  # the boxes of a table
    thin: float = 3  # a plot's axes and dashed guides, shape boxes
    regular: float = 4  # plain arrows, strike-throughs, a plot's series
    medium: float = 5  # highlight frames, the step pointer, seams
    bold: float = 6  # the arrows between matrices and inside the diagram
    divider: float = 7  # the vertical divider of the step layout
    rule: float = 9  # the paper's top rule
    guide: float = 12  # a wide, faint reference line under a plot's series
    cell_per_unit: float = 12  # a grid's cell outline, per unit of cell size ...
    cell_min: float = 1  # ... and at least this

    def cell(self, size: float) -> float:
        """The outline of a grid cell of side ``size``: thinner for smaller cells, never heavier than a plain
        arrow (the large cells of a magnified strip)."""
        return min(self.regular, max(self.cell_min, self.cell_per_unit * size))


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
    size: TypeScale = field(default_factory=TypeScale)
    stroke: StrokeScale = field(default_factory=StrokeScale)

    @property
    def serif(self) -> str:
        return self.fonts["serif"]

    @cached_property
    def tex_template(self) -> TexTemplate:
        template = TexTemplate()
        template.add_to_preamble((ASSETS / "latex" / "preamble.tex").read_text())
        return template

    def math(self, *tex: str, font_size: float | None = None, color: str | None = None) -> MathTex:
        """Mathematics typeset with the theme's Times-like template (several strings: separate parts)."""
        size, ink = font_size or self.size.label, str(color or self.text)
        return _typeset(
            ("math", self.name, tex, size, ink),
            lambda: MathTex(*tex, tex_template=self.tex_template, font_size=size, color=ink),
        )

    def tex(self, tex: str, font_size: float | None = None, color: str | None = None) -> Tex:
        return Tex(
            tex, tex_template=self.tex_template, font_size=font_size or self.size.label, color=color or self.text
        )

    def words(
        self, text: str, font_size: float | None = None, color: str | None = None, weight: str = "NORMAL"
    ) -> Text:
        """Plain text in the serif; tokens go through here, so they are never read as LaTeX. What the serif
        lacks comes from the fallback fonts, and Arabic or Hebrew is drawn right to left (scripts.py)."""
        size, ink, fonts = font_size or self.size.body, str(color or self.text), font_families(self.serif)
        return _typeset(
            ("words", fonts, text, size, ink, weight),
            lambda: Text(
                left_to_right(text), font=fonts, font_size=size, color=ink, weight=weight, warn_missing_font=False
            ),
        )

    def matrix_color(self, key: str) -> str:
        return self.matrix[key]

    def grid_stroke(self, key: str) -> ManimColor | str:
        """The outline of a grid's cells: grey, except the result R, outlined in its own colour as in the video,
        darkened so that a cell filled with the full colour (R's largest value) keeps its border."""
        if key == RESULT:
            return interpolate_color(ManimColor(self.matrix[key]), ManimColor(self.text), RESULT_OUTLINE_DARKER)
        return self.grid_line

    def rendered_fill(self, key: str) -> ManimColor:
        """The base colour as the stills show it: at fill_opacity over the background."""
        return interpolate_color(ManimColor(self.background), ManimColor(self.matrix[key]), self.fill_opacity)


# Typesetting parses an SVG (Pango's or dvisvgm's) into dozens of VMobjects, ~50 ms a string; a scene sets the
# same token labels and symbols again and again. Each is typeset once per process and cloned (under 1 ms).
_TYPESET: dict[tuple, MathTex | Text] = {}
_TYPESET_LIMIT = 4096


def _typeset(key: tuple, make):
    if key not in _TYPESET:
        if len(_TYPESET) >= _TYPESET_LIMIT:
            _TYPESET.clear()
        _TYPESET[key] = make()
    return clone(_TYPESET[key])


def load_theme(name: str = "video") -> Theme:
    return Theme(**read_palette(name))
