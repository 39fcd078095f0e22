"""How a derivative's arguments map onto the primal's: shared by forward and reverse mode.

The derivative takes, in order, for each primal argument its primal value and — for
activities with a shadow (Dual, DualOnly, Duplicated, DuplicatedOnly) — the shadow right
after it; reverse mode with an active return appends the seed.  Its IR signature is Numba's
calling convention over those Python-level arguments, so ``DerivSignature`` records, for each
primal IR parameter, the derivative IR parameter holding it and the one holding its shadow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from numba.core import types

from ..activities import Activity
from ..frontend.numba import ArgInfo, ArgMap, describe_args


@dataclass
class DerivSignature:
    argtypes: tuple                       # Numba types of the derivative's arguments
    primal_types: tuple                   # Numba types of the primal's arguments
    activities: Sequence[Activity]
    deriv_map: ArgMap                     # leaves of the derivative's arguments
    primal_param: Dict[int, int] = field(default_factory=dict)   # primal IR param → deriv IR param
    shadow_param: Dict[int, int] = field(default_factory=dict)   # primal IR param → shadow IR param
    shadow_info: Dict[int, ArgInfo] = field(default_factory=dict)  # primal arg index → shadow ArgInfo
    primal_info: Dict[int, ArgInfo] = field(default_factory=dict)  # primal arg index → deriv ArgInfo
    seed: Optional[ArgInfo] = None


def split_argtypes(argtypes, activities, n_trailing=0):
    """Derivative Numba argtypes → (primal argtypes, [(primal pos, shadow pos or None)])."""
    prim, pairs, k = [], [], 0
    for act in activities:
        prim.append(argtypes[k])
        if act.has_shadow:
            pairs.append((k, k + 1))
            k += 2
        else:
            pairs.append((k, None))
            k += 1
    return tuple(prim), pairs


def build_signature(argtypes, activities, primal_map: ArgMap, trailing: int = 0) -> DerivSignature:
    prim, pairs = split_argtypes(argtypes, activities)
    names = [f"a{i}" for i in range(len(argtypes))]
    dmap = describe_args(argtypes, names, None)
    sig = DerivSignature(tuple(argtypes), prim, activities, dmap)
    for pinfo, (pp, sp) in zip(primal_map.args, pairs):
        dinfo = dmap.args[pp]
        sig.primal_info[pinfo.index] = dinfo
        for k in range(pinfo.count):
            sig.primal_param[pinfo.first + k] = dinfo.first + k
        if sp is not None:
            sinfo = dmap.args[sp]
            sig.shadow_info[pinfo.index] = sinfo
            if sinfo.count != pinfo.count:
                # width > 1: the shadow array has one more dimension (leading lane axis)
                _map_wide_shadow(sig, pinfo, sinfo)
            else:
                for k in range(pinfo.count):
                    sig.shadow_param[pinfo.first + k] = sinfo.first + k
    if trailing:
        sig.seed = dmap.args[-1]
    return sig


def _map_wide_shadow(sig: DerivSignature, pinfo: ArgInfo, sinfo: ArgInfo):
    # array leaves: meminfo, parent, nitems, itemsize, data, shape[n], strides[n]
    for k in range(5):
        sig.shadow_param[pinfo.first + k] = sinfo.first + k


def array_leaves(info: ArgInfo):
    """(meminfo, parent, nitems, itemsize, data, shapes, strides) param indices of an array."""
    nd = info.nbtype.ndim
    f = info.first
    return f, f + 1, f + 2, f + 3, f + 4, list(range(f + 5, f + 5 + nd)), \
        list(range(f + 5 + nd, f + 5 + 2 * nd))


def is_float_type(t) -> bool:
    return isinstance(t, types.Float)


def float_leaves(info: ArgInfo) -> List[ArgInfo]:
    """All float-scalar and array leaves of an argument (recursing into tuples)."""
    if info.children:
        out = []
        for c in info.children:
            out.extend(float_leaves(c))
        return out
    if isinstance(info.nbtype, (types.Float, types.Array)):
        return [info]
    return []


def mark_shadow_noalias(fn, sig: DerivSignature) -> None:
    """Shadow data pointers get ``noalias``: the run-time checks guarantee that a shadow
    shares memory with neither its primal nor another shadow (with ``checks=False`` the
    caller promises it), which lets LLVM keep primal loads and shadow stores apart."""
    for sinfo in sig.shadow_info.values():
        for leaf in float_leaves(sinfo):
            if leaf.is_array:
                fn.args[leaf.first + 4].attrs = "noalias"
