"""Python/Numba function → unoptimised LLVM IR + how each Python argument maps to IR params.

How the IR is obtained
----------------------
Numba hands each function's unoptimised IR to ``CPUCodeLibrary.add_ir_module`` before it
optimises anything.  Importing zymase wraps that method so every library remembers the text
it was given (``lib._zymase_ir``).  To differentiate ``f`` for given argument types we compile
``f`` afresh (``_compile_core``: a new library, not the dispatcher's cached one), then gather
the unoptimised modules of the library and, recursively, of every library it links (its njit
callees and Numba's own helpers).  A library compiled before zymase was imported has no
recorded text; its optimised module is used instead (correct, just less canonical).

The result is one LLVM module (text) that defines the function and everything it calls that
has a body, plus an ``ArgMap`` describing Numba's calling convention:

    i32 @f(ptr %retptr, ptr %excinfo, <flattened args>)

where each Python argument expands into the leaves of its data model's argument type: one
param for a scalar, ``5 + 2*ndim`` for an array (meminfo, parent, nitems, itemsize, data,
shape[ndim], strides[ndim]), the concatenation of its members for a tuple.
"""
from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass, field
from typing import List, Sequence, Tuple

import llvmlite.binding as llvm
import numba
from numba.core import codegen as _codegen
from numba.core import compiler, types
from numba.core.registry import cpu_target

from ..errors import UnsupportedError
from ..transforms.list_args import is_list_with_floats
from .recursion import compile_recursive_with_dispatcher

_lock = threading.RLock()
_orig_add_ir_module = _codegen.CPUCodeLibrary.add_ir_module


def _recording_add_ir_module(self, ir_module):
    rec = self.__dict__.setdefault("_zymase_ir", [])
    rec.append((ir_module.name, str(ir_module)))
    return _orig_add_ir_module(self, ir_module)


def install_hook():
    if _codegen.CPUCodeLibrary.add_ir_module is not _recording_add_ir_module:
        _codegen.CPUCodeLibrary.add_ir_module = _recording_add_ir_module


install_hook()

_WRAPPER_MODULES = ("wrapper", "cfunc_wrapper")


# ----------------------------------------------------------------------------------------
# argument description
# ----------------------------------------------------------------------------------------
@dataclass
class ArgInfo:
    """One Python-level argument and the IR parameters it occupies."""
    index: int
    name: str
    nbtype: types.Type
    first: int                 # index of its first IR param (after retptr, excinfo)
    count: int                 # number of IR params
    children: List["ArgInfo"] = field(default_factory=list)  # tuple members

    @property
    def is_array(self):
        return isinstance(self.nbtype, types.Array)

    @property
    def is_float(self):
        return isinstance(self.nbtype, types.Float)

    @property
    def params(self) -> range:
        return range(self.first, self.first + self.count)

    @property
    def data_param(self) -> int:
        """IR param holding an array's data pointer."""
        assert self.is_array
        return self.first + 4


@dataclass
class ArgMap:
    args: List[ArgInfo]
    return_type: types.Type
    n_params: int  # without retptr/excinfo


def _leaves(llty) -> int:
    if isinstance(llty, (list, tuple)):
        return sum(_leaves(t) for t in llty)
    return 1


def describe_args(argtypes: Sequence[types.Type], names: Sequence[str], return_type) -> ArgMap:
    dmm = cpu_target.target_context.data_model_manager
    out, pos = [], 2

    def one(i, name, t, pos):
        n = _leaves(dmm.lookup(t).get_argument_type())
        info = ArgInfo(i, name, t, pos, n)
        if isinstance(t, types.BaseTuple):
            p = pos
            for k, mt in enumerate(t.types):
                child = one(k, f"{name}[{k}]", mt, p)
                info.children.append(child)
                p += child.count
        return info

    for i, (t, nm) in enumerate(zip(argtypes, names)):
        info = one(i, nm, t, pos)
        out.append(info)
        pos += info.count
    return ArgMap(out, return_type, pos - 2)


def array_param_facts(fn, argmap: ArgMap) -> dict:
    """Bounds on the integer leaves of array parameters of ``fn`` (whose parameters follow
    ``argmap``): ``nitems``, ``itemsize`` and every ``shape[k]`` of a Numba array are
    non-negative (strides may be negative).  For ``transforms.sign_checks``."""
    from ..analysis.ranges import SMAX
    out = {}

    def walk(info):
        for c in info.children:
            walk(c)
        if info.is_array:
            nd = info.nbtype.ndim
            for k in [info.first + 2, info.first + 3] + list(range(info.first + 5,
                                                                   info.first + 5 + nd)):
                out[fn.args[k]] = SMAX
    for info in argmap.args:
        walk(info)
    return out


# ----------------------------------------------------------------------------------------
# compiling and collecting IR
# ----------------------------------------------------------------------------------------
@dataclass
class FrontendResult:
    llvm_name: str             # the function's symbol
    module_text: str           # unoptimised IR of it and its callees, one module
    argmap: ArgMap
    signature: object          # numba Signature
    pyfunc: object
    dispatcher: object
    source: Tuple[str, int]    # file, first line
    line_info: bool = True     # compiled with debug line tables (errors quote source lines)
    foreign: bool = False      # it calls into a module of another compiler (llvm_function)


def as_dispatcher(fn):
    # objects that stand for a compiled function (zymase.llvm_function) name their dispatcher
    inner = getattr(fn, "__zymase_dispatcher__", None)
    if inner is not None:
        return inner
    if isinstance(fn, numba.core.dispatcher.Dispatcher):
        return fn
    if callable(fn) and hasattr(fn, "__code__"):
        return numba.njit(fn)
    raise TypeError(f"zymase needs a Python function or a numba.njit function, got {fn!r}")


def typeof_args(args) -> Tuple[types.Type, ...]:
    return tuple(numba.typeof(a) for a in args)


def _library_modules(lib, seen, out):
    if id(lib) in seen:
        return
    seen.add(id(lib))
    rec = lib.__dict__.get("_zymase_ir")
    if rec:
        for name, text in rec:
            if name not in _WRAPPER_MODULES:
                out.append(text)
    else:
        out.append(str(lib._final_module))
    # derivative libraries an entry point links after Numba's optimisation
    # (jit.link_after_optimisation) are part of its code as much as the ordinary ones
    for sub in list(getattr(lib, "_linking_libraries", ())) + \
            list(lib.__dict__.get("_zymase_after_opt", ())):
        _library_modules(sub, seen, out)


def _existing(disp, argtypes):
    """The dispatcher's own compilation for ``argtypes``, if it was compiled after zymase was
    imported (so its unoptimised IR, and its callees', were recorded)."""
    cres = disp.overloads.get(argtypes)
    if cres is None or getattr(cres, "objectmode", False) or \
            not cres.library.__dict__.get("_zymase_ir"):
        return None
    return cres


def fold_defaults(disp, argtypes: Sequence[types.Type]) -> tuple:
    """The argument types of a call that passes the first ``len(argtypes)`` parameters:
    every parameter left out (it has a default) becomes ``types.Omitted(default)``, as Numba's
    dispatcher types such a call.  An omitted parameter is no IR parameter at all (its data
    model has no leaves): Numba compiles the default into the body as a constant, so it is
    ``Const`` by construction."""
    argtypes = tuple(argtypes)
    code = disp.py_func.__code__
    if len(argtypes) >= code.co_argcount:
        return argtypes
    return tuple(disp._compiler.fold_argument_types(argtypes, {})[1])


def compile_ir(fn, argtypes: Sequence[types.Type], reuse: bool = True) -> FrontendResult:
    """Compile ``fn`` for ``argtypes`` and return its unoptimised IR with all callees.

    With ``reuse``, a compilation the user already made (calling the ``@njit`` function)
    is reused instead of compiling again: it has no line tables, so a caller that needs
    source lines for an error message compiles afresh (``reuse=False``)."""
    disp = as_dispatcher(fn)
    argtypes = fold_defaults(disp, argtypes)
    compile_recursive_with_dispatcher(disp, argtypes)
    cres = _existing(disp, argtypes) if reuse else None
    if cres is not None:
        return _result(disp, cres, argtypes, line_info=False)
    with _lock, numba.core.compiler_lock.global_compiler_lock:
        comp = disp._compiler
        flags = compiler.Flags()
        opts = dict(comp.targetoptions)
        opts.setdefault("boundscheck", False)
        opts["debug"] = True            # line tables for error messages
        comp.targetdescr.options.parse_as_flags(flags, opts)
        flags.dbg_extend_lifetimes = False
        flags = comp._customize_flags(flags)
        impl = comp._get_implementation(argtypes, {})
        try:
          with warnings.catch_warnings():
            warnings.simplefilter("ignore", numba.core.errors.NumbaDebugInfoWarning)
            cres = compiler.compile_extra(comp.targetdescr.typing_context,
                                          comp.targetdescr.target_context, impl,
                                          args=argtypes, return_type=None, flags=flags,
                                          locals=comp.locals, pipeline_class=comp.pipeline_class)
        except numba.core.errors.TypingError as e:
            raise UnsupportedError(f"Numba cannot compile {disp.py_func.__name__} for "
                                   f"argument types {argtypes}:\n{e}") from None
        if cres.typing_error is not None or cres.objectmode:
            raise UnsupportedError(f"{disp.py_func.__name__} needs object mode; zymase "
                                   "differentiates nopython code only")
    return _result(disp, cres, argtypes, line_info=True)


def _unresolved_libraries(cres, texts: List[str], seen) -> None:
    """Recursion: Numba calls a recursive overload through ``@".numba.unresolved$SYM"``,
    which its linker fills in at run time, so SYM's library need not be among the linked
    ones.  Find SYM among the overloads of the dispatchers the code was typed with (and
    theirs, transitively) and add its library's modules."""
    pat = re.compile(r'@"\.numba\.unresolved\$([\w.$]+)"')
    defined = re.compile(r"^define [^\n]*@(\S+?)\(", re.M)
    todo, visited = [cres], set()
    overloads = {}
    while todo:
        c = todo.pop()
        if id(c) in visited:
            continue
        visited.add(id(c))
        for t in getattr(c.fndesc, "typemap", {}).values():
            if isinstance(t, types.Dispatcher):
                for o in t.dispatcher.overloads.values():
                    overloads.setdefault(o.fndesc.llvm_func_name, o)
                    todo.append(o)
    while True:
        have = {m.group(1).strip('"') for t in texts for m in defined.finditer(t)}
        missing = {m.group(1) for t in texts for m in pat.finditer(t)} - have
        found = [overloads[s] for s in missing
                 if s in overloads and id(overloads[s].library) not in seen]
        if not found:
            return
        for o in found:
            _library_modules(o.library, seen, texts)


def _result(disp, cres, argtypes, line_info: bool) -> FrontendResult:
    texts: List[str] = []
    seen: set = set()
    _library_modules(cres.library, seen, texts)
    foreign = any(t.startswith("; zymase foreign module") for t in texts)
    if any(".numba.unresolved$" in t for t in texts):
        _unresolved_libraries(cres, texts, seen)
    from ..custom import remember_external_functions
    remember_external_functions(disp.py_func)
    module = link_texts(texts)
    names = list(disp.py_func.__code__.co_varnames[:disp.py_func.__code__.co_argcount])
    names += [f"arg{i}" for i in range(len(names), len(argtypes))]
    code = disp.py_func.__code__
    return FrontendResult(cres.fndesc.llvm_func_name, str(module),
                          describe_args(argtypes, names, cres.signature.return_type),
                          cres.signature, disp.py_func, disp, (code.co_filename, code.co_firstlineno),
                          line_info, foreign)


def link_texts(texts: Sequence[str]) -> llvm.ModuleRef:
    """Parse and link module texts; definitions after the first module become linkonce_odr
    so helpers defined in several libraries (NRT_incref, …) merge."""
    # recursive overloads are reached only through Numba's unresolved-symbol globals: the
    # linker would drop them as unreferenced linkonce_odr definitions
    recursive = {m.group(1) for t in texts
                 for m in re.finditer(r'@"\.numba\.unresolved\$([\w.$]+)"', t)}
    main = llvm.parse_assembly(texts[0])
    seen_defs = {f.name for f in main.functions if not f.is_declaration}
    for t in texts[1:]:
        m = llvm.parse_assembly(t)
        for f in m.functions:
            if not f.is_declaration:
                if f.name in seen_defs:
                    f.linkage = "linkonce_odr"
                else:
                    seen_defs.add(f.name)
                    if f.linkage == llvm.Linkage.external and f.name not in recursive:
                        f.linkage = "linkonce_odr"
        main.link_in(m)
    return main




# ----------------------------------------------------------------------------------------
# the derivative signature in Numba's calling convention
# ----------------------------------------------------------------------------------------
def primal_argtypes(argtypes: Sequence[types.Type], activities) -> tuple:
    """The Numba argument types of a derivative (x, dx, …, seed) → the primal's (x, …)."""
    prim, k = [], 0
    for act in activities:
        prim.append(argtypes[k])
        k += 2 if act.has_shadow else 1
    return tuple(prim)


def leaf_types(nbtype) -> list:
    """The IR types of the parameters a value of ``nbtype`` is passed as (its data model's
    argument type, flattened)."""
    from ..llvm.jit import ir_type_of
    flat = []

    def walk(x):
        if isinstance(x, (list, tuple)):
            for y in x:
                walk(y)
        else:
            flat.append(ir_type_of(x))
    walk(cpu_target.target_context.data_model_manager.lookup(nbtype).get_argument_type())
    return flat


def float_leaves(info: ArgInfo) -> List[ArgInfo]:
    """All float-scalar and array leaves of an argument (recursing into tuples)."""
    if info.children:
        out = []
        for c in info.children:
            out.extend(float_leaves(c))
        return out
    if isinstance(info.nbtype, (types.Float, types.Array)) or is_instance_with_floats(info.nbtype) \
            or is_list_with_floats(info.nbtype):
        return [info]
    return []


def is_instance_with_floats(t) -> bool:
    """A jitclass instance some of whose attributes are floats or float arrays (directly or
    through tuples and other instances): one that can carry derivatives."""
    if not isinstance(t, types.ClassInstanceType):
        return False

    def floaty(m):
        if isinstance(m, types.Float) or (isinstance(m, types.Array)
                                          and isinstance(m.dtype, types.Float)):
            return True
        if isinstance(m, types.BaseTuple):
            return any(floaty(x) for x in m.types)
        return is_instance_with_floats(m)
    return any(floaty(m) for m in t.struct.values())


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


def _array_params(info: ArgInfo):
    from ..llvm.jit import value_type
    from ..transforms.signature import ArrayParams
    t = info.nbtype
    dtype = value_type(t.dtype) if isinstance(t.dtype, types.Float) else None
    return ArrayParams(info.first, t.ndim, dtype, t)


def tuple_result_ok(t) -> bool:
    """A tuple result reverse mode can seed: its elements (nested tuples too) are float
    scalars, float arrays, or values without a derivative (integers, booleans, None)."""
    for m in t.types:
        if isinstance(m, types.BaseTuple):
            if not tuple_result_ok(m):
                return False
        elif not (isinstance(m, (types.Float, types.Integer, types.Boolean, types.NoneType))
                  or isinstance(m, types.Array) and isinstance(m.dtype, types.Float)):
            return False
    return True


def _tuple_seeds(rt, sinfo: ArgInfo, width: int, path=()) -> list:
    """The seed elements of tuple result ``rt`` from seed argument ``sinfo`` (a tuple of the
    same shape, checked by ``Derivative._validate_return``): one per float or float-array
    element; other elements' seeds are ignored."""
    from ..llvm.jit import value_type
    from ..transforms.signature import Lanes, SeedElement
    out = []
    for k, (mt, c) in enumerate(zip(rt.types, sinfo.children)):
        p = path + (k,)
        if isinstance(mt, types.BaseTuple):
            out += _tuple_seeds(mt, c, width, p)
        elif isinstance(mt, types.Float):
            if width == 1:
                lanes = Lanes((c.first,))
            else:   # a 1-D array of N seeds
                a = _array_params(c)
                lanes = Lanes((a.data,), a.strides[0], value_type(c.nbtype.dtype))
            out.append(SeedElement(p, value_type(mt), lanes=lanes))
        elif isinstance(mt, types.Array) and isinstance(mt.dtype, types.Float):
            res = _element_array(mt)
            out.append(SeedElement(p, value_type(mt), array=_array_params(c), result=res))
    return out


def _element_array(t):
    from ..llvm.jit import value_type
    from ..transforms.signature import ArrayParams
    return ArrayParams(0, t.ndim, value_type(t.dtype), t)


def numba_signature(fe: FrontendResult, argtypes: Sequence[types.Type], activities, mode,
                    ret, width: int):
    """The ``DerivSignature`` of the derivative of ``fe``'s function called with the Numba
    argument types ``argtypes`` (x, dx, …, seed).

    The derivative is itself a Numba function: ``i32 @d(ptr retptr, ptr excinfo,
    <flattened x, dx, …, seed>)``.  Float scalars are passed by value (at width N their
    tangents, and an Active float result's N seeds, as a 1-D array of N); arrays as their
    descriptor leaves, shadows with the primal's layout (a leading lane axis at width N);
    shadow data pointers are ``noalias`` (the run-time shadow checks guarantee it).  The
    result goes through ``retptr`` as one Numba value (a tuple when there are several);
    at width N tangents and adjoints come back as Numba arrays."""
    from .. import activities as A
    from ..errors import unsupported
    from ..ir.types import I8, PTR
    from ..llvm.jit import value_type
    from ..transforms.signature import (ArrayInput, ArrayParams, DerivSignature, FloatInput,
                                        Lanes, Output, Param, PointerInput, Results,
                                        ReturnSpec, Seed)
    dmap = describe_args(argtypes, [f"a{i}" for i in range(len(argtypes))], None)
    params = [Param(PTR, "retptr", "noalias"), Param(PTR, "excinfo", "noalias")]
    for info in dmap.args:
        params += [Param(t, f"{_safe(info.name)}.{k}")
                   for k, t in enumerate(leaf_types(info.nbtype))]
    primal_param, inputs, active_nb = {}, [], {}
    k = 0
    for pinfo, act in zip(fe.argmap.args, activities):
        dinfo = dmap.args[k]
        for j in range(pinfo.count):
            primal_param[pinfo.first + j] = dinfo.first + j
        if act is A.Active:
            inputs.append(FloatInput(pinfo.name, pinfo.first, leaf_types(pinfo.nbtype)[0], act))
            active_nb[pinfo.first] = pinfo.nbtype
        elif act.has_shadow:
            sinfo = dmap.args[k + 1]
            for leaf, sleaf in zip(float_leaves(pinfo), float_leaves(sinfo)):
                if is_list_with_floats(leaf.nbtype):
                    # (meminfo, parent): the shadow list's payload mirrors the primal's
                    from ..transforms.list_args import list_inputs
                    inputs += list_inputs(leaf, sleaf, act, width)
                elif isinstance(leaf.nbtype, types.ClassInstanceType):
                    # (meminfo, data): the shadow instance's attributes mirror the primal's
                    # (a float attribute's adjoint or tangent, an array attribute's shadow)
                    for j in range(leaf.count):
                        inputs.append(PointerInput(leaf.name, leaf.first + j, act,
                                                   Lanes((sleaf.first + j,))))
                    if width > 1:
                        raise unsupported(f"`{act}` on the jitclass instance `{pinfo.name}` "
                                          f"with width={width}",
                                          help="use width=1, or pass the instance's arrays as "
                                               "arguments of their own")
                elif leaf.is_array:
                    shadow = _array_params(sleaf)
                    params[shadow.data].attrs = "noalias"
                    inputs.append(ArrayInput(pinfo.name, act, _array_params(leaf), shadow))
                elif mode is A.Mode.REVERSE:
                    raise unsupported(f"`{act}` on the float scalar inside tuple parameter "
                                      f"`{pinfo.name}`", help="pass it as its own Active argument")
                else:
                    ft = leaf_types(leaf.nbtype)[0]
                    if width == 1:
                        tangent = Lanes((sleaf.first,))
                    else:   # a 1-D array of N tangents
                        a = _array_params(sleaf)
                        params[a.data].attrs = "noalias"
                        tangent = Lanes((a.data,), a.strides[0], ft)
                    inputs.append(FloatInput(leaf.name, leaf.first, ft, act, tangent))
        k += 2 if act.has_shadow else 1
    rt = fe.signature.return_type
    kind = "none" if isinstance(rt, types.NoneType) else "float" if isinstance(rt, types.Float) \
        else "array" if isinstance(rt, types.Array) else \
        "tuple" if isinstance(rt, types.BaseTuple) and tuple_result_ok(rt) else "other"
    array = ArrayParams(0, rt.ndim, value_type(rt.dtype) if isinstance(rt.dtype, types.Float)
                        else None, rt) if kind == "array" else None
    retspec = ReturnSpec(kind, value_type(rt) if kind != "none" else I8, slot=0, status=True,
                         excinfo=1, describe=str(rt), array=array,
                         contiguous=kind == "array" and rt.layout == "C", source=rt)
    seed = None
    if mode is A.Mode.REVERSE and ret in (A.Active, A.ActiveOnly):
        s = dmap.args[-1]
        if width == 1:
            seed = Seed(lanes=Lanes((s.first,)))
        else:   # a 1-D array of N seeds
            a = _array_params(s)
            seed = Seed(lanes=Lanes((a.data,), a.strides[0], value_type(s.nbtype.dtype)))
    elif mode is A.Mode.REVERSE and ret in (A.Duplicated, A.DuplicatedOnly) and kind == "tuple":
        seed = Seed(elements=_tuple_seeds(rt, dmap.args[-1], width))
    elif mode is A.Mode.REVERSE and ret in (A.Duplicated, A.DuplicatedOnly):
        seed = Seed(array=_array_params(dmap.args[-1]))
    outputs, nbtypes = [], []
    if mode is A.Mode.FORWARD:
        if kind != "none":
            tt, pack = rt, "value"
            if width > 1:
                if kind == "array" and retspec.contiguous and array.dtype is not None:
                    tt, pack = types.Array(rt.dtype, rt.ndim + 1, "C"), "wide-array"
                elif kind != "float":
                    raise unsupported(f"a batched forward derivative of a function returning "
                                      f"{rt}", help="use width=1, or return a float or a "
                                                    "C-contiguous array")
                else:
                    tt, pack = types.Array(rt, 1, "C"), "array"
            if ret is not A.DualOnly:
                outputs.append(Output("primal", value_type(rt)))
                nbtypes.append(rt)
            if ret in (A.Dual, A.DualOnly):
                outputs.append(Output("tangent", value_type(tt), pack=pack))
                nbtypes.append(tt)
    else:
        if kind != "none" and ret in (A.Active, A.Const, A.Duplicated):
            outputs.append(Output("primal", value_type(rt)))
            nbtypes.append(rt)
        for inp in inputs:
            if isinstance(inp, FloatInput) and inp.activity is A.Active:
                at = active_nb[inp.param]
                at = at if width == 1 else types.Array(at, 1, "C")
                outputs.append(Output("adjoint", value_type(at), inp,
                                      "value" if width == 1 else "array"))
                nbtypes.append(at)
    restype = types.none if not nbtypes else nbtypes[0] if len(nbtypes) == 1 else \
        types.Tuple(tuple(nbtypes))
    results = Results(outputs, value_type(restype) if nbtypes else None, slot=0, source=restype)
    return DerivSignature(mode, ret, width, params, inputs, primal_param, retspec, results,
                          seed, excinfo=1, name=fe.pyfunc.__name__)

