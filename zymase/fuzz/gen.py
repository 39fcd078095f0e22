"""The program generator: one seed → one Numba-compilable Python module.

Every generated module defines ``f(x, y, c, a, b, n)`` and up to a few ``@njit`` helpers it
calls.  ``x`` and ``y`` are float64 arrays of length ``n`` that carry derivatives (the program
may update them in place), ``c`` is a float64 array the program only reads (``Const``), ``a``
and ``b`` are float scalars (``Active``/``Dual``), ``n >= 1`` is an integer (``Const``);
``f`` returns a float.

What the generator may emit (each chosen by a seeded ``random.Random``):

- nested ``for`` loops (``range(n)``, ``range(1, n)``, reversed ranges, triangular
  ``range(i)``), ``while`` loops with a data-dependent float exit and an integer guard,
  ``break`` / ``continue`` under float or integer conditions;
- branches on floats (``if e > t:``), on integers (``i % 2 == 0``), conditional expressions,
  ``min`` / ``max`` / ``abs``;
- in-place element updates (``x[i] += e``, ``x[i] *= e``), element and scalar swaps;
- temporaries allocated inside (``np.empty`` always filled before it is read, ``np.zeros``,
  ``.copy()``, array expressions), float32 temporaries and float32 scalars;
- slices (``t[1:] = x[:-1] * e``, ``x[::-1]`` — negative strides, ``x[::2]``), array
  expressions with ufuncs, reductions (``np.sum``, ``np.mean``, ``np.prod``, ``np.max``,
  ``np.linalg.norm``), ``np.dot`` / ``@`` (vector·vector, matrix·vector);
- ``math`` functions on guarded domains (``math.log(1.0 + e*e)``, ``math.sqrt(1.0 + e*e)``,
  ``math.exp(math.sin(e))``, ``math.acosh(1.5 + e*e)`` …), division only by a denominator
  bounded away from zero;
- calls to generated ``@njit`` helpers taking arrays (whole, sliced or reversed), tuples of
  floats and scalars, returning a float or a tuple; helpers may update their array.

Invariants that keep a generated program meaningful for differential testing:

- every array index is in bounds for every ``n >= 1`` (loop indices of ``range(n)``,
  ``n - 1 - i``, ``(i + k) % n``; constants only ``0``, ``n - 1``, ``n // 2``; helpers index
  only through their own loops over ``u.shape[0]``, so a slice of length 0 is safe);
- ``np.empty`` is filled before it is read; no float becomes an integer (no data-dependent
  index), so the only non-smooth points are the branch conditions, ``min``/``max``/``abs`` and
  ``np.max`` — which ``trace.py`` instruments so the finite-difference check can tell a kink;
- magnitudes stay bounded (contractive recurrences, bounded functions), ``while`` loops end
  after at most ``n`` iterations, ``continue`` never skips a ``while`` loop's counter.

``generate(seed, profile)`` returns a ``Program`` (source text plus the features it used).
The source is ordinary Python: the shrinker (``shrink.py``) works on its ``ast``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

HEADER = "import math\nimport numpy as np\nfrom numba import njit\n"

PROFILES = {
    # stmts per block, nesting depth, expression depth, helpers, top-level statements
    "tiny": dict(block=2, depth=2, expr=2, helpers=1, top=2),
    "small": dict(block=2, depth=2, expr=2, helpers=1, top=4),
    "medium": dict(block=3, depth=3, expr=3, helpers=2, top=5),
    "large": dict(block=4, depth=3, expr=3, helpers=3, top=8),
}


@dataclass
class Program:
    seed: int
    profile: str
    source: str
    features: Set[str] = field(default_factory=set)

    @property
    def uses_float32(self) -> bool:
        return "float32" in self.source


class _Scope:
    """Variables visible at a point: name → kind.

    kinds: ``f`` float64 scalar, ``f32`` float32 scalar, ``i`` int, ``a`` float64 array of
    the current length, ``ro`` an array that must not be written (``c``), ``a32`` float32
    array, ``m`` float64 (len, len) matrix."""

    def __init__(self, parent: Optional["_Scope"] = None):
        self.vars: Dict[str, str] = dict(parent.vars) if parent else {}
        self.idx: List[str] = list(parent.idx) if parent else []    # in-bounds index vars
        # index vars that also stay in bounds with an offset (stencils): var → "+ 1" / "- 1"
        self.offsets: Dict[str, str] = dict(parent.offsets) if parent else {}
        self.loop = parent.loop if parent else None    # None | "for" | "while"
        self.depth = parent.depth + 1 if parent else 0

    def of(self, *kinds):
        return [n for n, k in self.vars.items() if k in kinds]


class Generator:
    def __init__(self, seed: int, profile: str = "small", prefix: str = ""):
        self.rng = random.Random(seed)
        # decisions added after the generator's first version draw from their own stream, so
        # the programs of earlier seeds stay what they were
        self.rng2 = random.Random(seed * 1000003 + 7)
        self.seed = seed
        self.profile = profile
        self.p = PROFILES[profile]
        self.prefix = prefix
        self.counter = 0
        self.helpers: List[dict] = []      # {name, kind, src}
        self.features: Set[str] = set()
        self.lenvar = "n"
        # a Const array element chosen by a select/phi against an active one is refused by
        # zymase ("mixes memory with and without a shadow"); mix_const=False avoids it
        self.mix_const = True
        self.in_select = 0
        self.light = False          # no matrices, shallow array expressions (cheap to compile)

    # -- small utilities ---------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{self.prefix}{base}{self.counter}"

    def const(self) -> str:
        return self.pick(["0.5", "1.25", "2.0", "0.75", "-0.5", "1.5", "0.3", "-1.25"])

    # -- expressions ---------------------------------------------------------------------------
    def index(self, sc: _Scope) -> str:
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

    def elem(self, sc: _Scope, kinds=("a", "ro", "a32")) -> Optional[str]:
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

    def leaf(self, sc: _Scope) -> str:
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

    def expr(self, sc: _Scope, d: Optional[int] = None) -> str:
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
            self.in_select += 1
            try:
                return f"{self.pick(['min', 'max'])}({e()}, {e()})"
            finally:
                self.in_select -= 1
        if r < 77:
            self.features.add("ifexp")
            self.in_select += 1
            try:
                return f"({e()} if {self.cond(sc, d - 1)} else {e()})"
            finally:
                self.in_select -= 1
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

    def cond(self, sc: _Scope, d: int = 1) -> str:
        if sc.of("i") and self.chance(0.3):
            i = self.pick(sc.of("i"))
            return self.pick([f"{i} % 2 == 0", f"{i} < {self.lenvar} // 2", f"{i} > 1",
                              f"{self.lenvar} > 2"])
        self.features.add("float-branch")
        return f"{self.expr(sc, d)} {self.pick(['>', '<', '>=', '<='])} {self.pick(['0.0', '0.25', '-0.3', '0.6'])}"

    # -- arrays ----------------------------------------------------------------------------------
    def arr_operand(self, sc: _Scope) -> str:
        arrs = sc.of("a", "ro") if self.mix_const else (sc.of("a") or sc.of("a", "ro"))
        a = self.pick(arrs)
        if self.chance(0.15):
            self.features.add("negative-stride")
            return f"{a}[::-1]"
        return a

    def arr_expr(self, sc: _Scope, d: int = 2) -> str:
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

    def reduction(self, sc: _Scope, d: int) -> str:
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

    # -- statements ----------------------------------------------------------------------------
    def block(self, sc: _Scope, n_stmts: Optional[int] = None) -> List[str]:
        n_stmts = n_stmts if n_stmts is not None else self.rng.randint(1, self.p["block"])
        out: List[str] = []
        for _ in range(n_stmts):
            out += self.stmt(sc)
        return out or ["pass"]

    def stmt(self, sc: _Scope) -> List[str]:
        if self.rng2.random() < 0.025:
            out = self.raise_stmt(sc)
            if out:
                return out
        if self.lenvar == "n" and sc.depth >= 1 and self.rng2.random() < 0.04:
            # an early return from inside a loop or a branch
            self.features.add("early-return")
            return [f"if {self.cond(sc, 1)}:", f"    return s + {self.expr(sc, 2)}"]
        compound_ok = sc.depth < self.p["depth"]
        r = self.rng.randrange(100)
        if compound_ok and r < 22:
            return self.for_loop(sc)
        if compound_ok and r < 27 and self.lenvar == "n":
            return self.while_loop(sc)
        if compound_ok and r < 37:
            return self.if_stmt(sc)
        if r < 41 and sc.loop:
            return self.jump(sc)
        if r < 53:
            return self.scalar_update(sc)
        if r < 60:
            return self.new_scalar(sc)
        if r < 72:
            return self.elem_store(sc)
        if r < 76:
            return self.swap(sc)
        if r < 86 and self.lenvar == "n":
            return self.new_temp(sc)
        if r < 90 and self.lenvar == "n":
            return self.slice_store(sc)
        if r < 97 and self.helpers:
            return self.helper_stmt(sc)
        return self.scalar_update(sc)

    def raise_stmt(self, sc: _Scope) -> List[str]:
        """``if x[i] > 0.8: raise ValueError(...)``: the derivatives must raise what the primal
        raises, and free what they allocated on the way out."""
        arrs = sorted(sc.of("a", "ro"))
        if not arrs:
            return []
        if sc.idx:
            ix = self.rng2.choice(sc.idx)
        elif self.lenvar == "n":
            ix = "0"
        else:
            return []
        self.features.add("raise")
        arr = self.rng2.choice(arrs)
        thr = self.rng2.choice(["0.3", "0.5", "0.7", "-0.5"])
        op = ">" if not thr.startswith("-") else "<"
        if self.rng2.random() < 0.5:
            return [f"if {arr}[{ix}] {op} {thr}:", "    raise ValueError('fuzz: raised')"]
        # an implicit exception, raised inside Numba's lowering of the division (its raise
        # path releases nothing itself; Numba's refcount pruning hides that in the primal)
        fs = sc.of("f")
        if not fs:
            return []
        v = self.rng2.choice(sorted(fs))
        return [f"if {arr}[{ix}] {op} {thr}:",
                f"    {v} += 1.0 / ({arr}[{ix}] - {arr}[{ix}])"]

    def indent(self, lines: List[str]) -> List[str]:
        return ["    " + l for l in lines]

    def for_loop(self, sc: _Scope) -> List[str]:
        self.features.add("for")
        i = self.fresh("i")
        inner = _Scope(sc)
        inner.loop = "for"
        n = self.lenvar
        if self.rng2.random() < 0.2:
            # a stencil loop: i and i + 1 (or i - 1) are both in bounds
            self.features.add("stencil")
            rng_, off = self.rng2.choice([(f"range({n} - 1)", "+ 1"), (f"range(1, {n})", "- 1")])
            inner.vars[i] = "i"
            inner.idx.append(i)
            inner.offsets[i] = off
            body = self.block(inner)
            return [f"for {i} in {rng_}:"] + self.indent(body)
        r = self.rng.randrange(10)
        if r < 5 or not sc.idx:
            rng_ = self.pick([f"range({n})", f"range({n})", f"range(1, {n})",
                              f"range({n} - 1, -1, -1)"])
        else:
            rng_ = self.pick([f"range({self.pick(sc.idx)})", f"range({self.pick(sc.idx)}, {n})"])
            self.features.add("triangular")
        inner.vars[i] = "i"
        inner.idx.append(i)
        body = self.block(inner)
        return [f"for {i} in {rng_}:"] + self.indent(body)

    def while_loop(self, sc: _Scope) -> List[str]:
        self.features.add("while")
        k, q = self.fresh("k"), self.fresh("q")
        acc = self.pick(sc.of("f")) if sc.of("f") else None
        inner = _Scope(sc)
        inner.loop = "while"
        inner.vars[q] = "i"
        inner.idx.append(q)
        pre = [f"{k} = 0"]
        if acc is None:
            acc = self.fresh("w")
            pre.append(f"{acc} = 0.0")
            inner.vars[acc] = "f"
            sc.vars[acc] = "f"
        limit = self.pick(["1.5", "2.5", "0.8", "4.0"])
        body = [f"{q} = {k}", f"{k} += 1",
                f"{acc} += 0.5 + 0.25 * math.sin({self.expr(inner, 2)})"]
        body += self.block(inner)
        self.features.add("data-dependent-exit")
        return pre + [f"while {k} < {self.lenvar} and {acc} < {limit}:"] + self.indent(body)

    def if_stmt(self, sc: _Scope) -> List[str]:
        c = self.cond(sc, 2)
        out = [f"if {c}:"] + self.indent(self.block(_Scope(sc)))
        if self.chance(0.5):
            out += ["else:"] + self.indent(self.block(_Scope(sc)))
        return out

    def jump(self, sc: _Scope) -> List[str]:
        kw = self.pick(["break", "continue"])
        self.features.add(kw)
        return [f"if {self.cond(sc, 1)}:", f"    {kw}"]

    def scalar_update(self, sc: _Scope) -> List[str]:
        fs = sc.of("f")
        if not fs:
            return self.new_scalar(sc)
        v = self.pick(fs)
        form = self.rng.randrange(5)
        e = self.expr(sc)
        if form == 0:
            return [f"{v} = 0.5 * {v} + {e}"]
        if form == 1:
            return [f"{v} *= 1.0 + 0.25 * math.sin({e})"]
        if form == 2:
            return [f"{v} -= {e}"]
        return [f"{v} += {e}"]

    def new_scalar(self, sc: _Scope) -> List[str]:
        if self.chance(0.15):
            self.features.add("float32")
            v = self.fresh("g")
            line = f"{v} = np.float32({self.expr(sc)})"
            sc.vars[v] = "f32"
            return [line]
        v = self.fresh("v")
        line = f"{v} = {self.expr(sc)}"
        sc.vars[v] = "f"
        return [line]

    def writable(self, sc: _Scope, kinds=("a",)) -> Optional[str]:
        arrs = sc.of(*kinds)
        return self.pick(arrs) if arrs else None

    def elem_store(self, sc: _Scope) -> List[str]:
        arr = self.writable(sc, ("a", "a32"))
        if arr is None:
            return self.scalar_update(sc)
        ix = self.index(sc)
        if ix is None:
            return self.scalar_update(sc)
        self.features.add("in-place")
        e = self.expr(sc)
        if sc.vars[arr] == "a32":
            self.features.add("float32")
            e = f"np.float32({e})"
            return [f"{arr}[{ix}] = {e}"]
        form = self.rng.randrange(4)
        if form == 0:
            return [f"{arr}[{ix}] = {e}"]
        if form == 1:
            return [f"{arr}[{ix}] += {e}"]
        if form == 2:
            return [f"{arr}[{ix}] *= 1.0 + 0.25 * math.tanh({e})"]
        return [f"{arr}[{ix}] = 0.5 * {arr}[{ix}] + {e}"]

    def swap(self, sc: _Scope) -> List[str]:
        self.features.add("swap")
        arr = self.writable(sc)
        if arr is not None and self.chance(0.6):
            i1, i2 = self.index(sc), self.index(sc)
            if i1 is not None and i2 is not None:
                return [f"{arr}[{i1}], {arr}[{i2}] = {arr}[{i2}], {arr}[{i1}]"]
        fs = sc.of("f")
        if len(fs) >= 2:
            u, v = self.rng.sample(fs, 2)
            return [f"{u}, {v} = {v}, {u}"]
        return self.scalar_update(sc)

    def new_temp(self, sc: _Scope) -> List[str]:
        self.features.add("temporary")
        t = self.fresh("t")
        n = self.lenvar
        r = self.rng.randrange(9)
        if r == 0:
            out = [f"{t} = np.zeros({n})"]
        elif r == 1:
            out = [f"{t} = {self.arr_operand(sc)}.copy()"]
        elif r == 2:
            i = self.fresh("i")
            inner = _Scope(sc)
            inner.vars[i] = "i"
            inner.idx.append(i)
            out = [f"{t} = np.empty({n})", f"for {i} in range({n}):",
                   f"    {t}[{i}] = {self.expr(inner, 2)}"]
        elif r == 3:
            out = [f"{t} = np.empty({n})", f"{t}[:] = {self.arr_expr(sc, 2)}"]
        elif r == 4:
            self.features.add("float32")
            i = self.fresh("i")
            inner = _Scope(sc)
            inner.vars[i] = "i"
            inner.idx.append(i)
            out = [f"{t} = np.empty({n}, np.float32)", f"for {i} in range({n}):",
                   f"    {t}[{i}] = np.float32({self.expr(inner, 2)})"]
            sc.vars[t] = "a32"
            return out
        elif r == 5 and not self.light:
            self.features.add("matvec")
            mname = self.fresh("M")
            a1, a2 = self.arr_operand(sc), self.arr_operand(sc)
            fill = self.pick([f"{mname} = np.outer({a1}, {a2})",
                              f"{mname} = np.outer(np.tanh({a1}), {a2}) + 0.5"])
            op = self.pick([f"{mname} @ {self.arr_operand(sc)}",
                            f"np.dot({mname}, {self.arr_operand(sc)})",
                            f"np.dot({self.arr_operand(sc)}, {mname})"])
            out = [fill, f"{t} = {op}"]
        else:
            out = [f"{t} = {self.arr_expr(sc, 2)}"]
        sc.vars[t] = "a"
        if self.chance(0.6) and sc.of("f"):
            # consume the temporary so that it matters
            v = self.pick(sc.of("f"))
            ix = self.index(sc)
            use = self.pick([f"np.sum({t})", f"np.dot({t}, {self.arr_operand(sc)})"] +
                            ([f"{t}[{ix}]"] if ix is not None else []))
            out.append(f"{v} += 0.5 * {use}")
        return out

    def slice_store(self, sc: _Scope) -> List[str]:
        arr = self.writable(sc)
        if arr is None:
            return self.scalar_update(sc)
        self.features.add("slice")
        src = self.arr_operand(sc)
        e = self.expr(sc, 1)
        return [self.pick([f"{arr}[1:] = {src}[:-1] * {e}",
                           f"{arr}[:-1] = {arr}[1:] + {e}",
                           f"{arr}[:] = {self.arr_expr(sc, 1)}",
                           f"{arr}[::2] = {src}[::2] * 0.5"])]

    # -- helpers ---------------------------------------------------------------------------------
    def make_helpers(self):
        for _ in range(self.rng.randint(0, self.p["helpers"])):
            self.helpers.append(self.make_helper())

    def make_helper(self) -> dict:
        name = self.fresh("h")
        kind = self.pick(["arr_tuple", "two_arr", "inplace", "scalar"])
        saved_len, saved_helpers = self.lenvar, self.helpers
        self.lenvar = "m"
        self.helpers = list(self.helpers)
        sc = _Scope()
        sc.depth = 1
        if kind == "arr_tuple":
            params, sc.vars = "u, p", {"u": "ro", "p0": "f", "p1": "f", "m": "i"}
            pre = ["m = u.shape[0]", "p0, p1 = p"]
        elif kind == "two_arr":
            params, sc.vars = "u, v, t", {"u": "ro", "v": "ro", "t": "f", "m": "i"}
            pre = ["m = u.shape[0]"]
        elif kind == "inplace":
            params, sc.vars = "u, t", {"u": "a", "t": "f", "m": "i"}
            pre = ["m = u.shape[0]"]
        else:
            params, sc.vars = "t1, t2", {"t1": "f", "t2": "f", "m": "i"}
            pre = ["m = 3"]
        pre.append("r = 0.0")
        sc.vars["r"] = "f"
        before = _Scope(sc)         # what a loop put in front of the body may use
        before.depth = sc.depth
        body = self.block(sc, self.rng.randint(1, 3))
        if kind != "scalar" and not any("for " in l for l in body):
            # make sure the array is actually used (the loop goes first: it must not see the
            # body's variables)
            i = self.fresh("i")
            inner = _Scope(before)
            inner.vars[i] = "i"
            inner.idx.append(i)
            inner.loop = "for"
            body = [f"for {i} in range(m):"] + self.indent(self.block(inner, 2)) + body
        ret_tuple = kind == "two_arr" and self.chance(0.6)
        fs = [v for v, k in sc.vars.items() if k == "f"]
        if ret_tuple:
            ret = f"return r + {self.pick(fs)}, r * {self.pick(fs)}"
        else:
            ret = f"return r + {self.pick(fs)}"
        lines = ["@njit", f"def {name}({params}):"] + self.indent(pre + body + [ret])
        self.lenvar, self.helpers = saved_len, saved_helpers
        return {"name": name, "kind": kind, "ret": "tuple" if ret_tuple else "f",
                "src": "\n".join(lines)}

    def helper_call(self, sc: _Scope, want: str, d: int = 1) -> Optional[str]:
        hs = [h for h in self.helpers if (h["ret"] == want or want == "any")]
        if not hs:
            return None
        h = self.pick(hs)
        self.features.add("call")
        kind = h["kind"]
        e = lambda: self.expr(sc, max(d, 0))  # noqa: E731
        if kind == "scalar":
            return f"{h['name']}({e()}, {e()})"
        if not sc.of("a", "ro"):
            return None
        def arr():
            a = self.pick(sc.of("a", "ro"))
            if self.lenvar == "n" and self.chance(0.3):
                self.features.add("slice")
                return self.pick([f"{a}[1:]", f"{a}[::-1]", f"{a}[::2]", f"{a}[:-1]"])
            return a
        if kind == "arr_tuple":
            self.features.add("tuple")
            return f"{h['name']}({arr()}, ({e()}, {e()}))"
        if kind == "two_arr":
            a1 = self.pick(sc.of("a", "ro"))
            a2 = self.pick(sc.of("a", "ro"))
            return f"{h['name']}({a1}, {a2}, {e()})"
        # inplace: only a writable array
        w = self.writable(sc)
        if w is None:
            return None
        if self.lenvar == "n" and self.chance(0.3):
            w = self.pick([f"{w}[1:]", f"{w}[::-1]"])
        return f"{h['name']}({w}, {e()})"

    def helper_stmt(self, sc: _Scope) -> List[str]:
        tup = [h for h in self.helpers if h["ret"] == "tuple"]
        if tup and self.chance(0.5):
            call = None
            saved = self.helpers
            self.helpers = tup
            call = self.helper_call(sc, "tuple")
            self.helpers = saved
            if call:
                u, v = self.fresh("v"), self.fresh("v")
                sc.vars[u] = sc.vars[v] = "f"
                return [f"{u}, {v} = {call}"]
        call = self.helper_call(sc, "f")
        if call is None:
            return self.scalar_update(sc)
        fs = sc.of("f")
        return [f"{self.pick(fs)} += {call}"] if fs else [f"{self.fresh('v')} = {call}"]

    # -- the module ----------------------------------------------------------------------------
    def main_body(self) -> List[str]:
        sc = _Scope()
        sc.vars = {"x": "a", "y": "a", "c": "ro", "a": "f", "b": "f", "n": "i", "s": "f"}
        # a and b are parameters: updating them is fine (they are locals)
        body = ["s = 0.25 * b"]
        for _ in range(self.rng.randint(1, self.p["top"])):
            body += self.stmt(sc)
        fs = [v for v, k in sc.vars.items() if k in ("f", "f32") and v not in ("a", "b")]
        terms = ["s"] + self.rng.sample(fs, min(len(fs), 4))
        terms = list(dict.fromkeys(terms))
        self.features.add("return")
        return body + ["return " + " + ".join(terms)]


def generate(seed: int, profile: str = "small") -> Program:
    g = Generator(seed, profile)
    g.make_helpers()
    body = g.main_body()
    parts = [HEADER]
    for h in g.helpers:
        parts.append(h["src"] + "\n")
    parts.append("def f(x, y, c, a, b, n):\n" + "\n".join("    " + l for l in body) + "\n")
    return Program(seed, profile, "\n\n".join(parts), g.features)


def generate_bundle(seeds, profile: str = "tiny", mix_const: bool = False,
                    light: bool = True) -> Program:
    """Several seeds' programs as consecutive segments of one function (variables and helpers
    renamed per segment, one accumulator each, summed in the return): many small programs
    for the price of one compilation — what the time-boxed run in the test suite uses."""
    parts = [HEADER]
    body = []
    feats: Set[str] = set()
    terms = []
    for k, seed in enumerate(seeds):
        g = Generator(seed, profile, prefix=f"z{k}_")
        g.mix_const = mix_const
        g.light = light
        g.make_helpers()
        seg = g.main_body()
        acc = f"s{k}"
        seg = [l.replace("s = 0.25 * b", f"{acc} = 0.25 * b") for l in seg]
        ret = seg.pop()
        import re
        seg = [re.sub(r"\bs\b", acc, l) for l in seg]
        terms.append(re.sub(r"\bs\b", acc, ret[len("return "):]))
        body += [f"# seed {seed}"] + seg
        for h in g.helpers:
            parts.append(h["src"] + "\n")
        feats |= g.features
    body.append("return " + " + ".join(f"({t})" for t in terms))
    parts.append("def f(x, y, c, a, b, n):\n" + "\n".join("    " + l for l in body) + "\n")
    return Program(seeds[0], profile, "\n\n".join(parts), feats)
