"""Where a launch's derivative takes the taped path (``parfor_tape.py``), in the reverse
transform: the forward sweep's launch of the forward half, the adjoint sweep's launch of the
adjoint half.

The taped path is taken at width 1 when the kernel's combined reverse derivative splits
(``parfor_split.py``) and the extents of the shadows that get per-entry copies are known;
otherwise the launch keeps the re-running path of ``parallel.py``.  The forward half
computes the primal, so the primal launch is removed once the adjoint launch is emitted
(the forward sweep's analyses still see it until then).
"""
from __future__ import annotations

from .. import activities as A
from ..ir.builder import Builder
from ..ir.types import I64, I8, PTR, VOID, FunctionType
from ..ir.values import Value, const_int

DRIVER = FunctionType(VOID, (PTR, PTR, PTR, PTR, I64, PTR))


def _at(b: Builder, p: Value):
    return lambda word: b.gep(I8, p, [const_int(I64, 8 * word)])


def forward_launch_taped(frame, b: Builder, site, plan, buf):
    """Emits the forward half's launch after the primal launch (which the adjoint sweep
    removes); returns the adjoint driver's name, or None to keep the re-running path."""
    from .parfor_kernel import atomic_variant, kernel_derivative
    from .parfor_launch import copy_layout
    from .parfor_private import private_slots
    from .parfor_split import split_derivative
    from .parfor_tape import adjoint_driver, forward_driver, split_wrapper
    launch = site.launch
    if site.lanes != 1:
        return None
    module, na, ni = frame.module, launch.na, launch.ni
    shared = private_slots(site.kernel, plan.shared_reads - site.const, site.const, na, ni)
    reds = private_slots(site.kernel, plan.reductions, site.const, na, ni)
    if shared is None or reds is None or set(shared) & set(reds):
        return None
    plain = kernel_derivative(module, site.kernel, A.Mode.REVERSE, 1, site.const)
    sp = split_derivative(module, plain)
    if sp is None:
        return None
    sa = None
    if shared:
        sa = split_derivative(module, atomic_variant(module, plain, plan))
        if sa is None:
            return None
    wname = split_wrapper(module, sp, sa, na, ni, shared, reds)
    radius = site.window = row_window(site.kernel, shared, na, ni)
    fdrv = forward_driver(module, f"{sp}.fwd{'' if radius is None else radius}", launch,
                          wname, shared, reds, radius)
    adrv = adjoint_driver(module, f"{sp}.adj", launch, wname, shared, reds)
    a_off, d_off, dims_off, steps_off, sc_off, sched_off = copy_layout(na, ni, 1)
    at = _at(b, buf)
    # both halves read the block's copies: the schedule's (its shadow is itself) and the
    # scalar cells' (a captured loop variable changes after the launch)
    b.store(at(sched_off), at(a_off))
    b.store(at(sched_off), at(d_off[0]))
    for j in site.scalars:
        b.store(at(sc_off + j), at(a_off + j))
    b.call(fdrv, DRIVER, [at(a_off), at(d_off[0]), at(dims_off), at(steps_off),
                          launch.threads, at(sc_off + na)])
    return adrv


def row_window(kernel, shared, na: int, ni: int):
    """The largest row radius (``analysis.parfor_index``) over the shared-read slots, or None
    when one of them has none (or there are none)."""
    from ..analysis.parfor_index import row_radius
    from .parfor_private import array_layout, array_orders
    layout, orders = array_layout(kernel.name, na, ni), array_orders(kernel.name, na)
    if not shared or layout is None or orders is None:
        return None
    radius, memo = 0, {}
    for j in shared:
        if j not in layout:
            return None
        nd, isz, d_at, s_at = layout[j]
        r = row_radius(kernel, j, nd, orders[j], isz, d_at, s_at, memo)
        if r is None:
            return None
        radius = max(radius, r)
    return radius


def adjoint_launch_taped(frame, b: Builder, site, p: Value) -> None:
    """The adjoint half's launch on the block ``p`` the forward sweep filled; frees it."""
    from .parfor_launch import copy_layout
    launch = site.launch
    na, ni = launch.na, launch.ni
    a_off, d_off, dims_off, steps_off, sc_off, _ = copy_layout(na, ni, 1)
    at = _at(b, p)
    threads = b.call("get_num_threads", FunctionType(I64, ()), [])
    b.call(site.taped, DRIVER, [at(a_off), at(d_off[0]), at(dims_off), at(steps_off),
                                threads, at(sc_off + na)])
    b.call("free", FunctionType(VOID, (PTR,)), [p])
    inst = launch.inst
    if inst.block is not None:      # the forward half computed the primal
        inst.erase()
