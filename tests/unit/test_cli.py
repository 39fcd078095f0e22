"""``python -m zymase``: a few real subprocess runs, the rest in-process through ``cli.main``."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap

import llvmlite.binding as llvm
import pytest

from zymase import cli

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SOURCE = textwrap.dedent("""
    import math
    import numba


    def f(a, n):
        s = 0.0
        for i in range(n):
            s += math.sin(a[i]) * a[i]
        return s


    @numba.njit
    def g(x, y):
        return x * y + math.exp(x)


    def scale(a, c):
        for i in range(a.shape[0]):
            a[i] *= c
""")

LL = textwrap.dedent("""
    declare double @llvm.sqrt.f64(double)

    define internal double @helper(double %x) {
    entry:
      %y = fmul double %x, %x
      ret double %y
    }

    define double @main_fn(ptr %a, i64 %n) {
    entry:
      %slot = alloca double, align 8
      store double 0.000000e+00, ptr %slot, align 8
      %c = icmp sgt i64 %n, 0
      br i1 %c, label %loop, label %done
    loop:
      %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
      %p = getelementptr inbounds double, ptr %a, i64 %i
      %v = load double, ptr %p, align 8
      %sq = call double @helper(double %v)
      %r = call double @llvm.sqrt.f64(double %sq)
      %old = load double, ptr %slot, align 8
      %new = fadd double %old, %r
      store double %new, ptr %slot, align 8
      %i1 = add i64 %i, 1
      %more = icmp slt i64 %i1, %n
      br i1 %more, label %loop, label %done
    done:
      %res = load double, ptr %slot, align 8
      ret double %res
    }
""")


@pytest.fixture
def src(tmp_path):
    p = tmp_path / "funcs.py"
    p.write_text(SOURCE)
    return str(p)


@pytest.fixture
def ll(tmp_path):
    p = tmp_path / "m.ll"
    p.write_text(LL)
    return str(p)


def run_cli(*argv):
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "zymase", *argv], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=120)


def call(*argv):
    out = io.StringIO()
    rc = cli.main(list(argv), out=out)
    return rc, out.getvalue()


def verifies(text: str):
    llvm.parse_assembly(text).verify()


# --------------------------------------------------------------------------------------------
# subprocess
# --------------------------------------------------------------------------------------------
def test_subprocess_ir_all_stages(src):
    r = run_cli("ir", src, "f", "--types", "float64[::1], int64")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for stage in ("; ==== numba:", "; ==== canonical:", "; ==== final (O3):"):
        assert out.count(stage) == 1, stage
    numba_part = out.split("; ==== canonical:")[0]
    canon_part = out.split("; ==== canonical:")[1].split("; ==== final")[0]
    final_part = out.split("; ==== final (O3):")[1]
    assert "define" in numba_part and "!dbg" in numba_part      # Numba's unoptimised text
    assert "llvm.sin.f64" in canon_part and "!dbg" not in canon_part
    verifies(canon_part.split("\n", 1)[1])
    verifies(final_part.split("\n", 1)[1])
    assert "zymase.cli.f" in final_part


def test_subprocess_analyse(src):
    r = run_cli("analyse", src, "g", "--types", "float64, float64", "--activities", "Dual,Const")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "forward derivative of g(Dual, Const) ret=Dual" in out
    assert "call as d_g(x, dx, y)" in out
    assert "; activity analysis of @" in out
    assert "; type analysis of @" in out
    assert "[active]" in out and "[const ]" in out
    assert "-> UniTuple(float64 x 2)" in out


def test_subprocess_help_and_errors(src):
    r = run_cli("--help")
    assert r.returncode == 0 and "analyse" in r.stdout and " ll" in r.stdout
    r = run_cli("ir", src, "nope", "--types", "float64")
    assert r.returncode != 0 and "no function 'nope'" in r.stderr


# --------------------------------------------------------------------------------------------
# in-process
# --------------------------------------------------------------------------------------------
def test_ir_single_stage(src):
    rc, out = call("ir", src, "g", "--types", "float, float", "--stage", "canonical")
    assert rc == 0
    assert out.count("; ====") == 1 and out.startswith("; ==== canonical:")
    verifies(out.split("\n", 1)[1])
    rc, out = call("ir", src, "g", "--types", "float32, float32", "--stage", "numba")
    assert rc == 0 and out.startswith("; ==== numba:") and "(float32, float32) -> float32" in out


def test_ir_2d_and_tuple_types(tmp_path):
    p = tmp_path / "t.py"
    p.write_text("def h(a, t):\n    return a[0, 0] * t[0] + t[1]\n")
    rc, out = call("ir", str(p), "h", "--types", "float64[:, :], UniTuple(float64, 2)",
                   "--stage", "canonical")
    assert rc == 0
    verifies(out.split("\n", 1)[1])


def test_ll_roundtrip(ll):
    rc, out = call("ll", ll)
    assert rc == 0
    verifies(out)
    assert "define internal double @helper(double %x)" in out
    rc2, out2 = call("ll", ll, "--pipeline", "roundtrip")
    assert out2 == out


def test_ll_canonical_inlines_into_first_definition(ll, tmp_path):
    rc, out = call("ll", ll, "--pipeline", "canonical")
    assert rc == 0
    verifies(out)
    assert "@helper" not in out                  # inlined and removed
    assert "alloca" not in out                   # promoted to a phi
    assert "phi double" in out
    rc, out = call("ll", ll, "--pipeline", "canonical", "--function", "helper")
    assert rc == 0 and "double @helper(double %x)" in out and "@main_fn" not in out
    rc, out = call("ll", ll, "--pipeline", "canonical", "--function", "missing")
    assert rc != 0


def test_ll_o3_model_and_raw(ll):
    rc, out = call("ll", ll, "--pipeline", "o3")
    assert rc == 0
    verifies(out)
    rc, raw = call("ll", ll, "--pipeline", "o3", "--raw")
    assert rc == 0
    verifies(raw)
    assert "@main_fn" in raw


def test_ll_errors(tmp_path, capsys):
    bad = tmp_path / "bad.ll"
    bad.write_text("define double @f( {\n}\n")
    rc, _ = call("ll", str(bad), "--pipeline", "o3")
    assert rc == 1
    assert "error:" in capsys.readouterr().err
    rc, _ = call("ll", str(bad))
    assert rc == 1
    rc, _ = call("ll", str(tmp_path / "missing.ll"))
    assert rc == 1 and "missing.ll" in capsys.readouterr().err


def test_analyse_array_in_place(src):
    rc, out = call("analyse", src, "scale", "--types", "float64[::1], float64",
                   "--activities", "Dual,Dual", "--ret", "Const")
    assert rc == 0
    assert "call as d_scale(a, da, c, dc)" in out
    assert "float-mem" in out              # the shadow array's data is float memory
    assert "; activity analysis of @" in out


def test_analyse_reports_activity_errors(src, capsys):
    rc, _ = call("analyse", src, "f", "--types", "float64[::1], int64",
                 "--activities", "Dual,Dual")
    assert rc == 1
    err = capsys.readouterr().err                 # a message, not a traceback
    assert err.startswith("error:") and "`n`" in err and "Traceback" not in err


def test_type_and_activity_parsing():
    import numba
    assert cli.parse_types("float64[:], int64") == (numba.float64[:], numba.int64)
    assert cli.parse_types("float32[::1]") == (numba.float32[::1],)
    assert cli.parse_types("float, int, bool") == (numba.float64, numba.int64, numba.boolean)
    assert cli.parse_types("") == ()
    with pytest.raises(SystemExit):
        cli.parse_types("float64[:")
    with pytest.raises(SystemExit):
        cli.parse_types("3")
    from zymase import Const, Dual
    assert cli.parse_activities("Dual, Const") == (Dual, Const)
    with pytest.raises(SystemExit):
        cli.parse_activities("Dual,Bogus")
