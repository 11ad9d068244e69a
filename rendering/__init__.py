"""The machinery behind render.py: from the user's options to files in the output folder.

What belongs here, by room: the command line and the one admission check (``cli/``, with ``option.py``, the
option record every output kind declares its options with); the kinds of output, one exporter each, in a
registry (``exporters/``: a new output kind goes there); the run that merges their renders and stages their
files (``run.py``, ``renders.py``, ``spec.py``, ``manifest.py``, ``files.py``); the output cache (``cache/``);
movies in parallel slices and their join (``parallel/``); and the worker processes with Manim's side of a
render (``workers/``). No attention arithmetic: the core computes, the scenes draw.
"""
