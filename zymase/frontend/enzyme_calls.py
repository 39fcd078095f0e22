"""Reading Enzyme's entry-point calls: which function, which activities, which width.

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
``enzyme_context``, c  globals' shadows from context c  the same (its width, if no
                       (``c_context.py``)               ``enzyme_width`` is given)
=====================  ===============================  ===============================

Without a marker a parameter is read by its type, as Enzyme does: a float is Active (reverse)
or Dual (forward, followed by its N tangents), a pointer is duplicated (followed by its N
shadows), anything else is Const.  Too few or too many arguments is an error naming the
call, never a guess.

The annotations Enzyme reads from global variables (inactive functions, registered
derivatives, ...) are read here too: ``inactive_functions`` returns what zymase honours and
``check_annotations`` refuses, by name, what it does not implement.
"""
from __future__ import annotations

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
           "enzyme_context",
           "enzyme_primal_return", "enzyme_dupv", "enzyme_dupnoneedv", "enzyme_scalar",
           "enzyme_vector", "enzyme_allocated", "enzyme_tape", "enzyme_nofree",
           "enzyme_mutable_return", "enzyme_noret", "enzyme_const_return")

# llvmlite value kinds (llvmlite.binding.ValueKind)
K_FUNCTION, _K_GLOBAL, _K_CONST_INT, _K_METADATA, _K_INSTRUCTION = 5, 8, 18, 22, 24
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
    context: bool = False      # an enzyme_context call: every global it uses is shadowed


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
    context: Optional[int] = None   # the argument position of the enzyme_context pointer


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


def describe(callee: str, caller: str) -> str:
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
    """Read one ``__enzyme_*`` call instruction (llvmlite's view of it).

    With ``enzyme_context`` and no ``enzyme_width``, the width is the context's, which the
    call does not spell: it is the one width (1 to 8) for which the arguments read."""
    try:
        return _read_site(ins, caller, functions, 1)
    except UnsupportedError as e:
        args = list(ins.operands)[:-1]
        marks = [_marker(a) for a in args]
        if "enzyme_context" not in marks or "enzyme_width" in marks or \
                "too many arguments" not in str(e):
            raise
        for w in range(2, 9):
            try:
                return _read_site(ins, caller, functions, w)
            except UnsupportedError:
                continue
        raise


def _read_site(ins, caller: str, functions: Dict[str, object], width0: int) -> Site:
    ops = list(ins.operands)
    callee = ops[-1].name
    args = ops[:-1]
    where = describe(callee, caller)
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
    if fkind != K_FUNCTION or fop.name not in functions:
        raise UnsupportedError(f"error: {where}: its first argument must be a function defined "
                               f"in this module, found `{str(fop).splitlines()[0][:80]}`\n"
                               f"  = help: pass the function itself, e.g. "
                               f"__enzyme_autodiff((void*)f, ...)")
    fn = functions[fop.name]
    params = list(fn.arguments)
    width, ret, context = width0, None, None
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
                elif mk == "enzyme_context":
                    if context is not None or k >= len(args) or \
                            _param_kind(args[k].type) != "pointer":
                        raise UnsupportedError(f"error: {where}: enzyme_context must be "
                                               f"followed by a context (a pointer), once")
                    context, k = k, k + 1
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
                                           f"enzyme_out, enzyme_width, enzyme_primal_return, "
                                           f"enzyme_context")
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
    request = Request(fn.name, mode, tuple(acts), ret, width, context is not None)
    return Site(caller, text, callee, request, arg_types, str(ins.type), sret, forwarded,
                context)


# Enzyme's annotations, given as global variables: what a derivative must honour
ANNOTATIONS = ("__enzyme_register_splitderivative",
               "__enzyme_inactive_global",
               "__enzyme_nofree", "__enzyme_inactive_type", "__enzyme_ignore_derivatives",
               "__enzyme_float", "__enzyme_double", "__enzyme_integer", "__enzyme_pointer",
               "__enzyme_shadow")


def check_annotations(mod) -> None:
    """Annotations change what the derivative is (a function differentiated like another,
    a user derivative, an inactive function); one that zymase does not implement is refused
    by name, never silently ignored."""
    from .c_context import ENTRIES
    for g in list(mod.global_variables) + list(mod.functions):
        if g.name in ENTRIES:
            continue        # Enzyme's context API: c_context.py
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
                elif note == "enzyme_function_like":
                    # honoured by c_custom.function_like: make sure it reads this one
                    from .c_custom import _annotated_function_like
                    if fn.strip('"') not in {f.strip('"') for _, _, f, _ in
                                             _annotated_function_like(text)}:
                        raise UnsupportedError(
                            f"error: @{fn.strip(chr(34))} carries Enzyme's annotation "
                            f"enzyme_function_like in a form zymase cannot read")
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
