"""The output cache: renders remembered by the key of everything they depend on.

What belongs here: the store of remembered files (``store``), the key of a render (``keys``) and the digest of
the code that draws it (``codehash``), and the private Manim working folders kept between runs (``slots``).
"""
