"""Drive the GradBench tool (``python -m zymase.gradbench``) as GradBench would: a subprocess
speaking JSON lines.

The GMM instance is ADBench's test input (data/gmm/test.txt) converted to GradBench's input
format.  GradBench's GMM objective is the log posterior, i.e. ADBench's objective with the
Wishart prior term subtracted instead of added, so the expected values follow from
ADBench's golden values by flipping the prior's sign with its closed-form gradient:

    prior(q, l) = sum_k 0.5 gamma^2 (sum_j exp(2 q_kj) + sum_j l_kj^2) - m sum_j q_kj - K C
    d prior/d q_kj = gamma^2 exp(2 q_kj) - m,   d prior/d l_kj = gamma^2 l_kj
    GradBench = ADBench - 2 prior   (objective and gradient alike)
"""
import json
import math
import os
import subprocess
import sys

import numpy as np

from zymase.gradbench.adbench.gmm import gmm_unflatten, load_gmm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "adbench", "data")
# the tool as GradBench runs it, importing this checkout's zymase
TOOL = [sys.executable, "-m", "zymase.gradbench"]
TOOL_ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(
    [ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))


def start_tool(command=TOOL):
    """The tool as a subprocess with pipes for stdin, stdout and stderr."""
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=TOOL_ENV)


def _expected_gradbench_gmm():
    alphas, means, icf, x, gamma, m = load_gmm(os.path.join(DATA, "gmm", "test.txt"))
    K, d = means.shape
    with open(os.path.join(DATA, "gmm_golden.json")) as f:
        vals = json.load(f)["values"]
    obj = vals["objective_calculation_correctness.expected_scalar"]
    ga, gm, gicf = gmm_unflatten(
        np.array(vals["jacobian_calculation_correctness.expected_gradient"]), K, d)
    q, l = icf[:, :d], icf[:, d:]
    nw = d + m + 1
    lgd = 0.25 * d * (d - 1) * math.log(math.pi) + sum(
        math.lgamma(0.5 * nw + 0.5 * (1 - j)) for j in range(1, d + 1))
    C = nw * d * (math.log(gamma) - 0.5 * math.log(2.0)) - lgd
    prior = float(np.sum(0.5 * gamma**2 * (np.sum(np.exp(2 * q), 1) + np.sum(l * l, 1))
                         - m * np.sum(q, 1)) - K * C)
    dq = gamma**2 * np.exp(2 * q) - m
    dl = gamma**2 * l
    inp = {"d": d, "k": K, "n": x.shape[0], "x": x.tolist(), "m": m, "gamma": gamma,
           "alpha": alphas.tolist(), "mu": means.tolist(), "q": q.tolist(), "l": l.tolist(),
           "min_runs": 2, "min_seconds": 0}
    expected = {"alpha": ga, "mu": gm, "q": gicf[:, :d] - 2 * dq, "l": gicf[:, d:] - 2 * dl}
    return inp, obj - 2 * prior, expected


def converse(messages, timeout=120, command=TOOL):
    """Run the tool as a subprocess, send the messages one at a time (as the GradBench
    intermediary does) and return the responses."""
    proc = start_tool(command)
    responses = []
    try:
        for msg in messages:
            proc.stdin.write(json.dumps(msg) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            responses.append(json.loads(line))
        proc.stdin.close()
        assert proc.wait(timeout=timeout) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    return responses


def test_gradbench_protocol_gmm():
    inp, obj, grad = _expected_gradbench_gmm()
    messages = [
        {"id": 0, "kind": "start", "eval": "gmm"},
        {"id": 1, "kind": "define", "module": "gmm"},
        {"id": 2, "kind": "evaluate", "module": "gmm", "function": "objective", "input": inp},
        {"id": 3, "kind": "evaluate", "module": "gmm", "function": "jacobian", "input": inp,
         "description": "adbench test.txt"},
        {"id": 4, "kind": "analysis", "of": 3, "valid": True},
        {"id": 5, "kind": "define", "module": "no-such-module"},
        {"id": 6, "kind": "end"},
    ]
    responses = converse(messages, timeout=30)
    assert [r["id"] for r in responses] == [m["id"] for m in messages]
    start, define, ev_obj, ev_jac, analysis, bad_define, end = responses
    assert start["tool"] == "zymase"
    assert define["success"] is True
    assert all(t["name"] and t["nanoseconds"] > 0 for t in define["timings"])
    assert ev_obj["success"] is True and abs(ev_obj["output"] - obj) < 1e-8
    assert ev_jac["success"] is True
    assert len([t for t in ev_jac["timings"] if t["name"] == "evaluate"]) >= 2  # min_runs
    out = ev_jac["output"]
    assert set(out) == {"alpha", "mu", "q", "l"}
    for key, want in grad.items():
        got = np.array(out[key])
        assert got.shape == want.shape, key
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-8, err_msg=key)
    assert analysis == {"id": 4}
    assert bad_define["success"] is False and "no-such-module" in bad_define["error"]
    assert end == {"id": 6}


def test_bench_script_is_the_same_tool():
    """``python bench/gradbench_tool.py`` (the README's command) runs the package's tool."""
    responses = converse([{"id": 0, "kind": "start", "eval": "hello"},
                          {"id": 1, "kind": "define", "module": "hello"},
                          {"id": 2, "kind": "evaluate", "module": "hello", "function": "double",
                           "input": 3.0}],
                         timeout=30, command=[sys.executable, "bench/gradbench_tool.py"])
    assert responses[0]["tool"] == "zymase"
    assert responses[1]["success"] is True
    assert responses[2]["success"] is True and responses[2]["output"] == 6.0


def test_package_imports_one_way():
    """Importing ``zymase.gradbench`` imports no eval module; the eval modules import the
    shared objectives and ``common``, never ``protocol`` (no import circle)."""
    code = ("import sys, zymase.gradbench, zymase.gradbench.adbench; "
            "assert not [m for m in sys.modules if m.startswith('zymase.gradbench.') "
            "and m != 'zymase.gradbench.adbench'], sorted(sys.modules); "
            "import zymase.gradbench.evals_more, zymase.gradbench.evals_adbench, "
            "zymase.gradbench.evals_basic; "
            "assert 'zymase.gradbench.protocol' not in sys.modules; "
            "assert not [m for m in sys.modules if m.startswith('tests')]")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=TOOL_ENV)


def test_tool_reports_its_allocator_setting():
    """The tool keeps freed memory (glibc mallopt) only with ZYMASE_GB_MALLOC=keep, and says
    which in its ``start`` answer; answers are the same either way."""
    msgs = [{"id": 0, "kind": "start"}, {"id": 1, "kind": "define", "module": "lse"},
            {"id": 2, "kind": "evaluate", "module": "lse", "function": "gradient",
             "input": {"x": [0.5, -1.0, 2.0], "min_runs": 3}}]
    outs = {}
    for mode in ("keep", "default"):
        env = dict(TOOL_ENV, ZYMASE_GB_MALLOC=mode)
        p = subprocess.run(TOOL, input="".join(json.dumps(m) + "\n" for m in msgs),
                           capture_output=True, text=True, cwd=ROOT, env=env, check=True)
        outs[mode] = [json.loads(line) for line in p.stdout.splitlines()]
    expect = {"keep": "keeps freed memory" if sys.platform.startswith("linux") else
              "glibc defaults", "default": "glibc defaults"}
    x = np.array([0.5, -1.0, 2.0])
    softmax = np.exp(x - x.max()) / np.exp(x - x.max()).sum()
    for mode, resp in outs.items():
        assert resp[0]["config"]["malloc"] == expect[mode]
        assert len(resp[2]["timings"]) == 3
        np.testing.assert_allclose(resp[2]["output"], softmax, rtol=1e-12)
