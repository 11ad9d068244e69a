"""The building blocks every scene is drawn with: value-driven grids, lenses, the paper's diagram, the theme.

What belongs here: mobjects and helpers that scenes compose (``MatrixGrid``, the lenses, ``BlockDiagram``), where
things go on the frame and what fits (``layout``), what is legible (``legibility``), the look (``theme``), the
notation, token labels, narration and figure captions. No scene classes, no attention arithmetic.
"""
