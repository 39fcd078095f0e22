"""The misuse battery: every wrong way to call zymase gives the right error, names the culprit,
does not crash the process, and leaves zymase usable.

Each group of cases runs in its own Python process (a script written to ``tmp_path``), so a
segfault or an abort in compiled code shows up as a failed test instead of killing pytest.
Inside the script every case is wrapped by ``expect``: it records the exception class (and its
MRO, so we check both the zymase class and the built-in it subclasses), the message, and then
makes a *correct* call in the same process and records its numbers next to the analytically
known answer.  Each record is printed as it is made, so a crash keeps the records before it.

Crash-prone or known-broken cases (deliberately unchecked calls, ctypes callees, bugs marked
``xfail(strict=True)``) get a process of their own; the rest are batched by theme to keep the
battery to a few process start-ups.  All groups start together, in a small thread pool.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARK = "@@CASE@@"

PRELUDE = '''
import json, sys
import numpy as np
import numba
import zymase
from zymase import Active, ActiveOnly, Const, Dual, DualOnly, Duplicated, DuplicatedOnly


def expect(label, thunk, good=None, want=None):
    """Run a misuse, record what it raised; then run a correct call and record its numbers."""
    rec = {}
    try:
        value = thunk()
    except BaseException as e:  # a crash would not get here; everything else is recorded
        rec.update(raised=type(e).__name__, mro=[c.__name__ for c in type(e).__mro__],
                   msg=str(e))
    else:
        rec.update(raised=None, value=repr(value))
    if good is not None:
        try:
            rec["good"] = np.asarray(good(), dtype=float).ravel().tolist()
            rec["want"] = np.asarray(want, dtype=float).ravel().tolist()
        except BaseException as e:
            rec["good_error"] = f"{type(e).__name__}: {e}"
    print("@@CASE@@" + json.dumps({label: rec}), flush=True)


def f(x, n):                       # sum of squares: gradient 2x
    s = 0.0
    for i in range(n):
        s += x[i] * x[i]
    return s


def g(a, n):                       # a^2 n: derivative 2 a n
    return a * a * n


def pick(x, b):                    # x0 x1 when b
    if b:
        return x[0] * x[1]
    return 0.0


def two(x, y):                     # <x, y>
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * y[i]
    return s


def tup(t):                        # t0[0] * t1[1]
    return t[0][0] * t[1][1]


X0 = np.array([0.5, -1.25, 2.0, 3.5, -0.75])
N = 5
df = zymase.autodiff_reverse(f, Duplicated, Const, ret=Active)


def good_f():
    dx = np.zeros(N)
    y = df(X0.copy(), dx, N, 1.0)
    return [y, *dx]


WANT_F = [float(np.sum(X0 ** 2)), *(2 * X0)]
'''

GROUPS = {}

# -- activities: decoration time and first call ------------------------------------------------
GROUPS["activity"] = '''
fw_g = zymase.autodiff_forward(g, Dual, Const)
rv_g = zymase.autodiff_reverse(g, Active, Const)
good_g_fwd = lambda: fw_g(1.5, 1.0, 4)
good_g_rev = lambda: rv_g(1.5, 4, 1.0)
WANT_G = [9.0, 12.0]
rv_pick = zymase.autodiff_reverse(pick, Duplicated, Const)

def good_pick():
    x = np.array([2.0, 3.0, 5.0]); dx = np.zeros(3)
    return [rv_pick(x, dx, True, 1.0), *dx]

WANT_PICK = [6.0, 3.0, 2.0, 0.0]

expect("n_activities", lambda: zymase.autodiff_reverse(f, Duplicated), good_f, WANT_F)
expect("not_an_activity", lambda: zymase.autodiff_reverse(f, "Duplicated", Const), good_f, WANT_F)
expect("dual_in_reverse", lambda: zymase.autodiff_reverse(f, Dual, Const), good_f, WANT_F)
expect("active_in_forward", lambda: zymase.autodiff_forward(g, Active, Const), good_g_fwd, WANT_G)
expect("active_on_int", lambda: zymase.autodiff_reverse(g, Const, Active)(1.5, 4, 1.0),
       good_g_rev, WANT_G)
expect("duplicated_on_float",
       lambda: zymase.autodiff_reverse(g, Duplicated, Const)(1.5, 0.0, 4, 1.0), good_g_rev, WANT_G)
x3 = np.array([2.0, 3.0, 5.0])
expect("duplicated_on_bool",
       lambda: zymase.autodiff_reverse(pick, Duplicated, Duplicated)(x3, np.zeros(3), True, False, 1.0),
       good_pick, WANT_PICK)
expect("dual_on_bool",
       lambda: zymase.autodiff_forward(pick, Dual, Dual)(x3, np.zeros(3), True, False),
       good_pick, WANT_PICK)
expect("too_few_call_args", lambda: df(X0.copy(), np.zeros(N), N), good_f, WANT_F)
expect("too_many_call_args", lambda: df(X0.copy(), np.zeros(N), N, 1.0, 2.0), good_f, WANT_F)
expect("forward_call_args", lambda: fw_g(1.5, 4), good_g_fwd, WANT_G)

def h(x, seed):                    # a parameter that happens to be called `seed`
    return x[0] * seed

expect("call_args_param_named_seed",
       lambda: zymase.autodiff_reverse(h, Duplicated, Active)(np.ones(2), np.zeros(2), 1.0),
       good_f, WANT_F)
'''

# -- shadow checks on calls from Python ----------------------------------------------------------
GROUPS["shadow_python"] = '''
x = X0.copy()
ro = np.zeros(N); ro.flags.writeable = False
buf = np.zeros(N + 1)
expect("shape", lambda: df(x, np.zeros(3), N, 1.0), good_f, WANT_F)
expect("dtype", lambda: df(x, np.zeros(N, dtype=np.float32), N, 1.0), good_f, WANT_F)
expect("dtype_int", lambda: df(x, np.zeros(N, dtype=np.int64), N, 1.0), good_f, WANT_F)
expect("strides", lambda: df(x, np.zeros(2 * N)[::2], N, 1.0), good_f, WANT_F)
expect("not_an_array", lambda: df(x, [0.0] * N, N, 1.0), good_f, WANT_F)
expect("read_only", lambda: df(x, ro, N, 1.0), good_f, WANT_F)
expect("alias_primal", lambda: df(x, x, N, 1.0), good_f, WANT_F)
expect("alias_primal_overlap", lambda: df(buf[:N], buf[1:], N, 1.0), good_f, WANT_F)
d2 = zymase.autodiff_reverse(two, Duplicated, Duplicated)
s = np.zeros(N)
sbuf = np.zeros(N + 2)

def good_two():
    a, b = X0.copy(), 2 * X0
    da, db = np.zeros(N), np.zeros(N)
    return [d2(a, da, b, db, 1.0), *da, *db]

WANT_TWO = [float(X0 @ (2 * X0)), *(2 * X0), *X0]
expect("shadows_alias", lambda: d2(X0.copy(), s, 2 * X0, s, 1.0), good_two, WANT_TWO)
expect("shadows_overlap", lambda: d2(X0.copy(), sbuf[:N], 2 * X0, sbuf[2:], 1.0), good_two, WANT_TWO)
fw4 = zymase.autodiff_forward(f, Dual, Const, ret=Dual, width=4)
V4 = np.arange(4 * N, dtype=float).reshape(4, N)

def good_w4():
    y, t = fw4(X0.copy(), V4.copy(), N)
    return [y, *t]

WANT_W4 = [float(np.sum(X0 ** 2)), *(V4 @ (2 * X0))]
expect("width4_missing_axis", lambda: fw4(x, np.zeros(N), N), good_w4, WANT_W4)
expect("width4_wrong_axis", lambda: fw4(x, np.zeros((3, N)), N), good_w4, WANT_W4)
fw4g = zymase.autodiff_forward(g, Dual, Const, width=4)
expect("width4_scalar_tangent", lambda: fw4g(1.5, 1.0, 4), good_w4, WANT_W4)
dt = zymase.autodiff_reverse(tup, Duplicated)
t = (np.array([2.0, 3.0]), np.array([5.0, 7.0]))

def good_tup():
    dts = (np.zeros(2), np.zeros(2))
    return [dt(t, dts, 1.0), *dts[0], *dts[1]]

WANT_TUP = [14.0, 7.0, 0.0, 0.0, 2.0]
expect("tuple_length", lambda: dt(t, (np.zeros(2),), 1.0), good_tup, WANT_TUP)
expect("tuple_not_tuple", lambda: dt(t, np.zeros(2), 1.0), good_tup, WANT_TUP)
expect("tuple_member_shape", lambda: dt(t, (np.zeros(2), np.zeros(3)), 1.0), good_tup, WANT_TUP)
'''

# -- the same checks when the derivative is called from @njit code -------------------------------
NJIT_DEFS = '''
@numba.njit
def call(x, dx, n):
    return df(x, dx, n, 1.0)

@numba.njit
def call_alias(x, n):
    return df(x, x, n, 1.0)

@numba.njit
def call_overlap(buf, n):
    return df(buf[0:n], buf[1:n + 1], n, 1.0)

def good_njit():
    dx = np.zeros(N)
    return [call(X0.copy(), dx, N), *dx]
'''

GROUPS["shadow_njit"] = NJIT_DEFS + '''
x = X0.copy()
ro = np.zeros(N); ro.flags.writeable = False
expect("shape", lambda: call(x, np.zeros(3), N), good_njit, WANT_F)
expect("dtype", lambda: call(x, np.zeros(N, dtype=np.float32), N), good_njit, WANT_F)
expect("strides", lambda: call(x, np.zeros(2 * N)[::2], N), good_njit, WANT_F)
expect("read_only", lambda: call(x, ro, N), good_njit, WANT_F)
expect("alias_primal", lambda: call_alias(x, N), good_njit, WANT_F)
expect("alias_primal_args", lambda: call(x, x, N), good_njit, WANT_F)
expect("alias_primal_overlap", lambda: call_overlap(np.zeros(N + 1), N), good_njit, WANT_F)
fw4 = zymase.autodiff_forward(f, Dual, Const, ret=Dual, width=4)

@numba.njit
def call4(x, dx, n):
    return fw4(x, dx, n)

V4 = np.arange(4 * N, dtype=float).reshape(4, N)

def good_w4():
    y, t = call4(X0.copy(), V4.copy(), N)
    return [y, *t]

WANT_W4 = [float(np.sum(X0 ** 2)), *(V4 @ (2 * X0))]
expect("width4_missing_axis", lambda: call4(x, np.zeros(N), N), good_w4, WANT_W4)
expect("width4_wrong_axis", lambda: call4(x, np.zeros((3, N)), N), good_w4, WANT_W4)
dt = zymase.autodiff_reverse(tup, Duplicated)

@numba.njit
def callt1(a, b, da):
    return dt((a, b), (da,), 1.0)

@numba.njit
def callt2(a, b, da, db):
    return dt((a, b), (da, db), 1.0)

a, b = np.array([2.0, 3.0]), np.array([5.0, 7.0])

def good_tup():
    da, db = np.zeros(2), np.zeros(2)
    return [callt2(a, b, da, db), *da, *db]

expect("tuple_length", lambda: callt1(a, b, np.zeros(2)), good_tup, [14.0, 7.0, 0.0, 0.0, 2.0])
'''

# return activities that do not fit the return type: refused before any code runs
GROUPS["activity"] += '''
def arr(x):
    return x * 2.0

def arr_out(x, out):
    for i in range(x.shape[0]):
        out[i] = 2.0 * x[i] * x[i]

rv_out = zymase.autodiff_reverse(arr_out, Duplicated, Duplicated, ret=Const)
W = np.array([1.0, -2.0, 0.5])

def good_out():
    x = np.array([1.0, 2.0, 3.0]); dx = np.zeros(3); out = np.zeros(3); dout = W.copy()
    rv_out(x, dx, out, dout)
    return [*out, *dx]

WANT_OUT = [2.0, 8.0, 18.0, *(4 * np.array([1.0, 2.0, 3.0]) * W)]
for ret in ("Active", "ActiveOnly"):
    expect(f"ret_{ret}_on_array",
           lambda: zymase.autodiff_reverse(arr, Duplicated, ret=getattr(zymase, ret))(
               np.ones(3), np.zeros(3), 1.0), good_out, WANT_OUT)
'''

# a wrong argument count from @njit (a typing error, not crash-prone)
GROUPS["shadow_njit"] += '''
@numba.njit
def short(x, dx, n):
    return df(x, dx, n)

expect("too_few_call_args", lambda: short(X0.copy(), np.zeros(N), N), good_f, WANT_F)
'''

# -- groups with a process of their own: known bugs and unchecked memory ---------------------
GROUPS["return_bugs"] = '''
def scale(x):
    x[0] = x[0] * 3.0

expect("ret_Active_on_none",
       lambda: zymase.autodiff_reverse(scale, Duplicated, ret=Active)(np.ones(3), np.zeros(3), 1.0),
       good_f, WANT_F)

def count(x):
    return 3

expect("ret_Active_on_int",
       lambda: zymase.autodiff_reverse(count, Duplicated, ret=Active)(np.ones(3), np.zeros(3), 1.0),
       good_f, WANT_F)
'''

GROUPS["njit_tuple_member_shape"] = '''
dt = zymase.autodiff_reverse(tup, Duplicated)

@numba.njit
def callt2(a, b, da, db):
    return dt((a, b), (da, db), 1.0)

a, b = np.array([2.0, 3.0]), np.array([5.0, 7.0])

def good_tup():
    da, db = np.zeros(2), np.zeros(2)
    return [callt2(a, b, da, db), *da, *db]

# the wrong shadow is *larger* than its primal: a miss cannot write out of bounds
expect("tuple_member_shape", lambda: callt2(a, b, np.zeros(2), np.zeros(3)),
       good_tup, [14.0, 7.0, 0.0, 0.0, 2.0])
'''

GROUPS["njit_shadows_alias"] = '''
d2 = zymase.autodiff_reverse(two, Duplicated, Duplicated)

@numba.njit
def call2(x, dx, y, dy):
    return d2(x, dx, y, dy, 1.0)

def good_two():
    a, b = X0.copy(), 2 * X0
    da, db = np.zeros(N), np.zeros(N)
    return [call2(a, da, b, db), *da, *db]

s = np.zeros(N)
expect("shadows_alias", lambda: call2(X0.copy(), s, 2 * X0, s), good_two,
       [float(X0 @ (2 * X0)), *(2 * X0), *X0])
'''

CTYPES_SRC = '''
import ctypes, ctypes.util
_libm = ctypes.CDLL(ctypes.util.find_library("m"))
c_cos = _libm.cos
c_cos.restype = ctypes.c_double
c_cos.argtypes = [ctypes.c_double]


def model(x, n):
    s = 0.0
    for i in range(n):
        y = c_cos(x[i])  # CALL-SITE-ARRAY
        s += y * x[i]
    return s


def smodel(a):
    return c_cos(a) * a  # CALL-SITE-SCALAR


expect("ctypes_reverse_array",
       lambda: zymase.autodiff_reverse(model, Duplicated, Const)(X0.copy(), np.zeros(N), N, 1.0),
       good_f, WANT_F)
expect("ctypes_reverse_scalar", lambda: zymase.autodiff_reverse(smodel, Active)(0.3, 1.0),
       good_f, WANT_F)
expect("ctypes_forward_scalar", lambda: zymase.autodiff_forward(smodel, Dual)(0.3, 1.0),
       good_f, WANT_F)
# not differentiated with respect to anything: the C call is inactive and runs as is
expect("ctypes_inactive", lambda: None,
       lambda: [zymase.autodiff_reverse(model, Const, Const)(X0.copy(), N, 1.0)],
       [float(np.sum(np.cos(X0) * X0))])
'''
GROUPS["ctypes"] = CTYPES_SRC

GROUPS["checks_false"] = '''
dnc = zymase.autodiff_reverse(f, Duplicated, Const, ret=Active, checks=False)

@numba.njit
def call_nc(x, dx, n):
    return dnc(x, dx, n, 1.0)

def big(call):
    # wrong shape (8 instead of 5) but large enough: accepted, gradient lands in the first 5
    dx = np.zeros(N + 3)
    return [call(X0.copy(), dx, N), *dx]

WANT_BIG = [float(np.sum(X0 ** 2)), *(2 * X0), 0.0, 0.0, 0.0]
expect("python", lambda: None, lambda: big(lambda x, dx, n: dnc(x, dx, n, 1.0)), WANT_BIG)
expect("njit", lambda: None, lambda: big(call_nc), WANT_BIG)
expect("checked_rejects", lambda: df(X0.copy(), np.zeros(N + 3), N, 1.0), good_f, WANT_F)
'''


def _run_group(tmp_dir: str, name: str):
    path = os.path.join(tmp_dir, f"misuse_{name}.py")
    with open(path, "w") as fh:
        fh.write(textwrap.dedent(PRELUDE) + textwrap.dedent(GROUPS[name]))
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""),
               ZYMASE_CACHE_DIR=os.path.join(tmp_dir, "cache"))
    env.pop("ZYMASE_PRINT", None)
    proc = subprocess.run([sys.executable, path], capture_output=True, text=True, env=env,
                          cwd=tmp_dir, timeout=300)
    cases = {}
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            cases.update(json.loads(line[len(MARK):]))
    return {"path": path, "returncode": proc.returncode, "stderr": proc.stderr, "cases": cases}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Start every group's process at once (a few at a time); tests block on their own group."""
    tmp_dir = str(tmp_path_factory.mktemp("misuse"))
    pool = ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2)))
    futures = {name: pool.submit(_run_group, tmp_dir, name) for name in GROUPS}
    yield futures
    pool.shutdown(wait=True)


def case(runs, group, label):
    run = runs[group].result()
    assert run["returncode"] == 0, (f"process for group {group!r} died with "
                                    f"{run['returncode']}:\n{run['stderr'][-3000:]}")
    assert label in run["cases"], f"case {label!r} not recorded; stderr:\n{run['stderr'][-3000:]}"
    rec = dict(run["cases"][label])
    rec["path"] = run["path"]
    return rec


def check_good(rec, rtol=1e-12):
    """The correct call made after the misuse, in the same process, gives the right numbers."""
    assert "good_error" not in rec, f"correct call after the misuse failed: {rec['good_error']}"
    np.testing.assert_allclose(rec["good"], rec["want"], rtol=rtol, atol=1e-14)


def check_error(rec, cls, builtin, *needles):
    assert rec["raised"] is not None, f"no error; the call returned {rec.get('value')}"
    assert cls in rec["mro"], f"raised {rec['raised']} ({rec['msg']!r}), expected zymase.{cls}"
    assert builtin in rec["mro"], f"{rec['raised']} is not a {builtin}"
    assert "ZymaseError" in rec["mro"]
    for n in needles:
        assert n in rec["msg"], f"{n!r} not in message:\n{rec['msg']}"
    check_good(rec)


A, S, U = ("ActivityError", "TypeError"), ("ShadowError", "ValueError"), \
    ("UnsupportedError", "NotImplementedError")

ACTIVITY_CASES = {
    "n_activities": (A, "expected 2 activities", "found 1", "`f(x, n)`"),
    "not_an_activity": (A, "parameter `x`", "'Duplicated'"),
    "dual_in_reverse": (A, "`Dual`", "reverse mode", "parameter `x`", "Duplicated"),
    "active_in_forward": (A, "`Active`", "forward mode", "parameter `a`", "Dual"),
    "active_on_int": (A, "`Active`", "parameter `n`", "int64"),
    "duplicated_on_float": (A, "`Duplicated`", "parameter `a`", "float64", "use Active"),
    "duplicated_on_bool": (A, "`Duplicated`", "parameter `b`", "bool", "use Const"),
    "dual_on_bool": (A, "`Dual`", "parameter `b`", "bool", "use Const"),
    "too_few_call_args": (A, "takes 4 arguments, 3 given", "(x, dx, n, seed)"),
    "too_many_call_args": (A, "takes 4 arguments, 5 given", "(x, dx, n, seed)"),
    "forward_call_args": (A, "takes 3 arguments, 2 given", "(a, da, n)"),
}


@pytest.mark.parametrize("label", list(ACTIVITY_CASES))
def test_activity(runs, label):
    (cls, builtin), *needles = ACTIVITY_CASES[label]
    check_error(case(runs, "activity", label), cls, builtin, *needles)


SHADOW_PY_CASES = {
    "shape": (S, "`dx`", "shape (3,)", "expected shape (5,)", "np.zeros((5,), dtype=np.float64)"),
    "dtype": (S, "`dx`", "float32", "float64"),
    "dtype_int": (S, "`dx`", "int64", "float64"),
    "strides": (S, "`dx`", "strides (16,)", "(strides (8,))"),
    "not_an_array": (S, "`dx`", "ndarray", "list"),
    "read_only": (S, "`dx`", "read-only"),
    "alias_primal": (S, "`dx`", "aliases its primal `x`"),
    "alias_primal_overlap": (S, "`dx`", "aliases its primal `x`"),
    "shadows_alias": (S, "`dy`", "`dx`", "alias"),
    "shadows_overlap": (S, "`dy`", "`dx`", "alias"),
    "width4_missing_axis": (S, "`dx`", "shape (5,)", "expected shape (4, 5)"),
    "width4_wrong_axis": (S, "`dx`", "shape (3, 5)", "expected shape (4, 5)"),
    "width4_scalar_tangent": (S, "`da`", "width=4", "(4,)"),
    "tuple_length": (S, "`t`", "tuple of 2"),
    "tuple_not_tuple": (S, "`t`", "tuple of 2"),
    "tuple_member_shape": (S, "`dt[1]`", "shape (3,)", "expected shape (2,)"),
}


@pytest.mark.parametrize("label", list(SHADOW_PY_CASES))
def test_shadow_from_python(runs, label):
    (cls, builtin), *needles = SHADOW_PY_CASES[label]
    check_error(case(runs, "shadow_python", label), cls, builtin, *needles)


SHADOW_NJIT_CASES = {
    "shape": (S, "`dx`", "shape of `x`"),
    "dtype": (S, "`dx`", "float32", "float64"),
    "strides": (S, "`dx`", "strides"),
    "read_only": (S, "`dx`", "read-only"),
    "alias_primal": (S, "`dx`", "its primal `x`"),
    "alias_primal_args": (S, "`dx`", "its primal `x`"),
    "alias_primal_overlap": (S, "`dx`", "its primal `x`"),
    "width4_missing_axis": (S, "`dx`", "2-d"),
    "width4_wrong_axis": (S, "`dx`", "leading axis of 4"),
    "tuple_length": (S, "`t`", "tuple of 2"),
}


@pytest.mark.parametrize("label", list(SHADOW_NJIT_CASES))
def test_shadow_from_njit(runs, label):
    """Raised from compiled code (or at its typing): the same classes, the parameter named."""
    (cls, builtin), *needles = SHADOW_NJIT_CASES[label]
    check_error(case(runs, "shadow_njit", label), cls, builtin, *needles)


def test_shadows_alias_from_njit(runs):
    check_error(case(runs, "njit_shadows_alias", "shadows_alias"), *S, "`dy`", "`dx`")


def test_tuple_member_shape_from_njit(runs):
    check_error(case(runs, "njit_tuple_member_shape", "tuple_member_shape"), *S, "`dt[1]`")


@pytest.mark.xfail(strict=True, reason="usability: from @njit a wrong argument count is "
                   "Numba's TypingError (it now shows the signature (x, dx, n, seed) and the "
                   "missing parameter), not a zymase ActivityError")
def test_call_args_from_njit(runs):
    check_error(case(runs, "shadow_njit", "too_few_call_args"), *A, "(x, dx, n, seed)")


def test_call_args_param_named_seed(runs):
    rec = case(runs, "activity", "call_args_param_named_seed")
    check_error(rec, *A, "takes 4 arguments, 3 given")
    assert "seed, seed" not in rec["msg"], rec["msg"]


@pytest.mark.parametrize("ret", ["Active", "ActiveOnly"])
def test_active_return_on_array(runs, ret):
    """Refused before any code runs.  Today it is an UnsupportedError ("array returns are not
    supported yet") whose help points at the output-argument idiom; an ActivityError would
    also be right, so both are accepted."""
    rec = case(runs, "activity", f"ret_{ret}_on_array")
    assert rec["raised"] is not None, f"no error; the call returned {rec.get('value')}"
    assert ("ActivityError" in rec["mro"] and "TypeError" in rec["mro"]) or \
        ("UnsupportedError" in rec["mro"] and "NotImplementedError" in rec["mro"]), rec
    assert "array" in rec["msg"] and "ret=Const" in rec["msg"], rec["msg"]
    check_good(rec)   # the idiom the help suggests works, with the right numbers


def test_active_return_on_none(runs):
    check_error(case(runs, "return_bugs", "ret_Active_on_none"), *A, "scale")


def test_active_return_on_int(runs):
    check_error(case(runs, "return_bugs", "ret_Active_on_int"), *A, "count")


def _line_of(marker):
    for k, line in enumerate((textwrap.dedent(PRELUDE) + textwrap.dedent(CTYPES_SRC)).splitlines(), 1):
        if marker in line:
            return k, line.strip()
    raise AssertionError(marker)


@pytest.mark.parametrize("label,marker", [
    ("ctypes_reverse_array", "CALL-SITE-ARRAY"),
    ("ctypes_reverse_scalar", "CALL-SITE-SCALAR"),
    ("ctypes_forward_scalar", "CALL-SITE-SCALAR"),
])
def test_ctypes_callee_is_unsupported(runs, label, marker):
    """A C function called through ctypes has no derivative: UnsupportedError at the call
    site, with file:line and the quoted source line."""
    rec = case(runs, "ctypes", label)
    lineno, text = _line_of(marker)
    check_error(rec, *U, "cannot differentiate", f"--> {rec['path']}:{lineno}", text,
                "custom derivative")


def test_ctypes_callee_is_named(runs):
    for label in ("ctypes_reverse_array", "ctypes_forward_scalar"):
        first = case(runs, "ctypes", label)["msg"].splitlines()[0]   # not the quoted source
        assert "cos" in first, first


def test_ctypes_call_inactive_is_fine(runs):
    """Not differentiated with respect to anything, the C call is simply run."""
    rec = case(runs, "ctypes", "ctypes_inactive")
    assert rec["raised"] is None
    check_good(rec)


@pytest.mark.parametrize("label", ["python", "njit"])
def test_checks_false_skips_shadow_checks(runs, label):
    rec = case(runs, "checks_false", label)
    assert rec["raised"] is None
    check_good(rec)


def test_checks_true_rejects_the_same_shadow(runs):
    check_error(case(runs, "checks_false", "checked_rejects"), *S, "`dx`", "shape (8,)")
