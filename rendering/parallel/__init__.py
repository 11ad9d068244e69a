"""Movies rendered in slices that run in parallel, then joined without re-encoding.

What belongs here: planning balanced slices from learned costs (``plan``, ``costs``), filming one slice in a worker
(``film``), and joining the slices' movies and subtitles by stream copy (``join``, ``assemble``).
"""
