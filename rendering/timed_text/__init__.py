"""Subtitles to timed-text rules (the Netflix and BBC guides): at most 42 characters a line, at most two lines,
each subtitle on screen from 5/6 s to 7 s, at most 17 characters a second, at least two frames between two.

What belongs here, a module per job: ``rules.py`` the limits and how characters are counted, ``breaking.py``
where a cue's text is broken into lines and subtitles (pure text), ``pauses.py`` where a take pauses (NumPy on
decoded samples), and ``writer.py`` the .srt every movie render writes, timed with them. A movie of parts
(FullVideo) is told as well: ``chapters.py`` its chapters (in the file and as a list a video site reads),
``transcript.py`` its narration by chapter with what is drawn (plain text and HTML).
"""
