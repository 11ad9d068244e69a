"""Lecture decks: a scene's sections as slides, in one offline HTML file and one PowerPoint file.

What belongs here: the exporter (``exporter``), the slide records both writers share (``slides``), the HTML writer
(``html``, its page files in the top-level ``assets/deck/``) and the PowerPoint writer (``pptx``).
"""
