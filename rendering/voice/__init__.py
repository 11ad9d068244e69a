"""The narration's voice: speech synthesized offline (piper, run as a separate program) or recorded takes,
cached by what makes them, normalised in loudness, and laid on the movie's timeline as one audio track.

What belongs here: ``choice.py`` (which voice a run uses, and what it depends on), ``engine.py`` (piper in a
subprocess), ``cache.py`` (takes by text, voice, engine and settings), ``speech.py`` (a cue's take and its
length, in the worker that builds the scene), ``loudness.py`` (BS.1770 loudness, true peak), ``track.py``
(the timeline's track, muxed into a movie after the join). The pronunciation table is the scenes'
(``scenes/kit/text/pronunciation.py``): the voice is given the text to say.
"""
