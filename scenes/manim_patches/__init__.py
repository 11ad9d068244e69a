"""Where the project reaches into Manim's internals, kept in one place so that a Manim upgrade is checked here.

What belongs here: plays finished at once when nothing films them (``skipping``) and a fast copy of typeset
mobjects (``cloning``). Each module names the Manim internals it relies on.
"""
