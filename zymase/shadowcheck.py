"""Run-time shadow checks: a shadow must match its primal before any derivative code runs.

Rules (DESIGN.md "Semantics"): same shape (with a leading axis of ``width`` when width > 1),
same dtype, same element layout (strides — the derivative reuses the primal's byte offsets on
the shadow), writeable, and no memory shared with its primal or with another shadow; tuples
recursively; a list's shadow is another list of its length whose arrays follow these rules
item by item (transforms/list_args.py).

Two implementations of one rule set:
- ``check_python`` for calls from Python, with exact overlap tests (``np.shares_memory``) and
  messages that name the parameter and say how to build a correct shadow;
- ``njit_checker(...)`` for the ``@njit`` entry point, so calls from compiled code are
  checked too (one generated function per entry point and argument types).  Dtype and writeability are properties of the Numba *type* and are checked
  once at compile time (``check_types``); shape, strides and overlap (conservative address
  ranges, like ``np.may_share_memory``) cost a few comparisons per call.
"""
from __future__ import annotations

import numbers

import numpy as np
from numba.core import types as nbt
from numba.extending import intrinsic, overload

from .errors import ShadowError


def check_python(name, x, dx, width, seen, path=""):
    label = name + path
    if isinstance(x, tuple):
        if not isinstance(dx, tuple) or len(dx) != len(x):
            raise ShadowError(f"error: shadow of tuple parameter `{label}` must be a tuple of "
                              f"{len(x)} shadows")
        for i, (a, da) in enumerate(zip(x, dx)):
            check_python(name, a, da, width, seen, f"{path}[{i}]")
        return
    if isinstance(x, np.ndarray):
        if not isinstance(dx, np.ndarray):
            raise ShadowError(f"error: shadow `d{label}` must be an ndarray like `{label}`, "
                              f"found {type(dx).__name__}")
        want = x.shape if width == 1 else (width,) + x.shape
        if dx.shape != want or dx.dtype != x.dtype:
            raise ShadowError(f"error: shadow `d{label}` has shape {dx.shape} and dtype {dx.dtype}; "
                              f"expected shape {want} and dtype {x.dtype}\n  = help: "
                              f"d{label} = np.zeros({want}, dtype=np.{x.dtype})")
        want_strides = x.strides if width == 1 else dx.strides[:1] + x.strides
        if x.size > 1 and _strides_matter(x, dx, want_strides):
            raise ShadowError(f"error: shadow `d{label}` has strides {dx.strides}; it must lay "
                              f"out its elements like `{label}` (strides {want_strides})\n  = help: "
                              f"np.zeros_like({label}) gives matching strides for a contiguous "
                              f"`{label}`; for a view, take the same view of a zeros array")
        if not dx.flags.writeable:
            raise ShadowError(f"error: shadow `d{label}` is read-only; zymase writes derivatives into it")
        if np.may_share_memory(x, dx) and np.shares_memory(x, dx):
            raise ShadowError(f"error: shadow `d{label}` aliases its primal `{label}`\n  = help: "
                              f"pass a separate array, e.g. np.zeros_like({label})")
        for other_name, o in seen:
            if isinstance(o, np.ndarray) and np.may_share_memory(o, dx) \
                    and np.shares_memory(o, dx):
                raise ShadowError(f"error: shadow `d{label}` aliases shadow `d{other_name}`")
        seen.append((label, dx))
        return
    if isinstance(x, list):
        _check_list_python(name, label, x, dx, width, seen)
        return
    xt = getattr(x, "_numba_type_", None)
    if xt is not None and isinstance(xt, nbt.ClassInstanceType):
        _check_instance_python(name, label, x, dx, xt, width, seen, path)
        return
    if isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)):
        if width == 1:
            if not isinstance(dx, numbers.Real) or isinstance(dx, (bool, np.bool_)):
                raise ShadowError(f"error: tangent `d{label}` must be a float, found {type(dx).__name__}")
        elif not (isinstance(dx, np.ndarray) and dx.shape == (width,)):
            raise ShadowError(f"error: with width={width} the tangent `d{label}` must be an array "
                              f"of shape ({width},)")


def _check_list_python(name, label, x, dx, width, seen):
    """A Python list's shadow: another list of the same length, whose items are float
    adjoints or tangents, or array shadows checked like array shadows
    (transforms/list_args.py)."""
    if width > 1:
        raise _list_width_error(label, width)
    if not isinstance(dx, list) or len(dx) != len(x):
        got = f"a list of {len(dx)}" if isinstance(dx, list) else type(dx).__name__
        raise ShadowError(f"error: shadow `d{label}` must be a list of {len(x)} items like "
                          f"`{label}`, found {got}\n  = help: d{label} = "
                          + ("[0.0] * len({0})" if not x or not isinstance(x[0], np.ndarray)
                             else "[np.zeros_like(a) for a in {0}]").format(label))
    if dx is x:
        raise ShadowError(f"error: shadow `d{label}` is the list `{label}` itself\n  = help: "
                          f"pass a separate list of zeros")
    for other_name, o in seen:
        if o is dx:
            raise ShadowError(f"error: shadow `d{label}` is the same list as shadow "
                              f"`d{other_name}`")
    seen.append((label, dx))
    for k, (a, da) in enumerate(zip(x, dx)):
        if isinstance(a, np.ndarray):
            check_python(label, a, da, width, seen, f"[{k}]")
        elif not isinstance(da, (float, np.floating)):
            # Numba types a list by its items: one int among floats is another list type
            raise ShadowError(f"error: item {k} of shadow `d{label}` is "
                              f"{type(da).__name__} {da!r}; the items of `{label}` are "
                              f"{type(a).__name__}\n  = help: write {float(da)!r} for {da!r}"
                              if isinstance(da, numbers.Real) else
                              f"error: item {k} of shadow `d{label}` is {type(da).__name__}; "
                              f"the items of `{label}` are {type(a).__name__}")


def _list_width_error(label, width):
    from .errors import UnsupportedError
    return UnsupportedError(f"error: a shadow of the list `{label}` with width={width} is not "
                            f"supported\n  = help: use width=1 (one shadow list per call), or "
                            f"pass the values in an array")


def _check_instance_python(name, label, x, dx, xt, width, seen, path):
    """A jitclass instance's shadow: another instance of the same class (its own storage),
    whose array attributes are checked like array shadows; float attributes hold adjoints or
    tangents, other attributes are not read."""
    from numba.experimental.jitclass import _box
    if width > 1:
        raise _instance_width_error(label, width)
    if getattr(dx, "_numba_type_", None) != xt:
        raise ShadowError(f"error: shadow `d{label}` must be an instance of the same jitclass "
                          f"as `{label}` ({xt.classname}), found {type(dx).__name__}\n  = help: "
                          f"build a second instance with zero floats and np.zeros_like arrays")
    if _box.box_get_dataptr(dx) == _box.box_get_dataptr(x):
        raise ShadowError(f"error: shadow `d{label}` is the instance `{label}` itself\n  = help: "
                          f"pass a separate instance with zero floats and np.zeros_like arrays")
    for attr, mt in xt.struct.items():
        if _has_array(mt):
            check_python(name, getattr(x, attr), getattr(dx, attr), width, seen,
                         f"{path}.{attr}")


def _instance_width_error(label, width):
    from .errors import UnsupportedError
    return UnsupportedError(f"error: a shadow of the jitclass instance `{label}` with "
                            f"width={width} is not supported\n  = help: use width=1, or pass "
                            f"the instance's arrays as arguments of their own")


def _has_array(t) -> bool:
    if isinstance(t, nbt.Array):
        return isinstance(t.dtype, nbt.Float)
    if isinstance(t, nbt.BaseTuple):
        return any(_has_array(m) for m in t.types)
    if isinstance(t, nbt.ClassInstanceType):
        return any(_has_array(m) for m in t.struct.values())
    return False


def _strides_matter(x, dx, want):
    # strides of length-1 axes are never used to address memory
    for n, a, b in zip((dx.shape[0],) + x.shape if len(want) > x.ndim else x.shape,
                       dx.strides, want):
        if n > 1 and a != b:
            return True
    return False


def check_types(name, xt, dxt, width):
    """Compile-time part of the checks, on Numba types."""
    if isinstance(xt, nbt.Array):
        if not isinstance(dxt, nbt.Array):
            raise ShadowError(f"error: shadow `d{name}` must be an array like `{name}`, found {dxt}")
        want_nd = xt.ndim + (1 if width > 1 else 0)
        if dxt.dtype != xt.dtype or dxt.ndim != want_nd:
            raise ShadowError(f"error: shadow `d{name}` is {dxt}; expected a {want_nd}-d array of "
                              f"{xt.dtype}")
        if not dxt.mutable:
            raise ShadowError(f"error: shadow `d{name}` is read-only; zymase writes derivatives into it")
    elif isinstance(xt, nbt.BaseTuple):
        if not isinstance(dxt, nbt.BaseTuple) or len(dxt) != len(xt):
            raise ShadowError(f"error: shadow of tuple parameter `{name}` must be a tuple of "
                              f"{len(xt)} shadows, found {dxt}")
        for k, (a, b) in enumerate(zip(xt.types, dxt.types)):
            if isinstance(a, nbt.List):
                from .errors import UnsupportedError
                raise UnsupportedError(
                    f"error: a shadow of the list `{name}[{k}]` inside a tuple is not "
                    f"supported (Numba does not copy a list inside a tuple back to Python)"
                    f"\n  = help: pass the list as an argument of its own")
            check_types(f"{name}[{k}]", a, b, width)
    elif isinstance(xt, nbt.List):
        if width > 1:
            raise _list_width_error(name, width)
        it, dit = xt.dtype, getattr(dxt, "dtype", None)
        same = isinstance(dxt, nbt.List) and dxt.reflected == xt.reflected and (
            dit == it if isinstance(it, nbt.Float) else
            isinstance(dit, nbt.Array) and dit.dtype == it.dtype and dit.ndim == it.ndim)
        if not same:
            raise ShadowError(f"error: shadow `d{name}` must be a list of the same item type as "
                              f"`{name}` ({xt}), found {dxt}")
        if isinstance(dit, nbt.Array) and not dit.mutable:
            raise ShadowError(f"error: the arrays of shadow `d{name}` are read-only; zymase "
                              f"writes derivatives into them")
    elif isinstance(xt, nbt.ClassInstanceType):
        if width > 1:
            raise _instance_width_error(name, width)
        if dxt != xt:
            raise ShadowError(f"error: shadow `d{name}` must be an instance of the same jitclass "
                              f"as `{name}` ({xt.classname}), found {dxt}")
    elif isinstance(xt, nbt.Float):
        if width == 1 and not isinstance(dxt, (nbt.Float, nbt.Integer)):
            raise ShadowError(f"error: tangent `d{name}` must be a float, found {dxt}")
        if width > 1 and not (isinstance(dxt, nbt.Array) and dxt.ndim == 1):
            raise ShadowError(f"error: with width={width} the tangent `d{name}` must be a 1-d "
                              f"array of {width} floats, found {dxt}")


def njit_checker(nargs: int, pairs, aliases, seed, width: int):
    """One ``@njit``-callable ``check(a0, …, a{nargs-1})`` that runs every shadow check of a
    derivative's entry point: ``pairs`` = [(name, ix, idx)] (primal and shadow positions),
    ``aliases`` = [(name_a, name_b, ia, ib)] (two shadows), ``seed`` = the position of a
    width-N seed array or None.

    The checks for the argument types at hand are generated as the source text of a single
    function (tuples unrolled, address extents written out), so an entry point compiles one
    checker instead of one small Numba function per check (each costs ~0.1 s)."""
    params = ", ".join(f"a{k}" for k in range(nargs))
    ns: dict = {}
    exec(f"def check({params}):  # pragma: no cover - replaced by the overload inside njit\n"
         f"    pass\n", ns)
    check = ns["check"]

    def _impl(*types):
        g = {"ShadowError": ShadowError}
        lines = []
        for name, ix, idx in pairs:
            _pair_lines(lines, g, name, f"a{ix}", f"a{idx}", types[ix], types[idx], width)
        for na, nb, ia, ib in aliases:
            ta, tb = types[ia], types[ib]
            if isinstance(ta, nbt.Array) and isinstance(tb, nbt.Array):
                _overlap_lines(lines, g, f"a{ia}", f"a{ib}", ta, tb,
                               f"error: shadow `d{na}` shares memory with shadow `d{nb}`")
            elif isinstance(ta, nbt.List) or isinstance(tb, nbt.List):
                _list_alias_lines(lines, g, na, nb, f"a{ia}", f"a{ib}", ta, tb)
        if seed is not None:
            # an array seed, or every array in a tuple seed (a tuple result's adjoints)
            def seed_lines(t, expr):
                if isinstance(t, nbt.Array) and t.ndim >= 1:
                    m = _msg(g, f"error: with width={width} the seed must have {width} entries")
                    lines.append(f"if {expr}.shape[0] != {width}: raise ShadowError({m})")
                elif isinstance(t, nbt.BaseTuple):
                    for k, mt in enumerate(t.types):
                        seed_lines(mt, f"{expr}[{k}]")
            seed_lines(types[seed], f"a{seed}")
        body = "".join(f"    {ln}\n" for ln in lines) or "    pass\n"
        exec(f"def impl({params}):\n{body}", g)
        return g["impl"]

    tns = {"_impl": _impl}
    exec(f"def _typed({params}):\n    return _impl({params})\n", tns)
    overload(check, jit_options={"cache": False})(tns["_typed"])
    return check


@intrinsic
def instance_dataptr(typingctx, inst):
    """The address of a jitclass instance's attribute storage (two instances are the same
    object exactly when these are equal)."""
    if not isinstance(inst, nbt.ClassInstanceType):
        return None

    def codegen(context, builder, sig, args):
        from numba.core import cgutils
        st = cgutils.create_struct_proxy(inst)(context, builder, value=args[0])
        return builder.ptrtoint(st.data, context.get_value_type(nbt.intp))
    return nbt.intp(inst), codegen


@intrinsic
def list_meminfo(typingctx, lst):
    """The address of a reflected list's MemInfo (two lists are the same native list exactly
    when these are equal)."""
    if not isinstance(lst, nbt.List):
        return None

    def codegen(context, builder, sig, args):
        from numba.cpython.listobj import ListInstance
        mi = ListInstance(context, builder, lst, args[0]).meminfo
        return builder.ptrtoint(mi, context.get_value_type(nbt.intp))
    return nbt.intp(lst), codegen


def _msg(g: dict, text: str) -> str:
    key = f"M{sum(1 for k in g if k.startswith('M'))}"
    g[key] = text
    return key


def _pair_lines(lines, g, name, x, dx, tx, tdx, width):
    """Source lines checking shadow ``dx`` against primal ``x`` (types ``tx``, ``tdx``)."""
    if isinstance(tx, nbt.Array) and isinstance(tdx, nbt.Array):
        shape = _msg(g, f"error: shadow `d{name}` does not have the shape of `{name}`"
                        + (f" with a leading axis of {width}" if width > 1 else ""))
        stride = _msg(g, f"error: shadow `d{name}` does not lay out its elements like "
                         f"`{name}` (strides)")
        off = 1 if width > 1 else 0
        if off:
            lines.append(f"if {dx}.shape[0] != {width}: raise ShadowError({shape})")
        for k in range(tx.ndim):
            lines.append(f"if {dx}.shape[{k + off}] != {x}.shape[{k}]: raise ShadowError({shape})")
            lines.append(f"if {x}.shape[{k}] > 1 and {dx}.strides[{k + off}] != {x}.strides[{k}]: "
                         f"raise ShadowError({stride})")
        _overlap_lines(lines, g, x, dx, tx, tdx,
                       f"error: shadow `d{name}` shares memory with its primal `{name}`")
    elif isinstance(tx, nbt.BaseTuple) and isinstance(tdx, nbt.BaseTuple) and len(tx) == len(tdx):
        for k in range(len(tx)):
            _pair_lines(lines, g, f"{name}[{k}]", f"{x}[{k}]", f"{dx}[{k}]", tx.types[k],
                        tdx.types[k], width)
    elif isinstance(tx, nbt.ClassInstanceType) and tdx == tx:
        g["_dataptr"] = instance_dataptr
        m = _msg(g, f"error: shadow `d{name}` is the instance `{name}` itself")
        lines.append(f"if _dataptr({x}) == _dataptr({dx}): raise ShadowError({m})")
        for attr, mt in tx.struct.items():
            if _has_array(mt):
                _pair_lines(lines, g, f"{name}.{attr}", f"{x}.{attr}", f"{dx}.{attr}", mt, mt,
                            width)
    elif isinstance(tx, nbt.List) and isinstance(tdx, nbt.List):
        g["_list_meminfo"] = list_meminfo
        m = _msg(g, f"error: shadow `d{name}` does not have the length of `{name}`")
        lines.append(f"if len({dx}) != len({x}): raise ShadowError({m})")
        m = _msg(g, f"error: shadow `d{name}` is the list `{name}` itself")
        lines.append(f"if _list_meminfo({x}) == _list_meminfo({dx}): raise ShadowError({m})")
        if isinstance(tx.dtype, nbt.Array):
            k, j = f"k{len(lines)}", f"j{len(lines)}"
            inner: list = []
            _pair_lines(inner, g, f"{name}[k]", f"{x}[{k}]", f"{dx}[{k}]", tx.dtype,
                        tdx.dtype, width)
            lines.append(f"for {k} in range(len({x})):")
            lines += ["    " + ln for ln in inner]
            pairs: list = []
            _overlap_lines(pairs, g, f"{dx}[{k}]", f"{dx}[{j}]", tdx.dtype, tdx.dtype,
                           f"error: two arrays of shadow `d{name}` share memory")
            lines.append(f"    for {j} in range({k}):")
            lines += ["        " + ln for ln in pairs]
    elif isinstance(tx, nbt.Float) and isinstance(tdx, nbt.Array):
        m = _msg(g, f"error: with width={width} the tangent `d{name}` must have {width} elements")
        lines.append(f"if {dx}.size != {width}: raise ShadowError({m})")


def _list_alias_lines(lines, g, na, nb, a, b, ta, tb):
    """Source lines refusing two shadows that share memory when one or both are lists: the
    same list, or arrays of a list of arrays overlapping the other shadow's arrays."""
    text = f"error: shadow `d{na}` shares memory with shadow `d{nb}`"
    if isinstance(ta, nbt.List) and isinstance(tb, nbt.List):
        g["_list_meminfo"] = list_meminfo
        lines.append(f"if _list_meminfo({a}) == _list_meminfo({b}): "
                     f"raise ShadowError({_msg(g, text)})")
    ea = ta.dtype if isinstance(ta, nbt.List) else ta
    eb = tb.dtype if isinstance(tb, nbt.List) else tb
    if not (isinstance(ea, nbt.Array) and isinstance(eb, nbt.Array)):
        return
    n = len(lines)
    xa, xb, body = a, b, []
    if isinstance(ta, nbt.List):
        lines.append(f"for i{n} in range(len({a})):")
        xa = f"{a}[i{n}]"
    if isinstance(tb, nbt.List):
        lines.append("    " * (len(lines) - n) + f"for j{n} in range(len({b})):")
        xb = f"{b}[j{n}]"
    _overlap_lines(body, g, xa, xb, ea, eb, text)
    lines += ["    " * (len(lines) - n) + ln for ln in body]


def _overlap_lines(lines, g, a, b, ta, tb, text):
    """Source lines raising ``text`` when the address ranges of arrays ``a`` and ``b``
    overlap (conservative, like ``np.may_share_memory``)."""
    m = _msg(g, text)
    v = f"v{len(lines)}"
    for arr, t, lo, hi in ((a, ta, f"{v}la", f"{v}ha"), (b, tb, f"{v}lb", f"{v}hb")):
        lines.append(f"{lo} = {arr}.ctypes.data")
        lines.append(f"{hi} = {lo} + {arr}.itemsize")
        for k in range(t.ndim):
            lines.append(f"{v}s = ({arr}.shape[{k}] - 1) * {arr}.strides[{k}]")
            lines.append(f"if {v}s < 0: {lo} += {v}s")
            lines.append(f"else: {hi} += {v}s")
    lines.append(f"if {a}.size > 0 and {b}.size > 0 and {v}la < {v}hb and {v}lb < {v}ha: "
                 f"raise ShadowError({m})")


def check_seed_python(seed, width):
    """Width N, float return: the seed holds the N return adjoints."""
    if not (isinstance(seed, np.ndarray) and seed.ndim == 1 and seed.shape[0] == width
            and seed.dtype.kind == "f"):
        got = f"shape {seed.shape}, dtype {seed.dtype}" if isinstance(seed, np.ndarray) \
            else type(seed).__name__
        raise ShadowError(f"error: with width={width} the seed must be a 1-d float array of "
                          f"{width} return adjoints, found {got}\n  = help: seed = "
                          f"np.ones({width}) (or one row per adjoint you want)")


def check_seed_type(t, width):
    if width > 1 and not (isinstance(t, nbt.Array) and t.ndim == 1
                          and isinstance(t.dtype, nbt.Float)):
        raise ShadowError(f"error: with width={width} the seed must be a 1-d float array of "
                          f"{width} return adjoints, found {t}")


def check_batch_tuple_seed(seed, width, where):
    """Width N, tuple result: every array in the seed tuple has the lane axis of N first
    (float elements' seeds are 1-D arrays of N); element types are checked when it builds."""
    for k, s_ in enumerate(seed):
        if isinstance(s_, tuple):
            check_batch_tuple_seed(s_, width, f"{where}[{k}]")
        elif isinstance(s_, np.ndarray) and (s_.ndim == 0 or s_.shape[0] != width):
            raise ShadowError(f"error: with width={width} every array in the seed tuple has a "
                              f"leading lane axis of {width}; `{where}[{k}]` has shape "
                              f"{s_.shape}\n  = help: {where}[{k}][j] is the output adjoint of "
                              f"lane j")
