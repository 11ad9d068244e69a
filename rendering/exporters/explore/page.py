"""An explorer page: the payload of ``payload.py`` inlined, with the page's style and script, into one HTML file
that needs no network (no CDN, system fonts, a Content-Security-Policy that forbids every fetch).

What belongs here: reading the assets (``importlib.resources``), inlining them and writing the file.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from importlib.resources import files
from pathlib import Path

import attention
from rendering.exporters.explore.payload import payload

ASSETS = files(__package__) / "assets"
# Above this the payload is gzipped (and base64'd) in the page and inflated by the browser's
# DecompressionStream: a pretrained model's 72 heads are several MB of text, the toy's four states are not.
COMPRESS_ABOVE = 400_000


def asset(name: str) -> str:
    """The text of one of the page's assets (template.html, explore.css, explore.js)."""
    return (ASSETS / name).read_text(encoding="utf-8")


def encode(data: dict) -> tuple[str, str]:
    """The payload as it goes in the page, and its encoding ("json" or "gzip+base64").

    >>> encode({"a": "</script>"})
    ('{"a":"<\\\\/script>"}', 'json')
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if len(text.encode()) <= COMPRESS_ABOVE:
        return text.replace("</", "<\\/"), "json"  # no "</script>" may close the element early
    packed = gzip.compress(text.encode(), compresslevel=9, mtime=0)  # mtime 0: the same page, the same bytes
    return base64.b64encode(packed).decode("ascii"), "gzip+base64"


def render(data: dict) -> str:
    """The page's HTML for ``data`` (a payload)."""
    body, encoding = encode(data)
    meta = data["meta"]
    page = asset("template.html")
    for marker, value in (
        ("{{title}}", html.escape(f"{meta['title']}: {meta['describe']}")),
        ("{{theme}}", html.escape(meta["theme"])),
        ("{{background}}", html.escape(data["themes"][meta["theme"]]["palette"]["background"])),
        ("{{encoding}}", encoding),
        ("{{version}}", html.escape(attention.__version__)),
        ("/*{{style}}*/", asset("explore.css")),
        ("/*{{script}}*/", asset("explore.js")),
        ("{{payload}}", body),  # last: nothing in the payload is read as a marker
    ):
        page = page.replace(marker, value)
    return page


def write_page(path: Path, request: attention.Request, theme: str = "video") -> Path:
    """Write the explorer page of ``request`` to ``path`` (its folder is made) and return the path.

    >>> import tempfile
    >>> out = write_page(Path(tempfile.mkdtemp()) / "explore.html", attention.Request.from_sentence("a b", d=2))
    >>> out.read_text().startswith("<!DOCTYPE html>")
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(payload(request, theme)), encoding="utf-8")
    return path
