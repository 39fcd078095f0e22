"""The benchmark suite must refuse to report numbers for a wrong derivative: a zymase
gradient perturbed by 1e-4 (relative) through the worker's test hook aborts
``bench/run_all.py`` with exit status 2 and writes no report."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_wrong_gradient_aborts_the_run(tmp_path):
    out = tmp_path / "RESULTS.md"
    env = dict(os.environ, ZYMASE_BENCH_PERTURB="rosenbrock")
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", "run_all.py"), "--quick",
         "--workloads", "rosenbrock", "--tools", "zymase", "--out", str(out)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "ABORTED" in proc.stderr and "failed validation" in proc.stderr
    assert not out.exists()
