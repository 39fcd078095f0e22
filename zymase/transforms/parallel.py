"""Parallel loops: derivatives of ``prange`` loops (``@njit(parallel=True)``) that run on every
core, like the primal.

What Numba emits for a parallel loop (``prange``, and the array expressions it parallelises):
the loop body is outlined into a *kernel* ``void @__gufunc__.K(ptr args, ptr dims, ptr
steps, ptr data)``, which walks ``dims[0]`` entries of a schedule (each entry: the start and
end of a block of iterations) and runs the body over each; the function launches it with

    numba_parallel_for(@K, args, dims, steps, data, inner_ndim, array_count, num_threads)

which hands each worker thread a share of the schedule: ``args[j]`` advanced by
``steps[j] · first entry`` and ``dims[0]`` set to its entry count.  ``args`` holds one pointer
per kernel argument — the schedule, then each array's data (or a scalar's cell) — and
``dims``/``steps`` their shapes and strides.  A reduction ``s += f(i)`` gets a
*reduction array* with one slot per thread: the kernel adds into ``slot[get_thread_id()]``
and the function combines the slots serially after the launch.

The derivative of a launch is a launch of a derivative kernel through the same launcher, so
the derivative runs in parallel too:

* forward mode: ``K`` is differentiated in forward mode (``args`` Dual: its shadow holds
  the shadows of the pointers in ``args``) and that tangent kernel *replaces* the primal
  launch; it computes the primal as ``K`` did, so it is exact whatever ``K`` does.
* reverse mode: the forward sweep copies what the launch reads from the function's frame
  (``args``, ``dims``, ``steps``, the schedule, the scalar cells, the shadow of ``args``)
  into a block it keeps.  Where the kernel's combined reverse derivative splits into its two
  sweeps (``parfor_split.py``; width 1), the primal launch is replaced by a launch of the
  forward half, which computes the primal and leaves a tape per schedule entry, and the
  adjoint sweep launches the adjoint half (``parfor_tape.py``): no share of the loop runs
  twice.  Otherwise the primal launch stays and the adjoint sweep launches the combined
  derivative (its own forward sweep, tape and adjoint sweep per worker, over the worker's
  share: no tape crosses threads), which re-runs the share into scratch memory.  Either way
  the adjoint may re-read memory the kernel only reads, which must be what it was at the
  primal launch (``parfor_checks.py`` proves it or refuses by name).  Adjoints of memory
  other iterations may also read go straight into the shared shadow where the reads are
  rows ``i + c`` of the loop index (``analysis/parfor_index.py``), else to per-entry (or
  per-thread) copies of its shadow summed after the launch (``parfor_private.py``), or
  through atomic adds (``parfor_atomics.py``).

The kernel's derivative is built by ``parfor_kernel.py``; the launch's operands and the copy
block's layout are ``parfor_launch.py``'s.  Slots of ``args`` that receive pointers without a
derivative (the schedule, Const arrays) are read by a *specialised* kernel from its ``data``
parameter instead (launched with ``data = args``), so the derivative kernel sees them as
inactive and the function stores a null shadow for them (``const_slot_shadow``).

A derivative kernel takes shadows that the launcher does not know about; a small *wrapper*
with ``K``'s four parameters receives them through ``data`` — a block ``{args at launch,
shadow args (one per lane), …}`` — and offsets each shadow pointer by the distance the
launcher moved its primal (``args_t[j] − args[j]``), so shadows follow the worker's share
exactly as the primal pointers do.

Invariants: Numba's ``prange`` contract (an element written by one iteration is neither read
nor written by another) makes the adjoints of stores thread-private; the kernel never reads
what it writes (``parfor_checks``), so a re-run writes its outputs to scratch memory and the
function's arrays keep what the function left in them; arrays an adjoint launch
re-reads are released after the adjoint sweep (``reread_origins``: their ``NRT_decref``
waits).
"""
from __future__ import annotations

import re
from typing import List

from .. import activities as A
from ..errors import unsupported
from ..ir.builder import Builder
from ..ir.types import I64, I8, PTR, VOID, FunctionType
from ..ir.values import Argument, Constant, Function, GlobalRef, Instruction, Module, \
    Value, const_int
from .parfor_kernel import atomic_variant, const_slots, kernel_derivative
from .parfor_launch import LAUNCH, LAUNCH_TYPE, SCHEDULE, Launch, copy_layout



def readonly_origins(frame, types, primal_insts, written) -> set:
    """For the reverse transform's tape plan: when the function differentiated is a parallel
    loop's kernel, the pointers it loads from the slots it only reads (``readonly`` slots
    registered by ``kernel_derivative``: from ``args``, and for Const arrays and scalar
    cells from ``data``, see ``specialise``).  No iteration on any thread writes that memory
    (distinct slots are distinct arrays: ``parfor_checks.launch_origins``), so loads from it
    may be recomputed in the adjoint sweep instead of taped.  Empty when some write's target
    is unknown or may be that memory."""
    slots = frame.module.__dict__.get("zymase_parfor_readonly", {}).get(frame.primal.name)
    if not slots or not any(slots):
        return set()
    from ..analysis.parfor_slots import offset_slot
    via_args, via_data = slots
    base = frame.fn.args[frame.sig.primal_param[0]]
    data = frame.fn.args[frame.sig.primal_param[3]]
    out = {i for i in primal_insts if i.opcode == "load" and i.type.is_pointer
           and (offset_slot(i.operands[0], base) in via_args
                or (via_data and offset_slot(i.operands[0], data) in via_data))}
    for i in primal_insts:
        if i.opcode == "store" and i.operands[0].type.is_pointer \
                and types.origins_of(i.operands[0]) & out:
            return set()            # a slot's pointer escapes into memory
        dsts = written(i)
        if dsts is None:
            # a call that may write anywhere reachable from its operands (the error path's
            # exception building): harmless when none of them derives from those slots,
            # since their pointers never escape (above; check_kernel refuses calls on them)
            if any(o.type.is_pointer and types.origins_of(o) & out for o in i.operands):
                return set()
            continue
        if any(types.origins_of(d) & out for d in dsts):
            return set()
    return out


def reread(fn: Function, types, launch_inst: Instruction, module: Module):
    """(origins of the memory the adjoint launch re-reads from the function's arrays — the
    slots the kernel only reads, without the schedule and the scalar cells, which are
    copied —, the kernel's plan, its slots, its scalar slots)."""
    from .parfor_checks import launch_origins
    launch = Launch(launch_inst)
    plan, slots, _, _ = launch_origins(fn, types, launch_inst, module)
    scalars = scalar_slots(launch.kernel(module), slots, launch.na)
    read = set()
    for j, v in slots.items():
        if j > 0 and j in plan.reads and j not in plan.reductions and j not in scalars:
            read |= types.origins_of(v) or {v}
    return read, plan, slots, scalars


def reread_origins(module: Module, act, insts):
    """The origins of the memory the adjoint launches of ``insts`` re-read (the arrays the
    kernels only read, with the allocations their data pointers come from): releases of
    those wait until the adjoint sweep ends.  None when some origin cannot be traced to an
    argument or an allocation (then every release waits); an empty set without launches."""
    from ..rules.calls import classify_call, Kind
    types = act.types
    out: set = set()

    def allocation(v) -> bool:
        return isinstance(v, Instruction) and v.opcode == "call" \
            and classify_call(v, module) is Kind.ALLOCATOR
    for i in insts:
        if not (i.opcode == "call" and i.callee_name == LAUNCH and i.operands[1] in act.active):
            continue
        for o in reread(i.block.function, types, i, module)[0]:
            out.add(o)
            if isinstance(o, Argument) or allocation(o) or (
                    isinstance(o, Instruction) and o.opcode == "alloca"):
                continue
            up = types.origins_of(o.operands[0]) if isinstance(o, Instruction) \
                and o.opcode == "load" else set()
            if up and all(allocation(u) for u in up):
                out |= up
                continue
            return None
    return out


def wrapper(module: Module, deriv: str, na: int, lanes: int) -> str:
    """``void @W(ptr args_t, ptr dims, ptr steps, ptr block)`` calling ``deriv(args_t,
    dargs_t(1..lanes), dims, steps, data)``: ``block`` is ``{ptr args, ptr dargs_1 …
    dargs_lanes, ptr data}`` as at the launch, and ``dargs_t[j] = dargs[j] + (args_t[j] −
    args[j])`` (the launcher's offset of the worker's share)."""
    name = f"{deriv}.launch"
    if name in module.functions:
        return name
    params = [Argument(PTR, "args_t"), Argument(PTR, "dims"), Argument(PTR, "steps"),
              Argument(PTR, "block")]
    f = Function(name, VOID, params)
    f.linkage = "internal"
    module.add_function(f)
    args_t, dims, steps, block = params
    b = Builder(module, f.add_block("entry"))

    def slot(base: Value, k: int) -> Value:
        return b.gep(PTR, base, [const_int(I64, k)])
    base = b.load(PTR, slot(block, 0))
    shadow_args: List[Value] = []
    for lane in range(lanes):
        dbase = b.load(PTR, slot(block, 1 + lane))
        darr = b.alloca(PTR, f"dargs{lane}", const_int(I64, na))
        for j in range(na):
            p_t = b.load(PTR, slot(args_t, j))
            p0 = b.load(PTR, slot(base, j))
            off = b.sub(b.cast("ptrtoint", p_t, I64), b.cast("ptrtoint", p0, I64))
            d = b.load(PTR, slot(dbase, j))
            b.store(b.gep(I8, d, [off]), slot(darr, j))
        shadow_args.append(darr)
    ft = FunctionType(VOID, (PTR,) * (1 + lanes) + (PTR, PTR, PTR))
    b.call(deriv, ft, [args_t] + shadow_args + [dims, steps, args_t])
    b.ret()
    return name


def const_slot_shadow(sb, v: Value, p: Value, b: Builder, active):
    """The shadow stored for a pointer without one (``v``: the schedule, a Const array)
    into the ``args`` array of a launch (``p``): null — the kernel's derivative reads that
    slot's pointer as inactive (``specialise``).  None for any other store."""
    if not v.type.is_pointer or v in active:
        return None
    base = p.operands[0] if isinstance(p, Instruction) and p.opcode == "getelementptr" else p
    if not (isinstance(base, Instruction) and base.opcode == "alloca"):
        return None
    if not any(i.opcode == "call" and i.callee_name == LAUNCH and i.operands[1] is base
               for i in base.block.function.instructions()):
        return None
    return sb.gather_lanes(b, [Constant(PTR, "null")] * sb.width) if sb.width > 1 \
        else Constant(PTR, "null")


def launch_block(b: Builder, entry: Builder, args: Value, dargs: List[Value],
                 data: Value) -> Value:
    """The wrapper's block ``{args, dargs…, data}`` (a stack slot of the caller)."""
    n = 2 + len(dargs)
    blk = entry.alloca(PTR, "parfor.block", const_int(I64, n))
    for k, v in enumerate([args] + list(dargs) + [data]):
        b.store(v, b.gep(PTR, blk, [const_int(I64, k)]))
    return blk


def emit_launch(b: Builder, module: Module, wrapper_name: str, launch: Launch, args: Value,
                dims: Value, steps: Value, blk: Value, threads: Value) -> Instruction:
    ref = GlobalRef(wrapper_name)
    return b.call(LAUNCH, LAUNCH_TYPE, [ref, args, dims, steps, blk, launch.inner_ndim,
                                        launch.array_count, threads])


# -- derivatives of derivatives -----------------------------------------------------------------
_DERIVED_KERNEL = re.compile(r"\.zy\.(fwd|rev)\.w\d")     # parfor_kernel.kernel_derivative


def refuse_derivative_launches(fn: Function, outer: A.Mode) -> None:
    """A derivative of code that runs a parallel loop's derivative (second derivatives of a
    function with prange, in any combination of modes): refused by name, before anything
    else looks at the launch.  (A recursive C callee's derivative is named ``.zy.crev.``.)"""
    for i in fn.instructions():
        if i.opcode != "call":
            continue
        name = i.callee_name or ""
        if name == LAUNCH:
            name = getattr(i.operands[0], "name", "") or ""
        m = _DERIVED_KERNEL.search(name)
        if m:
            raise _second_order(i, outer, m.group(1))


def _second_order(i: Instruction, outer: A.Mode, inner: str):
    outer_word = "forward" if outer is A.Mode.FORWARD else "reverse"
    inner_word = "forward" if inner == "fwd" else "reverse"
    hessian = outer is A.Mode.FORWARD and inner == "rev"     # forward over reverse
    what = "a Hessian or Hessian-vector product" if hessian else "a second derivative"
    return unsupported(f"a derivative of a parallel loop's derivative ({outer_word} over "
                       f"{inner_word}: {what} of a function with prange)", i.loc,
                       help="compile the function without parallel=True for second "
                            "derivatives")


# -- forward mode ------------------------------------------------------------------------------
def forward_launch(ctx, i: Instruction, b: Builder) -> None:
    """Replace the primal launch by the launch of the tangent kernel (``ctx``: the forward
    transform's context; ``i``: the launch, cloned into the derivative)."""
    sb = ctx.sb
    launch = Launch(i)
    if launch.args not in ctx.active:
        return
    if not isinstance(launch.data, Constant):
        m = _DERIVED_KERNEL.search(launch.kernel_ref.name)
        if m:
            raise _second_order(i, A.Mode.FORWARD, m.group(1))
        raise unsupported("a parallel loop launched with extra data", i.loc)
    kernel = launch.kernel(ctx.module)
    deriv = kernel_derivative(ctx.module, kernel, A.Mode.FORWARD, ctx.width,
                              const_slots(launch, ctx.active))
    wname = wrapper(ctx.module, deriv, launch.na, ctx.width)
    entry = Builder(ctx.module).before(ctx.fn.entry.instructions[0])
    dargs = sb.lanes(b, sb.sh(launch.args, b))
    blk = launch_block(b, entry, launch.args, dargs, launch.data)
    emit_launch(b, ctx.module, wname, launch, launch.args, launch.dims, launch.steps, blk,
                launch.threads)
    i.erase()


# -- reverse mode ------------------------------------------------------------------------------
class ParallelSite:
    """A launch whose adjoint launches the reverse kernel; ``buf`` (made by the forward
    sweep) holds the copies the adjoint launch reads."""

    def __init__(self, launch: Launch, kernel: Function, lanes: int):
        self.launch, self.kernel, self.lanes = launch, kernel, lanes


def scalar_slots(kernel: Function, slots, na: int):
    """{slot: bytes} of the scalars the kernel reads from cells of the function's frame (a
    loop variable captured by the loop body changes after the launch: the adjoint reads a
    copy); {} when the kernel's argument types cannot be read."""
    from .parfor_private import arg_shapes, scalar_size
    shapes = arg_shapes(kernel.name, na) or []
    return {j: scalar_size(kernel.name, j, na) for j, (nd, _) in enumerate(shapes)
            if j > 0 and nd == 0 and j in slots and scalar_size(kernel.name, j, na)}


def save_launch(frame, act, sb, sites, i: Instruction, b: Builder) -> None:
    """Forward sweep: the primal launch stays; the arrays describing it (``args``, the
    shadows of ``args``, ``dims``, ``steps``) and the schedule (freed right after the
    launch) are copied to a heap block the adjoint launch reads."""
    from .parfor_checks import check_stable
    launch = Launch(i)
    if launch.args not in act.active:
        return
    if not isinstance(launch.data, Constant):
        raise unsupported("a parallel loop launched with extra data", i.loc)
    module = frame.module
    fn = i.block.function
    kernel = launch.kernel(module)
    read, plan, slots, scalars = reread(fn, act.types, i, module)
    sched = slots.get(0)
    if not (isinstance(sched, Instruction) and sched.opcode == "call"
            and sched.callee_name == SCHEDULE):
        raise unsupported("a parallel loop without Numba's schedule", i.loc)
    check_stable(fn, act.types, i, read, module)
    from .parfor_private import array_layout
    layout = array_layout(kernel.name, launch.na, launch.ni)
    if any(layout is None or j not in layout for j in plan.writes - plan.reductions):
        raise unsupported("a parallel loop writing an argument whose type zymase cannot "
                          "read (it re-runs the loop into scratch memory of that size), in "
                          "reverse mode", i.loc, help="pass plain NumPy arrays and scalars")
    w = frame.width
    na, ni = launch.na, launch.ni
    a_off, d_off, dims_off, steps_off, sc_off, sched_off = copy_layout(na, ni, w)
    # schedule bytes: steps[0] · dims[0] (one entry per share of the iteration space)
    nsched = b.mul(b.load(I64, launch.steps), b.load(I64, launch.dims))
    head = const_int(I64, 8 * sched_off)
    buf = b.call("malloc", FunctionType(PTR, (I64,)), [b.add(head, nsched)])

    def at(word: int) -> Value:
        return b.gep(I8, buf, [const_int(I64, 8 * word)])
    b.memcpy(at(a_off), launch.args, const_int(I64, 8 * na))
    sh = sb.lanes(b, sb.sh(launch.args, b))
    for k in range(w):
        b.memcpy(at(d_off[k]), sh[k], const_int(I64, 8 * na))
    b.memcpy(at(dims_off), launch.dims, const_int(I64, 8 * (ni + 1)))
    b.memcpy(at(steps_off), launch.steps, const_int(I64, 8 * (na + ni)))
    b.memcpy(at(sched_off), sched, nsched)
    for j, size in scalars.items():
        b.memcpy(at(sc_off + j), slots[j], const_int(I64, size))
    site = ParallelSite(launch, kernel, w)
    site.const = const_slots(launch, act.active)
    site.scalars = scalars
    from .parfor_tape_site import forward_launch_taped
    site.taped = forward_launch_taped(frame, b, site, plan, buf)
    from ..pipeline import debug_flags, dprint
    dprint(debug_flags(), "parfor", kernel.name[:60], (
        f"tape recorded by the primal launch; row window {site.window}") if site.taped
        else "the adjoint launch re-runs the loop")
    sites.custom[i] = (site, buf)
    sites.anchor_here(b, i)


def adjoint_launch(frame, aug, b: Builder, r, site: ParallelSite, buf: Value) -> None:
    """Adjoint sweep: launch the reverse kernel on the copies, once per lane (each lane's
    shadows), through the same launcher; then free the copies."""
    launch = site.launch
    na, ni = launch.na, launch.ni
    a_off, d_off, dims_off, steps_off, sc_off, sched_off = copy_layout(na, ni, site.lanes)
    p = r(buf)
    if site.taped is not None:
        from .parfor_tape_site import adjoint_launch_taped
        adjoint_launch_taped(frame, b, site, p)
        return

    def at(word: int) -> Value:
        return b.gep(I8, p, [const_int(I64, 8 * word)])
    sched = at(sched_off)
    b.store(sched, at(a_off))           # the schedule copy replaces the freed schedule
    for j in site.scalars:              # and the scalar cells their copies
        b.store(at(sc_off + j), at(a_off + j))
    module = frame.module
    plain = kernel_derivative(module, site.kernel, A.Mode.REVERSE, 1, site.const)
    from .parfor_checks import check_kernel
    from .parfor_private import driver, private_slots, private_wrapper
    plan = check_kernel(site.kernel)
    slots = private_slots(site.kernel, plan.shared_reads, site.const, na, ni)
    entry = frame.entry()
    threads = b.call("get_num_threads", FunctionType(I64, ()), [])
    if slots:           # private copies of the shared-read shadows (atomics past a budget)
        dname = driver(module, f"{plain}.adjoint", launch, slots,
                       private_wrapper(module, plain, na, slots),
                       wrapper(module, atomic_variant(module, plain, plan), na, 1))
    else:               # nothing shared ({}), or extents unknown (None): atomics
        wname = wrapper(module, plain if slots == {} or not (plan.shared_reads - site.const)
                        else atomic_variant(module, plain, plan), na, 1)
    # the re-run writes its outputs to scratch memory: the function may have changed the
    # primal outputs since the launch (later writes), and they must stay as the function left
    # them; the kernel never reads what it writes (parfor_checks), so scratch is not read
    from .parfor_private import array_layout, extent
    layout = array_layout(site.kernel.name, na, ni) or {}
    scratch = []
    for j in sorted(plan.writes - plan.reductions):
        nd, isz, d_at, s_at = layout[j]
        span, neg = extent(b, at(dims_off), at(steps_off), nd, d_at, s_at, isz)
        buf_j = b.call("malloc", FunctionType(PTR, (I64,)), [span])
        scratch.append(buf_j)
        b.store(b.gep(I8, buf_j, [neg]), at(a_off + j))
    for k in range(site.lanes):
        b.store(sched, at(d_off[k]))    # the schedule's shadow is itself
        if slots:
            b.call(dname, FunctionType(VOID, (PTR, PTR, PTR, PTR, I64)),
                   [at(a_off), at(d_off[k]), at(dims_off), at(steps_off), threads])
            continue
        blk = launch_block(b, entry, at(a_off), [at(d_off[k])], launch.data)
        emit_launch(b, module, wname, launch, at(a_off), at(dims_off), at(steps_off),
                    blk, threads)
    for buf_j in scratch:
        b.call("free", FunctionType(VOID, (PTR,)), [buf_j])
    b.call("free", FunctionType(VOID, (PTR,)), [p])
