"""Topic scenes beyond the video: where X comes from, masks, why scale, several heads, cross-attention, why Q, K and
V, and a pretrained layer's heads.

What belongs here: one scene per file, each declaring its ``Part`` and listed in ``scenes/catalog.py``.
"""
