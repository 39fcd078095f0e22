"""Per-signature call plans: what makes a JAX-style call cost one dictionary lookup and one
compiled call.

Activities follow the argument types (float scalars → Active/Dual, float arrays →
Duplicated/Dual, everything else Const); the decision is made once per *type signature* of
the arguments (Numba's fingerprint of the argument tuple: types, dtypes, dimensions,
layouts) and kept as a *plan*, a small Python function generated for that signature which

- allocates the zeroed shadows with ``np.zeros`` (calloc: lazily zeroed pages, the cheapest
  zeroed memory there is) in the layout of their primal;
- copies exactly the arguments the function may write — the written-argument analysis of
  the derivative's build (``Derivative.written_arguments``) — so the caller's arrays are never
  modified and arrays the function only reads are not copied; an argument whose layout the
  derivative cannot take as is (a strided view, a read-only or unaligned array) is passed as
  a contiguous copy;
- calls the derivative's compiled entry point without the run-time shadow checks: the
  shadows are made right there, so they match their primals by construction.

Derivatives (per activity pattern, return activity and width) and plans (per signature) are
kept per function for the life of the process (like ``jax.jit``'s cache) in one store per
function object (``store_for``), so a second ``grad(f)`` or ``vjp(f, …)`` reuses them.  The
store holds ``fn`` itself, so an id is never reused while its entry exists.  A signature that
cannot be fingerprinted (``signature_key`` is None) is planned on every call.  A function
differentiated with ``flush_subnormals=True`` has a second store, whose derivatives all carry
the option (``Store.flush_subnormals``).
"""
from __future__ import annotations

from typing import Dict, Tuple

import numba
import numpy as np

from . import activities as A
from .api import Derivative, autodiff_forward, autodiff_reverse
from .arguments import (is_float_array, is_float_list, is_float_scalar, is_int_value,
                        list_for_call, normalise_argnums, positional_args, private_copy,
                        zero_shadow)
from .errors import ActivityError

try:
    from numba._dispatcher import compute_fingerprint as _fingerprint_of
except ImportError:  # pragma: no cover - older/newer Numba without the C helper
    _fingerprint_of = None


def signature_key(args):
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
class Store(dict):
    """Derivatives and plans of one function; every derivative made for it is built with
    ``flush_subnormals=store.flush_subnormals``."""
    flush_subnormals = False


_registry: Dict[Tuple[int, bool], Tuple[object, Store]] = {}


def store_for(fn, flush_subnormals: bool = False) -> Store:
    """The cache of derivatives and plans kept for ``fn`` (``fn`` is held, so ids stay unique),
    one per value of the ``flush_subnormals`` option."""
    key = (id(fn), bool(flush_subnormals))
    ent = _registry.get(key)
    if ent is None or ent[0] is not fn:
        store = Store()
        store.flush_subnormals = bool(flush_subnormals)
        ent = _registry[key] = (fn, store)
    return ent[1]


def cached_derivative(fn, store, mode, acts, ret, width=1) -> Derivative:
    key = ("derivative", mode, acts, ret, width)
    d = store.get(key)
    if d is None:
        make = autodiff_forward if mode is A.Mode.FORWARD else autodiff_reverse
        d = store[key] = make(fn, *acts, ret=ret, width=width, checks=False,
                              flush_subnormals=store.flush_subnormals)
    return d


# -- plans ----------------------------------------------------------------------------------------
def layout(x: np.ndarray) -> str:
    """'C' / 'F': passed as it is (shadow in the same order); 'copy': passed as a C copy."""
    f = x.flags
    if not (f.writeable and f.aligned):
        return "copy"
    if f.c_contiguous:
        return "C"
    if f.f_contiguous:
        return "F"
    return "copy"


class Plan:
    """Builds the generated per-signature call function.

    ``pre`` are statements, ``call`` the derivative's argument expressions, ``result`` the
    returned expression; the names ``a0…`` are the plan's parameters."""

    def __init__(self, nparams: int):
        self.params = [f"a{k}" for k in range(nparams)]
        self.pre, self.call, self.env = [], [], {"np": np, "_zeros": np.zeros}

    def array(self, k: int, x: np.ndarray, copy: bool) -> Tuple[str, str]:
        """Pass array parameter ``k``: (expression of what is passed, its memory order)."""
        lay = layout(x)
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


def reverse_activities(args, nums, why: str = "only float scalars, float arrays and lists of "
                                              "them can") -> Tuple:
    """Active for float scalars in ``nums``, Duplicated for float arrays and float lists in
    ``nums``, Const for the rest; an argument in ``nums`` that is neither is an
    ActivityError (``why``)."""
    acts = []
    for k, x in enumerate(args):
        if k in nums:
            if is_float_scalar(x):
                acts.append(A.Active)
            elif is_float_array(x) or is_float_list(x):
                acts.append(A.Duplicated)
            else:
                hint = ("\n  = help: for a jitclass instance, call autodiff_reverse / "
                        "autodiff_forward with Duplicated / Dual and a shadow instance"
                        if hasattr(x, "_numba_type_") else "")
                raise ActivityError(f"error: argument {k} ({type(x).__name__}) cannot be "
                                    f"differentiated: {why}{hint}")
        else:
            acts.append(A.Const)
    return tuple(acts)


def written_params(d: Derivative, args, acts, trailing) -> Tuple[bool, ...]:
    """Which parameters the function may write (``Derivative.written_arguments``), asked
    with arguments of the types the plan will pass, which builds the derivative for them
    (nothing runs)."""
    call = []
    for x, act in zip(args, acts):
        x = np.array(x, order="C") if isinstance(x, np.ndarray) and layout(x) == "copy" else x
        call.append(x)
        if act.has_shadow:
            call.append(zero_shadow(x) if isinstance(x, (np.ndarray, list)) else
                        (type(x)(0) if isinstance(x, np.floating) else 0.0))
    w = d.written_arguments(*call, *trailing)
    return tuple(True for _ in args) if w is None else w


def reverse_plan(fn, store, args, nums, ret, seed: str = "1.0"):
    """A plan for one reverse call ``d(x0[, s0], x1, …, seed)`` (``seed``: an expression).
    Returns the plan, the derivative, the primal value's expression (None with ActiveOnly)
    and each argument's adjoint expression, over the result ``r`` and the shadows ``s<k>``."""
    acts = reverse_activities(args, nums)
    d = cached_derivative(fn, store, A.Mode.REVERSE, acts, ret)
    written = written_params(d, args, acts, (1.0,))
    plan = Plan(len(args))
    actives = [k for k, a in enumerate(acts) if a is A.Active]
    adj = {}
    for k, (x, act) in enumerate(zip(args, acts)):
        if isinstance(x, np.ndarray):
            passed, order = plan.array(k, x, written[k])
            plan.call.append(passed)
            if act is A.Duplicated:
                adj[k] = plan.zeros(k, passed, order)
                plan.call.append(adj[k])
        elif act is A.Duplicated:      # a list: a private copy (with its arrays) and a shadow
            plan.env.update(_pass=list_for_call, _zero=zero_shadow)
            plan.pre += [f"c{k} = _pass(a{k}, {bool(written[k])})", f"s{k} = _zero(c{k})"]
            plan.call += [f"c{k}", f"s{k}"]
            adj[k] = f"s{k}"
        elif written[k] and isinstance(x, tuple):
            plan.env["_copy"] = private_copy
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


def grad_function(fn, argnums, with_value: bool, flush_subnormals: bool = False):
    """The function behind ``grad``/``value_and_grad``: a reverse plan per type signature of
    the arguments (``ret=Active`` when the value is returned too, else ``ActiveOnly``)."""
    store = store_for(fn, flush_subnormals)
    tag = ("value_and_grad" if with_value else "grad",
           argnums if is_int_value(argnums) else tuple(argnums))

    def make(args):
        nums = normalise_argnums(argnums, len(args))
        plan, d, value, adj = reverse_plan(fn, store, args, nums,
                                            A.Active if with_value else A.ActiveOnly)
        grads = adj[nums[0]] if is_int_value(argnums) else \
            "(" + "".join(adj[k] + ", " for k in nums) + ")"
        return plan.compile(d.unchecked, f"({value}, {grads})" if with_value else grads,
                            tag[0] + "_plan")

    def call(*args, **kwargs):
        args = positional_args(fn, args, kwargs)
        key = (tag, signature_key(args))
        plan = store.get(key)
        if plan is None:
            plan = make(args)
            if key[1] is not None:
                store[key] = plan
        return plan(*args)
    return call
