"""IR in, IR out: the derivative transforms and the IR rewrites around them.

``differentiate(module, primal, sig, name)`` builds the derivative that the signature
(``signature.DerivSignature``, made by a front end) describes and returns a
``signature.DerivResult``; forward.py and reverse.py hold the two modes.
"""
from __future__ import annotations


def differentiate(module, primal, sig, name: str, tape_counter=None):
    """The derivative of ``primal`` (a function of ``module``) that ``sig`` describes, built
    in ``module`` under ``name``; the primal stays in the module."""
    from ..activities import Mode
    if sig.mode is Mode.FORWARD:
        from .forward import forward_transform
        return forward_transform(module, primal, sig, name)
    from .reverse import reverse_transform
    return reverse_transform(module, primal, sig, name, tape_counter)
