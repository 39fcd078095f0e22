"""Expressions of generated programs: float64 scalars (``expr``), integer indices
(``index``), conditions (``cond``) and float64 arrays of the current length (``arr_expr``,
``reduction``).  Part of the generator (see ``gen.py``, ``gen_state.py``).

Invariants every expression keeps, for every length ``>= 1``:

- an index is in bounds: a loop index of the scope, ``n - 1 - i``, ``(i + k) % n``, ``i // 2``,
  an offset only where the loop made it safe (stencils), and in ``f`` alone the constants
  ``0``, ``n - 1``, ``n // 2``; inside a helper (``lenvar != "n"``) an index that needs a
  constant is not made (the production returns None and the caller falls back);
- no float becomes an index, so derivatives exist everywhere except at the traced kinks:
  ``min``/``max``/``abs``, ``np.max``, and the comparisons of ``cond``;
- every function is applied on its domain: ``log(1 + e*e)``, ``acosh(1.5 + e*e)``,
  ``asin(0.5 * tanh(e))``, ``exp`` only of bounded arguments, and a division only by
  ``1 + e**2``, ``1.5 + sin(e)`` or ``2 + cos(e)``;
- inside a select's operands (``selecting``) with ``mix_const=False`` no element of a Const
  array is chosen: zymase refuses a select between memory with and without a shadow.

The draw order from ``rng`` is the generator's first version's: do not reorder the calls.
"""
from __future__ import annotations

from typing import Optional

from .gen_state import GenState, Scope


class Expressions(GenState):
    # -- expressions ---------------------------------------------------------------------------
    def index(self, sc: Scope) -> str:
        """An int expression in [0, len)."""
        n = self.lenvar
        if sc.idx and self.chance(0.85):
            i = self.pick(sc.idx)
            if i in sc.offsets and self.rng2.random() < 0.5:
                return f"{i} {sc.offsets[i]}"
            form = self.rng.randrange(6)
            if form <= 2:
                return i
            if form == 3:
                return f"{n} - 1 - {i}"
            if form == 4:
                return f"({i} + {self.rng.randrange(1, 3)}) % {n}"
            return f"{i} // 2"
        if self.lenvar != "n":       # helpers: no constant index (their arrays may be empty)
            return None
        return self.pick(["0", f"{n} - 1", f"{n} // 2"])

    def elem(self, sc: Scope, kinds=("a", "ro", "a32")) -> Optional[str]:
        if self.in_select and not self.mix_const:
            kinds = tuple(k for k in kinds if k != "ro")
        arrs = sc.of(*kinds)
        if not arrs:
            return None
        ix = self.index(sc)
        if ix is None:
            return None
        arr = self.pick(arrs)
        if sc.vars[arr] == "m":
            return None
        return f"{arr}[{ix}]"

    def leaf(self, sc: Scope) -> str:
        r = self.rng.random()
        if r < 0.4:
            e = self.elem(sc)
            if e:
                if "32" in e or sc.vars.get(e.split("[")[0]) == "a32":
                    self.features.add("float32")
                return e
        if r < 0.8:
            fs = sc.of("f", "f32")
            if fs:
                v = self.pick(fs)
                if sc.vars[v] == "f32":
                    self.features.add("float32")
                return v
        if r < 0.9 and sc.of("i") and self.chance(0.5):
            return f"float({self.pick(sc.of('i'))})"
        return self.const()

    def expr(self, sc: Scope, d: Optional[int] = None) -> str:
        """A float64 expression, smooth except at traced points."""
        if d is None:
            d = self.p["expr"]
        if d <= 0 or self.chance(0.25):
            return self.leaf(sc)
        e = lambda: self.expr(sc, d - 1)  # noqa: E731
        r = self.rng.randrange(100)
        if r < 30:
            op = self.pick(["+", "-", "*", "*", "+"])
            return f"({e()} {op} {e()})"
        if r < 38:
            self.features.add("div")
            # a negative literal binds looser than ** (-1.25 ** 2 is -1.5625): parenthesised
            den = self.pick([f"(1.0 + ({e()}) ** 2)", f"(1.5 + math.sin({e()}))",
                             f"(2.0 + math.cos({e()}))"])
            return f"({e()} / {den})"
        if r < 62:
            self.features.add("math")
            g = self.rng.randrange(20)
            x = e()
            return [f"math.sin({x})", f"math.cos({x})", f"math.tanh({x})", f"math.atan({x})",
                    f"math.exp(math.sin({x}))", f"math.exp(-{x} * {x})",
                    f"math.log(1.0 + {x} * {x})", f"math.sqrt(1.0 + {x} * {x})",
                    f"math.log1p({x} * {x})", f"math.expm1(math.sin({x}))",
                    f"math.erf({x})", f"math.asinh({x})", f"math.acosh(1.5 + {x} * {x})",
                    f"math.asin(0.5 * math.tanh({x}))", f"math.acos(0.5 * math.tanh({x}))",
                    f"math.cosh(math.sin({x}))", f"math.atan2({x}, 2.0 + math.cos({e()}))",
                    f"math.hypot({x}, 1.0)", f"({x}) ** 2", f"({x}) ** 3"][g]
        if r < 66:
            self.features.add("pow")
            return f"(1.0 + ({e()}) ** 2) ** {self.pick(['0.5', '1.5', '-0.5', '(0.5 + 0.25 * math.sin(' + e() + '))'])}"
        if r < 69:
            self.features.add("kink")
            g = self.rng.randrange(3)
            if g == 0:
                return f"abs({e()})"
            with self.selecting():
                return f"{self.pick(['min', 'max'])}({e()}, {e()})"
        if r < 77:
            self.features.add("ifexp")
            with self.selecting():
                return f"({e()} if {self.cond(sc, d - 1)} else {e()})"
        if r < 82 and sc.of("a", "ro", "a32"):
            return self.reduction(sc, d - 1)
        if r < 88 and self.helpers:
            call = self.helper_call(sc, want="f", d=d - 1)
            if call:
                return call
        if r < 92:
            self.features.add("float32")
            return f"float(np.float32({e()}))" if self.chance(0.3) else f"np.float32({e()})"
        return f"(-{e()})"

    def cond(self, sc: Scope, d: int = 1) -> str:
        if sc.of("i") and self.chance(0.3):
            i = self.pick(sc.of("i"))
            return self.pick([f"{i} % 2 == 0", f"{i} < {self.lenvar} // 2", f"{i} > 1",
                              f"{self.lenvar} > 2"])
        self.features.add("float-branch")
        return f"{self.expr(sc, d)} {self.pick(['>', '<', '>=', '<='])} {self.pick(['0.0', '0.25', '-0.3', '0.6'])}"

    # -- arrays ----------------------------------------------------------------------------------
    def arr_operand(self, sc: Scope) -> str:
        arrs = sc.of("a", "ro") if self.mix_const else (sc.of("a") or sc.of("a", "ro"))
        a = self.pick(arrs)
        if self.chance(0.15):
            self.features.add("negative-stride")
            return f"{a}[::-1]"
        return a

    def arr_expr(self, sc: Scope, d: int = 2) -> str:
        """A float64 array expression of the current length (allocates)."""
        self.features.add("array-expr")
        if self.light:
            d = min(d, 1)
        if d <= 0 or self.chance(0.3):
            return self.arr_operand(sc)
        r = self.rng.randrange(10)
        sub = lambda: self.arr_expr(sc, d - 1)  # noqa: E731
        if r < 3:
            return f"({sub()} {self.pick(['+', '-', '*'])} {sub()})"
        if r < 5:
            return f"({sub()} * {self.expr(sc, 1)})"
        if r < 6:
            return f"({sub()} + {self.expr(sc, 1)})"
        x = sub()
        return self.pick([f"np.sin({x})", f"np.tanh({x})", f"np.exp(-{x} * {x})",
                          f"np.sqrt(1.0 + {x} * {x})", f"np.log(1.0 + {x} * {x})",
                          f"np.cos({x})", f"({x} / (1.0 + {x} * {x}))"])

    def reduction(self, sc: Scope, d: int) -> str:
        self.features.add("reduction")
        if sc.of("a32") and self.chance(0.2):
            self.features.add("float32")
            a32 = self.pick(sc.of("a32"))
            return self.pick([f"float(np.sum({a32}))", f"float(np.dot({a32}, {a32}))"])
        if self.lenvar != "n":
            # helpers: whole-array reductions only where empty arrays are fine
            a = self.pick(sc.of("a", "ro"))
            return self.pick([f"np.sum({a})", f"np.dot({a}, {a})"])
        r = self.rng.randrange(10)
        if r < 3:
            return f"np.sum({self.arr_expr(sc, d)})"
        if r < 5:
            self.features.add("dot")
            a1, a2 = self.arr_operand(sc), self.arr_operand(sc)
            return self.pick([f"np.dot({a1}, {a2})", f"({a1} @ {a2})"])
        if r < 6:
            return f"np.mean({self.arr_expr(sc, d)})"
        if r < 7:
            return f"np.prod(1.0 + 0.1 * np.tanh({self.arr_operand(sc)}))"
        if r < 8:
            self.features.add("kink")
            return f"np.max({self.arr_expr(sc, d)})"
        if r < 9:
            self.features.add("slice")
            a1, a2 = self.arr_operand(sc), self.arr_operand(sc)
            return self.pick([f"np.sum({a1}[::2])", f"np.dot({a1}[1:], {a2}[:-1])",
                              f"np.sum({a1}[1:] * {a2}[:-1])"])
        return f"np.linalg.norm(1.0 + {self.arr_operand(sc)} * {self.arr_operand(sc)})"
