"""Seed → (program, check configuration), deterministically.

The same seed always gives the same program (``gen.generate``) and the same checks: the
forward and reverse widths, the two sizes ``n`` it runs at, the input data, and whether the
width-N lanes are compared with width-1 derivatives and the derivatives are also called from
``@njit`` code (these cost extra compilations, so only a fraction of programs do them),
which of ``x, y, a, b`` are active (each is ``Const`` with probability 0.15; an array the
program writes is kept active by the check) and whether the return is ``DualOnly`` /
``ActiveOnly``.
"""
from __future__ import annotations

import random

from .check import Config
from .gen import Program, generate, generate_bundle


def plan(seed: int, profile: str = "small"):
    """Program ``seed`` and its checks."""
    return generate(seed, profile), _config(seed)


def plan_bundle(seed: int, size: int, profile: str = "tiny"):
    """Programs ``seed .. seed+size-1`` as one bundle (``gen.generate_bundle``: one function,
    one compilation per derivative) and the checks of ``seed``."""
    return generate_bundle(list(range(seed, seed + size)), profile), _config(seed)


def _config(seed: int) -> Config:
    r = random.Random(seed * 7919 + 17)
    nf = r.choice([1, 1, 1, 2, 3, 4, 8])
    nr = r.choice([1, 1, 1, 2, 3, 4])
    width1 = (nf > 1 or nr > 1) and r.random() < 0.2
    njit = r.random() < 0.08
    ns = [r.randint(1, 3), r.randint(4, 7)]
    # choices added later draw from their own stream (earlier seeds keep their plans)
    r2 = random.Random(seed * 104729 + 3)
    active = "".join(v for v in "xyab" if r2.random() > 0.15) or "x"
    only = r2.random() < 0.2
    return Config(nf=nf, nr=nr, ns=ns, data_seed=seed, width1=width1, njit=njit,
                        active=active, only=only)
