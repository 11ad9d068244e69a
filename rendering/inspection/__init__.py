"""Measuring rendered movies as a viewer meets them: what is heard and what is drawn at the same moment.

Nothing here renders or imports Manim; it reads finished files (PyAV) and the manifest a render wrote, and
opens finished pages in a headless Chromium (``browser.py``, for the tests and benchmarks only).
"""
