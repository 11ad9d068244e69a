"""Text made safe for the places our HTML pages put it: data inside a ``<script>`` element, HTML text and
quoted attributes, and the style and script assets inlined into a page.

What belongs here: the escaping every page writer shares (the explorer's ``page.py``, the deck's ``html.py``), so
that any text a user may type (a token, a sentence, a deck's title) reaches the browser as text and never as
markup.

Inside a ``<script>`` element the HTML parser looks for ``</script``, but also for ``<!--`` followed by
``<script``, which moves it into a "double-escaped" state where the element's own ``</script>`` no longer closes
it (the rest of the page becomes script). Escaping every ``<`` as ``\\u003c`` rules out both; ``>`` and ``&`` are
escaped too, so the text is as inert in XHTML or an inline event handler, and U+2028 and U+2029, which older
JavaScript engines read as line ends inside a string literal. In JSON all five only ever occur inside strings,
where ``\\uXXXX`` means the same character, so ``JSON.parse`` gives back exactly the data.
"""

from __future__ import annotations

import html
import json

# Each character that could end or change a <script> element's text, as the JSON (and JavaScript) escape for it
SCRIPT_ESCAPES = {ord(char): f"\\u{ord(char):04x}" for char in "<>&\u2028\u2029"}


def script_json(data) -> str:
    """``data`` as compact JSON that can stand anywhere inside a ``<script>`` element, whatever its strings hold.

    Non-ASCII text stays as it is (UTF-8 pages); NaN and infinity are refused (``ValueError``), as JSON has none.

    Examples
    --------
    >>> script_json({"token": "<!--<script></script>]]>&amp;\\u2028"})
    '{"token":"\\\\u003c!--\\\\u003cscript\\\\u003e\\\\u003c/script\\\\u003e]]\\\\u003e\\\\u0026amp;\\\\u2028"}'
    >>> json.loads(script_json(["<b>", "é"])) == ["<b>", "é"]
    True
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(SCRIPT_ESCAPES)


def html_text(value) -> str:
    """``value`` as text for an HTML element's content or a single- or double-quoted attribute.

    >>> html_text('<a href="x">Tom & \\'Jerry\\'</a>')
    '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#x27;Jerry&#x27;&lt;/a&gt;'
    """
    return html.escape(str(value), quote=True)


def check_inlinable(text: str, element: str) -> str:
    """``text`` (a page's own CSS or script asset), unchanged, if it can be inlined into a ``<style>`` or
    ``<script>`` element; a ``ValueError`` if it holds ``</element`` (in any case), which would end it early.

    >>> check_inlinable("a { color: red }", "style")
    'a { color: red }'
    >>> check_inlinable("x = '</SCRIPT>'", "script")
    Traceback (most recent call last):
    ...
    ValueError: the text contains a closing </script> tag, which would end the inlined <script> early
    """
    if f"</{element}" in text.lower():
        raise ValueError(f"the text contains a closing </{element}> tag, which would end the inlined <{element}> early")
    return text
