"""Custom derivatives and inactive functions: user rules the engine uses instead of a body.

``custom_derivative(fn)`` wraps an ``@njit``-compilable function (or a ctypes or cffi
function object); ``defjvp(rule)`` gives its forward rule ``rule(primals, tangents) -> (y, y_dot)``,
``defvjp(fwd, bwd)`` its reverse rule ``fwd(*primals) -> (y, residuals)`` and
``bwd(residuals, y_bar) -> tuple of input adjoints`` (JAX's conventions).  ``inactive(fn)``
marks calls to ``fn`` as carrying no derivative.

How the engine finds them.  Calls reach LLVM IR in two shapes:
- an ``@njit`` callee is a direct call to one of its dispatcher's compiled overloads — the
  registry maps each overload's symbol back to its ``CustomFunction``; canonicalisation keeps
  those calls (no inlining) so the transforms see them;
- a ctypes/cffi function is an indirect call through ``@numba.dynamic.globals.<address>`` —
  the registry maps the address.  So every call of that C function uses the rule, whether the
  code names the wrapper or the ctypes/cffi object itself, and the latest wrapper made for an
  address wins.  Inside ``@njit`` code the wrapper is typed as the C function's pointer type
  with a ``get_pointer`` that reads the wrapper's address (Numba's own ``get_pointer`` expects
  the ctypes/cffi object and fails on the wrapper).  Rules are ordinary ``@njit`` functions
  and may call the C function they describe, and other C functions: their calls stay plain
  calls in the compiled rule, which is not differentiated (except by a derivative of a
  derivative, where those calls meet their own rules in turn).
The transforms ask ``lookup_call(inst)`` for every call and, on a hit, emit a call to the
compiled rule (``rule_function``) instead of differentiating the body.
"""
from __future__ import annotations

import ctypes
import re
from typing import Dict, Optional

import numba
from numba.core import types as nbt

from .errors import UnsupportedError

_by_address: Dict[int, "CustomFunction"] = {}
_external_names: Dict[int, str] = {}   # address → Python-side name of ctypes/cffi functions seen
_dispatchers: Dict[int, "CustomFunction"] = {}


def _address(obj) -> Optional[int]:
    """Entry address of a ctypes or cffi function object; None for anything else."""
    if isinstance(obj, (CustomFunction, str, bytes)):
        return None     # cffi would parse a string as a C type (and raise on most)
    if isinstance(obj, ctypes._CFuncPtr):
        return ctypes.cast(obj, ctypes.c_void_p).value
    from numba.core.typing import cffi_utils
    if cffi_utils.SUPPORTED and cffi_utils.is_cffi_func(obj):
        return cffi_utils.get_pointer(obj)
    return None


class CustomFunction:
    """A function whose derivative the user supplies (or declares absent)."""

    def __init__(self, fn, inactive: bool = False):
        self.fn = fn
        self.inactive = inactive
        self.jvp_rule = None
        self.vjp_fwd = None
        self.vjp_bwd = None
        self.address = _address(fn)
        if self.address is not None:
            self.dispatcher = None
            _by_address[self.address] = self
            name = fn.__name__ if isinstance(fn, ctypes._CFuncPtr) else symbol_at(self.address)
            self.name = name or f"C function at {self.address:#x}"   # cffi: dladdr's name
        else:
            if not isinstance(fn, numba.core.dispatcher.Dispatcher):
                fn = numba.njit(fn)
            self.dispatcher = fn
            _dispatchers[id(fn)] = self
            self.name = fn.py_func.__name__
        self._rules: Dict = {}

    # -- the JAX-style decorators ---------------------------------------------------------
    def defjvp(self, rule):
        """Forward rule: ``rule(primals, tangents) -> (y, y_dot)``; returns the rule."""
        self.jvp_rule = rule if isinstance(rule, numba.core.dispatcher.Dispatcher) else numba.njit(rule)
        self._rules.clear()
        return rule

    def defvjp(self, fwd, bwd):
        """Reverse rule: ``fwd(*primals) -> (y, residuals)``, ``bwd(residuals, y_bar) ->
        tuple of input adjoints`` (one per argument; use 0.0 for ones without)."""
        nj = lambda f: f if isinstance(f, numba.core.dispatcher.Dispatcher) else numba.njit(f)  # noqa: E731
        self.vjp_fwd, self.vjp_bwd = nj(fwd), nj(bwd)
        self._rules.clear()
        return fwd, bwd

    def __call__(self, *args):
        return self.fn(*args)

    def __repr__(self):
        kind = "inactive" if self.inactive else "custom-derivative"
        return f"<zymase {kind} function {self.name}>"

    # -- what the transforms use --------------------------------------------------------------
    def symbols(self):
        if self.dispatcher is None:
            return set()
        return {cres.fndesc.llvm_func_name for cres in self.dispatcher.overloads.values()}

    def rule_function(self, kind: str, argtypes):
        """Compile the flat wrapper of a rule for Numba argument types; returns (symbol,
        library, Numba signature).  kind: 'jvp' (primals…, tangents…), 'fwd' (primals…),
        'bwd' (residuals, y_bar)."""
        key = (kind, tuple(argtypes))
        if key in self._rules:
            return self._rules[key]
        n = len(argtypes)
        if kind == "jvp":
            if self.jvp_rule is None:
                raise UnsupportedError(
                    f"error: `{self.name}` has a custom derivative but no forward rule\n  = help: "
                    f"define one with @{self.name}.defjvp, or call it in reverse mode only")
            k = n // 2
            ps = ", ".join(f"p{i}" for i in range(k))
            ts = ", ".join(f"t{i}" for i in range(k))
            src = (f"def flat({ps}, {ts}):\n"
                   f"    return rule(({ps},), ({ts},))\n")
            rule = self.jvp_rule
        elif kind == "fwd":
            if self.vjp_fwd is None:
                raise UnsupportedError(
                    f"error: `{self.name}` has a custom derivative but no reverse rule\n  = help: "
                    f"define one with {self.name}.defvjp(fwd, bwd), or use forward mode")
            ps = ", ".join(f"p{i}" for i in range(n))
            src = f"def flat({ps}):\n    return rule({ps})\n"
            rule = self.vjp_fwd
        elif kind == "bwd":
            src = "def flat(res, ybar):\n    return rule(res, ybar)\n"
            rule = self.vjp_bwd
        else:
            raise ValueError(kind)
        ns = {"rule": rule}
        exec(src, ns)
        disp = numba.njit(ns["flat"])
        disp.compile(tuple(argtypes))
        cres = disp.overloads[tuple(argtypes)]
        out = (cres.fndesc.llvm_func_name, cres.library, cres.signature)
        self._rules[key] = out
        return out


def custom_derivative(fn) -> CustomFunction:
    """Wrap ``fn`` so that derivatives use the rules given with ``.defjvp`` / ``.defvjp``."""
    return CustomFunction(fn)


custom_jvp = custom_vjp = custom_derivative


def inactive(fn):
    """Calls to ``fn`` carry no derivative (an ``@njit`` function, or a ctypes/cffi function).
    Returns a callable usable wherever ``fn`` was."""
    cf = CustomFunction(fn, inactive=True)
    return cf.fn if cf.dispatcher is None else cf.dispatcher


def protected_symbols():
    """Symbols canonicalisation must not inline (calls the transforms replace by rules)."""
    out = set()
    for cf in list(_dispatchers.values()):
        out |= cf.symbols()
    return out


_INTTOPTR = re.compile(r"^inttoptr \(i64 (\d+) to ptr\)$")
_DYN = re.compile(r"numba\.dynamic\.globals\.([0-9a-fA-F]+)(?:\.\d+)?$")   # .N: renamed by linking


def lookup_call(inst) -> Optional[CustomFunction]:
    """The CustomFunction a call instruction calls, if any."""
    name = inst.callee_name
    if name is not None:
        for cf in _dispatchers.values():
            if name in cf.symbols():
                return cf
        return None
    addr = external_address(inst)
    return _by_address.get(addr) if addr is not None else None


def external_address(inst) -> Optional[int]:
    """Address of the C function an indirect call goes through (ctypes/cffi), if known."""
    callee = inst.callee
    m = _INTTOPTR.match(getattr(callee, "text", "") or "")
    if m:   # a folded address (see pipeline._freeze_dynamic_globals)
        return int(m.group(1))
    if getattr(callee, "opcode", None) == "load":
        g = callee.operands[0]
        m = _DYN.search(getattr(g, "name", "") or "")
        if m:
            return int(m.group(1), 16)
    return None


def remember_external_functions(py_func) -> None:
    """Record the names of ctypes/cffi functions a function can reach through its globals
    and closure (and those of the @njit functions it calls), for error messages."""
    seen = set()

    def visit(fn, depth):
        if fn is None or id(fn) in seen or depth > 3:
            return
        seen.add(id(fn))
        env = dict(getattr(fn, "__globals__", {}))
        for cell, name in zip(getattr(fn, "__closure__", None) or (),
                              fn.__code__.co_freevars if hasattr(fn, "__code__") else ()):
            try:
                env[name] = cell.cell_contents
            except ValueError:
                pass
        for name in getattr(getattr(fn, "__code__", None), "co_names", ()) + \
                getattr(getattr(fn, "__code__", None), "co_freevars", ()):
            obj = env.get(name)
            addr = _address(obj) if obj is not None else None
            if addr is not None:
                # ctypes knows the C name; a cffi function only the Python name it is bound to
                _external_names.setdefault(
                    addr, getattr(obj, "__name__", name) if isinstance(obj, ctypes._CFuncPtr)
                    else name)   # a prototype made from an address has no __name__
            inner = getattr(obj, "py_func", None)
            if inner is not None:
                visit(inner, depth + 1)
    visit(py_func, 0)


def symbol_at(addr: int) -> Optional[str]:
    """Best-effort name of the C function at ``addr``: the ctypes/cffi object's name when the
    front end saw it, else dladdr's symbol, else ``a function in libfoo.so``."""
    if addr in _external_names:
        return _external_names[addr]
    class DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                    ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]
    try:
        libc = ctypes.CDLL(None)
        libc.dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(DlInfo)]
        info = DlInfo()
        if libc.dladdr(addr, ctypes.byref(info)):
            if info.dli_sname:
                return info.dli_sname.decode()
            if info.dli_fname:
                return "a function in " + info.dli_fname.decode().rsplit("/", 1)[-1]
    except (OSError, AttributeError):
        pass
    return None


from numba.extending import typeof_impl  # noqa: E402


def _custom_pointer(cf: "CustomFunction") -> int:
    """``get_pointer`` of the Numba type of a wrapped C function: Numba calls it on the
    wrapper (a global or argument), not on the ctypes/cffi object Numba's own helpers expect."""
    return cf.address


@typeof_impl.register(CustomFunction)
def _typeof_custom(val, c):
    # inside @njit code a CustomFunction is simply the function it wraps: the dispatcher, or
    # the C function's pointer type with a get_pointer that accepts the wrapper
    if val.dispatcher is not None:
        return nbt.Dispatcher(val.dispatcher)
    t = numba.typeof(val.fn)
    return nbt.ExternalFunctionPointer(t.sig, get_pointer=_custom_pointer, cconv=t.cconv)
