"""Shadows: the derivative companions of pointers and memory, shared by both modes.

A *shadow* is to a pointer what a tangent or adjoint is to a float: the address of the
memory that holds the derivatives of what the pointer addresses.  Forward mode writes tangents
through shadows; reverse mode's forward sweep builds the same shadows and its adjoint sweep
accumulates into them.  Both build them with the rules here:

* the shadow of an active ``getelementptr``, ``select``, ``extractvalue`` or ``insertvalue`` is
  the same operation on the operands' shadows (integers inside shadow aggregates are the primal
  integers, so Numba's array structs stay well formed); a phi gets an empty shadow phi, filled
  once every block is done (``ShadowBuilder.phi`` / ``fill_phis``);
* a pointer loaded from active memory has as shadow the pointer loaded from shadow memory;
* fresh memory gets fresh zeroed shadow memory: an alloca a zeroed alloca, an NRT allocation a
  second MemInfo whose data is zeroed (``zeroed_allocation``), a raw block (``malloc``,
  ``calloc``, C++'s ``new``, Rust's ``__rust_alloc``) a zeroed block (``raw_shadow``).

Width N: ``ShadowBuilder`` knows the two layouts of shadow memory forward mode can use (see
transforms/forward_layout.py): lanes of pointers (a shadow is an ``<N x ptr>``, accesses are
gathers and scatters) and lane-interleaved memory (a shadow is one ``ptr`` into N-times-scaled
memory).
Reverse mode uses lanes of pointers.

Also here: ``describe`` (how error messages name an instruction), ``align_of`` (an access's
alignment) and ``lane_pointers`` (the rows of a shadow with a leading lane axis).
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

from ..errors import unsupported
from ..ir.builder import Builder, type_suffix
from ..ir.types import (I1, I32, I64, I8, PTR, VOID, ArrayType, FunctionType, StructType, Type,
                        VectorType, alloc_size, contains_float, contains_pointer, member_offset,
                        store_size)
from ..ir.values import Argument, Constant, Function, Instruction, Module, Value, const_int, \
    undef, zero
from ..rules import table


def describe(i: Instruction) -> str:
    """How an error message names instruction ``i``."""
    if i.opcode == "call":
        if i.callee_name:
            from ..ir.demangle import demangle
            name = i.callee_name
            m = re.fullmatch(r"(.*)\.zymase\.(?:undefined|missing)\.zy\d+", name)
            own = re.fullmatch(r"(.*)\.zy\d+", name) if m is None else None
            if m or own:    # a stub, or a function of a foreign module (frontend/foreign.py)
                name = (m or own).group(1)
            readable = demangle(name)
            what = f"`{readable}` ({name})" if readable != name else name
            return f"a call to {what}" + (", which its module does not define" if m else
                                          ", which stays a call (it is recursive)" if own
                                          else "")
        from ..custom import external_address, symbol_at
        addr = external_address(i)
        if addr is not None:
            name = symbol_at(addr)
            if name and name.startswith("a function in "):
                return f"a call to an external C function ({name[2:]}, at {addr:#x}, via ctypes/cffi)"
            return (f"a call to the external C function `{name}` (ctypes/cffi, at {addr:#x})"
                    if name else f"a call to an external C function at {addr:#x} (ctypes/cffi)")
        return "a call through a function pointer"
    return f"the instruction `{i.opcode}`"


def call_help(i: Instruction) -> str:
    """The help line of a refused call ``i``."""
    if ".zymase.undefined." in (i.callee_name or ""):
        return ("the module only declares it: link the module that defines it into this one "
                "(llvm-link); rustc shares Vec's code with its standard library at opt-level 0 "
                "and 1 — compile at opt-level 2 or 3, or with -Z share-generics=no")
    if re.match(r"numba_list_new$", i.callee_name or ""):
        # outside the function being differentiated (a prange body's kernel): not lowered
        return ("zymase differentiates a numba.typed.List built in the function itself, not "
                "one built inside a prange loop body: build it outside the parallel loop, or "
                "use an array")
    if re.match(r"numba_list_", i.callee_name or ""):
        # typed.Lists built inside are lowered onto NRT memory (transforms/typed_list.py);
        # what reaches here is a list passed in, whose items live in Numba's C runtime
        return ("a numba.typed.List passed in is Const: its items live in Numba's C runtime, "
                "with no shadow to hold derivatives; build a new typed.List (or reflected "
                "list) inside the function and store the values there, or pass the values in "
                "an array (Duplicated/Dual)")
    if re.match(r"numba_dict_", i.callee_name or ""):
        return ("numba.typed.Dict keeps its items in Numba's C runtime, where zymase cannot "
                "follow derivatives: keep the values in a typed.List, a reflected list or an "
                "array indexed by integer keys instead")
    if re.fullmatch(r".*\.zy\d+", i.callee_name or ""):
        return ("zymase inlines the functions of a foreign module; a recursive one stays a "
                "call, which it differentiates only in Numba code: write the recursion as a "
                "loop")
    return "give the callee a custom derivative or mark it inactive with zymase.inactive"


class NoInterleave(Exception):
    """The lane-interleaved layout cannot express this function: use lanes of pointers."""


class ShadowBuilder:
    """Shadow-value bookkeeping shared by the forward transform's instruction rules.

    ``interleaved`` selects the width-N memory layout (see the module docstring): shadow
    pointers are scalar ``ptr`` into N-times-scaled memory, else ``<N x ptr>`` lanes."""

    def __init__(self, module: Module, fn: Function, width: int, activity,
                 interleaved: bool = False):
        self.module, self.fn, self.width = module, fn, width
        self.act = activity
        self.interleaved = interleaved and width > 1
        self.shadow: Dict[Value, Value] = {}
        self.helpers = set()
        self.loc_hint = None        # the source line of the phi whose operands are shadowed

    # -- types -------------------------------------------------------------------------
    def stype(self, t: Type) -> Type:
        """Type of the shadow of a value of type ``t``."""
        if self.width == 1:
            return t
        if t.is_pointer and self.interleaved:
            return t
        if t.is_float or t.is_pointer:
            return VectorType(self.width, t)
        if t.is_int:
            return t
        if isinstance(t, StructType) and not self.interleaved:
            # a struct of lanes: every pointer or float field becomes a vector of N
            return StructType(tuple(self.stype(e) for e in t.elements), t.packed)
        if isinstance(t, ArrayType) and not self.interleaved and t.element.is_int:
            return t
        raise unsupported(f"a batched (width {self.width}) shadow of a value of type {t}",
                          help="use width=1 for functions whose active values are aggregates")

    def sh(self, v: Value, b: Builder) -> Value:
        """Shadow of a (cloned) value; zero/primal for inactive floats/ints."""
        if v in self.shadow:
            return self.shadow[v]
        t = v.type
        if isinstance(v, Constant):
            if t.is_int or (isinstance(t, VectorType) and t.element.is_int):
                return v
            if t.is_pointer and self.interleaved and v.text in ("null", "zeroinitializer"):
                return Constant(PTR, "null")
            if v.text in ("null", "zeroinitializer", "undef", "poison") or t.is_float:
                return Constant(self.stype(t), "zeroinitializer" if self.width > 1 or not (t.is_float or t.is_pointer) else zero(t).text) \
                    if v.text != "undef" else undef(self.stype(t))
            if t.is_pointer and (read_only_data(self.module, v.text) or sentinel_address(v.text)):
                # exception descriptors and other constant data without floats, or an address
                # in the first page (Rust's dangling pointer of an empty Vec): nothing can be
                # written or differentiated through them, the shadow is the pointer
                return v if self.width == 1 or self.interleaved else b.splat(v, self.width)
            raise unsupported(f"a derivative through the constant {v.text} of type {t}")
        if t.is_int:
            return v
        if t.is_float:
            return Constant(self.stype(t), "zeroinitializer") if self.width > 1 else zero(t)
        if isinstance(t, (StructType, ArrayType)) and not contains_float(t) and not contains_pointer(t):
            return v
        if isinstance(t, (StructType, ArrayType)) and self.width == 1:
            return self._inactive_aggregate(v, t, b)
        loc = getattr(v, "loc", None) or self.loc_hint
        what = (" (memory of an argument passed as Const, met by memory that has a shadow: a "
                "branch choosing between arrays, or Numba's overlap-safe copy in a slice "
                "assignment such as `t[:] = y`)" if isinstance(v, Argument) else "")
        raise unsupported(f"a value of type {t} that mixes memory with and without a shadow "
                          f"({getattr(v, 'opcode', 'argument')} %{v.name}){what}", loc,
                          help="mark the array argument Dual/Duplicated instead of Const "
                               "(its shadow may be zeros)")

    def _inactive_aggregate(self, v, t, b):
        # shadow of an inactive aggregate: zero floats, keep integers, null pointers
        out = Constant(t, "zeroinitializer")
        elems = t.elements if isinstance(t, StructType) else [t.element] * t.count
        for k, et in enumerate(elems):
            if et.is_int:
                out = b.insertvalue(out, b.extractvalue(v, [k]), [k])
        return out

    def splat(self, b: Builder, v: Value) -> Value:
        return v if self.width == 1 else b.splat(v, self.width)

    # -- memory through shadows -----------------------------------------------------------
    def load(self, b: Builder, t: Type, sp: Value, align=None) -> Value:
        if self.width == 1:
            return b.load(t, sp, align)
        st = self.stype(t)
        if not (t.is_float or t.is_pointer) or isinstance(t, VectorType):
            raise unsupported(f"a batched load of {t} from shadow memory")
        if self.interleaved:
            return b.load(st, sp, align or store_size(t))
        c = b.call(f"llvm.masked.gather.{vector_suffix(st)}.v{self.width}p0",
                   FunctionType(st, (VectorType(self.width, PTR), VectorType(self.width, I1), st)),
                   [sp, true_mask(self.width), undef(st)])
        c.meta = {"pre": "", "arg_attrs": [f"align {align or 1}", "", ""]}
        return c

    def store(self, b: Builder, v: Value, sp: Value, align=None):
        if self.width == 1:
            return b.store(v, sp, align)
        if v.type.is_int:
            return None  # integers in batched shadow memory are never read back as shadows
        if isinstance(v.type, (StructType, ArrayType)):
            raise unsupported(f"a batched store of {v.type} into shadow memory",
                              help="use width=1 for functions that store whole structs")
        if self.interleaved:
            if not (v.type.is_pointer or (isinstance(v.type, VectorType) and v.type.element.is_float)):
                raise unsupported(f"a batched store of {v.type} into shadow memory")
            return b.store(v, sp, align or store_size(v.type.scalar))
        c = b.call(f"llvm.masked.scatter.{vector_suffix(v.type)}.v{self.width}p0",
                   FunctionType(VOID, (v.type, VectorType(self.width, PTR), VectorType(self.width, I1))),
                   [v, sp, true_mask(self.width)])
        c.meta = {"pre": "", "arg_attrs": ["", f"align {align or 1}", ""]}
        return c

    def gep(self, b: Builder, i: Instruction, base: Value) -> Value:
        """Interleaved shadow of the GEP ``i`` on the shadow pointer ``base``: the primal's
        byte offset times N (``gep [N·s x i8], idx`` per variable index of stride s, one
        ``gep i8, N·c`` for the constant part)."""
        w = self.width
        flags = "inbounds" if "inbounds" in (i.flags or "").split() else ""
        terms, const = byte_offsets(i)
        p = base
        for idx, scale in terms:
            p = b.gep(ArrayType(w * scale, I8), p, [idx], flags=flags)
        if const:
            p = b.gep(I8, p, [const_int(I64, w * const)], flags=flags)
        return p

    def lanes(self, b: Builder, vec: Value) -> List[Value]:
        if self.width == 1:
            return [vec]
        return [b.extractelement(vec, k) for k in range(self.width)]

    def gather_lanes(self, b: Builder, vals: List[Value]) -> Value:
        if self.width == 1:
            return vals[0]
        return gather(b, vals)


    # -- shadows shared by both modes -------------------------------------------------------
    def phi(self, b: Builder, i: Instruction, phis: list) -> Value:
        """An empty shadow phi right after phi ``i``; ``fill_phis`` fills it once every
        block is done (its incoming values may be defined later in the walk)."""
        b.index = i.block.instructions.index(i) + 1
        sphi = b.phi(self.stype(i.type))
        self.shadow[i] = sphi
        phis.append((i, sphi))
        return sphi

    def fill_phis(self, phis: list) -> None:
        for inst, sphi in phis:
            bb = Builder(self.module)
            self.loc_hint = getattr(inst, "loc", None)
            for v, pred in zip(inst.operands, inst.blocks):
                bb.before_terminator(pred)
                sphi.add_incoming(self.sh(v, bb), pred)
            self.loc_hint = None

    def same_op(self, b: Builder, i: Instruction) -> Optional[Value]:
        """The shadow of an active ``getelementptr`` (lanes of pointers or width 1),
        ``select``, ``extractvalue`` or ``insertvalue``, or of a MemInfo's data pointer
        (``NRT_MemInfo_data``): the same operation on the shadows of its pointer and
        aggregate operands (indices and conditions stay the primal's); None for other
        instructions."""
        op = i.opcode
        if op == "getelementptr":
            return b.gep(i.src_type, self.sh(i.operands[0], b), i.operands[1:], flags=i.flags)
        if op == "call" and (i.callee_name or "") in table.MEMINFO_DATA:
            return self.gather_lanes(b, [b.call(i.callee_name, i.fnty, [m])
                                         for m in self.lanes(b, self.sh(i.operands[0], b))])
        if op == "select":
            c, x, y = i.operands
            return b.select(c, self.sh(x, b), self.sh(y, b))
        if op == "extractvalue":
            return b.extractvalue(self.sh(i.operands[0], b), i.indices)
        if op == "insertvalue":
            return b.insertvalue(self.sh(i.operands[0], b), self.sh(i.operands[1], b), i.indices)
        return None

    def zeroed_allocation(self, b: Builder, i: Instruction, meminfo: bool,
                          keep_dtor: bool = True) -> Value:
        """One lane's shadow of the allocation call ``i`` (size in its first operand): the same
        call again, its data zeroed (an NRT MemInfo's data pointer is at byte 24).
        ``keep_dtor=False``: a MemInfo with a destructor (``table.DTOR_ALLOCATORS``, a jitclass
        instance) is shadowed by a plain aligned one instead."""
        if not keep_dtor and (i.callee_name or "") in table.DTOR_ALLOCATORS:
            c = b.call("NRT_MemInfo_alloc_aligned", FunctionType(PTR, (I64, I32)),
                       [i.operands[0], const_int(I32, 32)])
        else:
            c = i.clone()
            c.name = None
            b.emit(c)
        data = b.load(PTR, b.gep(I8, c, [const_int(I64, table.MEMINFO_DATA_OFFSET)]), 8) \
            if meminfo else c
        b.memset(data, 0, i.operands[0])
        return c

    def raw_shadow(self, b: Builder, i: Instruction, reverse: bool) -> Value:
        """One lane's shadow of the raw allocation ``i`` (``table.raw_allocator``): forward
        mode calls the same allocator again (the primal's free, mirrored, releases it);
        reverse mode takes a ``malloc`` block of the same size (freed with ``free`` after the
        sweep, whatever allocated the primal: Rust's and C++'s deallocators want sizes and
        alignments the sweep's end no longer has).  The block is zeroed."""
        name = i.callee_name or ""
        alloc = table.raw_allocator(name)
        n = raw_size(b, i)
        if reverse and name != "NRT_Allocate":
            c = b.call("malloc", FunctionType(PTR, (I64,)), [n])
            b.memset(c, 0, n)
            return c
        c = i.clone()
        c.name = None
        b.emit(c)
        if not alloc.zeroed:
            b.memset(c, 0, n)
        return c

    def zeroed_allocas(self, b: Builder, i: Instruction) -> Value:
        """The shadow of an alloca in lanes (or at width 1): a zeroed alloca of the same type
        per lane in the entry block, zeroed where the primal slot is created."""
        lanes = [Builder(self.module).before(self.fn.entry.instructions[0]).alloca(i.src_type)
                 for _ in range(self.width)]
        for a in lanes:
            b.memset(a, 0, const_int(I64, alloc_size(i.src_type)))
        return self.gather_lanes(b, lanes)


def raw_size(b: Builder, i: Instruction) -> Value:
    """The size in bytes (i64) of the block raw allocation ``i`` asks for."""
    n = None
    for k in table.raw_allocator(i.callee_name or "").size:
        v = i.operands[k]
        if v.type != I64:
            v = b.cast("zext", v, I64)
        n = v if n is None else b.mul(n, v)
    return n


def sentinel_address(text: str) -> bool:
    """``inttoptr (iN c to ptr)`` with ``0 <= c < 4096``: an address in the first page, which is
    never mapped — a sentinel (Rust's ``NonNull::dangling()``), never dereferenced."""
    m = re.fullmatch(r"inttoptr \(i\d+ (\d+) to ptr\)", text)
    return m is not None and 0 <= int(m.group(1)) < 4096


def read_only_data(module: Module, ref: str) -> bool:
    """``ref`` names a global ``constant`` of this module whose type holds no floats."""
    name = ref[1:] if ref.startswith("@") else ref
    line = module.globals.get(name) or module.globals.get(ref) or \
        module.globals.get(name.strip('"'))
    if line is None:
        return False
    m = re.match(r'\S+\s*=\s*(?:[a-z_]+\s+)*?constant\s+(.*)$', line)
    if m is None:
        return False
    body = re.sub(r'c"[^"]*"', "", m.group(1))   # byte strings (messages) hold no types
    return not re.search(r"\b(double|float|half|x86_fp80|fp128)\b", body)


def vector_suffix(t: VectorType) -> str:
    return type_suffix(t)


def true_mask(n):
    return Constant(VectorType(n, I1), "<" + ", ".join("i1 true" for _ in range(n)) + ">")


def align_of(inst: Instruction) -> Optional[int]:
    """The ``align N`` of a load, store or alloca (None when it has none)."""
    m = re.search(r"align (\d+)", inst.tail or "")
    return int(m.group(1)) if m else None


def lane_pointers(b: Builder, base: Value, stride: Value, width: int) -> List[Value]:
    """``base + k·stride`` for k < width: the rows of an array with a leading lane axis
    (a width-N tangent, shadow or seed argument)."""
    return [b.gep(I8, base, [b.mul(stride, const_int(I64, k))]) for k in range(width)]


def gather(b: Builder, vals: List[Value]) -> Value:
    """N values → one ``<N x T>``."""
    out: Value = undef(VectorType(len(vals), vals[0].type))
    for k, v in enumerate(vals):
        out = b.insertelement(out, v, k)
    return out


def byte_offsets(i: Instruction):
    """A GEP's byte offset as ``([(index, stride), …], constant)``: what an interleaved
    shadow GEP scales by N.  Raises ``NoInterleave`` for GEPs it cannot express (vectors of
    pointers, variable struct indices)."""
    if isinstance(i.type, VectorType) or any(isinstance(o.type, VectorType) for o in i.operands):
        raise NoInterleave("a GEP producing a vector of pointers")
    cur = i.src_type
    const = 0
    terms = []
    for n, idx in enumerate(i.operands[1:]):
        if n == 0:
            scale = alloc_size(cur)
        elif isinstance(cur, StructType):
            if not isinstance(idx, Constant):
                raise NoInterleave("a GEP with a variable struct index")
            k = int(idx.text)
            const += member_offset(cur, k)
            cur = cur.elements[k]
            continue
        elif isinstance(cur, (ArrayType, VectorType)):
            cur = cur.element
            scale = alloc_size(cur)
        else:
            raise NoInterleave(f"a GEP into {cur}")
        if isinstance(idx, Constant):
            try:
                const += int(idx.text) * scale
            except ValueError:
                raise NoInterleave(f"a GEP index {idx.text}") from None
        elif scale:
            terms.append((idx, scale))
    return terms, const
