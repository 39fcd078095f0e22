"""JAX-style convenience API on top of the activity API: grad, value_and_grad, jvp, vjp,
jacobian (hessian and hvp live in ``higher.py``).

Conventions (JAX's): ``grad(f, argnums)(*args)``, ``value_and_grad(f, argnums)(*args)``,
``jvp(f, primals, tangents) -> (y, y_dot)`` with one tangent per primal (``None`` where an
argument carries none), ``vjp(f, *primals) -> (y, back)`` with ``back(y_bar)`` returning one
adjoint per primal (``None`` for non-float ones), ``jacobian(f, argnums)``.  ``argnums`` is an
int (one result) or a tuple (a tuple of results).

A call costs one dictionary lookup and one compiled call.  Activities follow the argument
types (float scalars → Active/Dual, float arrays → Duplicated/Dual, everything else Const);
the decision is made once per *type signature* of the arguments (Numba's fingerprint of the
argument tuple: types, dtypes, dimensions, layouts) and kept as a *plan*, a small Python
function generated for that signature which
- allocates the zeroed shadows with ``np.zeros`` (calloc: lazily zeroed pages, the cheapest
  zeroed memory there is) in the layout of their primal;
- copies exactly the arguments the function may write — the written-argument analysis of
  the derivative's build (``Derivative.written_arguments``) — so the caller's arrays are never
  modified and arrays the function only reads are not copied; an argument whose layout the
  derivative cannot take as is (a strided view, a read-only or unaligned array) is passed as
  a contiguous copy;
- calls the derivative's compiled entry point without the run-time shadow checks: the
  shadows are made right there, so they match their primals by construction (tangents the
  caller passes are checked for shape, and converted to the primal's dtype and layout);
- asks for the primal value only where it is returned (``grad``: ``ret=ActiveOnly``).
Derivatives and plans are kept per function for the life of the process (like
``jax.jit``'s cache), so a second ``grad(f)`` or ``vjp(f, …)`` reuses them.
"""
from __future__ import annotations

from typing import Dict, Sequence, Tuple, Union

import numba
import numpy as np

from . import activities as A
from .api import Derivative, autodiff_forward, autodiff_reverse
from .errors import ActivityError, ShadowError, UnsupportedError

try:
    from numba._dispatcher import compute_fingerprint as _fingerprint_of
except ImportError:  # pragma: no cover - older/newer Numba without the C helper
    _fingerprint_of = None

ArgNums = Union[int, Sequence[int]]


def is_float_scalar(x) -> bool:
    return isinstance(x, (float, np.floating)) and not isinstance(x, (bool, np.bool_))


def is_float_array(x) -> bool:
    return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)


def normalise_argnums(argnums: ArgNums, n: int) -> Tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else tuple(argnums)
    out = []
    for k in nums:
        if not -n <= k < n:
            raise ActivityError(f"error: argnums {k} out of range for a function of {n} arguments")
        out.append(int(k) % n)
    return tuple(out)


def _copy(x):
    """A private copy of an argument: arrays (also inside tuples) copied, scalars as they are."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, tuple):
        return type(x)(*map(_copy, x)) if hasattr(x, "_fields") else tuple(map(_copy, x))
    return x


def _signature(args):
    """A hashable key for the types of ``args`` (None: not fingerprintable, no plan cached)."""
    if _fingerprint_of is not None:
        try:
            return _fingerprint_of(args)
        except (NotImplementedError, ValueError, TypeError):
            pass
    try:
        return tuple(numba.typeof(a) for a in args)
    except Exception:
        return None


# -- per-function registry: derivatives (per activity pattern) and plans (per signature) ------------
_registry: Dict[int, Tuple[object, Dict]] = {}


def _store(fn) -> Dict:
    """The cache of derivatives and plans kept for ``fn`` (``fn`` is held, so ids stay unique)."""
    ent = _registry.get(id(fn))
    if ent is None or ent[0] is not fn:
        ent = _registry[id(fn)] = (fn, {})
    return ent[1]


def _derivative(fn, store, mode, acts, ret, width=1) -> Derivative:
    key = ("derivative", mode, acts, ret, width)
    d = store.get(key)
    if d is None:
        make = autodiff_forward if mode is A.Mode.FORWARD else autodiff_reverse
        d = store[key] = make(fn, *acts, ret=ret, width=width, checks=False)
    return d


# -- plans ----------------------------------------------------------------------------------------
def _layout(x: np.ndarray) -> str:
    """'C' / 'F': passed as it is (shadow in the same order); 'copy': passed as a C copy."""
    f = x.flags
    if not (f.writeable and f.aligned):
        return "copy"
    if f.c_contiguous:
        return "C"
    if f.f_contiguous:
        return "F"
    return "copy"


class _Plan:
    """Builds the generated per-signature call function.

    ``pre`` are statements, ``call`` the derivative's argument expressions, ``result`` the
    returned expression; the names ``a0…`` are the plan's parameters."""

    def __init__(self, nparams: int):
        self.params = [f"a{k}" for k in range(nparams)]
        self.pre, self.call, self.env = [], [], {"np": np, "_zeros": np.zeros}

    def array(self, k: int, x: np.ndarray, copy: bool) -> Tuple[str, str]:
        """Pass array parameter ``k``: (expression of what is passed, its memory order)."""
        lay = _layout(x)
        if lay == "copy":
            self.pre.append(f"c{k} = np.array(a{k}, order='C')")
            return f"c{k}", "C"
        if copy:
            self.pre.append(f"c{k} = a{k}.copy({lay!r})")
            return f"c{k}", lay
        return f"a{k}", lay

    def zeros(self, k: int, like: str, order: str) -> str:
        o = "" if order == "C" else ", order='F'"
        self.pre.append(f"s{k} = _zeros({like}.shape, {like}.dtype{o})")
        return f"s{k}"

    def compile(self, entry, result: str, name: str):
        self.env["_entry"] = entry
        body = "".join(f"    {s}\n" for s in self.pre)
        src = (f"def {name}({', '.join(self.params)}):\n{body}"
               f"    r = _entry({', '.join(self.call)})\n    return {result}\n")
        exec(src, self.env)
        fn = self.env[name]
        fn.source = src
        return fn


def _reverse_acts(args, nums) -> Tuple:
    acts = []
    for k, x in enumerate(args):
        if k in nums:
            if is_float_scalar(x):
                acts.append(A.Active)
            elif is_float_array(x):
                acts.append(A.Duplicated)
            else:
                raise ActivityError(f"error: argument {k} ({type(x).__name__}) cannot be "
                                    f"differentiated: only float scalars and float arrays can")
        else:
            acts.append(A.Const)
    return tuple(acts)


def _written(d: Derivative, args, acts, trailing) -> Tuple[bool, ...]:
    """Which parameters the function may write (``Derivative.written_arguments``), asked
    with arguments of the types the plan will pass, which builds the derivative for them
    (nothing runs)."""
    call = []
    for x, act in zip(args, acts):
        x = np.array(x, order="C") if isinstance(x, np.ndarray) and _layout(x) == "copy" else x
        call.append(x)
        if act.has_shadow:
            call.append(np.zeros_like(x) if isinstance(x, np.ndarray) else
                        (type(x)(0) if isinstance(x, np.floating) else 0.0))
    w = d.written_arguments(*call, *trailing)
    return tuple(True for _ in args) if w is None else w


def _reverse_plan(fn, store, args, nums, ret, seed: str = "1.0"):
    """A plan for one reverse call ``d(x0[, s0], x1, …, seed)`` (``seed``: an expression).
    Returns the plan, the derivative, the primal value's expression (None with ActiveOnly)
    and each argument's adjoint expression, over the result ``r`` and the shadows ``s<k>``."""
    acts = _reverse_acts(args, nums)
    d = _derivative(fn, store, A.Mode.REVERSE, acts, ret)
    written = _written(d, args, acts, (1.0,))
    plan = _Plan(len(args))
    actives = [k for k, a in enumerate(acts) if a is A.Active]
    adj = {}
    for k, (x, act) in enumerate(zip(args, acts)):
        if isinstance(x, np.ndarray):
            passed, order = plan.array(k, x, written[k])
            plan.call.append(passed)
            if act is A.Duplicated:
                adj[k] = plan.zeros(k, passed, order)
                plan.call.append(adj[k])
        elif written[k] and isinstance(x, tuple):
            plan.env["_copy"] = _copy
            plan.call.append(f"_copy(a{k})")
        else:
            plan.call.append(f"a{k}")
    plan.call.append(seed)
    if ret is A.ActiveOnly:
        value = None
        for j, k in enumerate(actives):
            adj[k] = "r" if len(actives) == 1 else f"r[{j}]"
    else:
        value = "r" if not actives else "r[0]"
        for j, k in enumerate(actives):
            adj[k] = f"r[{j + 1}]"
    return plan, d, value, adj


def positional_args(fn, args, kwargs) -> tuple:
    """``args`` and keyword arguments ``kwargs`` as one positional tuple (the derivatives take
    positional arguments only): every parameter up to the last one given, a parameter skipped
    in between passed as its default value.  Parameters left out at the end stay out (Numba
    compiles their defaults in).  ``argnums`` count positions in this tuple, so a keyword
    argument is differentiated only when its position is in ``argnums``, as with ``jax.grad``."""
    if not kwargs:
        return args
    import inspect
    py = _primal(fn).py_func
    sig = inspect.signature(py)
    try:
        given = sig.bind(*args, **kwargs).arguments
    except TypeError as e:
        raise ActivityError(f"error: {getattr(py, '__name__', 'f')}{sig}: {e}") from None
    names = list(sig.parameters)
    last = max(names.index(k) for k in given)
    out = []
    for name in names[:last + 1]:
        p = sig.parameters[name]
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise ActivityError(f"error: parameter `{name}` of {py.__name__} is not positional; "
                                f"zymase passes arguments by position")
        out.append(given[name] if name in given else p.default)
    return tuple(out)


def is_int_value(argnums) -> bool:
    return isinstance(argnums, (int, np.integer))


def _grad_function(fn, argnums: ArgNums, with_value: bool):
    store = _store(fn)
    tag = ("value_and_grad" if with_value else "grad",
           argnums if is_int_value(argnums) else tuple(argnums))

    def make(args):
        nums = normalise_argnums(argnums, len(args))
        plan, d, value, adj = _reverse_plan(fn, store, args, nums,
                                            A.Active if with_value else A.ActiveOnly)
        grads = adj[nums[0]] if is_int_value(argnums) else \
            "(" + "".join(adj[k] + ", " for k in nums) + ")"
        return plan.compile(d.unchecked, f"({value}, {grads})" if with_value else grads,
                            tag[0] + "_plan")

    def call(*args, **kwargs):
        args = positional_args(fn, args, kwargs)
        key = (tag, _signature(args))
        plan = store.get(key)
        if plan is None:
            plan = make(args)
            if key[1] is not None:
                store[key] = plan
        return plan(*args)
    return call


def value_and_grad(fn, argnums: ArgNums = 0):
    """``value_and_grad(f, argnums)(*args) -> (f(*args), gradient)``; a tuple of gradients
    when ``argnums`` is a tuple.  Reverse mode; f must return a float."""
    vg = _grad_function(fn, argnums, True)
    vg.__name__ = f"value_and_grad_{getattr(fn, '__name__', 'f')}"
    vg.__doc__ = value_and_grad.__doc__
    return vg


def grad(fn, argnums: ArgNums = 0):
    """``grad(f, argnums)(*args)``: the gradient of a float-valued ``f`` with respect to
    argument ``argnums`` (shaped like it), or a tuple of gradients for a tuple of argnums.
    Reverse mode without the primal value (``ret=ActiveOnly``)."""
    g = _grad_function(fn, argnums, False)
    g.__name__ = f"grad_{getattr(fn, '__name__', 'f')}"
    g.__doc__ = grad.__doc__
    return g


# -- jvp ------------------------------------------------------------------------------------------
def _bad_tangent(k, t, x):
    got = f"shape {np.shape(t)}" if t is not None else "None"
    raise ShadowError(f"error: the tangent of argument {k} has {got}; it must have the shape of "
                      f"the primal, {np.shape(x)}\n  = help: tangents[{k}] = "
                      f"np.zeros_like(primals[{k}]) for no tangent, or None")


def _nonzero_tangent(k, x):
    raise ActivityError(f"error: argument {k} ({type(x).__name__}) is not a float scalar or float "
                        f"array, so it has no tangent; pass None (or zeros) for it")


def _jvp_plan(fn, store, primals, tangents):
    n = len(primals)
    acts = []
    for k, (x, t) in enumerate(zip(primals, tangents)):
        floaty = is_float_scalar(x) or is_float_array(x)
        if t is not None and not floaty and np.any(np.asarray(t) != 0):
            _nonzero_tangent(k, x)
        acts.append(A.Dual if (t is not None and floaty) else A.Const)
    acts = tuple(acts)
    d = _derivative(fn, store, A.Mode.FORWARD, acts, A.Dual)
    written = _written(d, primals, acts, ())
    plan = _Plan(2 * n)
    plan.env.update(_bad_tangent=_bad_tangent, _nonzero_tangent=_nonzero_tangent)
    for k, (x, t, act) in enumerate(zip(primals, tangents, acts)):
        tk = f"a{n + k}"
        if isinstance(x, np.ndarray):
            passed, order = plan.array(k, x, written[k])
            plan.call.append(passed)
        elif written[k] and isinstance(x, tuple):
            plan.env["_copy"] = _copy
            plan.call.append(f"_copy(a{k})")
        else:
            plan.call.append(f"a{k}")
        if act is not A.Dual:
            if t is not None:
                plan.pre.append(f"if {tk} is not None and np.any(np.asarray({tk}) != 0): "
                                f"_nonzero_tangent({k}, a{k})")
            continue
        if isinstance(x, np.ndarray):
            # the tangent must lie like the array passed (same dtype, strides); the derivative
            # overwrites it with the output tangent when the function writes the array
            plan.env[f"D{k}"] = x.dtype
            as_is = isinstance(t, np.ndarray) and t.dtype == x.dtype and not written[k] \
                and _layout(t) == order
            if isinstance(t, np.ndarray):
                plan.pre.append(f"if {tk}.shape != a{k}.shape: _bad_tangent({k}, {tk}, a{k})")
                if not as_is:
                    plan.pre.append(f"{tk} = np.array({tk}, dtype=D{k}, order={order!r})")
            else:
                plan.pre.append(f"{tk} = np.array({tk}, dtype=D{k}, order={order!r})")
                plan.pre.append(f"if {tk}.shape != a{k}.shape: _bad_tangent({k}, {tk}, a{k})")
            plan.call.append(tk)
        else:
            plan.env[f"T{k}"] = type(x) if isinstance(x, np.floating) else float
            plan.call.append(f"T{k}({tk})")
    return plan.compile(d.unchecked, "r", "jvp_plan")


def jvp(fn, primals: Sequence, tangents: Sequence):
    """``(f(*primals), J·tangents)`` by forward mode, as ``jax.jvp``: ``tangents`` has one
    entry per primal, shaped like it; ``None`` (or zeros, for a non-float argument) where an
    argument carries no tangent.  f may return a float or a float array."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise ActivityError("error: jvp takes a tuple of primals and a tuple of tangents, one "
                            "per argument\n  = help: zymase.jvp(f, (x, n), (v, None))")
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ActivityError(f"error: jvp got {len(primals)} primals and {len(tangents)} tangents")
    store = _store(fn)
    key = ("jvp", _signature(primals + tangents))
    plan = store.get(key)
    if plan is None:
        plan = _jvp_plan(fn, store, primals, tangents)
        if key[1] is not None:
            store[key] = plan
    res = plan(*primals, *tangents)
    if res is None:
        raise UnsupportedError("error: jvp needs a function that returns a value")
    return res


# -- vjp ------------------------------------------------------------------------------------------
class _Back:
    """``back`` of a float-valued function.  vjp already ran one reverse call with seed 1
    (it gives y too, like ``value_and_grad``): the first ``back(1.0)`` hands over those
    adjoints; any other call runs the reverse sweep again with its seed, on the primals
    given to vjp, and returns fresh arrays."""
    __slots__ = ("grads", "plan", "primals")

    def __init__(self, grads, plan, primals):
        self.grads, self.plan, self.primals = grads, plan, primals

    def __call__(self, y_bar):
        if isinstance(y_bar, np.ndarray) and y_bar.shape != ():
            raise ShadowError(f"error: the output adjoint of a float-valued function is a float, "
                              f"found an array of shape {y_bar.shape}")
        grads, self.grads = self.grads, None
        if grads is not None and y_bar == 1.0:
            return grads
        return self.plan(*self.primals, float(y_bar))[1]


def _vjp_scalar_plan(fn, store, primals, nums):
    """``plan(*primals, seed) -> (y, adjoints, one per primal)``; vjp calls it with seed 1."""
    plan, d, value, adj = _reverse_plan(fn, store, primals, nums, A.Active, seed="seed")
    plan.params.append("seed")
    grads = "(" + "".join((adj[k] if k in adj else "None") + ", "
                          for k in range(len(primals))) + ")"
    seeded = plan.compile(d.unchecked, f"({value}, {grads})", "vjp_plan")

    def run(*primals):
        y, grads = seeded(*primals, 1.0)
        return y, _Back(grads, seeded, primals)
    run.source = seeded.source
    return run


def _seed_like(y, y_bar, where="y_bar"):
    """The seed of a reverse call for the output adjoint ``y_bar`` of the result ``y``: a C
    array shaped like an array result (a scalar broadcasts), a float for a float result, and
    for a tuple result a tuple of these, one per element (None for an element without a
    derivative: an integer, boolean or None, whose cotangent is not read)."""
    if isinstance(y, tuple):
        if not isinstance(y_bar, (tuple, list)) or len(y_bar) != len(y):
            got = f"a {type(y_bar).__name__} of {len(y_bar)}" if isinstance(
                y_bar, (tuple, list)) else type(y_bar).__name__
            raise ShadowError(f"error: the function returns a tuple of {len(y)}, so the output "
                              f"adjoint `{where}` must be a tuple of {len(y)} cotangents, one "
                              f"per element; found {got}")
        return tuple(_seed_like(a, b, f"{where}[{k}]") for k, (a, b) in enumerate(zip(y, y_bar)))
    if isinstance(y, np.ndarray):
        try:
            return np.ascontiguousarray(np.broadcast_to(np.asarray(y_bar, dtype=y.dtype), y.shape))
        except (ValueError, TypeError):
            raise ShadowError(f"error: the output adjoint `{where}` (shape {np.shape(y_bar)}) "
                              f"must have the shape of the result, {y.shape}") from None
    if is_float_scalar(y):
        if y_bar is None or np.ndim(y_bar) != 0:
            raise ShadowError(f"error: the output adjoint `{where}` of a float result must be "
                              f"a float, found {type(y_bar).__name__}")
        return float(y_bar)
    return None


def _vjp_array_plan(fn, store, nums):
    """An array- or tuple-valued function: vjp runs the primal (on copies of the arrays),
    ``back`` one reverse call with the output adjoint as its seed (``ret=DuplicatedOnly``;
    for a tuple result a tuple of seeds, one per element)."""
    def run(*primals):
        y = _primal(fn)(*[_copy(p) for p in primals])
        acts = _reverse_acts(primals, nums)
        d = _derivative(fn, store, A.Mode.REVERSE, acts, A.DuplicatedOnly)

        def back(y_bar):
            yb = _seed_like(y, y_bar)
            call, shadows = [], {}
            for k, (x, act) in enumerate(zip(primals, acts)):
                call.append(_copy(x))
                if act is A.Duplicated:
                    shadows[k] = np.zeros_like(call[-1])
                    call.append(shadows[k])
            res = d(*call, yb)
            res = res if isinstance(res, tuple) else ((res,) if res is not None else ())
            actives = iter(res)
            out = [None] * len(primals)
            for k, act in enumerate(acts):
                if act is A.Active:
                    out[k] = next(actives)
                elif act is A.Duplicated:
                    out[k] = shadows[k]
            return tuple(out)
        return y, back
    return run


def vjp(fn, *primals):
    """``(y, back)`` as ``jax.vjp``: ``back(y_bar)`` returns the adjoints of every float
    argument (a tuple, one entry per primal; None for non-float ones).

    A float-valued f is differentiated right away, in one reverse call with seed 1 that also
    gives y: ``y, back = vjp(f, x); back(1.0)`` costs what ``value_and_grad`` costs.  The
    first ``back(1.0)`` returns those adjoints; any other seed, or a second call, runs the
    reverse sweep again with that seed (on the primals given to vjp: modify them in place
    only after the last ``back``).  An array-valued f runs its primal in vjp and one reverse
    call (``ret=DuplicatedOnly``, the output adjoint as its seed array) in each ``back``.  A
    tuple-valued f (floats, float arrays, nested tuples; integers and None pass through) takes
    a tuple of cotangents, one per element (None for a non-float one)."""
    store = _store(fn)
    key = ("vjp", _signature(primals))
    plan = store.get(key)
    if plan is None:
        nums = tuple(k for k, p in enumerate(primals) if is_float_scalar(p) or is_float_array(p))
        y = _primal(fn)(*[_copy(p) for p in primals])
        plan = _vjp_array_plan(fn, store, nums) if isinstance(y, (np.ndarray, tuple)) else \
            _vjp_scalar_plan(fn, store, primals, nums)
        if key[1] is not None:
            store[key] = plan
    return plan(*primals)


def _primal(fn):
    from .frontend.numba import as_dispatcher
    return as_dispatcher(fn)


# -- jacobian -------------------------------------------------------------------------------------
def jacobian(fn, argnums: ArgNums = 0, mode: str = "auto", width: int = 8):
    """Dense Jacobian ``∂f/∂args[argnums]`` of shape ``y.shape + x.shape`` (a tuple of them
    for a tuple of argnums), like ``jax.jacobian``.

    ``mode="forward"`` pushes ``width`` basis directions per call (batched forward mode);
    ``"reverse"`` pulls ``width`` unit output adjoints per call (batched reverse mode with
    ``ret=Duplicated`` for an array result; ``grad`` for a float result); ``"auto"`` picks
    forward when the inputs are no larger than the outputs.  A tuple-valued f gives a tuple
    shaped like its result (by reverse mode): the Jacobian of each float or float-array
    element (a tuple of them for a tuple of argnums), None for the other elements."""
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
    caches = _store(fn)

    def jac(*args, **kwargs):
        args = positional_args(fn, args, kwargs)
        nums = normalise_argnums(argnums, len(args))
        y = _primal(fn)(*[_copy(a) for a in args])
        if isinstance(y, tuple):
            if mode == "forward":
                raise UnsupportedError("error: the Jacobian of a function returning a tuple is "
                                       "computed by reverse mode\n  = help: use mode='reverse' "
                                       "or 'auto'")
            res = _reverse_jac_tuple(fn, args, nums, y, caches, width)
            return _map_leaves(lambda leaf: None if leaf is None else (
                leaf[0] if is_int_value(argnums) else tuple(leaf)), res)
        n_out = np.size(y)
        n_in = sum(np.size(args[k]) for k in nums)
        m = mode
        if m == "auto":
            m = "forward" if (n_in <= n_out or isinstance(y, np.ndarray)) else "reverse"
        if m == "reverse" and isinstance(y, np.ndarray):
            res = [_reverse_jac(fn, args, k, y, caches, width) for k in nums]
        elif m == "reverse":
            g = grad(fn, nums)(*args)
            res = [np.asarray(gk).reshape(np.shape(args[k])) if np.ndim(args[k]) else float(gk)
                   for k, gk in zip(nums, g)]
        else:
            res = [_forward_jac(fn, args, k, y, width, caches) for k in nums]
        return res[0] if is_int_value(argnums) else tuple(res)
    return jac
def _reverse_jac(fn, args, k, y, caches, width=8):
    """Rows of the Jacobian of an array-valued ``fn`` w.r.t. ``args[k]``: batched reverse
    calls, each pulling ``width`` unit output adjoints at once (the last block padded with
    zero seeds)."""
    x = args[k]
    is_array = bool(np.ndim(x))
    n_out = int(np.size(y))
    w = max(1, min(width, n_out))
    acts = tuple((A.Duplicated if is_array else A.Active) if j == k else A.Const
                 for j in range(len(args)))
    key = ("rev", acts, w)
    if key not in caches:
        caches[key] = autodiff_reverse(fn, *acts, ret=A.Duplicated, width=w)
    d = caches[key]
    ydt = np.asarray(y).dtype
    rows = np.empty((n_out, int(np.size(x))))
    for r0 in range(0, n_out, w):
        seed = np.zeros((w,) + np.shape(y), dtype=ydt)
        lanes = range(min(w, n_out - r0))
        for lane in lanes:
            seed.reshape(w, -1)[lane, r0 + lane] = 1.0
        call, shadow = [], None
        for j, a in enumerate(args):
            call.append(_copy(a))
            if j == k and is_array:
                shadow = np.zeros(((w,) if w > 1 else ()) + np.shape(a),
                                  dtype=np.asarray(a).dtype)
                call.append(shadow)
        out = d(*call, seed if w > 1 else seed[0])
        for lane in lanes:
            if is_array:
                rows[r0 + lane] = shadow[lane].reshape(-1) if w > 1 else shadow.reshape(-1)
            else:
                adj = out[1]
                rows[r0 + lane] = float(adj[lane]) if w > 1 else float(adj)
    return rows.reshape(np.shape(y) + np.shape(x))


def _float_leaves(y, path=()):
    """(path, value) of every float scalar and float array inside a (nested) tuple result."""
    out = []
    for k, v in enumerate(y):
        if isinstance(v, tuple):
            out += _float_leaves(v, path + (k,))
        elif is_float_scalar(v) or is_float_array(v):
            out.append((path + (k,), v))
    return out


def _map_leaves(f, tree):
    return tuple(_map_leaves(f, t) for t in tree) if isinstance(tree, tuple) else f(tree)


def _reverse_jac_tuple(fn, args, nums, y, caches, width=8):
    """The Jacobians of a tuple-valued ``fn``: a tree shaped like ``y`` whose float and
    float-array leaves hold [∂leaf/∂args[k] for k in nums] (shape ``leaf.shape + x_k.shape``)
    and whose other leaves are None.  Rows are pulled ``width`` at a time by batched reverse
    calls (``ret=DuplicatedOnly``, a tuple seed with one unit adjoint per lane somewhere in
    its leaves, the last block padded with zero lanes); every argument in ``nums`` gets its
    adjoints from the same calls."""
    leaves = _float_leaves(y)
    sizes = [int(np.size(v)) for _, v in leaves]
    n_out = sum(sizes)
    w = max(1, min(width, n_out))
    acts = _reverse_acts(args, nums)
    key = ("rev-tuple", acts, w)
    if key not in caches:
        caches[key] = autodiff_reverse(fn, *acts, ret=A.DuplicatedOnly, width=w)
    d = caches[key]
    lane = (w,) if w > 1 else ()
    rows = {k: np.zeros((n_out, int(np.size(args[k])))) for k in nums}
    starts = np.cumsum([0] + sizes)
    for r0 in range(0, n_out, w):
        lanes = range(min(w, n_out - r0))
        seeds = {}
        for (path, v) in leaves:
            dt = v.dtype if isinstance(v, np.ndarray) else np.float64
            seeds[path] = np.zeros(lane + np.shape(v), dtype=dt)
        for ln in lanes:
            r = r0 + ln
            j = int(np.searchsorted(starts, r, side="right")) - 1
            seeds[leaves[j][0]].reshape(w, -1)[ln, r - starts[j]] = 1.0
        call, shadows = [], {}
        for j, a in enumerate(args):
            call.append(_copy(a))
            if acts[j] is A.Duplicated:
                shadows[j] = np.zeros(lane + np.shape(a), dtype=a.dtype)
                call.append(shadows[j])

        def seed_tree(t, path=()):
            return tuple(seed_tree(v, path + (k,)) if isinstance(v, tuple) else
                         (seeds[path + (k,)] if w > 1 or isinstance(v, np.ndarray)
                          else float(seeds[path + (k,)])) if (path + (k,)) in seeds else None
                         for k, v in enumerate(t))
        res = d(*call, seed_tree(y))
        res = res if isinstance(res, tuple) else (res,)
        actives = [j for j in nums if acts[j] is A.Active]
        for k in nums:
            adj = shadows[k] if acts[k] is A.Duplicated else np.asarray(res[actives.index(k)])
            flat = adj.reshape(w, -1) if w > 1 else adj.reshape(1, -1)
            for ln in lanes:
                rows[k][r0 + ln] = flat[ln]
    out = {}
    for j, (path, v) in enumerate(leaves):
        out[path] = [rows[k][starts[j]:starts[j + 1]].reshape(np.shape(v) + np.shape(args[k]))
                     for k in nums]
        out[path] = [float(J) if J.shape == () else J for J in out[path]]

    def build(t, path=()):
        return tuple(build(v, path + (k,)) if isinstance(v, tuple) else out.get(path + (k,))
                     for k, v in enumerate(t))
    return build(y)


def _forward_jac(fn, args, k, y, width, caches):
    x = args[k]
    n = int(np.size(x))
    w = max(1, min(width, n))
    acts = tuple(A.Dual if j == k else A.Const for j in range(len(args)))
    key = (acts, w)
    if key not in caches:
        caches[key] = autodiff_forward(fn, *acts, ret=A.DualOnly, width=w)
    d = caches[key]
    cols = []
    for start in range(0, n, w):
        call = []
        for j, a in enumerate(args):
            call.append(_copy(a))
            if j == k:
                t = np.zeros((w,) + np.shape(a), dtype=np.asarray(a).dtype if np.ndim(a) else np.float64)
                flat = t.reshape(w, -1)
                for lane in range(w):
                    if start + lane < n:
                        flat[lane, start + lane] = 1.0
                if np.ndim(a):
                    call.append(t)
                else:
                    call.append(t.reshape(w) if w > 1 else float(t.reshape(-1)[0]))
        td = np.asarray(d(*call))
        cols.append(td.reshape(w, -1)[: min(w, n - start)])
    J = np.concatenate(cols, axis=0).T  # (n_out, n_in)
    out_shape = np.shape(y)
    return J.reshape(out_shape + np.shape(x))
