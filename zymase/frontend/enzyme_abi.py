"""Enzyme's ABI as a module pass: lower ``__enzyme_autodiff`` / ``__enzyme_fwddiff`` calls.

C, C++ and Rust programs written for Enzyme ask for a derivative by calling a declared,
never-defined variadic function::

    double __enzyme_autodiff(void *fn, ...);
    __enzyme_autodiff((void *)f, enzyme_dup, x, dx, enzyme_const, n);

``lower_module`` finds every such call in a module (clang's or rustc's IR, any -O level),
builds the derivative the call describes with the C-ABI front end
(``frontend/llvm_ir.differentiate_ll``) and makes the call call it.  The result is an
ordinary module: ``python -m zymase opt`` prints it (or writes an object file or a shared
library), ``python -m zymase lli`` runs its ``main``.

Reading a call
--------------
The first argument is the function to differentiate (``ptr @f``).  The rest are read from
left to right against ``f``'s parameters.  A *marker* changes how the next parameter is read;
it is recognised in each of the three spellings front ends use: the value of a global named
``enzyme_*`` (C: ``extern int enzyme_dup;`` passed by value, a ``load`` from the global),
the global itself (``ptr @enzyme_out``: rustc) or a metadata string
(``metadata !"enzyme_dup"``: hand-written IR).

=====================  ===============================  ===============================
marker                 reverse (``__enzyme_autodiff``)   forward (``__enzyme_fwddiff``)
=====================  ===============================  ===============================
``enzyme_const``       Const: one value                 Const: one value
``enzyme_dup``         Duplicated: value, shadow        Dual: value, N tangents
``enzyme_dupnoneed``   DuplicatedOnly: value, shadow    DualOnly: value, N tangents
``enzyme_out``         Active (a float): one value      (an error)
``enzyme_width``, N    (an error: width 1 only)         N tangents per Dual parameter
``enzyme_primal_return``  the primal result comes first  the primal result comes first
=====================  ===============================  ===============================

Without a marker a parameter is read by its type, as Enzyme does: a float is Active (reverse)
or Dual (forward, followed by its N tangents), a pointer is duplicated (followed by its N
shadows), anything else is Const.  Too few or too many arguments is an error naming the
call, never a guess.

What the call returns
---------------------
Reverse mode returns the adjoints of the Active parameters in order (a float result is
seeded with 1.0; ``enzyme_primal_return`` puts the primal result first); forward mode
returns the tangent(s) of the result.  The derivative returns them as ``double``, a literal
struct or ``[N x double]``; the call site may declare any type of the same layout (a C
struct ``{double, double}`` returned in registers, a struct returned through an ``sret``
pointer, an array): a small adapter function per call reinterprets the value through memory,
which is exact for every layout-compatible declaration.

Linking
-------
Each derivative is built from a copy of the whole module (with ``optnone``/``noinline``
dropped, so -O0 code inlines like -O2 code) and linked back in.  Functions it brings are
internal; global variables the module defines are shared, not copied: the derivative's copy
of an externally visible global becomes ``available_externally`` (the linker keeps the
module's), and the module's own internal *mutable* globals are made externally visible
(hidden) before the copy is taken, so the derivative and the rest of the program see the
same counters and tables.  Identical requests (same function, activities, width) share one
derivative.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from .. import activities as A
from ..errors import UnsupportedError

AUTODIFF = "__enzyme_autodiff"
FWDDIFF = "__enzyme_fwddiff"
# other entry points of Enzyme's ABI: refused by name rather than left unresolved
OTHER_ENTRIES = ("__enzyme_augmentfwd", "__enzyme_reverse", "__enzyme_fwdsplit",
                 "__enzyme_batch", "__enzyme_truncate", "__enzyme_virtualreverse",
                 "__enzyme_create_forward_diff", "__enzyme_create_reverse_diff")
MARKERS = ("enzyme_const", "enzyme_dup", "enzyme_dupnoneed", "enzyme_out", "enzyme_width",
           "enzyme_primal_return", "enzyme_dupv", "enzyme_dupnoneedv", "enzyme_scalar",
           "enzyme_vector", "enzyme_allocated", "enzyme_tape", "enzyme_nofree",
           "enzyme_mutable_return", "enzyme_noret", "enzyme_const_return")

_K_FUNCTION, _K_GLOBAL, _K_CONST_INT, _K_METADATA, _K_INSTRUCTION = 5, 8, 18, 22, 24
_LOAD_GLOBAL = re.compile(r"=\s*load\s+[^,]+,\s*ptr\s+@\"?(enzyme_\w+)\"?")
_MD_STRING = re.compile(r'!"(enzyme_\w+)"')


@dataclass(frozen=True)
class Request:
    """One derivative a call asks for."""
    function: str
    mode: A.Mode
    activities: Tuple[A.Activity, ...]
    ret: Optional[A.Activity]
    width: int


@dataclass
class Site:
    """One ``__enzyme_*`` call: where it is, what it asks, how its arguments map."""
    caller: str
    text: str                  # the instruction as the module prints it
    callee: str
    request: Request
    arg_types: List[str]       # every argument of the call, as IR types
    ret_type: str
    sret: Optional[str]        # the sret pointee type when the result goes through memory
    forwarded: List[int]       # call argument positions passed on, in the derivative's order


def entry_kind(name: str) -> Optional[str]:
    """``reverse`` / ``forward`` / ``other`` for a callee that is one of Enzyme's entry points,
    by name as Enzyme matches them: the name *contains* the entry's name, so C's
    ``__enzyme_autodiff2`` and a C++ template's mangled ``_Z17__enzyme_autodiffIvJ…`` both
    count."""
    if "__enzyme_" not in name:
        return None
    if AUTODIFF in name:
        return "reverse"
    if FWDDIFF in name:
        return "forward"
    if any(e in name for e in OTHER_ENTRIES):
        return "other"
    return None


def _describe(callee: str, caller: str) -> str:
    return f"the call of @{callee} in @{caller}"


def _marker(op) -> Optional[str]:
    """The marker an operand spells, or None."""
    kind = op.value_kind.value if hasattr(op.value_kind, "value") else op.value_kind
    if kind == _K_INSTRUCTION:
        # any ``enzyme_*`` global counts: an unknown one is refused by name below rather
        # than read as a value
        m = _LOAD_GLOBAL.search(str(op).split("\n")[0])
        if m:
            return m.group(1)
    elif kind == _K_GLOBAL and op.name.startswith("enzyme_"):
        return op.name
    elif kind == _K_METADATA:
        m = _MD_STRING.search(str(op))
        if m:
            return m.group(1)
    return None


def _int_constant(op) -> Optional[int]:
    kind = op.value_kind.value if hasattr(op.value_kind, "value") else op.value_kind
    if kind != _K_CONST_INT:
        return None
    return int(str(op).split()[-1])


def _param_kind(ty) -> str:
    t = str(ty)
    if t in ("double", "float", "half", "fp128", "x86_fp80", "bfloat"):
        return "float"
    if t == "ptr" or t.endswith("*"):
        return "pointer"
    return "other"


def read_site(ins, caller: str, functions: Dict[str, object]) -> Site:
    """Read one ``__enzyme_*`` call instruction (llvmlite's view of it)."""
    ops = list(ins.operands)
    callee = ops[-1].name
    args = ops[:-1]
    where = _describe(callee, caller)
    if entry_kind(callee) == "other":
        raise UnsupportedError(f"error: {where}: Enzyme's entry point @{callee} "
                               f"(split or batched modes) is not supported\n"
                               f"  = help: use __enzyme_autodiff or __enzyme_fwddiff")
    mode = A.Mode.REVERSE if entry_kind(callee) == "reverse" else A.Mode.FORWARD
    text = str(ins).strip()
    head = text.split(f"@{callee}(", 1)[1] if f"@{callee}(" in text else ""
    sret = None
    m = re.match(r"\s*ptr\s+[^,]*\bsret\((.+?)\)", head)
    start = 0
    if m:
        sret, start = m.group(1), 1
    if start >= len(args):
        raise UnsupportedError(f"error: {where} names no function to differentiate")
    fop = args[start]
    fkind = fop.value_kind.value if hasattr(fop.value_kind, "value") else fop.value_kind
    if fkind != _K_FUNCTION or fop.name not in functions:
        raise UnsupportedError(f"error: {where}: its first argument must be a function defined "
                               f"in this module, found `{str(fop).splitlines()[0][:80]}`\n"
                               f"  = help: pass the function itself, e.g. "
                               f"__enzyme_autodiff((void*)f, ...)")
    fn = functions[fop.name]
    params = list(fn.arguments)
    width, ret = 1, None
    acts: List[A.Activity] = []
    forwarded: List[int] = []
    k = start + 1
    pending: Optional[str] = None

    def take(n: int, what: str) -> List[int]:
        nonlocal k
        if k + n > len(args):
            raise UnsupportedError(f"error: {where}: too few arguments for @{fn.name} (it takes "
                                   f"{len(params)} parameters; {what} is missing)")
        got = list(range(k, k + n))
        for j in got:
            if _marker(args[j]) is not None:
                raise UnsupportedError(f"error: {where}: expected {what}, found the marker "
                                       f"{_marker(args[j])}")
        k += n
        return got

    i = 0
    while i < len(params) or (k < len(args) and _marker(args[k]) is not None):
        if k < len(args):
            mk = _marker(args[k])
            if mk is not None:
                k += 1
                if mk == "enzyme_width":
                    n = _int_constant(args[k]) if k < len(args) else None
                    if n is None or n < 1:
                        raise UnsupportedError(f"error: {where}: enzyme_width must be followed "
                                               f"by a positive integer constant")
                    width, k = n, k + 1
                elif mk == "enzyme_primal_return":
                    ret = A.Active if mode is A.Mode.REVERSE else A.Dual
                elif mk in ("enzyme_const", "enzyme_dup", "enzyme_dupnoneed", "enzyme_out"):
                    if pending is not None:
                        raise UnsupportedError(f"error: {where}: marker {pending} is followed "
                                               f"by another marker, {mk}")
                    pending = mk
                else:
                    raise UnsupportedError(f"error: {where}: Enzyme's marker {mk} is not "
                                           f"supported\n  = help: supported markers: "
                                           f"enzyme_const, enzyme_dup, enzyme_dupnoneed, "
                                           f"enzyme_out, enzyme_width, enzyme_primal_return")
                continue
        if i >= len(params):
            break
        p = params[i]
        kind = _param_kind(p.type)
        label = f"parameter {i} of @{fn.name} ({p.type})"
        if pending == "enzyme_const" or (pending is None and kind == "other"):
            act = A.Const
            forwarded += take(1, label)
        elif pending == "enzyme_out" or (pending is None and kind == "float"
                                         and mode is A.Mode.REVERSE):
            if mode is A.Mode.FORWARD:
                raise UnsupportedError(f"error: {where}: enzyme_out (an active output) has no "
                                       f"meaning in forward mode ({label})\n  = help: use "
                                       f"enzyme_dup with a tangent, or enzyme_const")
            if kind != "float":
                raise UnsupportedError(f"error: {where}: enzyme_out needs a float parameter, "
                                       f"{label} is not one\n  = help: pass pointers with "
                                       f"enzyme_dup and a shadow")
            act = A.Active
            forwarded += take(1, label)
        else:   # dup / dupnoneed, or a pointer / forward-mode float without a marker
            only = pending == "enzyme_dupnoneed"
            if kind == "other":
                raise UnsupportedError(f"error: {where}: {pending} on {label}: an integer or "
                                       f"aggregate has no derivative\n  = help: use "
                                       f"enzyme_const")
            if mode is A.Mode.REVERSE:
                if kind == "float":
                    raise UnsupportedError(f"error: {where}: {pending} on a float parameter "
                                           f"in reverse mode ({label})\n  = help: floats are "
                                           f"active by default (enzyme_out)")
                act = A.DuplicatedOnly if only else A.Duplicated
            else:
                act = A.DualOnly if only else A.Dual
            forwarded += take(1, label)
            forwarded += take(width, f"the shadow of {label}")
        acts.append(act)
        pending = None
        i += 1
    if pending is not None:
        raise UnsupportedError(f"error: {where}: marker {pending} is not followed by an "
                               f"argument")
    if width > 1 and mode is A.Mode.REVERSE:
        raise UnsupportedError(f"error: {where}: enzyme_width {width} in reverse mode (a "
                               f"batched gradient) is not supported\n  = help: use "
                               f"__enzyme_fwddiff with enzyme_width, or one call per seed")
    if k != len(args):
        raise UnsupportedError(f"error: {where}: too many arguments: @{fn.name} takes "
                               f"{len(params)} parameters and they are all read by argument "
                               f"{k - 1}, but the call passes {len(args)}")
    arg_types = [str(a.type) for a in args]
    request = Request(fn.name, mode, tuple(acts), ret, width)
    return Site(caller, text, callee, request, arg_types, str(ins.type), sret, forwarded)


# Enzyme's annotations, given as global variables: what a derivative must honour
ANNOTATIONS = ("__enzyme_function_like", "__enzyme_register_splitderivative",
               "__enzyme_inactive_global", "__enzyme_allocation_like",
               "__enzyme_nofree", "__enzyme_inactive_type", "__enzyme_ignore_derivatives",
               "__enzyme_float", "__enzyme_double", "__enzyme_integer", "__enzyme_pointer",
               "__enzyme_shadow")


def check_annotations(mod) -> None:
    """Annotations change what the derivative is (a function differentiated like another,
    a user derivative, an inactive function); one that zymase does not implement is refused
    by name, never silently ignored."""
    for g in list(mod.global_variables) + list(mod.functions):
        for a in ANNOTATIONS:
            if g.name.startswith(a) and not (g.is_declaration and not _used(mod, g.name)):
                raise UnsupportedError(
                    f"error: the module uses Enzyme's annotation @{g.name} ({a}), which "
                    f"zymase does not implement; a derivative built without it would not be "
                    f"the one the program asks for\n  = help: remove the annotation, or "
                    f"differentiate from Python with zymase.custom_derivative")


_ANNOTATION_ENTRY = re.compile(r"\{\s*ptr\s+@(\"[^\"]*\"|[-\w.$]+),\s*ptr\s+@(\"[^\"]*\"|[-\w.$]+)")
_CSTRING = re.compile(r'^@(\"[^\"]*\"|[-\w.$]+) = .*?c"((?:[^"\\]|\\.)*)"', re.M)
_FN_REF = re.compile(r"ptr\s+@(\"[^\"]*\"|[-\w.$]+)")


def inactive_functions(text: str) -> frozenset:
    """Functions the program marks inactive: ``__attribute__((annotate("enzyme_inactive")))``
    (``llvm.global.annotations``; Enzyme's own ``enzyme_inactive`` attribute reaches the IR
    this way when it is spelled as an annotation, which the lit configuration does for
    clang without Enzyme's plugin) and the entries of an ``__enzyme_inactivefn`` array."""
    strings = {m.group(1).strip('"'): m.group(2).replace("\\00", "")
               for m in _CSTRING.finditer(text)}
    out = set()
    for line in text.split("\n"):
        if line.startswith("@llvm.global.annotations"):
            for fn, s in _ANNOTATION_ENTRY.findall(line):
                note = strings.get(s.strip('"'), "")
                if note in ("enzyme_inactive", "enzyme_inactive_noblock"):
                    out.add(fn.strip('"'))
                elif note in ("enzyme_notypeanalysis",):
                    pass        # a hint to Enzyme's type analysis: nothing to honour here
                elif note.startswith("enzyme_"):
                    raise UnsupportedError(
                        f"error: @{fn.strip(chr(34))} carries Enzyme's annotation {note}, "
                        f"which zymase does not implement")
        elif line.startswith("@__enzyme_inactivefn"):
            init = line.split("=", 1)[1]
            out.update(n.strip('"') for n in _FN_REF.findall(init))
    return frozenset(out)


def _used(mod, name: str) -> bool:
    pat = re.compile("@" + re.escape(name) + r"(?![-\w.$])")
    return any(pat.search(str(f)) for f in mod.functions if not f.is_declaration)


def find_sites(mod) -> List[Site]:
    functions = {f.name: f for f in mod.functions if not f.is_declaration}
    sites = []
    for f in mod.functions:
        if f.is_declaration:
            continue
        for b in f.blocks:
            for ins in b.instructions:
                if ins.opcode not in ("call", "invoke"):
                    continue
                callee = list(ins.operands)[-1]
                if entry_kind(callee.name) is not None:
                    sites.append(read_site(ins, f.name, functions))
    return sites


def _share_globals(mod) -> None:
    """Internal mutable globals become hidden external ones, so a derivative linked in later
    reads and writes the same memory as the rest of the program."""
    import llvmlite.binding as llvm
    for g in mod.global_variables:
        if g.is_declaration or g.linkage not in (llvm.Linkage.internal, llvm.Linkage.private):
            continue
        if re.search(r"=\s*(?:\w+\s+)*constant\b", str(g).split("\n")[0]):
            continue
        g.linkage = llvm.Linkage.external
        g.visibility = llvm.Visibility.hidden


def _build(text: str, req: Request, symbol: str, opt_level: int):
    """The derivative module for one request, ready to link into the program."""
    import llvmlite.binding as llvm
    from ..llvm import pipelines
    from .llvm_ir import differentiate_ll
    inactive = inactive_functions(text)
    # the derivative's module needs no annotations (they name functions it may not keep)
    text = "\n".join(ln for ln in text.split("\n")
                     if not ln.startswith("@llvm.global.annotations"))
    out, _ = differentiate_ll(pipelines.allow_inlining(text), req.function, req.mode,
                              req.activities, req.ret, req.width, symbol, opt_level,
                              inactive=inactive)
    dmod = llvm.parse_assembly(out)
    for f in dmod.functions:
        if not f.is_declaration and f.name != symbol:
            f.linkage = llvm.Linkage.internal
    for g in dmod.global_variables:
        if g.name.startswith("llvm."):
            continue        # appending globals (annotations, used lists) concatenate
        if not g.is_declaration and g.linkage not in (llvm.Linkage.internal,
                                                      llvm.Linkage.private):
            g.linkage = llvm.Linkage.available_externally
    return dmod


def _derivative_type(dmod, symbol: str) -> Tuple[str, List[str]]:
    fn = dmod.get_function(symbol)
    return str(fn.global_value_type).split(" (")[0], [str(a.type) for a in fn.arguments]


def _adapter(name: str, site: Site, symbol: str, dret: str, dparams: List[str]) -> str:
    """A function taking the call's forwarded arguments (and its ``sret`` pointer) that calls
    the derivative and reinterprets its result as the type the call declares."""
    where = _describe(site.callee, site.caller)
    if len(dparams) != len(site.forwarded):
        raise UnsupportedError(f"error: {where}: the derivative of @{site.request.function} "
                               f"takes {len(dparams)} arguments but the call supplies "
                               f"{len(site.forwarded)}")
    params, fwd = [], []
    if site.sret is not None:
        params.append("ptr %out")
    conversions = []
    for t, j in zip(dparams, site.forwarded):
        have = site.arg_types[j]
        params.append(f"{have} %a{j}")
        if t == have:
            fwd.append(f"{t} %a{j}")
            continue
        # C's default argument promotions in a variadic call: float -> double, bool/char/
        # short -> int; the value converts back exactly
        op = _promotion_undo(have, t)
        if op is None:
            raise UnsupportedError(f"error: {where}: argument {j} has type {have} where the "
                                   f"derivative of @{site.request.function} takes {t}")
        conversions.append(f"  %c{j} = {op} {have} %a{j} to {t}")
        fwd.append(f"{t} %c{j}")
    lines = [f"define internal {site.ret_type} @{name}({', '.join(params)}) alwaysinline {{",
             "entry:"] + conversions
    call = f"call {dret} @{symbol}({', '.join(fwd)})"
    want = site.ret_type
    if dret == "void":
        lines.append(f"  {call}")
        lines.append("  ret void" if want == "void" else f"  ret {want} zeroinitializer")
    else:
        lines.append(f"  %r = {call}")
        if site.sret is not None:
            lines.append(f"  store {dret} %r, ptr %out")
            lines.append("  ret void" if want == "void" else f"  ret {want} zeroinitializer")
        elif want == "void":
            lines.append("  ret void")
        elif want == dret:
            lines.append(f"  ret {want} %r")
        else:
            lines += [f"  %m = alloca {{ {dret}, {want} }}, align 16",
                      f"  store {{ {dret}, {want} }} zeroinitializer, ptr %m",
                      f"  store {dret} %r, ptr %m",
                      f"  %v = load {want}, ptr %m",
                      f"  ret {want} %v"]
    lines.append("}")
    return "\n".join(lines)


def _promotion_undo(have: str, want: str) -> Optional[str]:
    if have == "double" and want == "float":
        return "fptrunc"
    m1, m2 = re.fullmatch(r"i(\d+)", have), re.fullmatch(r"i(\d+)", want)
    if m1 and m2 and int(m2.group(1)) < int(m1.group(1)):
        return "trunc"
    return None


_CALLEE = re.compile(r'(\((?:[^()]|\([^()]*\))*\)\s*)?@("[^"]*"|[-\w.$]+)\(')
_OPEN, _CLOSE = "([{<", ")]}>"


def split_arguments(text: str, start: int) -> Tuple[List[str], int]:
    """The top-level comma-separated items of the parenthesised list opening at
    ``text[start]``, and the index just past its closing parenthesis."""
    depth, quote, items, cur = 0, False, [], []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if quote:
            quote = ch != '"'
        elif ch == '"':
            quote = True
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                item = "".join(cur).strip()
                if item:
                    items.append(item)
                return items, i + 1
            depth -= 1
        elif ch == "," and depth == 0:
            items.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    raise ValueError("unbalanced argument list")


def _retarget(line: str, site: Site, adapter: str) -> str:
    """``call T (ptr, ...) @__enzyme_autodiff(ptr @f, <markers>, args…)`` →
    ``call T @adapter(<sret>, forwarded args…)``."""
    for m in _CALLEE.finditer(line):
        if m.group(2).strip('"') != site.callee:
            continue
        args, end = split_arguments(line, m.end() - 1)
        if len(args) != len(site.arg_types):
            raise AssertionError(f"{len(args)} arguments read from: {line}")
        keep = ([args[0]] if site.sret is not None else []) + [args[j] for j in site.forwarded]
        return line[:m.start()] + f"@{adapter}(" + ", ".join(keep) + ")" + line[end:]
    raise AssertionError(f"call of @{site.callee} not found in: {line}")


_MARKER_DECL = re.compile(r"^(@\"?(enzyme_\w+)\"? = )external ((?:[\w()]+ )*?)global ([^,\s]+)(.*)$",
                          re.M)


def _define_markers(text: str) -> str:
    """A marker declared ``extern int enzyme_dup;`` is still loaded by the calls' argument
    code (at -O0 nothing removes the load), so it needs a definition to run: a weak zero."""
    def fix(m):
        if m.group(2) not in MARKERS:
            return m.group(0)
        return f"{m.group(1)}weak {m.group(3)}global {m.group(4)} zeroinitializer{m.group(5)}"
    return _MARKER_DECL.sub(fix, text)


def _drop_entry_declarations(text: str) -> str:
    """The ``declare`` lines of Enzyme's entry points, now that no call uses them."""
    out = []
    for line in text.split("\n"):
        m = re.match(r'declare\b.*?@("?)([^"(]*__enzyme_(?:autodiff|fwddiff)[^"(]*)\1\(', line)
        ref = re.compile("@" + re.escape(m.group(1) + m.group(2)) + r"(?![-\w.$])") if m else None
        if m and len(ref.findall(text)) == 1:
            continue
        out.append(line)
    return "\n".join(out)


def _line_key(line: str) -> str:
    """An instruction's text without what printing renumbers: attribute group references
    (``#7``) and metadata attachments (``, !tbaa !6``)."""
    line = re.sub(r",\s*!\w[-\w.]*\s+!\d+", "", line.strip())
    return re.sub(r"\s#\d+", "", line)


def _calls_entry(mod) -> Dict[str, bool]:
    """For each defined function: does it reach a call of an Enzyme entry point?"""
    callees: Dict[str, set] = {}
    direct: Dict[str, bool] = {}
    for f in mod.functions:
        if f.is_declaration:
            continue
        names = set()
        for b in f.blocks:
            for ins in b.instructions:
                if ins.opcode in ("call", "invoke"):
                    names.add(list(ins.operands)[-1].name)
                for op in ins.operands:   # a function passed as a value may be called too
                    kind = op.value_kind.value if hasattr(op.value_kind, "value") \
                        else op.value_kind
                    if kind == _K_FUNCTION:
                        names.add(op.name)
        callees[f.name] = names
        direct[f.name] = any(entry_kind(n) is not None for n in names)
    reach = dict(direct)
    changed = True
    while changed:
        changed = False
        for f, names in callees.items():
            if not reach[f] and any(reach.get(n, False) for n in names):
                reach[f] = changed = True
    return reach


def lower_module(text: str, opt_level: int = 3) -> str:
    """Lower every ``__enzyme_autodiff*`` / ``__enzyme_fwddiff*`` call of module ``text``;
    returns the module's text (verified by LLVM).

    Calls are lowered in rounds: a round takes the calls whose function to differentiate
    reaches no entry point itself, so a derivative of a derivative (forward over reverse,
    ``__enzyme_fwddiff`` of a function that calls ``__enzyme_autodiff``) differentiates the
    inner derivative, already built, like any other code."""
    from ..llvm import pipelines
    mod = pipelines.parse(text)
    if not find_sites(mod):
        return str(mod)
    check_annotations(mod)
    names = itertools.count()
    for _ in range(16):
        sites = find_sites(mod)
        if not sites:
            return str(mod)
        reach = _calls_entry(mod)
        ready = [s for s in sites if not reach.get(s.request.function, False)]
        if not ready:
            s = sites[0]
            raise UnsupportedError(f"error: {_describe(s.callee, s.caller)}: @"
                                   f"{s.request.function} asks for its own derivative (a "
                                   f"cycle through Enzyme's entry points)")
        mod = _lower_round(mod, ready, names, opt_level)
    raise UnsupportedError("error: derivatives nested more than 16 deep")


def _lower_round(mod, sites: List[Site], names, opt_level: int):
    from ..llvm import pipelines
    _share_globals(mod)
    shared = str(mod)
    built: Dict[Request, Tuple[str, object]] = {}
    for site in sites:
        if site.request not in built:
            symbol = f"__zymase_{site.request.mode.value}.{next(names)}.{site.request.function}"
            built[site.request] = (symbol, _build(shared, site.request, symbol, opt_level))
    lines = shared.split("\n")
    adapters: List[str] = []
    cursor = 0
    for site in sites:
        symbol, dmod = built[site.request]
        dret, dparams = _derivative_type(dmod, symbol)
        name = f"__zymase_call.{next(names)}"
        adapters.append(_adapter(name, site, symbol, dret, dparams))
        decl = f"declare {dret} @{symbol}({', '.join(dparams)})"
        if decl not in adapters:
            adapters.append(decl)
        while _line_key(lines[cursor]) != _line_key(site.text):
            cursor += 1
        lines[cursor] = _retarget(lines[cursor], site, name)
        cursor += 1
    body = _define_markers(_drop_entry_declarations("\n".join(lines)))
    out = pipelines.parse(body + "\n" + "\n\n".join(adapters) + "\n")
    for _, dmod in built.values():
        out.link_in(dmod)
    out.verify()
    return out
