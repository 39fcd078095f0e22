"""The ``@njit`` helpers a generated program calls, and the calls to them.  Part of the
generator (see ``gen.py``, ``gen_state.py``).

Four kinds: ``arr_tuple(u, p)`` reads an array and a tuple of two floats, ``two_arr(u, v,
t)`` reads two arrays (and may return a tuple of two floats), ``inplace(u, t)`` updates its
array, ``scalar(t1, t2)`` takes floats only.  Invariants:

- a helper's body is generated with ``lenvar = "m"`` (``u.shape[0]``, zero for an empty
  slice): it indexes only through its own loops, so a call may pass any slice of an array
  (``x[1:]``, ``x[::-1]``, ``x[::2]``), and calls from ``f`` sometimes do;
- a helper calls only helpers made before it, so the call graph has no cycle;
- every array helper has a loop over its array (one is put in front when the body has
  none), so the array argument matters to the result;
- an ``inplace`` helper is passed only a writable array (never ``c``).
"""
from __future__ import annotations

from typing import List, Optional

from .gen_state import GenState, Scope


class Helpers(GenState):
    def make_helpers(self):
        for _ in range(self.rng.randint(0, self.p["helpers"])):
            self.helpers.append(self.make_helper())

    def make_helper(self) -> dict:
        name = self.fresh("h")
        kind = self.pick(["arr_tuple", "two_arr", "inplace", "scalar"])
        with self.frame("m", list(self.helpers)):
            lines, ret_tuple = self.helper_source(name, kind)
        return {"name": name, "kind": kind, "ret": "tuple" if ret_tuple else "f",
                "src": "\n".join(lines)}

    def helper_source(self, name: str, kind: str):
        """The lines of helper ``name`` of ``kind``, and whether it returns a tuple."""
        sc = Scope()
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
        before = Scope(sc)         # what a loop put in front of the body may use
        before.depth = sc.depth
        body = self.block(sc, self.rng.randint(1, 3))
        if kind != "scalar" and not any("for " in l for l in body):
            # make sure the array is actually used (the loop goes first: it must not see the
            # body's variables)
            i = self.fresh("i")
            inner = Scope(before)
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
        return lines, ret_tuple

    def helper_call(self, sc: Scope, want: str, d: int = 1) -> Optional[str]:
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

    def helper_stmt(self, sc: Scope) -> List[str]:
        tup = [h for h in self.helpers if h["ret"] == "tuple"]
        if tup and self.chance(0.5):
            with self.frame(self.lenvar, tup):
                call = self.helper_call(sc, "tuple")
            if call:
                u, v = self.fresh("v"), self.fresh("v")
                sc.vars[u] = sc.vars[v] = "f"
                return [f"{u}, {v} = {call}"]
        call = self.helper_call(sc, "f")
        if call is None:
            return self.scalar_update(sc)
        fs = sc.of("f")
        return [f"{self.pick(fs)} += {call}"] if fs else [f"{self.fresh('v')} = {call}"]
