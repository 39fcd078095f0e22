"""Enzyme's ABI as a module pass: lower ``__enzyme_autodiff`` / ``__enzyme_fwddiff`` calls.

C, C++ and Rust programs written for Enzyme ask for a derivative by calling a declared,
never-defined variadic function::

    double __enzyme_autodiff(void *fn, ...);
    __enzyme_autodiff((void *)f, enzyme_dup, x, dx, enzyme_const, n);

``lower_module`` finds every such call in a module (clang's or rustc's IR, any -O level),
builds the derivative the call describes with the C-ABI front end
(``frontend/llvm_ir.differentiate_ll``) and makes the call call it; how a call's
arguments and markers are read is ``enzyme_calls.py``'s.  The result is an ordinary module:
``python -m zymase opt`` prints it (or writes an object file or a shared library),
``python -m zymase lli`` runs its ``main``.

What the call returns
---------------------
Reverse mode returns the adjoints of the Active parameters in order (a float result is
seeded with 1.0; ``enzyme_primal_return`` puts the primal result first); forward mode
returns the tangent(s) of the result.  The derivative returns them as ``double``, a literal
struct or ``[N x double]``; the call site may declare any type of the same layout (a C
struct ``{double, double}`` returned in registers, a struct returned through an ``sret``
pointer, an array): a small adapter function per call reinterprets the value through memory,
which is exact for every layout-compatible declaration.

Globals
-------
A mutable global the function writes gets an implicit shadow, zeroed for each call
(``c_globals.py``); with ``enzyme_context`` every global it uses takes its shadow from the
program's context (``c_context.py``, a runtime linked into the module).

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
from typing import Dict, List, Optional, Tuple

from ..errors import UnsupportedError
from ..ir.values import quote_name
from .c_globals import HINTS
from .enzyme_calls import (K_FUNCTION, MARKERS, Request, Site, check_annotations,
                           describe, entry_kind, find_sites, inactive_functions)


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
    from .llvm_ir import differentiate_ll
    inactive = inactive_functions(text)
    # the derivative's module needs no annotations (they name functions it may not keep);
    # an enzyme_function_like one is kept as the equivalent __enzyme_function_like array
    from .c_custom import _annotated_function_like
    like = [f"@__enzyme_function_like.zy{k} = internal global [2 x ptr] [ptr @{fn}, ptr @{s}]"
            for k, (_, _, fn, s) in enumerate(_annotated_function_like(text))]
    text = "\n".join([ln for ln in text.split("\n")
                      if not ln.startswith("@llvm.global.annotations")] + like)
    # differentiate_ll drops optnone/noinline itself (foreign.for_differentiation)
    shadowed: List[Tuple[str, str, int]] = []
    out, _ = differentiate_ll(text, req.function, req.mode,
                              req.activities, req.ret, req.width, symbol, opt_level,
                              inactive=inactive, shadow_globals=shadowed,
                              context=req.context)
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
    return dmod, shadowed


def _derivative_type(dmod, symbol: str) -> Tuple[str, List[str]]:
    fn = dmod.get_function(symbol)
    return str(fn.global_value_type).split(" (")[0], [str(a.type) for a in fn.arguments]


def _adapter(name: str, site: Site, symbol: str, dret: str, dparams: List[str],
             shadowed: List[Tuple[str, str, int]] = (), helpers: Optional[List[str]] = None) -> str:
    """A function taking the call's forwarded arguments (and its ``sret`` pointer) that calls
    the derivative and reinterprets its result as the type the call declares.  Each global
    in ``shadowed`` (``c_globals``) is passed after them, with zeroed stack memory of its
    type as its shadow in each lane; a pointer argument that points into such a global would
    reach its memory without that shadow, so the adapter stops the program with a message
    instead (the helper that prints it goes to ``helpers``, a module of its own)."""
    where = describe(site.callee, site.caller)
    width = site.request.width
    extra = len(shadowed) * (1 + width)
    if extra:
        dparams = dparams[:len(dparams) - extra]
    if len(dparams) != len(site.forwarded):
        raise UnsupportedError(f"error: {where}: the derivative of @{site.request.function} "
                               f"takes {len(dparams)} arguments but the call supplies "
                               f"{len(site.forwarded)}")
    params, fwd = [], []
    if site.sret is not None:
        params.append("ptr %out")
    lines_pre = []
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
    checks = []
    frees = []
    for n, (g, ty, size) in enumerate(shadowed):
        conversions.append(f"  %end{n} = getelementptr {ty}, ptr @{quote_name(g)}, i64 1")
        for j in site.forwarded:
            if site.arg_types[j] != "ptr":
                continue
            k = len(checks)
            conversions += [f"  %lo{k} = icmp uge ptr %a{j}, @{quote_name(g)}",
                            f"  %hi{k} = icmp ult ptr %a{j}, %end{n}",
                            f"  %in{k} = and i1 %lo{k}, %hi{k}"]
            checks.append((f"%in{k}", g))
        fwd.append(f"ptr @{quote_name(g)}")
        for lane in range(width):
            if site.context is not None:
                # the context's shadow (c_context.py): accumulated into, never zeroed here
                conversions.append(f"  %g{n}.{lane} = call ptr @__enzyme_shadow(ptr %ctx, "
                                   f"ptr @{quote_name(g)}, i32 {lane})")
                lines_pre.append("declare ptr @__enzyme_shadow(ptr, ptr, i32)")
            elif size <= _STACK_SHADOW:
                conversions += [f"  %g{n}.{lane} = alloca {ty}, align 16",
                                f"  store {ty} zeroinitializer, ptr %g{n}.{lane}, align 16"]
            else:
                conversions.append(f"  %g{n}.{lane} = call ptr @__zymase.shadow_calloc(i64 "
                                   f"{size})")
                frees.append(f"  call void @__zymase.shadow_free(ptr %g{n}.{lane})")
            fwd.append(f"ptr %g{n}.{lane}")
    if frees:
        lines_pre += ["declare ptr @__zymase.shadow_calloc(i64)",
                      "declare void @__zymase.shadow_free(ptr)"]
        helpers.append(_HEAP_SHADOWS)
    if site.context is not None:
        params.append("ptr %ctx")
    lines = [f"define internal {site.ret_type} @{name}({', '.join(params)}) alwaysinline {{",
             "entry:"] + conversions
    if checks:
        acc = checks[0][0]
        for k, (v, _) in enumerate(checks[1:]):
            lines.append(f"  %any{k} = or i1 {acc}, {v}")
            acc = f"%any{k}"
        err = f"{name}.alias_error"
        names = ", ".join(sorted({"@" + g for _, g in checks}))
        msg = (f"zymase: {where}: an argument points into {names}, which "
               f"@{site.request.function} also writes by name; the global's shadow would "
               f"not reach that pointer; aborting\n")
        data = msg.replace("\\", "\\5C").replace('"', "\\22").replace("\n", "\\0A") + "\\00"
        helpers.append(f'@"{err}.msg" = private constant [{len(msg.encode()) + 1} x i8] '
                       f'c"{data}"\n'
                       f"declare i32 @dprintf(i32, ptr, ...)\ndeclare void @abort()\n"
                       f'define weak hidden void @"{err}"() cold noinline {{\n'
                       f'  %m = call i32 (i32, ptr, ...) @dprintf(i32 2, ptr @"{err}.msg")\n'
                       f"  call void @abort()\n  unreachable\n}}\n")
        lines += [f"  br i1 {acc}, label %alias, label %go", "alias:",
                  f'  call void @"{err}"()', "  unreachable", "go:"]
        lines.insert(0, f'declare void @"{err}"()')
    call = f"call {dret} @{symbol}({', '.join(fwd)})"
    want = site.ret_type
    if dret == "void":
        lines.append(f"  {call}")
        lines += frees
        lines.append("  ret void" if want == "void" else f"  ret {want} zeroinitializer")
    else:
        lines.append(f"  %r = {call}")
        lines += frees
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
    return "\n".join(lines_pre + lines)


# shadows of globals above this size come from the heap, not the adapter's stack frame
_STACK_SHADOW = 1 << 16
_HEAP_SHADOWS = """declare ptr @calloc(i64, i64)
declare void @free(ptr)
define weak hidden ptr @__zymase.shadow_calloc(i64 %n) {
  %p = call ptr @calloc(i64 1, i64 %n)
  ret ptr %p
}
define weak hidden void @__zymase.shadow_free(ptr %p) {
  call void @free(ptr %p)
  ret void
}
"""


def _unique_declarations(body: str, adapters: List[str]) -> str:
    """The adapters' text with each ``declare`` once, and none of a function the module
    already has (a helper linked in by an earlier round)."""
    seen, out = set(), []
    for chunk in adapters:
        for line in chunk.split("\n"):
            m = re.match(r'declare\b[^@]*@("[^"]*"|[-\w.$]+)\(', line)
            if m:
                ref = re.compile(r"^(?:declare|define)\b[^@\n]*@" + re.escape(m.group(1)) +
                                 r"\(", re.M)
                if m.group(1) in seen or ref.search(body):
                    continue
                seen.add(m.group(1))
            out.append(line)
        out.append("")
    return "\n".join(out)


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
        if site.context is not None:
            keep.append(args[site.context])
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
    """The ``declare`` lines of Enzyme's entry points, now that no call uses them; and the
    calls of Enzyme's hints (``c_globals.HINTS``), which have no effect on the program."""
    out = []
    hint = re.compile(r"^\s*(?:tail\s+|notail\s+)?call\s+void\b.*@(?:" +
                      "|".join(HINTS) + r")\(|^declare\b.*@(?:" + "|".join(HINTS) + r")\(")
    for line in text.split("\n"):
        if hint.search(line):
            continue
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
                    if kind == K_FUNCTION:
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
    from .c_context import runtime_ir
    mod = pipelines.parse(text)
    runtime = runtime_ir(str(mod))
    if runtime is not None:
        # Enzyme's context API (__enzyme_context, __enzyme_shadow, ...): a runtime of its own
        mod = _lower_all(mod, opt_level)
        # internal globals are visible to it now (_share_globals)
        mod.link_in(pipelines.parse(runtime_ir(str(mod))))
        mod.verify()
        return str(mod)
    return str(_lower_all(mod, opt_level))


def _lower_all(mod, opt_level: int):
    if not find_sites(mod):
        return mod
    check_annotations(mod)
    names = itertools.count()
    for _ in range(16):
        sites = find_sites(mod)
        if not sites:
            return mod
        reach = _calls_entry(mod)
        ready = [s for s in sites if not reach.get(s.request.function, False)]
        if not ready:
            s = sites[0]
            raise UnsupportedError(f"error: {describe(s.callee, s.caller)}: @"
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
    helpers: List[str] = []
    cursor = 0
    for site in sites:
        symbol, (dmod, shadowed) = built[site.request]
        dret, dparams = _derivative_type(dmod, symbol)
        name = f"__zymase_call.{next(names)}"
        adapters.append(_adapter(name, site, symbol, dret, dparams, shadowed, helpers))
        decl = f"declare {dret} @{symbol}({', '.join(dparams)})"
        if decl not in adapters:
            adapters.append(decl)
        while _line_key(lines[cursor]) != _line_key(site.text):
            cursor += 1
        lines[cursor] = _retarget(lines[cursor], site, name)
        cursor += 1
    body = _define_markers(_drop_entry_declarations("\n".join(lines)))
    out = pipelines.parse(body + "\n" + _unique_declarations(body, adapters) + "\n")
    for _, (dmod, _) in built.values():
        out.link_in(dmod)
    for h in dict.fromkeys(helpers):
        out.link_in(pipelines.parse(h))
    out.verify()
    return out
