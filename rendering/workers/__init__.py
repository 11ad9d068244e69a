"""Worker processes and the Manim work done in them.

What belongs here: the pool of worker processes and the staging folder whose files reach their final paths
together (``pool``), building a scene and measuring it (``scene_jobs``), and drawing its stills (``stills``).
"""
