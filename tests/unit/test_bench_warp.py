"""``bench/impl_warp.py`` against zymase on small instances: the NVIDIA Warp gradients the
benchmark compares with must agree with zymase's before any timing means anything.
Covers the three ways the Warp code is written (atomics into the objective: pairwise;
a time loop whose trajectory lives in an array: Lorenz; loops unrolled over static sizes,
the workaround for Warp's reverse mode of dynamic loops: GMM).

Skipped without warp-lang (CI installs only ``.[test]``; ``pip install -e '.[bench]'``
brings it).  Each case compiles one small Warp module (a few seconds)."""
import os
import sys

import numpy as np
import pytest

pytest.importorskip("warp")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import workloads as W  # noqa: E402


def zymase_gradient(w):
    import zymase
    from zymase import Active, Const, Duplicated
    acts = {"dup": Duplicated, "active": Active, "const": Const}
    df = zymase.autodiff_reverse(w.fn, *[acts[w.acts[p]] for p in w.params], ret=Active)
    args, shadows = [], {}
    for p, a in zip(w.params, w.args()):
        args.append(a)
        if w.acts[p] == "dup":
            shadows[p] = np.zeros_like(a)
            args.append(shadows[p])
    res = df(*args, 1.0)
    res = res if isinstance(res, tuple) else (res,)
    return res[0], [shadows[p] for p in w.wrt]


def small(name):
    w = W.get(name, True)
    if name == "pairwise":
        w.data = dict(x=np.random.default_rng(5).random(40), n=40)
    elif name == "lorenz":
        w.data = dict(w.data, n_steps=300)
    return w


@pytest.mark.parametrize("name", ["pairwise", "lorenz", "gmm"])
def test_warp_gradient_matches_zymase(name):
    import impl_warp
    w = small(name)
    y_ref, g_ref = zymase_gradient(w)
    convert, run_primal, run_grad, to_numpy = impl_warp.build(w)
    args = convert(w.data)
    y = run_primal(args)
    g = to_numpy(run_grad(args))
    assert abs(y - y_ref) <= 1e-12 * abs(y_ref)
    assert W.rel_err(g, g_ref) <= 1e-10
    # a second call starts from zeroed gradients (no accumulation across calls)
    g2 = to_numpy(run_grad(args))
    assert W.rel_err(g2, g_ref) <= 1e-10
