"""The machinery behind render.py: options, cache slots, one scene's render, figures, the manifest."""
