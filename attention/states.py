"""Every state an explorable figure can show, each a trace the core computed: nothing is left for a page to work out.

What belongs here: which traces a request's explorer offers and under what names. For the toy model, the
request's self-attention with the causal mask off and on, each with the scale 1/sqrt(d_k) on and off (the
same X and weights throughout); for a pretrained model, every head of every layer of the sentence.
"""

from __future__ import annotations

from .core import self_attention
from .request import Request
from .source import Capability
from .trace import Trace

MASK_STATES = (None, "causal")
SCALE_STATES = (True, False)


def state_name(mask: str | None, scale: bool) -> str:
    """The name of a toy state, e.g. ``"mask-off/scale-on"``.

    >>> state_name("causal", False)
    'mask-on/scale-off'
    """
    return f"mask-{'on' if mask else 'off'}/scale-{'on' if scale else 'off'}"


def head_name(layer: int, head: int) -> str:
    """The name of a pretrained model's state, layer and head from 1, e.g. ``"L1/H3"``.

    >>> head_name(1, 3)
    'L1/H3'
    """
    return f"L{layer}/H{head}"


def explorer_states(request: Request) -> dict[str, Trace]:
    """The traces an explorer of ``request`` shows, by state name, the request's own state first.

    Toy model: four states (``state_name``), sharing the request's X, W_q, W_k and W_v; the one with the
    request's mask and the scale on is ``request.trace()`` itself. Pretrained model: every head of every
    layer of the request's sentence (``head_name``), the request's layer and head first.

    >>> import attention
    >>> states = explorer_states(attention.Request.from_sentence("a b c", d=4))
    >>> list(states)[0], len(states)
    ('mask-off/scale-on', 4)
    >>> states["mask-on/scale-off"].scale
    1.0
    """
    if Capability.LAYER_HEADS in request.capabilities:
        card, source = request.card, request.source
        states = {head_name(request.layer, request.head): request.trace()}
        for layer in range(1, card.layers + 1):
            for head in range(1, card.heads + 1):
                states.setdefault(head_name(layer, head), source.head_trace(request.text, layer, head))
        return states
    base = request.trace()
    states = {state_name(request.mask, True): base}
    for mask in MASK_STATES:
        for scale in SCALE_STATES:
            name = state_name(mask, scale)
            if name not in states:
                states[name] = self_attention(
                    base.X, base.W_q, base.W_k, base.W_v, mask=mask, tokens=base.tokens, scale=scale
                )
    return states
