"""Statements of generated programs.  Part of the generator (see ``gen.py``,
``gen_state.py``).

A block is 1 to ``profile["block"]`` statements; compound statements (``for``, ``while``,
``if``) appear only while the nesting is below ``profile["depth"]``.  Invariants:

- loops: ``for`` over ``range(n)``, ``range(1, n)``, ``range(n - 1, -1, -1)`` or, inside
  another loop, a triangular ``range(i)`` / ``range(i, n)``; a stencil loop
  (``range(n - 1)``, ``range(1, n)``) records that its index plus (minus) one is in bounds;
- a ``while`` loop ends after at most ``n`` iterations: its integer guard ``k < n`` is
  advanced in the first statements of the body, before anything that could ``continue``;
  its float exit (an accumulator that each iteration advances) is data-dependent;
- writes go only to arrays of kind ``a`` / ``a32`` (never to ``c``), and an ``np.empty``
  temporary is filled in full before it is read;
- raises (a ``raise`` or a division by zero, under a data-dependent condition) and early
  returns draw from ``rng2``: they came after the first version, so earlier seeds' programs
  did not change.
"""
from __future__ import annotations

from typing import List, Optional

from .gen_state import GenState, Scope


class Statements(GenState):
    def block(self, sc: Scope, n_stmts: Optional[int] = None) -> List[str]:
        n_stmts = n_stmts if n_stmts is not None else self.rng.randint(1, self.p["block"])
        out: List[str] = []
        for _ in range(n_stmts):
            out += self.stmt(sc)
        return out or ["pass"]

    def stmt(self, sc: Scope) -> List[str]:
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

    def raise_stmt(self, sc: Scope) -> List[str]:
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

    def for_loop(self, sc: Scope) -> List[str]:
        self.features.add("for")
        i = self.fresh("i")
        inner = Scope(sc)
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

    def while_loop(self, sc: Scope) -> List[str]:
        self.features.add("while")
        k, q = self.fresh("k"), self.fresh("q")
        acc = self.pick(sc.of("f")) if sc.of("f") else None
        inner = Scope(sc)
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

    def if_stmt(self, sc: Scope) -> List[str]:
        c = self.cond(sc, 2)
        out = [f"if {c}:"] + self.indent(self.block(Scope(sc)))
        if self.chance(0.5):
            out += ["else:"] + self.indent(self.block(Scope(sc)))
        return out

    def jump(self, sc: Scope) -> List[str]:
        kw = self.pick(["break", "continue"])
        self.features.add(kw)
        return [f"if {self.cond(sc, 1)}:", f"    {kw}"]

    def scalar_update(self, sc: Scope) -> List[str]:
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

    def new_scalar(self, sc: Scope) -> List[str]:
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

    def elem_store(self, sc: Scope) -> List[str]:
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

    def swap(self, sc: Scope) -> List[str]:
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

    def new_temp(self, sc: Scope) -> List[str]:
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
            inner = Scope(sc)
            inner.vars[i] = "i"
            inner.idx.append(i)
            out = [f"{t} = np.empty({n})", f"for {i} in range({n}):",
                   f"    {t}[{i}] = {self.expr(inner, 2)}"]
        elif r == 3:
            out = [f"{t} = np.empty({n})", f"{t}[:] = {self.arr_expr(sc, 2)}"]
        elif r == 4:
            self.features.add("float32")
            i = self.fresh("i")
            inner = Scope(sc)
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
            e = self.arr_expr(sc, 2)
            if e.removesuffix("[::-1]") in sc.of("ro"):
                # a bare read-only array (or its reversed view) would be aliased, and the
                # writable temporary would write the Const argument the checks keep unchanged
                e = f"{e}.copy()"
            out = [f"{t} = {e}"]
        sc.vars[t] = "a"
        if self.chance(0.6) and sc.of("f"):
            # consume the temporary so that it matters
            v = self.pick(sc.of("f"))
            ix = self.index(sc)
            use = self.pick([f"np.sum({t})", f"np.dot({t}, {self.arr_operand(sc)})"] +
                            ([f"{t}[{ix}]"] if ix is not None else []))
            out.append(f"{v} += 0.5 * {use}")
        return out

    def slice_store(self, sc: Scope) -> List[str]:
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
