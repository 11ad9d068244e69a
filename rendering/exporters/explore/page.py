"""An explorer page: the payload of ``payload.py`` inlined, with the page's style and script, into one HTML file
that needs no network (no CDN, system fonts, a Content-Security-Policy that forbids every fetch).

What belongs here: reading the page's files (``assets/explore/``, found by ``scenes/assets.py``: the template,
the style, and the script of explore.js and pickers.js), inlining them and writing the file.
"""

from __future__ import annotations

import base64
import gzip
import re
from pathlib import Path

import attention
from rendering.exporters.explore.payload import payload
from rendering.exporters.explore.runs import NEW_TOKENS
from rendering.html_safety import check_inlinable, html_text, script_json
from scenes.assets import ASSETS

PAGE_FILES = ASSETS / "explore"  # its template, style and script
# Above this the payload is gzipped (and base64'd) in the page and inflated by the browser's
# DecompressionStream: a pretrained model's 72 heads are several MB of text, the toy's four states are not.
COMPRESS_ABOVE = 400_000
_MARKER = re.compile(r"/\*\{\{(\w+)\}\}\*/|\{\{(\w+)\}\}")  # the template's markers, e.g. {{title}}


def asset(name: str) -> str:
    """The text of one of the page's assets (template.html, explore.css, explore.js)."""
    return (PAGE_FILES / name).read_text(encoding="utf-8")


def encode(data: dict) -> tuple[str, str]:
    """The payload as it goes in the page, and its encoding ("json" or "gzip+base64").

    >>> encode({"a": "<!--<script>"})
    ('{"a":"\\\\u003c!--\\\\u003cscript\\\\u003e"}', 'json')
    """
    text = script_json(data)  # nothing in it can end or change the <script> element it goes in
    if len(text.encode()) <= COMPRESS_ABOVE:
        return text, "json"
    packed = gzip.compress(text.encode(), compresslevel=9, mtime=0)  # mtime 0: the same page, the same bytes
    return base64.b64encode(packed).decode("ascii"), "gzip+base64"


def render(data: dict) -> str:
    """The page's HTML for ``data`` (a payload)."""
    body, encoding = encode(data)
    meta = data["meta"]
    values = {
        "title": html_text(f"{meta['title']}: {meta['describe']}"),
        "theme": html_text(meta["theme"]),
        "background": html_text(data["themes"][meta["theme"]]["palette"]["background"]),
        "encoding": encoding,
        "version": html_text(attention.__version__),
        "style": check_inlinable(asset("explore.css"), "style"),
        # one <script> of the page's own: explore.js, then the pickers it calls (defined before it runs them)
        "script": check_inlinable(asset("explore.js") + "\n" + asset("pickers.js"), "script"),
        "payload": body,
    }

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group(1) or match.group(2), match.group(0))

    # One pass over the template only: a token such as "{{payload}}" in the title is never read as a marker.
    return _MARKER.sub(fill, asset("template.html"))


def write_page(path: Path, request: attention.Request, theme: str = "video", new_tokens: int = NEW_TOKENS) -> Path:
    """Write the explorer page of ``request`` to ``path`` (its folder is made) and return the path; ``new_tokens``:
    how many tokens a decoder writes in the page's cached run.

    >>> import tempfile
    >>> out = write_page(Path(tempfile.mkdtemp()) / "explore.html", attention.Request.from_sentence("a b", d=2))
    >>> out.read_text().startswith("<!DOCTYPE html>")
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(payload(request, theme, new_tokens)), encoding="utf-8")
    return path
