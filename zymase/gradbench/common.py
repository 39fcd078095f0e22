"""What every GradBench eval module of the tool shares: the ``Module`` record and JSON -> array.

An eval family module (``evals_basic``, ``evals_adbench``, ``evals_more``) exports ``MODULES``,
a dict from GradBench module name to a zero-argument builder returning a ``Module``; building
compiles the module's derivatives, so the tool builds a module only when it is ``define``d.
"""
import os

import numpy as np


def as_array(v):
    """A JSON number list (nested or flat) as a C-contiguous float64 array."""
    return np.ascontiguousarray(np.array(v, dtype=np.float64))


class Module:
    """A GradBench module: ``prepare(input) -> args``, functions ``name -> fn(args)``,
    ``post(name, result) -> JSON value``, and ``warm()`` to compile everything."""

    def __init__(self, functions, prepare, post, warm_input):
        self.functions, self.prepare, self.post, self.warm_input = (
            functions, prepare, post, warm_input)

    def warm(self):
        for fn in self.functions.values():
            fn(self.prepare(self.warm_input))


def flush_subnormals() -> bool:
    """Whether ``ZYMASE_GB_FLUSH=1`` asks for derivatives built with ``flush_subnormals=True``
    (the GMM module's A/B knob; reported in the ``start`` answer's config)."""
    return os.environ.get("ZYMASE_GB_FLUSH") == "1"
