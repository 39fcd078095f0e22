"""Reverse mode through copies of memory that mixes floats and integers
(``zymase/transforms/reverse/copies.py``).

The main case is reverse over reverse: a function that calls a zymase reverse derivative,
whose tape (a stack of doubles and integers: values, block ids, trip counts) starts in a 4 KiB
stack buffer, is copied to the heap with ``memcpy`` when it outgrows it and then doubles with
``realloc``.  Hessian-vector products from reverse over reverse are checked against forward
over reverse (``zymase.hvp``) and against central differences of the gradient (1e-6
relative), at sizes whose tapes stay in the stack buffer, cross it, and double several times.

C functions (compiled here with zig's clang; skipped without it) check the same adjoints on
arrays of structs grown with ``realloc``: ``{long id; double v}`` (cells that line up: the
copy's adjoint adds), ``{int id; double v}`` and a packed ``{char; double}`` (a realloc's
adjoint moves the copied bytes back), a ``memcpy`` of mixed memory whose source stays live,
a shrinking realloc, a realloc the heap refuses (null: the old block stays in use), and
width 4.  An inner derivative that allocates arrays keeps a list of their shadows (pointers,
no floats): that list's copies carry the shadows forwards and have no adjoint.  The constructs still refused raise ``UnsupportedError``.
"""
from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Duplicated
from zymase.errors import UnsupportedError

from tests.support import central_difference, check_grads, fd_gradient


# -------------------------------------------------------------------------------------------
# reverse over reverse: the inner derivative's tape grows
# -------------------------------------------------------------------------------------------
@numba.njit
def branchy(x):
    """A loop with a branch: the tape holds which side ran (integers) beside doubles."""
    s = 0.0
    n = x.shape[0]
    for i in range(n):
        if x[i] > 0.5:
            s += x[i] * x[i] * math.sin(x[(i + 1) % n])
        else:
            s += math.exp(0.3 * x[i]) * x[(i + 2) % n]
    return s


@numba.njit
def running_max(x):
    """A running maximum: the tape holds the index of the current maximum."""
    s = 0.0
    m = x[0]
    k = 0
    for i in range(x.shape[0]):
        if x[i] > m:
            m = x[i]
            k = i
        s += m * math.cos(x[i]) + 0.1 * k * x[i] * x[i]
    return s


def _directional(f):
    """``g(x, v) = <grad f(x), v>`` in @njit code calling f's reverse derivative: its
    gradient in x is ``H v``."""
    df = zymase.autodiff_reverse(f, Duplicated, ret=Active)

    @numba.njit
    def g(x, v):
        dx = np.zeros_like(x)
        df(x, dx, 1.0)
        s = 0.0
        for i in range(x.shape[0]):
            s += dx[i] * v[i]
        return s
    return df, g


def _grad(df, x):
    dx = np.zeros_like(x)
    df(x, dx, 1.0)
    return dx


@pytest.mark.parametrize("f", [branchy, running_max], ids=["branch", "running_max"])
def test_hvp_reverse_over_reverse(f):
    df, g = _directional(f)
    dg = zymase.autodiff_reverse(g, Duplicated, Const, ret=Active)
    sizes = (20, 300, 1500, 6000)      # tapes of under 4 KiB up to several doublings
    tapes = []
    for n in sizes:
        rng = np.random.default_rng(n)
        x = rng.uniform(0.0, 1.0, n)
        v = rng.standard_normal(n)
        tapes.append(_tape_bytes(f, x))
        hv = np.zeros(n)
        val = dg(x, hv, v, 1.0)
        assert val == pytest.approx(g(x, v), rel=1e-14)
        fd = central_difference(lambda t: _grad(df, x + t * v), 1e-6).value
        scale = np.max(np.abs(fd))
        np.testing.assert_allclose(hv, fd, rtol=1e-6, atol=1e-7 * scale)
        fwd = zymase.hvp(f, (x,), (v,))
        np.testing.assert_allclose(hv, fwd, rtol=1e-11, atol=1e-13 * scale)
    # the sizes cover what this test is about: a stack-buffer tape, and heap tapes that
    # doubled (4 KiB -> 8 -> 16 ... KiB) several times
    assert tapes[0] < 4096 < tapes[1] and tapes[-1] > 16 * 4096, tapes


def _tape_bytes(f, x):
    d = zymase.autodiff_reverse(f, Duplicated, ret=Active)
    d(x, np.zeros_like(x), 1.0)
    return d.tape_bytes()


def test_reverse_over_reverse_in_a_loop_of_calls():
    """The inner derivative runs several times per outer call (its stack buffer is reused,
    its heap tape is allocated and freed each time)."""
    df = zymase.autodiff_reverse(branchy, Duplicated, ret=Active)

    @numba.njit
    def g(x, v):
        s = 0.0
        for r in range(3):
            dx = np.zeros_like(x)
            df(x * (1.0 + 0.1 * r), dx, 1.0)
            for i in range(x.shape[0]):
                s += dx[i] * v[i] * (r + 1)
        return s

    dg = zymase.autodiff_reverse(g, Duplicated, Const, ret=Active)
    n = 800
    rng = np.random.default_rng(3)
    x, v = rng.uniform(0.0, 1.0, n), rng.standard_normal(n)
    hv = np.zeros(n)
    dg(x, hv, v, 1.0)
    w = rng.standard_normal(n)        # <grad g, w> against a central difference along w
    fd = central_difference(lambda t: g(x + t * w, v), 1e-6).value
    assert hv @ w == pytest.approx(fd, rel=1e-6)


# -------------------------------------------------------------------------------------------
# C: arrays of structs grown with realloc
# -------------------------------------------------------------------------------------------
C_SOURCE = r"""
#include <stdlib.h>
#include <string.h>
#include <math.h>
typedef struct { long id; double v; } item;
typedef struct { int id; double v; } narrow_item;
typedef struct __attribute__((packed)) { char tag; double v; } packed_item;
typedef struct { const double *p; double v; } ptr_item;

/* a filtered list of {id, value}, doubling, then read back weighted by the ids */
double items(const double *x, long n) {
  long cap = 2, m = 0;
  item *a = (item *)malloc(cap * sizeof(item));
  for (long i = 0; i < n; i++) {
    if (x[i] < -0.5) continue;
    if (m == cap) { cap *= 2; a = (item *)realloc(a, cap * sizeof(item)); }
    a[m].id = i; a[m].v = sin(x[i]) * x[(i + 1) % n]; m++;
  }
  double s = 0;
  for (long k = 0; k < m; k++) s += a[k].v * a[k].v * (double)(1 + a[k].id % 3);
  free(a);
  return s;
}

/* int ids beside doubles, grown one element at a time, then shrunk to fit */
double narrow(const double *x, long n) {
  long m = 0;
  narrow_item *a = NULL;
  for (long i = 0; i < n; i++) {
    a = (narrow_item *)realloc(a, (i + 1) * sizeof(narrow_item));
    if (x[i] > 0.3) { a[m].id = (int)i; a[m].v = exp(x[i]) * x[i]; m++; }
  }
  a = (narrow_item *)realloc(a, (m > 0 ? m : 1) * sizeof(narrow_item));
  double s = 0;
  for (long k = 0; k < m; k++) s += a[k].v * cos(a[k].v) * (1 + a[k].id % 2);
  free(a);
  return s;
}

double packed(const double *x, long n) {
  packed_item *a = (packed_item *)malloc(sizeof(packed_item));
  for (long i = 0; i < n; i++) {
    a = (packed_item *)realloc(a, (i + 1) * sizeof(packed_item));
    a[i].tag = (char)(i % 5); a[i].v = sin(x[i]) + x[i];
  }
  double s = 0;
  for (long i = 0; i < n; i++) s += a[i].v * a[i].v * (1 + a[i].tag);
  free(a);
  return s;
}

/* a memcpy of {id, value} items whose source is read again after the copy */
double copied(const double *x, long n) {
  item *a = (item *)malloc(n * sizeof(item));
  item *b = (item *)malloc(n * sizeof(item));
  for (long i = 0; i < n; i++) { a[i].id = n - i; a[i].v = x[i] * x[i]; }
  memcpy(b, a, n * sizeof(item));
  double s = 0;
  for (long i = 0; i < n; i++) s += a[i].v * b[(i + 1) % n].v * (double)b[i].id;
  free(a); free(b);
  return s;
}

/* a realloc the heap refuses returns null and leaves the old block in use: the shadow's
   adjoints stay where the reads after the call put them (a move would overwrite them) */
double refused_narrow(const double *x, long n) {
  narrow_item *a = (narrow_item *)malloc(n * sizeof(narrow_item));
  for (long i = 0; i < n; i++) { a[i].id = (int)(i % 3); a[i].v = x[i] * x[i]; }
  narrow_item *b = (narrow_item *)realloc(a, (size_t)1 << 62);
  if (b != NULL) a = b;
  double s = 0;
  for (long i = 0; i < n; i++) s += sin(a[i].v) * (1 + a[i].id);
  free(a);
  return s;
}

double refused_items(const double *x, long n) {
  item *a = (item *)malloc(n * sizeof(item));
  for (long i = 0; i < n; i++) { a[i].id = i % 3; a[i].v = x[i] * x[i]; }
  item *b = (item *)realloc(a, (size_t)1 << 62);
  if (b != NULL) a = b;
  double s = 0;
  for (long i = 0; i < n; i++) s += sin(a[i].v) * (double)(1 + a[i].id);
  free(a);
  return s;
}

/* refused: the cells do not line up and a memcpy's source stays live (no move) */
double copied_narrow(const double *x, long n) {
  narrow_item *a = (narrow_item *)malloc(n * sizeof(narrow_item));
  narrow_item *b = (narrow_item *)malloc(n * sizeof(narrow_item));
  for (long i = 0; i < n; i++) { a[i].id = (int)i; a[i].v = x[i] * x[i]; }
  memcpy(b, a, n * sizeof(narrow_item));
  double s = 0;
  for (long i = 0; i < n; i++) s += a[i].v * b[i].v * b[i].id;
  free(a); free(b);
  return s;
}

/* refused: a call kept out of line (recursive) reads the memory, out of the analysis'
   sight (at -O0 the recursive call itself is refused first) */
double sum_rec(const item *a, long n) {
  if (n == 0) return 0.0;
  return a[n - 1].v * (double)a[n - 1].id + sin(sum_rec(a, n - 1));
}

double recursive(const double *x, long n) {
  item *a = (item *)malloc(sizeof(item));
  for (long i = 0; i < n; i++) {
    a = (item *)realloc(a, (i + 1) * sizeof(item));
    a[i].id = i % 4; a[i].v = x[i] * x[i];
  }
  double s = sum_rec(a, n);
  free(a);
  return s;
}

/* refused: the reallocated memory holds pointers */
double pointers(const double *x, long n) {
  ptr_item *a = (ptr_item *)malloc(sizeof(ptr_item));
  for (long i = 0; i < n; i++) {
    a = (ptr_item *)realloc(a, (i + 1) * sizeof(ptr_item));
    a[i].p = x + i; a[i].v = sin(x[i]);
  }
  double s = 0;
  for (long i = 0; i < n; i++) s += a[i].v * *a[i].p;
  free(a);
  return s;
}
"""


def _have_zig():
    try:
        import ziglang  # noqa: F401
        return True
    except ImportError:
        return False


@pytest.fixture(scope="module", params=[0, 2], ids=["O0", "O2"])
def clib(request, tmp_path_factory):
    if not _have_zig():
        pytest.skip("needs clang: pip install ziglang")
    o = request.param
    d = tmp_path_factory.mktemp(f"realloc_mixed_O{o}")
    src, out = d / "mixed.c", d / "mixed.ll"
    src.write_text(textwrap.dedent(C_SOURCE))
    r = subprocess.run([sys.executable, "-m", "ziglang", "cc", "-S", "-emit-llvm", f"-O{o}",
                        "-Xclang", f"-O{o}", "-g0", "-fno-sanitize=undefined", "-target",
                        "x86_64-linux-gnu", "-mcpu=x86_64", str(src), "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return lambda name: zymase.llvm_function(str(out), f"double {name}(const double x[n], long n)")


@pytest.fixture(scope="module")
def x():
    # some entries below -0.5 and some above 0.3: the filters keep part of them
    return np.random.default_rng(11).uniform(-1.0, 1.0, 37)


@pytest.mark.parametrize("name", ["items", "narrow", "packed", "copied", "refused_narrow",
                                  "refused_items"])
def test_c_structs_against_finite_differences(clib, x, name):
    """``items``/``copied``: cells that line up (the copy's adjoint adds); ``narrow``,
    ``packed``: a realloc's adjoint moves the copied bytes back (``narrow`` also shrinks);
    ``refused_*``: a realloc that returns null has no adjoint, moving or adding."""
    f = clib(name)
    check_grads(f, (x,))
    g = zymase.grad(f)(x)
    fd = fd_gradient(lambda t: f(t), x).value
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9 * np.max(np.abs(fd)))


@pytest.mark.parametrize("name", ["items", "narrow"])
def test_c_structs_width_4(clib, x, name):
    """Width 4 (a shadow block per lane, each moved or added on its own) equals four
    width-1 gradients."""
    f = clib(name)
    seeds = np.array([1.0, -0.5, 2.0, 0.25])
    r4 = zymase.autodiff_reverse(f, Duplicated, ret=Active, width=4)
    dx4 = np.zeros((4, x.size))
    r4(x, dx4, seeds)
    g = zymase.grad(f)(x)
    fd = fd_gradient(lambda t: f(t), x).value
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9 * np.max(np.abs(fd)))
    for k in range(4):
        np.testing.assert_allclose(dx4[k], seeds[k] * g, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name, why", [
    ("pointers", "memory that also holds pointers"),
    ("copied_narrow", "integers narrower than or not aligned"),
    ("recursive", "a call to sum_rec.* also reads or writes|stays a call"),
])
def test_refusals(clib, x, name, why):
    f = clib(name)
    with pytest.raises(UnsupportedError, match=why):
        zymase.grad(f)(x)


@numba.njit
def allocating(x):
    """An array allocated in every iteration: the derivative keeps a growing list of their
    shadows (pointers and integers, no floats) beside its tape."""
    s = 0.0
    n = x.shape[0]
    for i in range(n):
        t = np.empty(2)
        t[0] = x[i]
        t[1] = x[(i + 1) % n]
        s += math.sin(t[0] * t[1]) + t[0] * t[0] * t[1]
    return s


@numba.njit
def allocating_branch(x):
    """As ``allocating`` with a branch on the array's contents: the tape then holds the
    array's address beside doubles and integers."""
    s = 0.0
    n = x.shape[0]
    for i in range(n):
        t = np.empty(2)
        t[0] = x[i]
        t[1] = x[(i + 1) % n]
        if t[0] > 0.5:
            s += math.sin(t[0] * t[1])
        else:
            s += math.exp(t[1]) * t[0]
    return s


def test_reverse_over_reverse_of_an_allocating_function():
    """The list of shadow arrays (memory of pointers, no floats) is copied forwards when it
    leaves its stack buffer and when it doubles; it has no adjoint."""
    df, g = _directional(allocating)
    dg = zymase.autodiff_reverse(g, Duplicated, Const, ret=Active)
    for n in (10, 700, 3000):        # 8 bytes per array: the list crosses 4 KiB at 512
        rng = np.random.default_rng(n)
        x, v = rng.uniform(0.0, 1.0, n), rng.standard_normal(n)
        hv = np.zeros(n)
        dg(x, hv, v, 1.0)
        fd = central_difference(lambda t: _grad(df, x + t * v), 1e-6).value
        scale = np.max(np.abs(fd))
        np.testing.assert_allclose(hv, fd, rtol=1e-6, atol=1e-7 * scale)
        np.testing.assert_allclose(hv, zymase.hvp(allocating, (x,), (v,)), rtol=1e-11,
                                   atol=1e-13 * scale)


def test_reverse_over_reverse_of_a_tape_holding_pointers_is_refused():
    """A tape holding floats and pointers: the pointers' shadow cells are not zero, so its
    copies are refused (by name, at the line that calls the inner derivative)."""
    df, g = _directional(allocating_branch)
    dg = zymase.autodiff_reverse(g, Duplicated, Const, ret=Active)
    x = np.linspace(0.1, 1.0, 50)
    with pytest.raises(UnsupportedError, match="holds pointers"):
        dg(x, np.zeros_like(x), np.ones_like(x), 1.0)
