"""The derivative's function before any derivative code: shared by forward and reverse mode.

``Skeleton(module, primal, sig, name)``:

1. creates the derivative function with the signature's parameters (``sig.params``); it
   returns an ``i32`` status when the primal does (Numba), else the derivative's result type
   (``sig.results.type``, void when nothing comes back);
2. clones the primal's body into it: primal parameters become the derivative parameters that
   ``sig.primal_param`` names, the exception-info pointer the derivative's, and the primal's
   result lives in a local slot (``prim_slot``, type ``slot_t``) — the return-slot parameter
   maps to it, and a primal that returns its result directly (``ret double %v``) gets a
   ``store %v, prim_slot`` before each return, so both modes see one convention: the result
   is a store into memory whose shadow holds its tangent or adjoint;
3. leaves an entry block ``zy.entry`` ending in a branch to the cloned entry, and a builder
   before that branch (``entry_builder``) where the transforms put their seeds and slots.

It also turns the signature's lane descriptions into values (``lanes``), packs width-N
outputs (``pack``) and hands the results back (``return_results``): stored through the result
slot with the status returned (Numba), or returned by ``ret`` (C).

Invariant: the primal's instructions are cloned unchanged; only stores of a directly
returned result are added.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

from ..ir.builder import Builder
from ..ir.types import F64, I32, I64, I8, PTR, VOID, ArrayType, FunctionType, IntType, StructType
from ..ir.values import Argument, Constant, Function, Instruction, Module, Value, const_int, undef
from ..rules import table
from .clone import clone_into
from .shadows import gather, lane_pointers
from .signature import DerivSignature, Lanes, Output


class Skeleton:
    def __init__(self, module: Module, primal: Function, sig: DerivSignature, name: str):
        self.module, self.primal, self.sig, self.width = module, primal, sig, sig.width
        ret = sig.ret
        if ret.status:
            rtype = IntType(32)
        else:
            rtype = sig.results.type if sig.results.type is not None else VOID
        fn = Function(name, rtype, [Argument(p.type, p.name, p.attrs) for p in sig.params])
        module.add_function(fn)
        self.fn = fn
        entry = fn.add_block("zy.entry")
        b = Builder(module, entry)
        self.slot_t = ret.type if ret.has_value else I8
        self.prim_slot = b.alloca(self.slot_t, "zy.ret")
        vmap: Dict[Value, Value] = {}
        if ret.slot is not None:
            vmap[primal.args[ret.slot]] = self.prim_slot
        if ret.excinfo is not None:
            vmap[primal.args[ret.excinfo]] = fn.args[sig.excinfo]
        for p, d in sig.primal_param.items():
            vmap[primal.args[p]] = fn.args[d]
        clone_into(primal, fn, vmap)
        self.vmap = vmap
        if ret.slot is None and ret.has_value:
            for blk in fn.blocks[1:]:
                t = blk.terminator
                if t is not None and t.opcode == "ret" and t.operands:
                    Builder(module, loc=t.loc).before(t).store(t.operands[0], self.prim_slot)
        b.br(fn.blocks[1])
        b.before_terminator(entry)
        self.entry_builder = b
        self.primal_entry = fn.blocks[1]
        self.excinfo: Optional[Value] = fn.args[sig.excinfo] if sig.excinfo is not None else None

    def param(self, k: int) -> Value:
        """The derivative's value of primal IR parameter ``k``."""
        return self.fn.args[self.sig.primal_param[k]]

    def status(self, ret: Instruction) -> Optional[Value]:
        """The status a primal ``ret`` returns (None: the convention has none, it succeeds)."""
        return ret.operands[0] if self.sig.ret.status else None

    # -- lanes --------------------------------------------------------------------------------
    def lanes(self, b: Builder, lanes: Lanes,
              convert: Optional[Callable[[Value], Value]] = None) -> Value:
        """The value of a shadow (or tangent, or seed) described by ``lanes``: the value itself
        at width 1, the ``<N x T>`` of its lanes at width N."""
        fn, w = self.fn, self.width
        if lanes.stride is not None and w > 1:
            ptrs = lane_pointers(b, fn.args[lanes.params[0]], fn.args[lanes.stride], w)
        elif len(lanes.params) == 1:
            ptrs = [fn.args[lanes.params[0]]] * w
        else:
            ptrs = [fn.args[p] for p in lanes.params]
        if lanes.load is None:
            vals = ptrs
        else:
            vals = [b.load(lanes.load, p) for p in ptrs] if convert is None else \
                [convert(b.load(lanes.load, p)) for p in ptrs]
        return vals[0] if w == 1 else gather(b, vals)

    # -- results ------------------------------------------------------------------------------
    def pack(self, b: Builder, out: Output, v: Value) -> Value:
        """A width-N value (``<N x T>``) in the form output ``out`` comes back in."""
        if out.pack == "array":
            return lanes_to_array(b, v)
        if out.pack == "aggregate":
            agg: Value = undef(out.type)
            for k in range(v.type.count):
                agg = b.insertvalue(agg, b.extractelement(v, k), [k])
            return agg
        return v

    def return_results(self, b: Builder, vals: List[Value],
                       ret: Optional[Instruction] = None) -> Instruction:
        """Hand back ``vals`` (one per output) at ``b``.  Through a result slot (Numba): store
        them, and return status 0 unless ``ret`` (a primal return whose status stays) is
        given.  Directly (C): return them, replacing ``ret``.  Returns the ``ret``."""
        res = self.sig.results
        value: Optional[Value] = None
        if len(vals) == 1:
            value = vals[0]
        elif vals:
            value = undef(res.type)
            for k, v in enumerate(vals):
                value = b.insertvalue(value, v, [k])
        if res.slot is not None:
            if value is not None:
                b.store(value, self.fn.args[res.slot])
            return ret if ret is not None else b.ret(const_int(I32, 0))
        if ret is not None:
            ret.erase()
        return b.ret(value)


# Numba's in-memory descriptor of a 1-D array
ARRAY_1D = StructType((PTR, PTR, I64, I64, PTR, ArrayType(1, I64), ArrayType(1, I64)))


def lanes_to_array(b: Builder, vec: Value) -> Value:
    """Pack an ``<N x T>`` vector (N tangents or adjoints of a float) into a fresh 1-D
    C-contiguous Numba array {meminfo, parent, n, itemsize, data, shape, strides} of N."""
    w = vec.type.count
    et = vec.type.element
    size = w * (8 if et == F64 else 4)
    mi = b.call("NRT_MemInfo_alloc_aligned", FunctionType(PTR, (I64, I32)),
                [const_int(I64, size), const_int(I32, 32)])
    data = b.load(PTR, b.gep(I8, mi, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8)
    for k in range(w):
        b.store(b.extractelement(vec, k), b.gep(et, data, [const_int(I64, k)]))
    agg: Value = undef(ARRAY_1D)
    itemsize = size // w
    for k, v in enumerate([mi, Constant(PTR, "null"), const_int(I64, w), const_int(I64, itemsize),
                           data]):
        agg = b.insertvalue(agg, v, [k])
    agg = b.insertvalue(agg, const_int(I64, w), [5, 0])
    agg = b.insertvalue(agg, const_int(I64, itemsize), [6, 0])
    return agg
