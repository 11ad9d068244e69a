"""The explorable figure: one offline HTML page of a request's traces where every number can be pointed at
and worked out from the trace's own numbers.

What belongs here: turning traces into the page's payload (``payload.py``: every shown number, term and
sum, precomputed with NumPy), the cells' shades (``shading.py``: the video's palettes and shading rule),
inlining the payload into the page (``page.py``) and the exporter that writes it (``exporter.py``). How the
page looks and behaves belongs to its files (the top-level assets/explore/: template.html, explore.css,
explore.js), whose script only looks numbers up: it never computes a value of a trace.
"""

from rendering.exporters.explore.page import write_page

__all__ = ["write_page"]
