"""zymase: automatic differentiation of Numba-compiled Python on LLVM IR, Enzyme style.

Full control: ``autodiff_forward`` / ``autodiff_reverse`` with activities (Const, Active,
Duplicated, Dual, …).  JAX vocabulary on the same engine: ``grad``, ``value_and_grad``,
``jvp``, ``vjp``, ``jacobian``, ``hessian``, ``hvp``.  ``compile`` runs a function through the
pipeline unchanged.  ``llvm_function`` makes a C-ABI function of an LLVM IR module (clang,
rustc) a Python function that all of these accept.
"""
from .activities import (Active, ActiveOnly, Const, Dual, DualOnly, Duplicated, DuplicatedOnly,
                         Mode)
from .api import Derivative, autodiff_forward, autodiff_reverse
from .compiled import Compiled, compile
from .convenience import grad, jacobian, jvp, value_and_grad, vjp
from .custom import custom_derivative, custom_jvp, custom_vjp, inactive
from .errors import ActivityError, InternalError, ShadowError, UnsupportedError, ZymaseError
from .frontend.llvm_function import LLVMFunction, llvm_function
from .higher import hessian, hvp
from .recompute import recompute
from .transforms.reverse.checkpoint_plan import Checkpoint
from .transforms.kept_blocks import release as release_kept_blocks

__version__ = "0.1.0"

__all__ = ["autodiff_forward", "autodiff_reverse", "Derivative", "compile", "Compiled",
           "custom_derivative", "custom_jvp", "custom_vjp", "inactive",
           "llvm_function", "LLVMFunction", "grad", "value_and_grad", "jvp", "vjp", "jacobian", "hessian", "hvp",
           "Const", "Active", "ActiveOnly", "Duplicated", "DuplicatedOnly", "Dual", "DualOnly",
           "Mode", "ZymaseError", "ActivityError", "ShadowError", "UnsupportedError",
           "InternalError", "Checkpoint", "recompute", "release_kept_blocks"]
