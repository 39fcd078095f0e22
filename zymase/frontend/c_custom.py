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

Supported: functions whose parameters are floats and integers and whose result is a float.
Anything else (pointer parameters, whose adjoints Enzyme passes through shadows) is refused
by name.
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


def _signature(mod, name: str):
    fn = mod.get_function(name)
    ftype = str(fn.global_value_type)
    ret = ftype.split(" (")[0]
    return ret, [str(a.type) for a in fn.arguments]


def prepare(text: str):
    """``(extra IR, rules, registered functions, partial functions)`` for the registrations
    in module ``text``; nothing when it has none."""
    regs = registrations(text)
    if not regs:
        return "", {}, frozenset(), frozenset()
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
    return "\n\n".join(chunks) + "\n", rules, frozenset(rules), frozenset(partial_fns)


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
