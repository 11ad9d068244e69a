"""The narration's voice: an engine that gives each cue's take (piper's speech synthesized offline, run as a
separate program, or recorded takes), cached by what makes them, normalised in loudness, and laid on the movie's
timeline as one audio track.

What belongs here: ``engine.py`` (the interface every voice engine implements), ``choice.py`` (the table of
engines and reading ``--voice``), one module per engine (``piper.py``, ``takes.py``), ``cache.py`` (synthesized
takes by text and engine identity), ``cues.py`` (every cue a run speaks, for the engine's check), ``speech.py``
(a cue's take, its length and its normalised samples, each made once), ``ahead.py`` (the takes a run can know of,
made over the workers before filming), ``loudness.py`` (BS.1770 loudness, true peak), ``track.py`` (the
timeline's track, muxed into a movie after the join). The pronunciation table is the
scenes' (``scenes/kit/text/pronunciation.py``): the voice is given the text to say.
"""
