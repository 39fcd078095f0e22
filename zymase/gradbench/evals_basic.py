"""GradBench modules ``hello``, ``ode``, ``lse`` and ``llsq``: small functions as plain loops.

Inputs and outputs (gradbench/gradbench ``evals/<name>/README.md``, commit f26651a):

* ``hello``: ``square(x) = x*x``, ``double(x)`` = its derivative (input a number);
* ``ode``: ``primal``/``gradient``, input ``{x, s}``: RK4 with ``s`` steps on ``[0, 2]`` of
  ``y0' = x0, yi' = xi * y(i-1)``, ``y(0) = 0``; primal = final ``y``; gradient = gradient
  of the last element of final ``y`` with respect to ``x``;
* ``lse``: ``primal``/``gradient`` of ``log sum exp x`` computed with the max trick, input
  ``{x}``;
* ``llsq``: ``primal``/``gradient`` of ``1/2 sum_i (sign(t_i) - sum_j x_j t_i^j)^2`` with
  ``t_i = -1 + 2 i / (n - 1)``, input ``{x, n}``.

Every derivative is zymase's reverse mode of the code below; every primal is the same code
compiled by Numba.
"""
import math

import numba
import numpy as np

import zymase
from zymase import Active, Const, Duplicated

from .common import Module, as_array


# --------------------------------------------------------------------------- objectives

def square(x):
    return x * x


def ode_solve(x, s, y):
    """RK4 with s steps on [0, 2] of GradBench's ``ode`` system; final state into y."""
    n = x.shape[0]
    h = 2.0 / s
    k1 = np.empty(n)
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    yt = np.empty(n)
    for i in range(n):
        y[i] = 0.0
    for _ in range(s):
        k1[0] = x[0]
        for i in range(1, n):
            k1[i] = x[i] * y[i - 1]
        for i in range(n):
            yt[i] = y[i] + h * k1[i] / 2.0
        k2[0] = x[0]
        for i in range(1, n):
            k2[i] = x[i] * yt[i - 1]
        for i in range(n):
            yt[i] = y[i] + h * k2[i] / 2.0
        k3[0] = x[0]
        for i in range(1, n):
            k3[i] = x[i] * yt[i - 1]
        for i in range(n):
            yt[i] = y[i] + h * k3[i]
        k4[0] = x[0]
        for i in range(1, n):
            k4[i] = x[i] * yt[i - 1]
        for i in range(n):
            y[i] += h * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) / 6.0


ode_solve_nb = numba.njit(ode_solve)


def ode_last(x, s):
    y = np.empty(x.shape[0])
    ode_solve_nb(x, s, y)
    return y[x.shape[0] - 1]


def lse(x):
    n = x.shape[0]
    a = x[0]
    for i in range(1, n):
        if x[i] > a:
            a = x[i]
    s = 0.0
    for i in range(n):
        s += math.exp(x[i] - a)
    return math.log(s) + a


def llsq(x, n):
    m = x.shape[0]
    total = 0.0
    for i in range(n):
        ti = -1.0 + i * 2.0 / (n - 1)
        si = 0.0
        if ti > 0.0:
            si = 1.0
        elif ti < 0.0:
            si = -1.0
        inner = si
        mul = 1.0
        for j in range(m):
            inner -= x[j] * mul
            mul *= ti
        total += inner * inner
    return total / 2.0



# --------------------------------------------------------------------------- modules

def _hello():
    d_square = zymase.autodiff_reverse(square, Active, ret=Active, checks=False)
    sq = numba.njit(square)
    return Module(
        dict(square=lambda x: sq(x), double=lambda x: d_square(x, 1.0)[1]),
        prepare=lambda inp: float(inp), post=lambda name, r: float(r), warm_input=1.0)


def _ode():
    dode = zymase.autodiff_reverse(ode_last, Duplicated, Const, ret=Active, checks=False)

    def primal(a):
        x, s = a
        y = np.empty(x.shape[0])
        ode_solve_nb(x, s, y)
        return y

    def gradient(a):
        x, s = a
        dx = np.zeros_like(x)
        dode(x, dx, s, 1.0)
        return dx

    return Module(dict(primal=primal, gradient=gradient),
                  prepare=lambda inp: (as_array(inp["x"]), int(inp["s"])),
                  post=lambda name, r: r.tolist(), warm_input=dict(x=[0.5, 0.25, 0.125], s=2))


def _lse():
    dlse = zymase.autodiff_reverse(lse, Duplicated, ret=Active, checks=False)
    plse = numba.njit(lse)

    def gradient(x):
        dx = np.zeros_like(x)
        dlse(x, dx, 1.0)
        return dx

    return Module(dict(primal=plse, gradient=gradient), prepare=lambda inp: as_array(inp["x"]),
                  post=lambda name, r: float(r) if name == "primal" else r.tolist(),
                  warm_input=dict(x=[0.1, 0.5, 0.3]))


def _llsq():
    dllsq = zymase.autodiff_reverse(llsq, Duplicated, Const, ret=Active, checks=False)
    pllsq = numba.njit(llsq)

    def gradient(a):
        x, n = a
        dx = np.zeros_like(x)
        dllsq(x, dx, n, 1.0)
        return dx

    return Module(dict(primal=lambda a: pllsq(*a), gradient=gradient),
                  prepare=lambda inp: (as_array(inp["x"]), int(inp["n"])),
                  post=lambda name, r: float(r) if name == "primal" else r.tolist(),
                  warm_input=dict(x=[0.1, 0.2, 0.3], n=5))



MODULES = dict(hello=_hello, ode=_ode, lse=_lse, llsq=_llsq)
