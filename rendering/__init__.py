"""The machinery behind render.py, one job per module.

What belongs here: parsing the options (options.py) into the core's Request, a Look and a Picture
(spec.py); the kinds of output (exporters/, one module each: a new output kind goes there); the run
that merges their renders, runs them in worker processes and stages their files (run.py, pool.py);
Manim's side of a render in a worker (manim_jobs.py, slots.py, vector.py); and manifest.json.
"""
