"""Enzyme's ABI (``zymase/frontend/enzyme_abi.py``, ``python -m zymase opt`` / ``lli``) on
hand-written IR, so no C compiler is needed: every spelling of the markers (a load of an
``enzyme_*`` global, the global itself, a metadata string), type-based defaults, width, the
return layouts a C declaration can ask for (register struct, ``sret``, array), shared
globals, and every malformed call as a clear error.  Numbers are checked against closed
forms.  Compiled C, C++ and Rust programs run through lit in ``tests/lit``.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys

import llvmlite.binding as llvm
import numpy as np
import pytest

from zymase.errors import UnsupportedError
from zymase.frontend.enzyme_abi import lower_module
from zymase.llvm import modules

from tests.support import jit

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# f(x, y) = x*x*y + sin(x);  g(p, n) = sum_i p[i]^3;  h(a) = a^3
PRELUDE = """
declare double @llvm.sin.f64(double)
define double @f(double %x, double %y) {
  %xx = fmul double %x, %x
  %a = fmul double %xx, %y
  %s = call double @llvm.sin.f64(double %x)
  %r = fadd double %a, %s
  ret double %r
}
define double @g(ptr %p, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi double [ 0.0, %entry ], [ %acc1, %loop ]
  %q = getelementptr double, ptr %p, i64 %i
  %v = load double, ptr %q
  %v2 = fmul double %v, %v
  %v3 = fmul double %v2, %v
  %acc1 = fadd double %acc, %v3
  %i1 = add i64 %i, 1
  %c = icmp slt i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret double %acc1
}
"""


def run(ir: str, fn: str, restype=ctypes.c_double, argtypes=(), args=()):
    """Lower, JIT and call ``fn``."""
    ee = jit(lower_module(ir))
    cf = ctypes.CFUNCTYPE(restype, *argtypes)(ee.get_function_address(fn))
    return cf(*args), ee


def test_markers_as_loads_of_globals():
    ir = PRELUDE + """
@enzyme_const = external global i32
@enzyme_out = external global i32
declare double @__enzyme_autodiff(ptr, ...)
define double @t(double %x) {
  %c = load i32, ptr @enzyme_const
  %o = load i32, ptr @enzyme_out
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, i32 %o, double %x, i32 %c, double 3.0)
  ret double %r
}"""
    x = 0.7
    got, _ = run(ir, "t", argtypes=(ctypes.c_double,), args=(x,))
    assert got == pytest.approx(2 * x * 3.0 + np.cos(x), rel=1e-14)


def test_markers_as_globals_and_metadata_and_defaults():
    ir = PRELUDE + """
@enzyme_const = external global i32
declare { double, double } @__enzyme_autodiff_pair(ptr, ...)
declare double @__enzyme_autodiff(ptr, ...)
define double @both(double %x, double %y) {
  %r = call { double, double } (ptr, ...) @__enzyme_autodiff_pair(ptr @f, double %x, double %y)
  %a = extractvalue { double, double } %r, 0
  %b = extractvalue { double, double } %r, 1
  %s = fmul double %b, 1000.0
  %t = fadd double %a, %s
  ret double %t
}
define double @ymd(double %x, double %y) {
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, ptr @enzyme_const, double %x, metadata !"enzyme_out", double %y)
  ret double %r
}"""
    x, y = 0.7, 1.3
    got, _ = run(ir, "both", argtypes=(ctypes.c_double,) * 2, args=(x, y))
    assert got == pytest.approx((2 * x * y + np.cos(x)) + 1000 * x * x, rel=1e-14)
    got, _ = run(ir, "ymd", argtypes=(ctypes.c_double,) * 2, args=(x, y))
    assert got == pytest.approx(x * x, rel=1e-14)


def test_duplicated_pointer_accumulates_and_forward_width_layouts():
    ir = PRELUDE + """
@enzyme_dup = external global i32
@enzyme_const = external global i32
@enzyme_width = external global i32
declare void @__enzyme_autodiff(ptr, ...)
declare { double, double } @__enzyme_fwddiff2(ptr, ...)
declare void @__enzyme_fwddiff3(ptr sret({ double, double, double }), ptr, ...)
declare [4 x double] @__enzyme_fwddiff4(ptr, ...)
define void @rev(ptr %p, ptr %dp, i64 %n) {
  %d = load i32, ptr @enzyme_dup
  %c = load i32, ptr @enzyme_const
  call void (ptr, ...) @__enzyme_autodiff(ptr @g, i32 %d, ptr %p, ptr %dp, i32 %c, i64 %n)
  ret void
}
define double @fw2(double %x) {
  %w = load i32, ptr @enzyme_width
  %c = load i32, ptr @enzyme_const
  %r = call { double, double } (ptr, ...) @__enzyme_fwddiff2(ptr @f, i32 %w, i64 2, double %x, double 1.0, double 2.0, i32 %c, double 3.0)
  %a = extractvalue { double, double } %r, 0
  %b = extractvalue { double, double } %r, 1
  %s = fmul double %b, 1000.0
  %t = fadd double %a, %s
  ret double %t
}
define void @fw3(ptr %out, double %x) {
  %w = load i32, ptr @enzyme_width
  call void (ptr, ptr, ...) @__enzyme_fwddiff3(ptr sret({ double, double, double }) %out, ptr @f, i32 %w, i32 3, double %x, double 1.0, double 2.0, double -1.0, double 3.0, double 0.0, double 0.0, double 1.0)
  ret void
}
define [4 x double] @fw4(double %x) {
  %r = call [4 x double] (ptr, ...) @__enzyme_fwddiff4(ptr @f, metadata !"enzyme_width", i64 4, double %x, double 1.0, double 0.0, double 1.0, double 0.0, double 3.0, double 0.0, double 0.0, double 1.0, double 1.0)
  ret [4 x double] %r
}"""
    p = np.array([0.5, -1.5, 2.0])
    dp = np.array([1.0, 1.0, 1.0])     # the gradient is added to what is there
    D = ctypes.POINTER(ctypes.c_double)
    _, ee = run(ir, "rev", restype=None, argtypes=(D, D, ctypes.c_int64),
                args=(p.ctypes.data_as(D), dp.ctypes.data_as(D), 3))
    np.testing.assert_allclose(dp, 1.0 + 3 * p ** 2, rtol=1e-15)
    x, y = 0.7, 3.0
    fx, fy = 2 * x * y + np.cos(x), x * x
    got = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(ee.get_function_address("fw2"))(x)
    assert got == pytest.approx(fx + 1000 * 2 * fx, rel=1e-14)
    out = (ctypes.c_double * 3)()
    ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_double)(
        ee.get_function_address("fw3"))(ctypes.addressof(out), x)
    # y = 3.0; lanes (dx, dy) = (1, 0), (2, 0), (-1, 1)
    np.testing.assert_allclose(list(out), [fx, 2 * fx, -fx + fy], rtol=1e-14)


@pytest.mark.parametrize("call, message", [
    ("call double (ptr, ...) @__enzyme_autodiff(ptr @f, double 1.0)", "too few arguments"),
    ("call double (ptr, ...) @__enzyme_autodiff(ptr @f, double 1.0, double 2.0, double 3.0)",
     "too many arguments"),
    ("call double (ptr, ...) @__enzyme_fwddiff(ptr @f, metadata !\"enzyme_out\", double 1.0, "
     "double 2.0, double 0.0)", "no meaning in forward mode"),
    ("call double (ptr, ...) @__enzyme_autodiff(ptr @f, metadata !\"enzyme_dupv\", double 1.0, "
     "double 2.0)", "enzyme_dupv is not supported"),
    ("call double (ptr, ...) @__enzyme_autodiff(ptr @g, metadata !\"enzyme_dup\", ptr null, "
     "metadata !\"enzyme_const\", i64 3)", "expected the shadow"),
    ("call double (ptr, ...) @__enzyme_autodiff(ptr @g, ptr null, ptr null, "
     "metadata !\"enzyme_dup\", i64 3)", "integer or aggregate has no derivative"),
    ("call double (ptr, ...) @__enzyme_augmentfwd(ptr @f, double 1.0, double 2.0)",
     "not supported"),
    ("call double (ptr, ...) @__enzyme_autodiff(ptr @cos, double 1.0)",
     "must be a function defined in this module"),
    ("call double (ptr, ...) @__enzyme_autodiff(ptr @f, metadata !\"enzyme_width\", i64 2, "
     "double 1.0, double 2.0)", "width"),
])
def test_malformed_calls_are_clear_errors(call, message):
    ir = PRELUDE + f"""
declare double @__enzyme_autodiff(ptr, ...)
declare double @__enzyme_fwddiff(ptr, ...)
declare double @__enzyme_augmentfwd(ptr, ...)
declare double @cos(double)
define double @t() {{
  %r = {call}
  ret double %r
}}"""
    with pytest.raises(UnsupportedError, match=message) as e:
        lower_module(ir)
    assert "@t" in str(e.value)


def test_globals_are_shared_with_the_program():
    # a static (internal) global the differentiated function reads, which main changes
    # between calls: the derivative must see the program's copy, not one taken at lowering
    ir = """
@scale = internal global double 2.0
declare double @__enzyme_autodiff(ptr, ...)
define internal double @k(double %x) {
  %s = load double, ptr @scale
  %r = fmul double %s, %x
  ret double %r
}
define double @t(double %x) {
  store double 5.0, ptr @scale
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @k, double %x)
  ret double %r
}"""
    got, _ = run(ir, "t", argtypes=(ctypes.c_double,), args=(1.0,))
    assert got == 5.0


MAIN = """
@enzyme_const = external global i32
@.fmt = private constant [7 x i8] c"d=%.3f\\00"
declare i32 @printf(ptr, ...)
declare double @llvm.fabs.f64(double)
declare double @__enzyme_autodiff(ptr, ...)
define i32 @main(i32 %argc, ptr %argv) {
  %c = load i32, ptr @enzyme_const
  %d = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double 2.0, i32 %c, double 3.0)
  %u = call i32 (ptr, ...) @printf(ptr @.fmt, double %d)
  %err = fsub double %d, 11.583853163452858
  %abs = call double @llvm.fabs.f64(double %err)
  %bad = fcmp ugt double %abs, 1.0e-12
  %rc = select i1 %bad, i32 7, i32 %argc
  ret i32 %rc
}"""


def zymase_cli(*argv, stdin=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "zymase", *argv], input=stdin,
                          capture_output=True, text=True, env=env, timeout=300)


def test_opt_and_lli_command_lines(tmp_path):
    src = tmp_path / "m.ll"
    src.write_text(PRELUDE + MAIN)
    # flags of an Enzyme command line are accepted and ignored
    r = zymase_cli("opt", str(src), "-load-pass-plugin=LLVMEnzyme-22.so", "-passes=enzyme",
                   "-enzyme-inline=1", "-S")
    assert r.returncode == 0, r.stderr
    assert "__enzyme_autodiff" not in r.stdout
    # f'(x) at x=2, y=3: 2*2*3 + cos(2)
    r2 = zymase_cli("lli", "-", "a", "b", stdin=r.stdout)
    assert r2.stdout == "d=11.584", r2.stderr
    assert r2.returncode == 3       # main returns argc when the number is right: lli a b


def test_opt_writes_bitcode_objects_and_shared_libraries(tmp_path):
    src = tmp_path / "m.ll"
    src.write_text(PRELUDE + MAIN)
    bc = tmp_path / "m.bc"
    assert zymase_cli("opt", str(src), "-o", str(bc)).returncode == 0
    assert bc.read_bytes()[:4] == b"BC\xc0\xde"
    r = zymase_cli("lli", str(bc))
    assert r.returncode == 1 and r.stdout == "d=11.584", r.stderr
    obj = tmp_path / "m.o"
    assert zymase_cli("opt", str(src), "-o", str(obj)).returncode == 0
    assert obj.read_bytes()[:4] == b"\x7fELF"
    if shutil.which(os.environ.get("CC", "cc")) is None:
        pytest.skip("no C compiler (cc) to link a shared library")
    so = tmp_path / "m.so"
    r = zymase_cli("opt", str(src), "-o", str(so))
    assert r.returncode == 0, r.stderr
    lib = ctypes.CDLL(str(so))
    lib.main.restype = ctypes.c_int
    assert lib.main(1, None) == 1


def test_lli_reports_unresolved_symbols_and_missing_main(tmp_path):
    src = tmp_path / "m.ll"
    src.write_text("declare double @no_such_symbol_zy(double)\n"
                   "define i32 @main() {\n  %x = call double @no_such_symbol_zy(double 1.0)\n"
                   "  ret i32 0\n}\n")
    r = zymase_cli("lli", str(src))
    assert r.returncode == 1 and "no_such_symbol_zy" in r.stderr
    src.write_text("define i32 @other() {\n  ret i32 0\n}\n")
    r = zymase_cli("lli", str(src))
    assert r.returncode == 1 and "no function @main" in r.stderr
    mod = llvm.parse_assembly("declare i32 @puts(ptr)\n")
    assert modules.unresolved(mod) == []


@pytest.mark.parametrize("how", ["annotation", "inactivefn"])
def test_inactive_functions_carry_no_derivative(how):
    # h(x) = x * k(x) with k marked inactive: dh/dx = k(x) (= 2x), not k + x k' (= 4x)
    marks = {
        "annotation": '@.s = private constant [16 x i8] c"enzyme_inactive\\00", section '
                      '"llvm.metadata"\n@llvm.global.annotations = appending global '
                      '[1 x { ptr, ptr, ptr, i32, ptr }] [{ ptr, ptr, ptr, i32, ptr } '
                      '{ ptr @k, ptr @.s, ptr null, i32 1, ptr null }], section "llvm.metadata"',
        "inactivefn": "@__enzyme_inactivefn = global [1 x ptr] [ptr @k]",
    }[how]
    ir = marks + """
declare double @__enzyme_autodiff(ptr, ...)
define double @k(double %x) noinline {
  %r = fmul double %x, 2.0
  ret double %r
}
define double @h(double %x) {
  %a = call double @k(double %x)
  %r = fmul double %a, %x
  ret double %r
}
define double @t(double %x) {
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @h, double %x)
  ret double %r
}"""
    got, _ = run(ir, "t", argtypes=(ctypes.c_double,), args=(1.5,))
    assert got == 3.0


def test_unknown_annotations_are_refused():
    ir = PRELUDE + """
@__enzyme_function_like = global [2 x ptr] [ptr @f, ptr null]
declare double @__enzyme_autodiff(ptr, ...)
define double @t(double %x) {
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, double 1.0)
  ret double %r
}"""
    with pytest.raises(UnsupportedError, match="__enzyme_function_like"):
        lower_module(ir)


def test_derivative_of_a_derivative():
    # forward over reverse: d/dx (d/dx f(x, y)) with f = x*x*y + sin(x)
    ir = PRELUDE + """
declare double @__enzyme_autodiff(ptr, ...)
declare double @__enzyme_fwddiff(ptr, ...)
define double @dfdx(double %x, double %y) {
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, metadata !"enzyme_const", double %y)
  ret double %r
}
define double @t(double %x, double %y) {
  %r = call double (ptr, ...) @__enzyme_fwddiff(ptr @dfdx, double %x, double 1.0, double %y, double 0.0)
  ret double %r
}"""
    x, y = 0.7, 1.3
    got, _ = run(ir, "t", argtypes=(ctypes.c_double,) * 2, args=(x, y))
    assert got == pytest.approx(2 * y - np.sin(x), rel=1e-14)


CUSTOM = """
declare ptr @malloc(i64)
declare void @free(ptr)
; k(x, n) = n x^2 quantised to 1e-9 through integers: differentiating its body would give 0,
; so only the registered derivatives can give the right answer
define double @k(double %x, i32 %n) {
  %s = fmul double %x, %x
  %q = fmul double %s, 1.0e9
  %i = fptosi double %q to i64
  %f = sitofp i64 %i to double
  %v = fmul double %f, 1.0e-9
  %nf = sitofp i32 %n to double
  %r = fmul double %nf, %v
  ret double %r
}
define ptr @k_aug(double %x, i32 %n) {
  %t = call ptr @malloc(i64 8)
  %nf = sitofp i32 %n to double
  %a = fmul double %nf, %x
  %d = fmul double %a, 2.0
  store double %d, ptr %t
  ret ptr %t
}
define double @k_rev(double %x, i32 %n, double %dr, ptr %t) {
  %d = load double, ptr %t
  call void @free(ptr %t)
  %r = fmul double %d, %dr
  ret double %r
}
define double @k_fwd(double %x, double %dx, i32 %n) {
  %nf = sitofp i32 %n to double
  %a = fmul double %nf, %x
  %b = fmul double %a, 2.0
  %r = fmul double %b, %dx
  ret double %r
}
@__enzyme_register_gradient_k = global [3 x ptr] [ptr @k, ptr @k_aug, ptr @k_rev]
@__enzyme_register_derivative_k = global [2 x ptr] [ptr @k, ptr @k_fwd]
declare double @llvm.sin.f64(double)
define double @h(double %x) {
  %a = call double @k(double %x, i32 3)
  %s = call double @llvm.sin.f64(double %a)
  ret double %s
}
declare double @__enzyme_autodiff(ptr, ...)
declare double @__enzyme_fwddiff(ptr, ...)
define double @rev(double %x) {
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @h, double %x)
  ret double %r
}
define double @fwd(double %x) {
  %r = call double (ptr, ...) @__enzyme_fwddiff(ptr @h, double %x, double 1.0)
  ret double %r
}
"""


@pytest.mark.parametrize("fn", ["rev", "fwd"])
def test_registered_custom_derivatives(fn):
    # h = sin(k(x, 3)): h' = cos(k) * 6 x, through the program's own k_rev / k_fwd
    x = 0.4
    got, _ = run(CUSTOM, fn, argtypes=(ctypes.c_double,), args=(x,))
    k = 3 * (np.trunc(x * x * 1e9) * 1e-9)
    assert got == pytest.approx(np.cos(k) * 6 * x, rel=1e-14)


def test_registered_custom_derivative_with_wrong_signature_is_refused():
    bad = CUSTOM.replace("define double @k_rev(double %x, i32 %n, double %dr, ptr %t)",
                         "define double @k_rev(double %x, double %dr, ptr %t)")
    with pytest.raises(UnsupportedError, match="k_rev must take"):
        lower_module(bad)


TREE = """
declare double @llvm.sin.f64(double)
declare ptr @malloc(i64)
declare void @free(ptr)
; divide and conquer over an array: a nonlinear combination of the two halves
define double @tsum(ptr %p, i64 %lo, i64 %hi) {
entry:
  %n = sub i64 %hi, %lo
  %c = icmp sle i64 %n, 1
  br i1 %c, label %leaf, label %split
leaf:
  %q = getelementptr double, ptr %p, i64 %lo
  %v = load double, ptr %q
  %s = call double @llvm.sin.f64(double %v)
  %r = fmul double %s, %v
  ret double %r
split:
  %h = sdiv i64 %n, 2
  %mid = add i64 %lo, %h
  %a = call double @tsum(ptr %p, i64 %lo, i64 %mid)
  %b = call double @tsum(ptr %p, i64 %mid, i64 %hi)
  %ab = fmul double %a, %b
  %t = fadd double %ab, %a
  ret double %t
}
; the caller copies into a scratch block, recurses on it, and frees it afterwards
define double @outer(ptr %x, i64 %n, double %w) {
entry:
  %bytes = mul i64 %n, 8
  %tmp = call ptr @malloc(i64 %bytes)
  br label %copy
copy:
  %i = phi i64 [ 0, %entry ], [ %i1, %copy ]
  %src = getelementptr double, ptr %x, i64 %i
  %v = load double, ptr %src
  %v2 = fmul double %v, %w
  %dst = getelementptr double, ptr %tmp, i64 %i
  store double %v2, ptr %dst
  %i1 = add i64 %i, 1
  %more = icmp slt i64 %i1, %n
  br i1 %more, label %copy, label %done
done:
  %r = call double @tsum(ptr %tmp, i64 0, i64 %n)
  call void @free(ptr %tmp)
  ret double %r
}
declare double @__enzyme_autodiff(ptr, ...)
define double @grad(ptr %x, ptr %dx, i64 %n, double %w) {
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @outer, metadata !"enzyme_dup", ptr %x, ptr %dx, metadata !"enzyme_const", i64 %n, double %w)
  ret double %r
}
"""


def test_recursive_c_function_reading_an_array():
    D = ctypes.POINTER(ctypes.c_double)
    n = 11
    x = np.random.default_rng(3).uniform(-1, 1, n)
    dx = np.zeros(n)
    w = 0.7
    dw, ee = run(TREE, "grad", argtypes=(D, D, ctypes.c_int64, ctypes.c_double),
                 args=(x.ctypes.data_as(D), dx.ctypes.data_as(D), n, w))
    primal = ctypes.CFUNCTYPE(ctypes.c_double, D, ctypes.c_int64, ctypes.c_double)(
        ee.get_function_address("outer"))
    from tests.support import assert_fd_close, fd_gradient
    fd = fd_gradient(lambda v: primal(np.ascontiguousarray(v).ctypes.data_as(D), n, w), x)
    assert_fd_close(dx, fd, rtol=1e-6, atol=1e-8)   # FD noise ~8e-10 on tiny entries
    fdw = (primal(x.ctypes.data_as(D), n, w + 1e-6) - primal(x.ctypes.data_as(D), n, w - 1e-6)) / 2e-6
    assert dw == pytest.approx(fdw, rel=1e-6)


def test_recursive_c_function_on_memory_written_later_is_refused():
    # the caller overwrites the scratch block after the recursion: re-running the callee in
    # the adjoint sweep would read the new values
    bad = TREE.replace("  call void @free(ptr %tmp)\n",
                       "  store double 0.0, ptr %tmp\n  call void @free(ptr %tmp)\n")
    with pytest.raises(UnsupportedError, match="may write after the call"):
        lower_module(bad)


def test_forward_over_reverse_of_a_recursive_c_function_names_the_recursion():
    # the callee's reverse derivative is no parallel loop's: the refusal names the recursive
    # function that forward mode cannot differentiate (it used to blame a prange)
    hvp = TREE + """
declare double @__enzyme_fwddiff(ptr, ...)
define double @hvp(ptr %x, ptr %vx, ptr %dx, ptr %dvx, i64 %n, double %w) {
  %r = call double (ptr, ...) @__enzyme_fwddiff(ptr @grad, metadata !"enzyme_dup", ptr %x, ptr %vx, metadata !"enzyme_dup", ptr %dx, ptr %dvx, metadata !"enzyme_const", i64 %n, metadata !"enzyme_const", double %w)
  ret double %r
}
"""
    with pytest.raises(UnsupportedError, match="recursive function `tsum") as e:
        lower_module(hvp)
    assert "parallel" not in str(e.value)


def test_llvm_and_enzyme_flags_are_ignored_not_misread(tmp_path):
    # `-opaque-pointers=0` must not become `-o paque-pointers=0` (output redirected)
    from zymase.cli import llvm_tool_args
    argv = ["opt", "-", "-opaque-pointers=0", "-load-pass-plugin=x.so", "-passes=enzyme",
            "-enzyme-inline=1", "-S", "-o", "out.ll", "--opt=2"]
    assert llvm_tool_args(argv) == ["opt", "-", "-S", "-o", "out.ll", "--opt=2"]
    src = tmp_path / "m.ll"
    src.write_text(PRELUDE + MAIN)
    r = zymase_cli("opt", str(src), "-opaque-pointers=0", "-S")
    assert r.returncode == 0 and "define i32 @main" in r.stdout, r.stderr
    assert not (tmp_path / "paque-pointers=0").exists()


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_frexp_mantissa_slope(mode):
    # m = frexp(x, &e) = x * 2^-e: dm/dx = 2^-e; the exponent is an integer written through
    # a pointer and then read back (the write must be seen by the adjoint sweep)
    ir = """
declare double @frexp(double, ptr)
define double @m(double %x) {
  %e = alloca i32
  %r = call double @frexp(double %x, ptr %e)
  %k = load i32, ptr %e
  %kf = sitofp i32 %k to double
  %s = fmul double %r, %kf
  ret double %s
}
declare double @__enzyme_autodiff(ptr, ...)
declare double @__enzyme_fwddiff(ptr, ...)
define double @rev(double %x) {
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @m, double %x)
  ret double %r
}
define double @fwd(double %x) {
  %r = call double (ptr, ...) @__enzyme_fwddiff(ptr @m, double %x, double 1.0)
  ret double %r
}"""
    for x in (0.9, 1.0, 1.2, 33.0, -2.3, 0.26):
        m, e = np.frexp(x)
        got, _ = run(ir, mode, argtypes=(ctypes.c_double,), args=(x,))
        assert got == pytest.approx(e * 2.0 ** -e, rel=1e-15), x


def test_posix_memalign_block_gets_a_shadow():
    # p = posix_memalign'd block; p[0] = x*x; p[1] = 3*p[0]; return p[1] + x  ->  6x + 1
    ir = """
declare i32 @posix_memalign(ptr, i64, i64)
declare void @free(ptr)
define double @g(double %x) {
  %slot = alloca ptr
  %rc = call i32 @posix_memalign(ptr %slot, i64 32, i64 16)
  %p = load ptr, ptr %slot
  %xx = fmul double %x, %x
  store double %xx, ptr %p
  %a = load double, ptr %p
  %b = fmul double %a, 3.0
  %q = getelementptr double, ptr %p, i64 1
  store double %b, ptr %q
  %c = load double, ptr %q
  %r = fadd double %c, %x
  call void @free(ptr %p)
  ret double %r
}
declare double @__enzyme_autodiff(ptr, ...)
define double @t(double %x) {
  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @g, double %x)
  ret double %r
}"""
    got, _ = run(ir, "t", argtypes=(ctypes.c_double,), args=(0.7,))
    assert got == pytest.approx(6 * 0.7 + 1, rel=1e-15)
