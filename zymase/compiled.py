"""``zymase.compile``: a function through zymase's whole pipeline with the identity transform.

Front end (Numba's IR of the function) → zymase's IR model → printer → O3 → back end: the
same path a derivative takes, minus the transform.  The results equal ``numba.njit(fn)``'s;
this exists to test and measure the pipeline itself (every IR construct must read and print
back exactly, ``tests/ir/test_roundtrip.py``).  Like a ``Derivative``, a ``Compiled`` object
types as its ``@njit`` entry point inside ``@njit`` code.
"""
from __future__ import annotations

from typing import Dict, Tuple

from numba.core import types as nbt
from numba.extending import typeof_impl

from .frontend.numba import as_dispatcher
from .llvm import jit
from .pipeline import debug_flags, finish, prepare


class Compiled:
    """``fn`` passed through zymase's whole pipeline with the identity transform.

    Same results as ``numba.njit(fn)``; exists to test and measure the pipeline itself
    (front end → IR model → printer → O3 → back end) and as the base the transforms extend.
    Callable from Python and from ``@njit`` code.
    """

    def __init__(self, fn, print=None):
        self.dispatcher = as_dispatcher(fn)
        self.py_func = self.dispatcher.py_func
        self.print_flags = debug_flags(print)
        code = self.py_func.__code__
        self.timings: Dict[Tuple, Dict[str, float]] = {}
        name = f"zymase_primal_{jit.ident(self.py_func.__name__)}"
        self._intrinsic, self._entry, _, _ = jit.make_caller(code.co_argcount, self._build,
                                                             name=name)
        self.__name__ = self.py_func.__name__

    def _build(self, argtypes):
        import time
        prep = prepare(self.dispatcher, argtypes, self.print_flags)
        symbol = jit.unique_symbol(f"primal.{jit.ident(self.py_func.__name__)}")
        fn = prep.function
        prep.module.functions.pop(fn.name)
        fn.name = symbol
        fn.linkage = ""
        prep.module.add_function(fn)
        t0 = time.perf_counter()
        lib, _ = finish(prep.module, symbol, self.print_flags)
        prep.timings["finish"] = time.perf_counter() - t0
        self.timings[tuple(argtypes)] = prep.timings
        return prep.fe.signature, lib, symbol

    def __call__(self, *args):
        return self._entry(*args)


@typeof_impl.register(Compiled)
def _typeof_compiled(val, c):
    return nbt.Dispatcher(val._entry)


def compile(fn, print=None) -> Compiled:
    """Run ``fn`` through zymase's pipeline unchanged (see ``Compiled``)."""
    return Compiled(fn, print)
