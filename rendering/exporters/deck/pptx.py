"""The PowerPoint lecture deck, written with python-pptx: one 16:9 slide per section, from a list of Slides.

Each slide has the section's title, its clip embedded as a movie (with the poster frame shown before it plays and
the accessible label as alt text), the theme's background and text colour, and the narration as speaker notes.
Nothing about HTML belongs here (see html.py); the shared record and checks are in slides.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rendering.exporters.deck.slides import (
    DeckError,
    Slide,
    atomic_file,
    check_colour,
    check_slides,
    image_size,
    video_mime,
)

# 16:9 at PowerPoint's own widescreen size, 13.333 in x 7.5 in.
SLIDE_WIDTH = 12_192_000
SLIDE_HEIGHT = 6_858_000
_INCH = 914_400
_MARGIN = _INCH // 2
_TITLE_TOP, _TITLE_HEIGHT = _INCH // 4, _INCH


def write_pptx(
    slides: Sequence[Slide],
    target: Path,
    *,
    background: str = "#FFFFFF",
    text: str = "#1D1E1A",
    title: str | None = None,
    title_size_pt: float = 32,
) -> Path:
    """Write the deck to `target` (e.g. deck/talk.pptx) and return it.

    `background` and `text` are the theme's colours (#RRGGBB): the slide background fill and the title colour.
    The movies play on click in the slide show (python-pptx's timing). Raises DeckError, leaving nothing
    half-written.
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Pt

    slides = check_slides(slides)
    background = check_colour(background, "background")
    text = check_colour(text, "text")
    target = Path(target)
    if target.suffix.lower() != ".pptx":
        raise DeckError(f"the PowerPoint deck's name must end in .pptx, not {target.name!r}")

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_WIDTH), Emu(SLIDE_HEIGHT)
    prs.core_properties.title = target.stem if title is None else title
    layout = next((lay for lay in prs.slide_layouts if lay.name == "Title Only"), prs.slide_layouts[5])
    fg, bg = RGBColor.from_string(text[1:]), RGBColor.from_string(background[1:])

    for number, section in enumerate(slides, 1):
        slide = prs.slides.add_slide(layout)
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = bg

        # The layout's title placeholder is placed for the template's 4:3 slide: move it onto the 16:9 one.
        # A placeholder rather than a text box, so that the outline, the slide list and screen readers see it.
        heading = slide.shapes.title
        heading.left, heading.top = Emu(_MARGIN), Emu(_TITLE_TOP)
        heading.width, heading.height = Emu(SLIDE_WIDTH - 2 * _MARGIN), Emu(_TITLE_HEIGHT)
        heading.text_frame.text = section.title
        for paragraph in heading.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = fg
                run.font.size = Pt(title_size_pt)

        left, top, width, height = _movie_box(section.poster)
        try:
            # python-pptx takes a path only as str (a Path would be read as a file object), and needs the
            # MIME type spelled out (its default is video/unknown).
            movie = slide.shapes.add_movie(
                str(section.clip),
                Emu(left),
                Emu(top),
                Emu(width),
                Emu(height),
                poster_frame_image=str(section.poster),
                mime_type=video_mime(section.clip),
            )
        except (OSError, ValueError) as exc:
            raise DeckError(f"slide {number} ({section.title!r}): cannot embed {section.clip}: {exc}") from None
        movie._element.nvPicPr.cNvPr.set("descr", section.label)  # alt text; python-pptx has no API for it

        slide.notes_slide.notes_text_frame.text = section.notes

    with atomic_file(target) as tmp:
        prs.save(str(tmp))
    return target


def _movie_box(poster: Path) -> tuple[int, int, int, int]:
    """(left, top, width, height) in EMU: the clip's aspect ratio (from its poster), as large as fits below the
    title, centred."""
    try:
        px_width, px_height = image_size(poster)
    except OSError as exc:
        raise DeckError(f"cannot read the poster {poster}: {exc}") from None
    box_left, box_top = _MARGIN, _TITLE_TOP + _TITLE_HEIGHT + _INCH // 8
    box_width, box_height = SLIDE_WIDTH - 2 * _MARGIN, SLIDE_HEIGHT - box_top - _INCH // 4
    scale = min(box_width / px_width, box_height / px_height)
    width, height = int(px_width * scale), int(px_height * scale)
    return box_left + (box_width - width) // 2, box_top + (box_height - height) // 2, width, height
