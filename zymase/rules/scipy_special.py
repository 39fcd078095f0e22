"""SciPy special functions called from Numba code through their Cython addresses.

Statistics code calls ``scipy.special`` from ``@njit`` functions the way numba-scipy taught:
``ctypes.CFUNCTYPE(...)(get_cython_function_address("scipy.special.cython_special", "ndtr"))``.
Numba lowers such a call to an indirect call through a global holding the address, which
says nothing about what is called.  This module gives those calls names:

1. ``registry()`` reads every function ``scipy.special.cython_special`` exports (its
   ``__pyx_capi__`` capsules: name, C signature, address) and keeps the real-valued ones:
   ``double f(double | long ..., int skip_dispatch)``.  Fused variants
   (``__pyx_fuse_1ndtr``) are folded to their base name when their signature is real.
2. ``name_calls(module)`` (a transform: IR in, IR out) rewrites each indirect call whose
   address is in the registry (and has no custom rule) into a direct call of
   ``@scipy.special.<name>``, declared with the call's own function type, and tells the JIT
   that symbol's address.  From then on every name-based question — the derivative table,
   activity analysis, both transforms — treats it like ``llvm.sin``.
3. Derivative rules live in the one table (``table.SCIPY_SPECIAL``); a partial that needs
   another SciPy function (``j0' = -j1``) calls ``@zymase.scipy.<name>`` with the capsule's
   own signature (``declare_rule_function``), so no rule depends on how the user declared
   the ctypes prototype.

Invariant: a renamed call computes exactly what the indirect call computed — same address,
same argument list; only its callee operand changes.  Addresses are per process, so symbols,
not addresses, are what derivative IR (and the disk cache) holds; ``register_symbols`` binds
them again in a process that loads cached IR.
"""
from __future__ import annotations

import ctypes
import re
from typing import Dict, NamedTuple, Optional, Tuple

USER_PREFIX = "scipy.special."       # a user's call, with the user's prototype
RULE_PREFIX = "zymase.scipy."        # a call a derivative rule makes, capsule prototype


class Special(NamedTuple):
    name: str                  # base name, e.g. "ndtr"
    address: int
    params: Tuple[str, ...]    # "double" or "long" per argument (without skip_dispatch)


_registry: Optional[Dict[int, Special]] = None
_by_name: Dict[str, Special] = {}
_FUSED = re.compile(r"^__pyx_fuse_\d+(?:_\d+)?(.+)$")
_SIG = re.compile(r"^double \((.*)\)$")


def _capsule_pointer(capsule) -> int:
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    get_ptr = ctypes.pythonapi.PyCapsule_GetPointer
    get_ptr.restype, get_ptr.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    return get_ptr(capsule, get_name(capsule))


def _params(signature: str) -> Optional[Tuple[str, ...]]:
    m = _SIG.match(signature)
    if not m:
        return None
    parts = [p.strip() for p in m.group(1).split(",")]
    if not parts or not parts[-1].endswith("__pyx_skip_dispatch"):
        return None
    out = []
    for p in parts[:-1]:
        if p == "double":
            out.append("double")
        elif p in ("long", "Py_ssize_t"):
            out.append("long")
        else:
            return None
    return tuple(out)


def registry() -> Dict[int, Special]:
    """Address → real-valued SciPy special function (empty without SciPy)."""
    global _registry
    if _registry is not None:
        return _registry
    _registry = {}
    try:
        import scipy.special.cython_special as cs
    except ImportError:  # pragma: no cover - SciPy is a dependency; stay usable without it
        return _registry
    for export, capsule in cs.__pyx_capi__.items():
        text = str(capsule)
        sig = text.split('"')[1] if '"' in text else ""
        params = _params(sig)
        if params is None:
            continue
        m = _FUSED.match(export)
        name = m.group(1) if m else export
        sp = Special(name, _capsule_pointer(capsule), params)
        _registry[sp.address] = sp
        # an unfused export wins over a fused variant of the same name
        if name not in _by_name or not m:
            _by_name[name] = sp
    return _registry


def by_name(name: str) -> Optional[Special]:
    registry()
    return _by_name.get(name)


def _bind(symbol: str, address: int) -> None:
    import llvmlite.binding as llvm
    llvm.add_symbol(symbol, address)


def name_calls(module) -> int:
    """Give indirect calls of known SciPy special functions their names; returns how many.

    A call is left alone when a custom rule claims its address (the user's rule wins) or when
    another call already declared the same symbol with a different prototype."""
    from ..custom import external_address, lookup_call
    from ..ir.values import GlobalRef
    reg = registry()
    if not reg:
        return 0
    renamed = 0
    for fn in list(module.functions.values()):
        for blk in getattr(fn, "blocks", ()):
            for inst in blk.instructions:
                if inst.opcode != "call" or inst.callee_name is not None:
                    continue
                addr = external_address(inst)
                sp = reg.get(addr) if addr is not None else None
                if sp is None or lookup_call(inst) is not None:
                    continue
                symbol = USER_PREFIX + sp.name
                have = module.functions.get(symbol)
                if have is not None and have.fnty != inst.fnty:
                    continue
                inst.callee = module.get_or_declare(symbol, inst.fnty)
                _bind(symbol, sp.address)
                renamed += 1
    return renamed


def declare_rule_function(module_or_none, name: str):
    """(symbol, parameter kinds) for a rule's call of SciPy's ``name``; binds the symbol."""
    sp = by_name(name)
    if sp is None:
        return None
    symbol = RULE_PREFIX + name
    _bind(symbol, sp.address)
    return symbol, sp.params


_COMPLEX_SIG = "__pyx_t_double_complex (__pyx_t_double_complex, int __pyx_skip_dispatch)"


def declare_complex_rule_function(name: str) -> Optional[str]:
    """The symbol of SciPy's complex function ``name`` of one complex argument (``wofz``),
    bound to its capsule, for a rule's call; None if SciPy has no such function.  Its C
    prototype ``double complex f(double complex, int)`` is ``{double, double} (double,
    double, i32)`` in LLVM IR on x86-64 (real and imaginary parts in two SSE registers each
    way, as for a struct of two doubles)."""
    try:
        import scipy.special.cython_special as cs
    except ImportError:  # pragma: no cover
        return None
    capsule = cs.__pyx_capi__.get(name)
    if capsule is None or _COMPLEX_SIG not in str(capsule):
        return None
    symbol = RULE_PREFIX + name
    _bind(symbol, _capsule_pointer(capsule))
    return symbol


def register_symbols(text: str) -> None:
    """Bind every SciPy symbol ``text`` (derivative IR, e.g. from the disk cache) declares."""
    for prefix in (USER_PREFIX, RULE_PREFIX):
        if prefix not in text:
            continue
        for name in set(re.findall(r"declare [^@\n]*@\"?" + re.escape(prefix) + r"(\w+)", text)):
            sp = by_name(name)
            if sp is not None:
                _bind(prefix + name, sp.address)
            elif prefix == RULE_PREFIX:
                declare_complex_rule_function(name)
