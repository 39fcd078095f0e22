"""The binomial checkpointing schedule (Griewank's revolve), computed lazily at run time.

Reversing ``n`` steps of a loop with ``s`` snapshot slots: the state before step ``k`` is
``state k``; reversing step ``k`` (a *youturn*) needs state ``k`` in memory and every later
step already reversed.  The schedule is a recursion over intervals ``[l, r)`` of steps still
to reverse, kept as an explicit stack of frames whose depth ``d`` is also the slot holding
state ``l``:

    process [l, r) with c = s - 1 - d free slots beyond slot d:
        current state is r-1      -> youturn r-1; r -= 1 (pop the frame when empty)
        c == 0                    -> restore slot d, advance to r-1 (repeat: quadratic)
        c >= 1                    -> restore slot d, advance to m, push [m, r) at d+1
                                     (which first takes a snapshot of state m), r = m

The split ``m`` is the binomial one.  With ``σ`` snapshots and ``t`` repetitions (each step
advanced at most ``t`` times) at most ``β(σ, t) = C(σ+t, t)`` steps can be reversed, and
``β(σ, t) = β(σ, t-1) + β(σ-1, t)``.  For the smallest ``t`` with ``β(c+1, t) >= r-l`` the
right part gets ``min(β(c, t), r-l-1)`` steps (reversed with one slot fewer, ``t``
repetitions) and the left part the rest, at most ``β(c+1, t-1)`` (one repetition fewer: its
steps were advanced once to reach ``m``).  Invariants (tested with Hypothesis): every step
is reversed exactly once, in order ``n-1 … 0``; each youturn finds its state in memory; a
restore reads a slot written before and not overwritten since; at most ``s`` slots are used;
no step is advanced more than ``t(s, n)`` times — memory O(s), recomputation O(n·t) with
``t`` growing like ``log n`` for a fixed ``s`` (and 1 for ``s ≥ n``).

``step(st)`` is one transition of this machine over an int64 array (the layout below); the
same function runs under Python in the tests and is compiled by Numba (``schedule_symbol``,
a C-ABI ``i64 (ptr)``) for the derivative's driver (``checkpoint.py``).
"""
from __future__ import annotations

import numba
import numpy as np

ADVANCE, TAKESHOT, RESTORE, YOUTURN, DONE = 1, 2, 3, 4, 5
NAMES = {ADVANCE: "advance", TAKESHOT: "takeshot", RESTORE: "restore", YOUTURN: "youturn",
         DONE: "done"}

# layout of the state array
N, S, SP, CUR, ARG, STARTED = 0, 1, 2, 3, 4, 5
FRAMES = 8          # frame d: l, r, snapped at FRAMES + 3d


def state_size(s: int) -> int:
    """int64 words of the state array for ``s`` slots."""
    return FRAMES + 3 * (s + 1)


def init(st, n: int, s: int) -> None:
    st[N] = n
    st[S] = s
    st[SP] = 0
    st[CUR] = 0
    st[ARG] = 0
    st[STARTED] = 0


@numba.njit
def beta(sigma: int, t: int, cap: int) -> int:
    """C(sigma + t, t), saturated at ``cap``."""
    b = 1
    for i in range(1, t + 1):
        b = b * (sigma + i) // i
        if b >= cap:
            return cap
    return b


@numba.njit
def repetitions(sigma: int, length: int) -> int:
    """The smallest t with β(sigma, t) >= length (sigma >= 1)."""
    t = 0
    while beta(sigma, t, length) < length:
        t += 1
    return t


@numba.njit
def split(l: int, r: int, c: int) -> int:
    """Where ``[l, r)`` (``r - l >= 2``, ``c >= 1`` free slots) is cut: the right part is as
    long as ``c`` slots and ``t`` repetitions allow."""
    length = r - l
    t = repetitions(c + 1, length)
    right = beta(c, t, length - 1)
    if right > length - 1:
        right = length - 1
    if right < 1:
        right = 1
    return r - right


def step(st) -> int:
    """The next action; its argument (a step index or a slot) is left in ``st[ARG]``."""
    n = st[N]
    s = st[S]
    if st[STARTED] == 0:
        st[STARTED] = 1
        if n <= 0:
            return DONE
        st[FRAMES] = 0
        st[FRAMES + 1] = n
        st[FRAMES + 2] = 0
        st[SP] = 1
        st[CUR] = 0
    while True:
        d = st[SP] - 1
        if d < 0:
            return DONE
        base = FRAMES + 3 * d
        l = st[base]
        r = st[base + 1]
        if r <= l:
            st[SP] = d
            continue
        cur = st[CUR]
        if st[base + 2] == 0:
            st[base + 2] = 1
            if r - l > 1:     # a one-step interval is reversed at once: no snapshot
                st[ARG] = d
                return TAKESHOT
        if cur == r - 1:
            st[ARG] = r - 1
            st[CUR] = -1
            st[base + 1] = r - 1
            if r - 1 <= l:
                st[SP] = d
            return YOUTURN
        if cur != l:
            st[ARG] = d
            st[CUR] = l
            return RESTORE
        c = s - 1 - d
        if c <= 0:
            st[ARG] = r - 1
            st[CUR] = r - 1
            return ADVANCE
        m = split(l, r, c)
        st[base + 1] = m
        nb = base + 3
        st[nb] = m
        st[nb + 1] = r
        st[nb + 2] = 0
        st[SP] = d + 2
        st[ARG] = m
        st[CUR] = m
        return ADVANCE


def schedule(n: int, s: int):
    """The whole schedule as a list of (action, argument), for tests and reports."""
    st = np.zeros(state_size(s), np.int64)
    init(st, n, s)
    out = []
    while True:
        a = step(st)
        if a == DONE:
            return out
        out.append((a, int(st[ARG])))


_symbol = None


def schedule_symbol(module) -> str:
    """Link the compiled ``i64 step(i64* st)`` into ``module`` (``extra_ir``); its name."""
    global _symbol
    from numba import types as nbt
    if _symbol is None:
        jstep = numba.njit(step)
        jinit = numba.njit(init)

        def c_step(p):
            s = numba.carray(p, FRAMES)[S]
            return jstep(numba.carray(p, FRAMES + 3 * (s + 1)))

        def c_init(p, n, s):
            jinit(numba.carray(p, FRAMES + 3 * (s + 1)), n, s)
            return 0
        cs = numba.cfunc(nbt.int64(nbt.CPointer(nbt.int64)), nopython=True)(c_step)
        ci = numba.cfunc(nbt.int64(nbt.CPointer(nbt.int64), nbt.int64, nbt.int64),
                         nopython=True)(c_init)
        _symbol = ((cs.native_name, str(cs._library._final_module)),
                   (ci.native_name, str(ci._library._final_module)))
    extra = module.__dict__.setdefault("extra_ir", {})
    for name, text in _symbol:
        extra.setdefault(name, text)
    return _symbol[0][0], _symbol[1][0]
