"""IR in, IR out: the derivative transforms and the IR rewrites around them.

``differentiate(module, primal, sig, name)`` builds the derivative that the signature
(``signature.DerivSignature``, made by a front end) describes and returns a
``signature.DerivResult``; forward.py and reverse.py hold the two modes.  Before either runs,
two rewrites put code from other compilers in the form they expect (``scalarize.py``: vector
code lane by lane; ``provenance.py``: pointers that travel as integers).  Code that is itself
a derivative has stopped parking tape blocks between calls before canonicalisation
(``tape.forget_kept_blocks_text``, applied by the front ends).
"""
from __future__ import annotations


def differentiate(module, primal, sig, name: str, tape_counter=None, checkpoint=None):
    """The derivative of ``primal`` (a function of ``module``) that ``sig`` describes, built
    in ``module`` under ``name``; the primal stays in the module."""
    from ..activities import Mode
    from .provenance import recover_pointers
    from .scalarize import scalarize_module
    # code from other compilers: vector code lane by lane (fully scalar code is untouched),
    # pointers carried as integers
    scalarize_module(module, primal)
    recover_pointers(primal)
    if sig.mode is Mode.FORWARD:
        from .forward import forward_transform
        return forward_transform(module, primal, sig, name)
    from .reverse import reverse_transform
    return reverse_transform(module, primal, sig, name, tape_counter, checkpoint)
