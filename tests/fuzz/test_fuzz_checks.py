"""The checks catch what they are meant to catch (mutation tests of the fuzzer itself):
a wrong derivative rule (both modes wrong alike: only finite differences can tell), a forward
tangent off by a little (the consistency identity), a width-N lane that differs from its
width-1 call, a caller's Const array modified, a kink that must not be reported."""
import numpy as np
import pytest

from zymase.fuzz import check
from zymase.fuzz.check import Config, check_source, enable_nrt_stats

SMOOTH = """
import math
import numpy as np
from numba import njit

def f(x, y, c, a, b, n):
    s = 0.25 * b
    for i in range(n):
        s = 0.5 * s + math.tanh(x[i] * a) * c[i]
        y[i] = y[i] * b + math.sin(s)
    return s + np.dot(x, y)
"""


@pytest.fixture(autouse=True)
def _stats():
    enable_nrt_stats()


def test_a_correct_program_passes():
    res = check_source(SMOOTH, Config(nf=2, nr=3, ns=[1, 5], width1=True))
    assert res["status"] == "ok", res
    assert res["fd"].startswith("agree")


def test_a_wrong_rule_is_caught_by_finite_differences(monkeypatch):
    from zymase.rules import table
    monkeypatch.setitem(table.MATH, "tanh", table.Rule("tanh", ("1 - r",)))   # not 1 - r*r
    res = check_source(SMOOTH.replace("def f", "def f"), Config(ns=[4], data_seed=1))
    assert (res["status"], res["kind"]) == ("wrong", "fd"), res


def test_a_perturbed_tangent_breaks_the_consistency_identity(monkeypatch):
    real = check.Program.call_fwd

    def off(self, *a, **k):
        r, x, y, t, dx, dy = real(self, *a, **k)
        return r, x, y, t * (1 + 1e-7), dx, dy
    monkeypatch.setattr(check.Program, "call_fwd", off)
    res = check_source(SMOOTH, Config(ns=[4], fd=False))
    assert (res["status"], res["kind"]) == ("wrong", "consistency"), res


def test_a_wrong_lane_is_caught(monkeypatch):
    real = check.Program.call_rev

    def lane(self, width, *a, **k):
        r, x, y, ga, gb, gx, gy = real(self, width, *a, **k)
        if width > 1:
            gx = gx.copy()
            gx[1, 0] += 1e-9
        return r, x, y, ga, gb, gx, gy
    monkeypatch.setattr(check.Program, "call_rev", lane)
    res = check_source(SMOOTH, Config(nr=3, ns=[4], fd=False, width1=True,
                                      checks=("primal", "width")))
    assert (res["status"], res["kind"]) == ("wrong", "width-reverse"), res


def test_a_modified_const_array_is_caught(monkeypatch):
    real = check.Program.call_rev

    def scribble(self, width, x, y, c, *a, **k):
        out = real(self, width, x, y, c, *a, **k)
        c[0] += 1.0
        return out
    monkeypatch.setattr(check.Program, "call_rev", scribble)
    res = check_source(SMOOTH, Config(ns=[3], fd=False))
    assert (res["status"], res["kind"]) == ("wrong", "const-modified"), res


KINK = """
import math
import numpy as np
from numba import njit

def f(x, y, c, a, b, n):
    s = 0.0
    for i in range(n):
        if x[i] * 1e6 > a * 1e6 - 1e-3:
            s += 1e3 * x[i]
        else:
            s -= x[i]
    return s
"""


def test_a_branch_flip_inside_the_step_is_not_reported():
    """x[0] sits 1e-9 below the jump: central differences straddle it at every step the
    Richardson table uses, the trace twin sees the flip and the check skips."""
    prog = check.Program(KINK)
    d = dict(n=1, x=np.array([0.5]), y=np.array([0.1]), c=np.array([0.2]), a=0.5 + 1e-9,
             b=1.0, vx=np.ones((1, 1)), vy=np.zeros((1, 1)), va=np.zeros(1), vb=np.zeros(1),
             wr=np.ones(1), wx=np.zeros((1, 1)), wy=np.zeros((1, 1)))
    assert check.fd_check(prog, d, 1e3) in ("kink", "agree-after-kink-check", "agree")
    assert check.fd_check(prog, d, -1.0) in ("kink", "agree-after-kink-check", "agree")
    d["x"] = np.array([0.3])                    # away from the jump: a wrong value is caught
    assert check.fd_check(prog, d, -1.0) == "agree"
    with pytest.raises(check.Failure):
        check.fd_check(prog, d, -1.001)
