"""zymase: automatic differentiation of Numba-compiled Python on LLVM IR, Enzyme style."""
from .activities import (Active, ActiveOnly, Const, Dual, DualOnly, Duplicated, DuplicatedOnly,
                         Mode)
from .api import Compiled, Derivative, autodiff_forward, autodiff_reverse, compile
from .errors import ActivityError, ShadowError, UnsupportedError, ZymaseError

__version__ = "0.1.0"

__all__ = ["compile", "Compiled", "autodiff_forward", "autodiff_reverse", "Derivative", "Const", "Active", "ActiveOnly",
           "Duplicated", "DuplicatedOnly", "Dual", "DualOnly", "Mode", "ZymaseError",
           "ActivityError", "ShadowError", "UnsupportedError"]
