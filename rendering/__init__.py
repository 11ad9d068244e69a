"""The machinery behind render.py, one job per module.

What belongs here: parsing the options (options.py) into the core's Request, a Look and a Picture
(spec.py); the kinds of output (exporters/, one module each: a new output kind goes there) and the
lecture decks' writers they use (deck_slides.py, deck_html.py, deck_pptx.py); the run
that merges their renders, runs them in worker processes and stages their files (run.py, pool.py);
the output cache and the parallel parts: what a render is keyed by (keys.py, codehash.py), the store
(cache.py), the split into balanced parts (parts.py, costs.py), their join (assemble.py, join.py), all
driven by renders.py; Manim's side of a render in a worker (part_jobs.py, manim_jobs.py, slots.py,
stills.py); and manifest.json.
"""
