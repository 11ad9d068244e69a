"""The HTML lecture deck: one self-contained file, one slide per section, from a list of Slides.

The page's look and behaviour are real files under assets/deck/ (template.html, deck.css, deck.js), inlined here so
that the deck needs no network and works from file:// or a USB stick. This module only fills the template: the
markup of each slide, the theme colours, where the clips go (embedded as data: URIs, or beside the HTML), and,
when the clips carry the narration, the sound's status and its key (M). A silent deck's page has neither.
"""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from rendering.exporters.deck.slides import (
    DeckError,
    Slide,
    atomic_file,
    atomic_folder,
    check_colour,
    check_slides,
    has_sound,
    image_size,
    video_mime,
)
from rendering.html_safety import check_inlinable, html_text
from scenes.assets import ASSETS

PAGE_FILES = ASSETS / "deck"  # its template, style and script
_MARKER = re.compile(r"@@([A-Z]+)@@")

Media = Literal["embed", "beside"]
# A narrated deck's sound status in the footer: what deck.js says there is read out when it changes
_SOUND_STATUS = '<span id="deck-sound" class="deck-sound" role="status" aria-live="polite" aria-atomic="true"></span>'


def media_folder(target: Path) -> Path:
    """Where media="beside" puts the clips and posters of `target`: deck/talk.html -> deck/talk_media/."""
    target = Path(target)
    return target.with_name(f"{target.stem}_media")


def write_html(
    slides: Sequence[Slide],
    target: Path,
    *,
    media: Media = "embed",
    background: str = "#FFFFFF",
    text: str = "#1D1E1A",
    title: str | None = None,
    lang: str = "en",
) -> Path:
    """Write the deck to `target` (e.g. deck/talk.html) and return it.

    media="embed" puts every clip and poster into the HTML as a data: URI (one file to carry around);
    media="beside" copies them to <stem>_media/ next to it, referenced by relative paths (for very large decks).
    `background` and `text` are the theme's colours (#RRGGBB). Raises DeckError, leaving nothing half-written.
    """
    slides = check_slides(slides)
    if media not in ("embed", "beside"):
        raise DeckError(f"media must be 'embed' or 'beside', not {media!r}")
    background = check_colour(background, "background")
    text = check_colour(text, "text")
    target = Path(target)
    if target.suffix.lower() not in (".html", ".htm"):
        raise DeckError(f"the HTML deck's name must end in .html, not {target.name!r}")
    title = target.stem if title is None else title
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", lang):
        raise DeckError(f"lang must be a language tag such as 'en' or 'de-CH', not {lang!r}")

    if media == "embed":
        sources = [(_data_uri(s.clip, video_mime(s.clip)), _data_uri(s.poster, "image/png")) for s in slides]
        page = _page(slides, sources, background, text, title, lang)
        with atomic_file(target) as tmp:
            tmp.write_text(page, encoding="utf-8")
        return target

    folder = media_folder(target)
    with atomic_folder(folder) as (tmp_folder, commit):
        sources = []
        for number, slide in enumerate(slides, 1):
            clip_name = f"{number:02d}{Path(slide.clip).suffix.lower()}"
            poster_name = f"{number:02d}.png"
            _copy(slide.clip, tmp_folder / clip_name)
            _copy(slide.poster, tmp_folder / poster_name)
            # relative URLs: quote() keeps a deck name with spaces, '#' or '?' from breaking them
            base = quote(folder.name) + "/"
            sources.append((base + clip_name, base + poster_name))
        page = _page(slides, sources, background, text, title, lang)
        with atomic_file(target) as tmp:
            tmp.write_text(page, encoding="utf-8")
            commit()  # the media folder lands just before the HTML that refers to it
    return target


# ----- the page ---------------------------------------------------------------------------------------------------
def _page(
    slides: list[Slide], sources: list[tuple[str, str]], background: str, text: str, title: str, lang: str
) -> str:
    template = _asset("template.html")
    try:
        css, js = check_inlinable(_asset("deck.css"), "style"), check_inlinable(_asset("deck.js"), "script")
    except ValueError as exc:
        raise DeckError(f"assets/deck/deck.css or deck.js cannot be inlined: {exc}") from None
    total = len(slides)
    markup = "\n".join(
        _slide(number, total, slide, clip, poster)
        for number, (slide, (clip, poster)) in enumerate(zip(slides, sources, strict=True), 1)
    )
    narrated = any(has_sound(slide.clip) for slide in slides)
    values = {
        "LANG": lang,
        # deck.js plays the voice as browsers allow (after the first key press), M mutes, #deck-sound says so
        "SOUND": " data-deck-sound" if narrated else "",
        "MUTEKEY": ", M sound on/off" if narrated else "",
        "MUTEHELP": " · M sound on/off" if narrated else "",
        "SOUNDSTATUS": _SOUND_STATUS if narrated else "",
        "TITLE": html_text(title),
        "BACKGROUND": background,
        "TEXT": text,
        "SCHEME": "dark" if _luminance(background) < 0.4 else "light",  # native controls follow it
        "CSS": css,
        "JS": js,
        "SLIDES": markup,
    }

    def fill(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            raise DeckError(f"assets/deck/template.html has an unknown marker {match.group(0)}")
        return values[match.group(1)]

    # One pass over the template only: text that lands in the page is never scanned for markers.
    return _MARKER.sub(fill, template)


def _slide(number: int, total: int, slide: Slide, clip: str, poster: str) -> str:
    title, label, clip, poster = (html_text(value) for value in (slide.title, slide.label, clip, poster))
    mime = video_mime(slide.clip)
    try:
        width, height = image_size(slide.poster)  # the clip's size, for the layout before it loads
    except OSError as exc:
        raise DeckError(f"cannot read the poster {slide.poster}: {exc}") from None
    return f"""<section class="slide" id="slide-{number}" aria-roledescription="slide" \
aria-label="{number} of {total}: {title}" data-title="{title}">
  <h2 class="slide-title">{title}</h2>
  <div class="slide-frame">
    <video class="slide-video" src="{clip}" poster="{poster}" preload="none" controls playsinline \
width="{width}" height="{height}" style="--deck-ar: {width / height:.6f}" aria-label="{label}">
      <p>{label}. This browser cannot play embedded video.</p>
    </video>
    <p class="slide-error" hidden>This browser cannot play this clip ({mime}).</p>
  </div>
  <div class="slide-notes" hidden>{html_text(slide.notes)}</div>
</section>"""


def _data_uri(path: Path, mime: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DeckError(f"cannot read {path}: {exc.strerror or exc}") from None
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def _copy(source: Path, destination: Path) -> None:
    try:
        shutil.copyfile(source, destination)
    except OSError as exc:
        raise DeckError(f"cannot copy {source} to {destination.parent}: {exc.strerror or exc}") from None


def _asset(name: str) -> str:
    path = PAGE_FILES / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DeckError(f"cannot read the deck asset {path}: {exc.strerror or exc}") from None


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG) of #RRGGBB, 0 (black) to 1 (white)."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
