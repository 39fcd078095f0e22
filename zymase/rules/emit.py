"""Turn a rule's partial-derivative expression into IR at a builder's insertion point.

Expressions are parsed once with Python's ``ast`` (they are Python syntax) and cached; each
node maps to one instruction of the operands' float type.  Integer operands (``powi``'s
exponent) are converted with ``tofp``.
"""
from __future__ import annotations

import ast
import functools
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from ..errors import unsupported
from ..ir.builder import Builder
from ..ir.types import F64, I32, I64, FunctionType, StructType, Type
from ..ir.values import Constant, Value, const_float, const_int, zero
from .table import FUNCTIONS, OPERAND_NAMES, refusal

_CMP = {ast.Gt: "ogt", ast.Lt: "olt", ast.GtE: "oge", ast.LtE: "ole", ast.Eq: "oeq",
        ast.NotEq: "one"}
_BIN = {ast.Add: "fadd", ast.Sub: "fsub", ast.Mult: "fmul", ast.Div: "fdiv"}


@functools.lru_cache(maxsize=None)
def _parse(expr: str) -> ast.AST:
    return ast.parse(expr, mode="eval").body


def expression_names(expr: str) -> set:
    """The operand names (``x``, ``y``, ``z``, ``r``) a partial uses; none for a refusal."""
    if refusal(expr) is not None:
        return set()
    return {n.id for n in ast.walk(_parse(expr)) if isinstance(n, ast.Name)}


class ExprEmitter:
    def __init__(self, b: Builder, ftype: Type, env: Dict[str, Value], helpers=None, loc=None):
        self.b, self.t, self.env = b, ftype, env
        self.helpers = helpers
        self.loc = loc   # the differentiated instruction's source line, for refusals

    def emit(self, expr: str) -> Value:
        refused = refusal(expr)
        if refused is not None:
            raise unsupported(refused, self.loc,
                              "make that argument Const (pass it as a constant, or mark it "
                              "inactive), or give the function a custom_derivative")
        return self._node(_parse(expr))

    def _const(self, v: float) -> Value:
        return const_float(self.t, float(v))

    def _node(self, n) -> Value:
        b = self.b
        if isinstance(n, ast.Constant):
            return self._const(n.value)
        if isinstance(n, ast.Name):
            return self.env[n.id]
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            if isinstance(n.operand, ast.Constant):
                return self._const(-n.operand.value)
            return b.fneg(self._node(n.operand))
        if isinstance(n, ast.BinOp):
            return b.binop(_BIN[type(n.op)], self._node(n.left), self._node(n.right))
        if isinstance(n, ast.IfExp):
            c = self._node(n.test)
            return b.select(c, self._node(n.body), self._node(n.orelse))
        if isinstance(n, ast.Compare):
            return b.fcmp(_CMP[type(n.ops[0])], self._node(n.left), self._node(n.comparators[0]))
        if isinstance(n, ast.Call):
            fname = n.func.id
            args = [self._node(a) for a in n.args]
            if fname == "tofp":
                v = args[0]
                return v if v.type.is_float else b.cast("sitofp", v, self.t)
            if fname.startswith("spc_"):
                return self._complex_scipy_call(fname[4:], args)
            if fname.startswith("sp_"):
                return self._scipy_call(fname[3:], args)
            if fname.startswith("zy_"):
                return self._helper_call(fname[3:], args)
            if fname.startswith("zc_"):
                # a partial the program supplies: a function in the module (c_custom.py)
                sym = fname[3:]
                return b.call(sym, FunctionType(self.t, tuple(a.type for a in args)), args)
            kind, target = FUNCTIONS[fname]
            if kind == "intrinsic":
                return b.intrinsic(target, self.t, args)
            if kind == "helper":
                from .helpers import helper_symbol
                sym = helper_symbol(target, self.t)
                if sym is None:
                    raise unsupported(f"the derivative of a function needing {target} for {self.t}")
                if self.helpers is not None:
                    self.helpers.add(target)
                return b.call(sym, FunctionType(self.t, (self.t,)), args)
        raise ValueError(f"bad rule expression node {ast.dump(n)}")

    def _helper_call(self, name: str, args) -> Value:
        """A call of zymase's double-precision helper ``name`` (``helpers.py``; its IR is
        linked into the derivative when the module is finished)."""
        from .helpers import helper_arity, helper_symbol
        arity = helper_arity(name)
        if arity is None or arity != len(args):
            raise ValueError(f"bad rule expression: zy_{name} with {len(args)} arguments")
        sym = helper_symbol(name, self.t)
        if sym is None:
            raise unsupported(f"a derivative that needs zymase's {name} for {self.t}", self.loc)
        if self.helpers is not None:
            self.helpers.add(name)
        return self.b.call(sym, FunctionType(self.t, (self.t,) * arity), args)

    def _complex_scipy_call(self, name: str, args) -> Value:
        """``spc_<f>_re(a, b)`` / ``spc_<f>_im(a, b)``: the real or imaginary part of SciPy's
        complex function ``f`` (``wofz``) at ``a + i b``."""
        from .scipy_special import declare_complex_rule_function
        fname, part = name.rsplit("_", 1)
        symbol = declare_complex_rule_function(fname) if part in ("re", "im") else None
        if symbol is None or self.t != F64 or len(args) != 2:
            raise unsupported(f"a derivative that needs scipy.special.{fname} for {self.t}",
                              self.loc)
        c = self.b.call(symbol, FunctionType(StructType((F64, F64)), (F64, F64, I32)),
                        list(args) + [const_int(I32, 0)])
        return self.b.extractvalue(c, [0 if part == "re" else 1])

    def _scipy_call(self, name: str, args) -> Value:
        """A call of SciPy's ``name`` through its capsule prototype (doubles and longs, then
        ``skip_dispatch = 0``); the rule's float type must be double, as SciPy's is."""
        from .scipy_special import declare_rule_function
        found = declare_rule_function(None, name)
        if found is None or self.t != F64:
            raise unsupported(f"a derivative that needs scipy.special.{name} for {self.t}",
                              self.loc)
        symbol, params = found
        b, call_args, ptypes = self.b, [], []
        for v, kind in zip(args, params):
            if kind == "long":
                call_args.append(b.cast("fptosi", v, I64) if v.type.is_float else v)
                ptypes.append(I64)
            else:
                call_args.append(v)
                ptypes.append(F64)
        call_args.append(const_int(I32, 0))
        ptypes.append(I32)
        return b.call(symbol, FunctionType(F64, tuple(ptypes)), call_args)


def partials(b: Builder, rule_partials: Sequence, operands: Sequence[Value], result: Value,
             helpers=None):
    """Emit every non-None partial; returns a list parallel to ``operands`` (None = no partial)."""
    ftype = result.type
    env = {"r": result}
    for name, v in zip(OPERAND_NAMES, operands):
        env[name] = v
    em = ExprEmitter(b, ftype, env, helpers, getattr(result, "loc", None))
    out = []
    for p in rule_partials:
        if p is None:
            out.append(None)
        elif p == "0":
            out.append(const_float(ftype, 0.0))
        else:
            out.append(em.emit(p))
    return out


def active_partials(rule, operands: Sequence[Value], active) -> List[Tuple[int, Value, str]]:
    """(k, operand, expression) for every operand of an instruction that is in ``active``
    and has a partial in ``rule``: the terms a tangent sums and an adjoint distributes."""
    return [(k, o, rule.partials[k]) for k, o in enumerate(operands)
            if k < len(rule.partials) and rule.partials[k] is not None and o in active
            and not isinstance(o, Constant)]


def scaled(b: Builder, expr: str, v: Value, partial: Callable[[], Value], checked: bool,
           width: int) -> Optional[Value]:
    """``v · ∂`` for one operand: a tangent ẋ (forward: its term of ṙ) or the result's
    adjoint r̄ (reverse: what the operand's adjoint receives), with ``∂`` the rule's partial
    ``expr``.  None for ``"0"``, ``v`` for ``"1"``, ``-v`` for ``"-1"``; otherwise
    ``partial()`` emits the partial, which is splat to ``width`` lanes and multiplied in
    (checked, see ``scale``)."""
    if expr == "0":
        return None
    if expr == "1":
        return v
    if expr == "-1":
        return b.fneg(v)
    p = partial()
    return scale(b, v, p if width == 1 else b.splat(p, width), checked)


def scale(b: Builder, v: Value, partial: Value, checked: bool) -> Value:
    """``v · partial`` for a tangent or adjoint ``v`` (already splat to ``v``'s width).

    ``checked`` (the rule's partial may be infinite, see ``table.Rule.checked``) makes it
    ``v == 0 ? 0 : v · partial``: a zero tangent or adjoint contributes exactly zero.  The
    select is one compare and one blend per product and vectorises with it."""
    prod = b.fmul(v, partial)
    if not checked:
        return prod
    z = zero(v.type)
    return b.select(b.fcmp("oeq", v, z), z, prod)
