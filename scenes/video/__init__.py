"""The video's parts, in the order the video plays them: intro, tokens, the four steps, shapes, and FullVideo.

What belongs here: one scene per file, each declaring its ``Part``; ``full_video.py`` plays them in order.
"""
