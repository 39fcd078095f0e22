"""A C program's own derivatives, registered the way Enzyme reads them:

.. code-block:: c

    void *__enzyme_register_gradient_sq[3]   = { (void *)sq, (void *)sq_aug, (void *)sq_rev };
    void *__enzyme_register_derivative_sq[2] = { (void *)sq, (void *)sq_fwd };

``sq_rev(args…, d_result[, tape])`` returns the adjoints of the float parameters (one float,
or a struct of them in order); ``sq_aug(args…)`` returns the tape it hands to ``sq_rev``, or
nothing.  ``sq_fwd(x, dx, y, dy, n…)`` (every float parameter followed by its tangent)
returns the result's tangent (or ``{primal, tangent}``).

How zymase uses them: the registered function becomes a call that is not inlined, with a rule
in the derivative table (``table.custom_rules``) whose partial derivative with respect to float
parameter k is a small function in the module — the user's reverse function called with a
unit adjoint (after the augmented forward function, for its tape), element k of its result;
or the user's forward function with a unit tangent in parameter k.  Both are exact for a
derivative that is linear in the seed, as every derivative is.  The table rule then serves
both modes at every width like a libm function's: ``Σ_k ∂_k · ẋ_k`` forward,
``x̄_k += r̄ · ∂_k`` reverse; the partials are evaluated where the transform needs them
(recomputed from the operands, which the tape keeps).

Supported: functions whose parameters are floats and integers and whose result is a float;
and, in forward mode, ``void`` functions of pointers and integers whose registered derivative
takes each pointer followed by its shadow (``pointer_derivatives``).  Anything else (a
gradient of a function with pointer parameters, whose adjoints Enzyme passes through
shadows) is refused by name.

``void *__enzyme_function_like[2] = {(void *)f, "log1p"};`` asks that calls of ``f`` be
differentiated like the named math function: ``f`` stays a call (its own value is the
primal's), with the table rule of that function under ``f``'s name.  As in Enzyme, a
partial the table writes in terms of the result (``exp``: ``r``) uses ``f``'s result.  A
name the table does not know, or an ``f`` whose float parameters do not match the rule's
arity, is refused by name.
"""
from __future__ import annotations

import re
from typing import Dict, List, Tuple

from ..errors import UnsupportedError
from ..rules.table import OPERAND_NAMES, Rule

_REGISTER = re.compile(
    r'^@("?)(__enzyme_register_(gradient|derivative)[^"\s]*)\1 = [^\[]*\[[^\]]*\]\s*\[(.*)\]',
    re.M)
_FN = re.compile(r'ptr\s+@("[^"]*"|[-\w.$]+)')
_FLOATS = ("double", "float")


def registrations(text: str) -> List[Tuple[str, str, List[str]]]:
    """(global, "gradient"/"derivative", [function names]) for each registration."""
    return [(m.group(2), m.group(3), [n.strip('"') for n in _FN.findall(m.group(4))])
            for m in _REGISTER.finditer(text)]


_FUNCTION_LIKE = re.compile(
    r'^@("?)(__enzyme_function_like[^"\s]*)\1 = [^\[]*\[[^\]]*\]\s*\[\s*ptr\s+@("[^"]*"|[-\w.$]+)'
    r'\s*,\s*ptr\s+@("[^"]*"|[-\w.$]+)\s*\]', re.M)
_CSTRING = re.compile(r'^@("[^"]*"|[-\w.$]+) = .*?c"((?:[^"\\]|\\.)*)"', re.M)


def function_like(text: str) -> Dict[str, Rule]:
    """``{f: the table's rule of the named function, under f's name}`` for each
    ``__enzyme_function_like`` registration of module ``text``."""
    from ..rules.table import MATH, base_name
    found = _FUNCTION_LIKE.findall(text) + _annotated_function_like(text)
    if not found and "@__enzyme_function_like" not in text:
        return {}
    strings = {m.group(1).strip('"'): m.group(2).replace("\\00", "")
               for m in _CSTRING.finditer(text)}
    rules = {}
    for _, glob, fn, sname in found:
        fn, like = fn.strip('"'), strings.get(sname.strip('"'))
        rule = MATH.get(base_name(like)) if like else None
        if rule is None or rule.writes:
            raise UnsupportedError(f"error: @{glob}: zymase knows no derivative rule for "
                                   f"`{like}`, the function @{fn} is to be differentiated "
                                   f"like")
        head = re.search(r"^define [^@]*@" + re.escape(fn) + r"\((.*)\)", text, re.M)
        params = [p.split()[0] for p in _split_top(head.group(1)) if p.strip()] if head else []
        if len(params) != len(rule.partials) or any(p not in _FLOATS for p in params):
            raise UnsupportedError(f"error: @{glob}: @{fn} ({', '.join(params)}) does not "
                                   f"take the {len(rule.partials)} float parameter(s) of "
                                   f"{like}")
        rules[fn] = Rule(fn, rule.partials)
    defined = re.findall(r'^@"?(__enzyme_function_like[^"\s]*)"? = [^;]*?\[', text, re.M)
    if len(defined) != len([f for f in found if f[1] != "enzyme_function_like"]):
        raise UnsupportedError(f"error: @{defined[0]}: an __enzyme_function_like annotation "
                               f"zymase cannot read (expected {{ptr @f, ptr @\"name\"}})")
    return rules


_ALLOCATION_LIKE = re.compile(
    r'^@("?)(__enzyme_allocation_like[^"\s]*)\1 = [^\[]*\[[^\]]*\]\s*\[(.*)\]\s*(?:,|$)', re.M)


_ANNOTATION = re.compile(r'\{\s*ptr\s+@("[^"]*"|[-\w.$]+),\s*ptr\s+@("[^"]*"|[-\w.$]+),\s*ptr\s+'
                         r'@(?:"[^"]*"|[-\w.$]+),\s*i32\s+\d+,\s*ptr\s+@("[^"]*"|[-\w.$]+)\s*\}')


def _annotated_function_like(text: str) -> List[Tuple[str, str, str, str]]:
    """``__attribute__((annotate("enzyme_function_like", "log1p")))`` (how the lit plugin
    stand-in spells Enzyme's ``enzyme_function_like`` attribute), as entries of
    ``llvm.global.annotations``: ("", "enzyme_function_like", function, name's global)."""
    line = next((ln for ln in text.split("\n") if ln.startswith("@llvm.global.annotations")),
                None)
    if line is None:
        return []
    strings = {m.group(1).strip('"'): m.group(2).replace("\\00", "")
               for m in _CSTRING.finditer(text)}
    out = []
    for fn, note, args in _ANNOTATION.findall(line):
        if strings.get(note.strip('"')) != "enzyme_function_like":
            continue
        m = re.search(r'^@' + re.escape(args.strip('"')) +
                      r' = .*?\{\s*ptr\s+@("[^"]*"|[-\w.$]+)', text, re.M)
        if m is None:
            raise UnsupportedError(f"error: @{fn.strip(chr(34))} carries Enzyme's annotation "
                                   f"enzyme_function_like without a function name zymase "
                                   f"can read")
        out.append(("", "enzyme_function_like", fn, m.group(1)))
    return out


def allocation_like(text: str) -> Dict[str, "RawAllocator"]:
    """``{f: how it sizes its block}`` for each ``__enzyme_allocation_like`` registration
    ``{(void *)f, (void *)k, "free args", (void *)f_free}``: ``f`` returns a new block of
    ``argument k`` bytes.  A shadow block is zeroed memory of that size: in forward mode
    ``f`` called again (as for ``malloc``), in reverse mode a ``malloc`` block freed when
    the sweep ends.  The deallocator is not needed for either."""
    from ..rules.table import RawAllocator
    out = {}
    for m in _ALLOCATION_LIKE.finditer(text):
        glob, items = m.group(2), [x.strip() for x in _split_top(m.group(3))]
        fn = _FN.fullmatch(items[0]) if items else None
        size = re.fullmatch(r"ptr inttoptr \(i\d+ (\d+) to ptr\)", items[1]) \
            if len(items) == 4 else None
        if fn is None or size is None:
            raise UnsupportedError(f"error: @{glob}: an __enzyme_allocation_like annotation "
                                   f"zymase cannot read (expected {{ptr @f, size argument, "
                                   f"free arguments, ptr @f_free}})")
        name = fn.group(1).strip('"')
        head = re.search(r"^define [^@]*ptr [^@]*@" + re.escape(fn.group(1)) + r"\((.*)\)",
                         text, re.M)
        k = int(size.group(1))
        params = [p.split()[0] for p in _split_top(head.group(1)) if p.strip()] if head else []
        if k >= len(params) or not re.fullmatch(r"i\d+", params[k]):
            raise UnsupportedError(f"error: @{glob}: @{name} must return a pointer and take "
                                   f"an integer size as argument {k}")
        out[name] = RawAllocator((k,), "free")
    if "@__enzyme_allocation_like" in text and not out and re.search(
            r'^@"?__enzyme_allocation_like', text, re.M):
        raise UnsupportedError("error: an __enzyme_allocation_like annotation zymase cannot "
                               "read")
    return out


def _split_top(s: str) -> List[str]:
    depth, cur, out = 0, "", []
    for ch in s:
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def _signature(mod, name: str):
    fn = mod.get_function(name)
    ftype = str(fn.global_value_type)
    ret = ftype.split(" (")[0]
    return ret, [str(a.type) for a in fn.arguments]


def prepare(text: str):
    """``(extra IR, rules, registered functions, partial functions)`` for the registrations
    in module ``text``; nothing when it has none."""
    regs = registrations(text)
    like = function_like(text)
    if not regs:
        return "", like, frozenset(like), frozenset()
    import llvmlite.binding as llvm
    mod = llvm.parse_assembly(text)
    rules: Dict[str, Rule] = {}
    chunks: List[str] = []
    partial_fns: List[str] = []
    for n, (glob, kind, fns) in enumerate(regs):
        want = 3 if kind == "gradient" else 2
        if len(fns) != want:
            raise UnsupportedError(f"error: @{glob} must list {want} functions, found "
                                   f"{len(fns)}")
        target = fns[0]
        ret, params = _signature(mod, target)
        if _pointer_function(ret, params):
            continue        # pointer_derivatives()
        if ret not in _FLOATS or any(p not in _FLOATS and not re.fullmatch(r"i\d+", p)
                                     for p in params):
            raise UnsupportedError(
                f"error: @{glob}: zymase takes a C function's own derivative for functions "
                f"of float and integer parameters returning a float; @{target} is "
                f"{ret} ({', '.join(params)})\n  = help: differentiate it instead (remove "
                f"the registration)")
        if target in rules:
            continue    # a gradient and a derivative: either gives the partials
        floats = [k for k, p in enumerate(params) if p in _FLOATS]
        args = ", ".join(f"{p} %p{k}" for k, p in enumerate(params))
        call_args = [f"{p} %p{k}" for k, p in enumerate(params)]
        partials = [None] * len(params)
        for j, k in enumerate(floats):
            sym = f"zymase_cr_{n}_{j}"
            body = _gradient_body(mod, fns, ret, params, floats, j, call_args) \
                if kind == "gradient" else _derivative_body(mod, fns, ret, params, k, call_args)
            chunks.append(f"define {ret} @{sym}({args}) {{\nentry:\n{body}\n}}")
            partials[k] = f"zc_{sym}({', '.join(OPERAND_NAMES[:len(params)])})"
            partial_fns.append(sym)
        rules[target] = Rule(target, tuple(partials))
    for fn, rule in like.items():
        if fn in rules:
            raise UnsupportedError(f"error: @{fn} has both a registered derivative and an "
                                   f"__enzyme_function_like annotation")
        rules[fn] = rule
    return "\n\n".join(chunks) + "\n", rules, frozenset(rules), frozenset(partial_fns)


def _pointer_function(ret: str, params: List[str]) -> bool:
    return ret == "void" and "ptr" in params and all(
        p == "ptr" or re.fullmatch(r"i\d+", p) for p in params)


def pointer_derivatives(text: str) -> Dict[str, Dict[str, str]]:
    """``{f: {"fwd": f_fwd} | {"aug": f_aug, "rev": f_rev}}`` for the registrations of a
    function ``f`` that returns nothing and takes pointers (and integers).

    ``__enzyme_register_derivative_f = {f, f_fwd}``: ``f_fwd`` takes each pointer followed
    by its shadow and writes the tangents of what ``f`` writes into the shadows; the forward
    transform keeps the call of ``f`` and calls ``f_fwd`` after it
    (``forward_calls.pointer_custom_call``).  ``__enzyme_register_gradient_f = {f, f_aug,
    f_rev}``: ``f_aug`` (same parameters as ``f_fwd``) runs in the forward sweep after the
    call of ``f`` and returns a tape (a pointer) or nothing; ``f_rev`` takes the same
    parameters and the tape and adds the adjoints of what ``f`` read into their shadows, in
    the adjoint sweep (``reverse/calls.save_custom_pointer``)."""
    regs = registrations(text)
    if not regs:
        return {}
    import llvmlite.binding as llvm
    mod = llvm.parse_assembly(text)
    out: Dict[str, Dict[str, str]] = {}
    for glob, kind, fns in regs:
        if len(fns) != (2 if kind == "derivative" else 3):
            continue        # prepare() refuses it
        ret, params = _signature(mod, fns[0])
        if not _pointer_function(ret, params):
            continue
        want = [q for p in params for q in ([p, p] if p == "ptr" else [p])]
        for role, fn in zip(("fwd",) if kind == "derivative" else ("aug", "rev"), fns[1:]):
            fret, fparams = _signature(mod, fn)
            expect = want
            if role == "rev":
                tape = _signature(mod, fns[1])[0] == "ptr"
                expect = want + (["ptr"] if tape else [])
            ok_ret = ("void", "ptr") if role == "aug" else ("void",)
            if fret not in ok_ret or fparams != expect:
                raise UnsupportedError(
                    f"error: @{glob}: @{fn} must take ({', '.join(expect)}) (each pointer "
                    f"followed by its shadow{', then the tape' if role == 'rev' and len(expect) > len(want) else ''}) and return "
                    f"{' or '.join(ok_ret)}; it is {fret} ({', '.join(fparams)})")
            out.setdefault(fns[0], {})[role] = fn
    return out


def _gradient_body(mod, fns, ret, params, floats, j, call_args) -> str:
    target, aug, rev = fns
    aug_ret, aug_params = _signature(mod, aug)
    rev_ret, rev_params = _signature(mod, rev)
    where = f"the registered gradient of @{target}"
    if aug_params != params:
        raise UnsupportedError(f"error: {where}: @{aug} must take @{target}'s parameters "
                               f"({', '.join(params)}), it takes ({', '.join(aug_params)})")
    tape = aug_ret != "void"
    expect = params + [ret] + ([aug_ret] if tape else [])
    if rev_params != expect:
        raise UnsupportedError(f"error: {where}: @{rev} must take ({', '.join(expect)}), it "
                               f"takes ({', '.join(rev_params)})")
    lines = []
    rargs = list(call_args) + [f"{ret} 1.0"]
    if tape:
        lines.append(f"  %t = call {aug_ret} @{aug}({', '.join(call_args)})")
        rargs.append(f"{aug_ret} %t")
    lines.append(f"  %r = call {rev_ret} @{rev}({', '.join(rargs)})")
    if len(floats) == 1 and rev_ret in _FLOATS:
        value = "%r"
    elif rev_ret.startswith("{") and rev_ret.count(",") + 1 == len(floats):
        lines.append(f"  %e = extractvalue {rev_ret} %r, {j}")
        value = "%e"
    else:
        raise UnsupportedError(f"error: {where}: @{rev} must return the adjoints of the "
                               f"{len(floats)} float parameters (a float or a struct of "
                               f"{len(floats)}), it returns {rev_ret}")
    lines.append(f"  ret {ret} {value}")
    return "\n".join(lines)


def _derivative_body(mod, fns, ret, params, k, call_args) -> str:
    target, fwd = fns
    fwd_ret, fwd_params = _signature(mod, fwd)
    expect, fargs = [], []
    for q, (p, a) in enumerate(zip(params, call_args)):
        expect.append(p)
        fargs.append(a)
        if p in _FLOATS:
            expect.append(p)
            fargs.append(f"{p} {'1.0' if q == k else '0.0'}")
    where = f"the registered derivative of @{target}"
    if fwd_params != expect:
        raise UnsupportedError(f"error: {where}: @{fwd} must take ({', '.join(expect)}) "
                               f"(each float followed by its tangent), it takes "
                               f"({', '.join(fwd_params)})")
    lines = [f"  %r = call {fwd_ret} @{fwd}({', '.join(fargs)})"]
    if fwd_ret == ret:
        value = "%r"
    elif fwd_ret == f"{{ {ret}, {ret} }}":
        lines.append(f"  %e = extractvalue {fwd_ret} %r, 1")
        value = "%e"
    else:
        raise UnsupportedError(f"error: {where}: @{fwd} must return the tangent ({ret}) or "
                               f"{{primal, tangent}}, it returns {fwd_ret}")
    lines.append(f"  ret {ret} {value}")
    return "\n".join(lines)
