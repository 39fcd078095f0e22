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

The grammar is split by part: ``gen_state`` (random streams, scopes, the reproducibility
invariant), ``gen_exprs`` (expressions), ``gen_stmts`` (statements), ``gen_helpers`` (the
``@njit`` helpers); ``Generator`` below combines them and writes ``f``'s body.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Set

from .gen_exprs import Expressions
from .gen_helpers import Helpers
from .gen_state import PROFILES, Scope
from .gen_stmts import Statements

__all__ = ["HEADER", "PROFILES", "Program", "Generator", "generate", "generate_bundle"]

HEADER = "import math\nimport numpy as np\nfrom numba import njit\n"


@dataclass
class Program:
    seed: int
    profile: str
    source: str
    features: Set[str] = field(default_factory=set)

    @property
    def uses_float32(self) -> bool:
        return "float32" in self.source


class Generator(Helpers, Statements, Expressions):
    """One seed's program: ``make_helpers()`` then ``main_body()``."""

    def main_body(self) -> List[str]:
        sc = Scope()
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
        seg = [re.sub(r"\bs\b", acc, l) for l in seg]
        terms.append(re.sub(r"\bs\b", acc, ret[len("return "):]))
        body += [f"# seed {seed}"] + seg
        for h in g.helpers:
            parts.append(h["src"] + "\n")
        feats |= g.features
    body.append("return " + " + ".join(f"({t})" for t in terms))
    parts.append("def f(x, y, c, a, b, n):\n" + "\n".join("    " + l for l in body) + "\n")
    return Program(seeds[0], profile, "\n\n".join(parts), feats)
