"""C-ABI functions of LLVM IR modules (clang, rustc), callable and differentiable from Python.

``llvm_function(source, prototype)`` returns an ``LLVMFunction``: a Python-callable object that
every zymase entry point accepts exactly like an ``@njit`` function (``autodiff_reverse``,
``autodiff_forward``, ``grad``, ``jvp``, ``vjp``, ``jacobian``, ``hessian``, …) and that
``@numba.njit`` code can call.  The prototype (``prototype.py``) says what each parameter is;
pointer + length pairs become one array argument::

    energy = zymase.llvm_function("kernels.ll", "double energy(const double x[n], long n)")
    energy(x)                                   # n = len(x)
    zymase.grad(energy)(x)                      # the C body differentiated

How it works
------------
1. The module is prepared for Numba's JIT once per process (``foreign.ForeignModule``: names
   made unique, undefined functions given aborting stubs, Rust's allocator provided) and
   becomes a Numba code library whose IR zymase's front end can collect.
2. An ``@intrinsic`` taking exactly the C parameters (arrays as arrays) emits a call of the
   C symbol with each array's data pointer and links that library into its caller.
3. A generated ``@njit`` function with the Python signature (``energy(x)``) checks the
   lengths, computes them (``n = x.shape[0]``) and calls the intrinsic.

zymase differentiates that generated function like any other: its IR and the C module's are
canonicalised together, so the C body is inlined into it and differentiated instruction by
instruction — no opaque call remains — and every mode, activity, width, shadow check and
cache of the Numba front end applies unchanged.

Checks: a call from Python checks the arguments first (``TypeError`` for a wrong dtype,
dimension or layout, ``ValueError`` for lengths that disagree); inside ``@njit`` code the same
dtype, dimension and layout rules are typing errors and the lengths raise ``ValueError``.
"""
from __future__ import annotations

import os
import re
import warnings
from typing import Optional

import llvmlite.ir as lir
import numba
import numpy as np
from numba.core import cgutils, types
from numba.extending import intrinsic, typeof_impl

from . import foreign
from .prototype import Prototype, SignatureError, parse_prototype


class ForeignCodeWarning(UserWarning):
    """The module declares functions that it does not define and that this process lacks:
    a call of one aborts with a message."""


def _read_source(source) -> tuple:
    """(text, origin) of ``source``: a path of a ``.ll`` (text) or ``.bc`` (bitcode) file,
    LLVM IR text, or bitcode bytes."""
    import llvmlite.binding as llvm
    if isinstance(source, bytes):
        if source.startswith(b"BC\xc0\xde"):
            return str(llvm.parse_bitcode(source)), "<bitcode>"
        source = source.decode()
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source
                                          and "define " not in source):
        path = os.fspath(source)
        if not os.path.exists(path):
            raise FileNotFoundError(f"error: no LLVM IR file {path!r}\n  = help: pass the path "
                                    f"of a .ll or .bc file, or the IR text itself")
        with open(path, "rb") as fh:
            data = fh.read()
        if data.startswith(b"BC\xc0\xde"):
            return str(llvm.parse_bitcode(data)), path
        return data.decode(), path
    if isinstance(source, str):
        return source, "<LLVM IR text>"
    raise TypeError(f"error: llvm_function needs a path or LLVM IR text, found "
                    f"{type(source).__name__}")


_NB_SCALARS = {
    ("float", 64): types.float64, ("float", 32): types.float32,
}


def _nb_scalar(t) -> types.Type:
    if t.kind == "float":
        return _NB_SCALARS[("float", t.bits)]
    if t.bits == 1:
        return types.boolean
    return getattr(types, f"{'' if t.signed else 'u'}int{t.bits}")


def _check_ir_types(proto: Prototype, symbol: str, ret: str, params, vararg, origin) -> None:
    where = f"@{symbol} in {origin}"
    if vararg:
        raise SignatureError(f"error: {where} is variadic; zymase differentiates functions "
                             f"with a fixed parameter list")
    if len(params) != len(proto.params):
        raise SignatureError(f"error: {where} takes {len(params)} parameters ({', '.join(params)})"
                             f", the prototype `{proto.text}` {len(proto.params)}")
    for p, t in zip(proto.params, params):
        want = "ptr" if p.is_array else p.type.ir
        if t != want:
            raise SignatureError(f"error: parameter {p.index} `{p.describe()}` of the prototype "
                                 f"is {want} in LLVM IR, but {where} takes {t} there")
    if ret != proto.ret.ir:
        hint = ""
        if ret.startswith("{") or ret.startswith("["):
            hint = "\n  = help: a function returning a struct or array is not supported; " \
                   "write the result into an array parameter"
        raise SignatureError(f"error: {where} returns {ret}, the prototype `{proto.text}` says "
                             f"{proto.ret} ({proto.ret.ir}){hint}")


class LLVMFunction:
    """A C-ABI function of an LLVM module, callable from Python and ``@njit`` code, and
    differentiable by every zymase entry point (see the module docstring)."""

    def __init__(self, module: foreign.ForeignModule, proto: Prototype, symbol: str):
        self.module = module
        self.prototype = proto
        self.symbol = symbol
        self.__name__ = _ident(proto.name or symbol)
        self.__qualname__ = self.__name__
        self.__doc__ = f"{proto}  (LLVM symbol @{symbol} of {module.origin})"
        self._intrinsic = _make_intrinsic(self)
        # the disk cache's key (diskcache.py) sees the module, not the intrinsic's name
        import hashlib
        self._intrinsic.__zymase_fingerprint__ = hashlib.sha256(
            f"{module.source_text}\0{proto}\0{symbol}".encode()).hexdigest()
        self.dispatcher = numba.njit(_make_wrapper(self))
        self.py_func = self.dispatcher.py_func

    # the protocol zymase's front end asks (frontend/numba.as_dispatcher)
    @property
    def __zymase_dispatcher__(self):
        return self.dispatcher

    @property
    def param_names(self):
        return [_ident(p.name) for p in self.prototype.python_params]

    def check_arguments(self, args) -> None:
        """The checks of a call from Python, with messages that name the parameter."""
        params = self.prototype.python_params
        fname = self.__name__
        if len(args) != len(params):
            raise TypeError(f"error: {fname}({', '.join(self.param_names)}) takes "
                            f"{len(params)} arguments, {len(args)} given")
        lengths = {}
        for p, a in zip(params, args):
            if p.is_array:
                want = np.dtype(p.type.numpy)
                if not isinstance(a, np.ndarray):
                    raise TypeError(f"error: `{p.name}` of {fname} must be a NumPy array of "
                                    f"{want} ({p.describe()}), found {type(a).__name__}")
                if a.dtype != want or a.ndim != len(p.dims):
                    raise TypeError(f"error: `{p.name}` of {fname} must be a {len(p.dims)}-d "
                                    f"array of {want} ({p.describe()}), found a {a.ndim}-d "
                                    f"array of {a.dtype}\n  = help: np.asarray({p.name}, "
                                    f"dtype=np.{want})")
                if not a.flags.c_contiguous:
                    raise TypeError(f"error: `{p.name}` of {fname} must be C-contiguous (the "
                                    f"C code indexes it as one block)\n  = help: "
                                    f"np.ascontiguousarray({p.name})")
                if not a.flags.writeable and not p.const:
                    raise TypeError(f"error: `{p.name}` of {fname} is read-only, and the "
                                    f"prototype does not declare it const\n  = help: pass a "
                                    f"writeable copy, or declare the parameter `const`")
                for axis, d in enumerate(p.dims):
                    n = a.shape[axis]
                    if isinstance(d, int) and n != d:
                        raise ValueError(f"error: `{p.name}` of {fname} must have {d} elements "
                                         f"along axis {axis} ({p.describe()}), found {n}")
                    if isinstance(d, str):
                        if d in lengths and lengths[d][0] != n:
                            raise ValueError(f"error: `{p.name}` of {fname} has {n} elements "
                                             f"along axis {axis}, but `{d}` is {lengths[d][0]} "
                                             f"(from `{lengths[d][1]}`)")
                        lengths.setdefault(d, (n, p.name))
            elif p.type.kind == "float":
                if not isinstance(a, (float, int, np.floating, np.integer)) or \
                        isinstance(a, bool):
                    raise TypeError(f"error: `{p.name}` of {fname} is a {p.type} "
                                    f"({p.describe()}), found {type(a).__name__}")
            elif not isinstance(a, (int, np.integer, bool, np.bool_)):
                raise TypeError(f"error: `{p.name}` of {fname} is an integer "
                                f"({p.describe()}), found {type(a).__name__}")

    def __call__(self, *args, **kwargs):
        if kwargs:
            import inspect
            args = inspect.signature(self.py_func).bind(*args, **kwargs).args
        self.check_arguments(args)
        return self.dispatcher(*args)

    def __repr__(self):
        return f"<zymase.llvm_function {self.prototype} = @{self.symbol} of {self.module.origin}>"

    def __reduce__(self):
        return (_rebuild, (self.module.source_text, self.module.origin, self.prototype.text,
                           self.symbol))


def _rebuild(text, origin, prototype, symbol):
    return llvm_function(text, prototype, symbol=symbol, _origin=origin)


@typeof_impl.register(LLVMFunction)
def _typeof_llvm_function(val, c):
    return types.Dispatcher(val.dispatcher)


def _make_intrinsic(fn: LLVMFunction):
    """The intrinsic of the C call: ``_call(<every C parameter>)`` with arrays for pointers."""
    proto, module = fn.prototype, fn.module
    name = fn.__name__
    target = module.symbol(fn.symbol)
    ret_nb = types.none if proto.ret.kind == "void" else _nb_scalar(proto.ret)

    def ir_type(t):
        if t.kind == "float":
            return lir.DoubleType() if t.bits == 64 else lir.FloatType()
        return lir.IntType(t.bits)

    def typer(typingctx, *args):
        for p, t in zip(proto.params, args):
            if p.is_array:
                want = _nb_scalar(p.type)
                if not isinstance(t, types.Array) or t.dtype != want or t.ndim != len(p.dims):
                    raise numba.core.errors.TypingError(
                        f"{name}: `{p.name}` must be a {len(p.dims)}-d array of {want} "
                        f"({p.describe()}), found {t}")
                if t.layout != "C":
                    raise numba.core.errors.TypingError(
                        f"{name}: `{p.name}` must be a C-contiguous array ({p.describe()}), "
                        f"found {t}; pass np.ascontiguousarray({p.name})")
                if not t.mutable and not p.const:
                    raise numba.core.errors.TypingError(
                        f"{name}: `{p.name}` is read-only, and the prototype does not declare "
                        f"it const")
            elif not isinstance(t, (types.Integer, types.Float, types.Boolean)) or (
                    p.type.kind == "int" and isinstance(t, types.Float)):
                raise numba.core.errors.TypingError(
                    f"{name}: `{p.name}` is {p.describe()}, found {t}")
        sig = ret_nb(*args)

        def codegen(context, builder, signature, llargs):
            context.active_code_library.add_linking_library(module.library())
            cargs = []
            for p, t, v in zip(proto.params, signature.args, llargs):
                if p.is_array:
                    cargs.append(context.make_array(t)(context, builder, v).data)
                else:
                    cargs.append(context.cast(builder, v, t, _nb_scalar(p.type)))
            fnty = lir.FunctionType(lir.VoidType() if proto.ret.kind == "void"
                                    else ir_type(proto.ret),
                                    [lir.PointerType() if p.is_array else ir_type(p.type)
                                     for p in proto.params])
            callee = cgutils.get_or_insert_function(builder.module, fnty, target)
            res = builder.call(callee, cargs)
            return context.get_dummy_value() if proto.ret.kind == "void" else res

        return sig, codegen

    params = ", ".join(f"a{i}" for i in range(len(proto.params)))
    src = (f"def _call_{_ident(name)}(typingctx{', ' if params else ''}{params}):\n"
           f"    return _typer(typingctx{', ' if params else ''}{params})\n")
    ns = {"_typer": typer}
    exec(src, ns)
    return intrinsic(ns[f"_call_{_ident(name)}"])


def _ident(s: str) -> str:
    """``s`` made a Python identifier that is no keyword (``lambda`` → ``lambda_``)."""
    import keyword
    s = re.sub(r"\W", "_", s)
    if not s or s[0].isdigit():
        s = "_" + s
    return s + "_" if keyword.iskeyword(s) else s


def _make_wrapper(fn: LLVMFunction):
    """The generated Python function: lengths from shapes, checks, the intrinsic call."""
    proto = fn.prototype
    name = _ident(fn.__name__)
    py = {p.name: _ident(p.name) for p in proto.params}      # C names that are keywords
    pparams = [py[p.name] for p in proto.python_params]
    lines = [f"def {name}({', '.join(pparams)}):"]
    known = {}
    msgs = {}
    for p in proto.params:
        if not p.is_array:
            continue
        for axis, d in enumerate(p.dims):
            if isinstance(d, str):
                if d not in known:
                    known[d] = (p.name, axis)
                    lines.append(f"    {py[d]} = {py[p.name]}.shape[{axis}]")
                else:
                    src = known[d]
                    key = f"__zymase_m{len(msgs)}"
                    msgs[key] = (f"{fn.__name__}: `{p.name}` must have as many elements along "
                                 f"axis {axis} as `{src[0]}` along axis {src[1]} (`{d}`)")
                    lines.append(f"    if {py[p.name]}.shape[{axis}] != {py[d]}:")
                    lines.append(f"        raise ValueError({key})")
            elif isinstance(d, int):
                key = f"__zymase_m{len(msgs)}"
                msgs[key] = f"{fn.__name__}: `{p.name}` must have {d} elements along axis {axis}"
                lines.append(f"    if {py[p.name]}.shape[{axis}] != {d}:")
                lines.append(f"        raise ValueError({key})")
    lines.append(f"    return __zymase_call({', '.join(py[p.name] for p in proto.params)})")
    src = "\n".join(lines) + "\n"
    filename = f"<zymase.llvm_function {fn.__name__}>"
    import linecache
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    ns = {"__zymase_call": fn._intrinsic}
    ns.update(msgs)
    exec(compile(src, filename, "exec"), ns)
    out = ns[name]
    out.__doc__ = fn.__doc__
    return out


_RUST_SHARED_GENERICS = (
    " (rustc at opt-level 0 and 1 links Vec's allocation code from its standard library "
    "instead of compiling it into the module: compile at opt-level 2 or 3, or with "
    "-Z share-generics=no, which stable rustc accepts under RUSTC_BOOTSTRAP=1)")


def llvm_function(source, prototype: str, symbol: Optional[str] = None, *,
                  _origin: Optional[str] = None) -> LLVMFunction:
    """A C-ABI function of an LLVM IR module, as a Python function zymase differentiates.

    ``source``: the path of a ``.ll``/``.bc`` file, or the IR text.  ``prototype``: the
    function in C (``"double energy(const double x[n], long n)"``) or Rust
    (``"fn energy(x: &[f64; n], n: usize) -> f64"``) syntax; an integer parameter named as an
    array's dimension is that array's length and leaves the Python signature
    (``energy(x)``).  ``symbol``: the LLVM name, by default the prototype's name (give it for a
    mangled C++ or Rust name).  See ``zymase/frontend/prototype.py`` for the syntax and
    ``zymase/frontend/llvm_function.py`` for how it works."""
    if isinstance(prototype, str) and "(" not in prototype and isinstance(symbol, str) \
            and "(" in symbol:
        prototype, symbol = symbol, prototype        # llvm_function(src, "symbol", "proto")
    proto = parse_prototype(prototype)
    if symbol is None:
        if not proto.name:
            raise SignatureError(f"error: the prototype `{prototype}` names no function\n  = "
                                 f"help: name it, or pass symbol=")
        symbol = proto.name
    text, origin = _read_source(source)
    module = foreign.load(text, _origin or origin)
    if symbol not in module.functions:
        found = ", ".join(sorted(module.functions)[:20]) or "none"
        raise SignatureError(f"error: {module.origin} defines no function @{symbol}\n  = note: "
                             f"it defines: {found}")
    ret, params, vararg = module.functions[symbol]
    _check_ir_types(proto, symbol, ret, params, vararg, module.origin)
    if proto.name is None:
        proto.name = re.sub(r"\W", "_", symbol)
    missing = module.missing_from(symbol)
    if missing:
        names = ", ".join(f"`{foreign.demangle(m)}`" for m in missing[:6])
        warnings.warn(f"@{symbol} of {module.origin} can reach {names}"
                      f"{' …' if len(missing) > 6 else ''}, which neither the module nor this "
                      f"process defines: a call of one prints its name and aborts"
                      + (_RUST_SHARED_GENERICS if any("alloc::" in foreign.demangle(m)
                                                      for m in missing) else ""),
                      ForeignCodeWarning, stacklevel=2)
    return LLVMFunction(module, proto, symbol)
