"""Measure one tool on one workload, in a process of its own (run by ``run_all.py``).

    python bench/worker.py --workload gmm --tool zymase --ref DIR [--quick] [--budget 1.0]

Tools: ``zymase`` (also measures the Numba primal and the central finite-difference
baseline), ``jax``, ``torch``, ``autograd``, ``warp``, ``taichi``, ``drjit`` (``impl_<tool>.py``).  Prints one line ``RESULT <json>`` with a list
of records.  Exit status: 0 measured; 3 a derivative failed validation (the caller must
abort); 4 the framework is not installed (skipped); anything else a crash.

Order of work in the process:
  1. pin the process to one CPU core (every tool is measured single-threaded);
  2. first call of the primal and of the derivative, timed: "compile" (JIT tracing,
     Numba/LLVM/XLA compilation, zymase's transformation; eager tools just run once);
  3. validation (see below); a failure exits 3 before anything is timed;
  4. timing: median of repeated calls (at least 3 unless one call exceeds the budget,
     then until ``--budget`` seconds are spent); for eager tools (PyTorch, autograd) the
     first call is an ordinary call and counts as the first sample (not for torch.func on
     the Jacobian workloads: its first call sets up the transforms, see impl_torch.eager);
  5. memory, during the first timed call: the extra resident memory the call needs,
     VmHWM after the call minus VmRSS before it, with the high-water mark reset through
     /proc/self/clear_refs just before (Linux >= 4.0); where that is impossible, the growth
     of ru_maxrss (an underestimate, often 0).  Memory already held before the call (inputs,
     compiled code, allocator caches kept from earlier calls) is not counted.

Validation of zymase: the primal value returned by the derivative equals Numba's; ADBench
golden values (GMM on ADBench's test instance, LSTM on the benchmark instance) to 1e-8
absolute; directional 4th-order central differences along random directions to 1e-6
relative.  The validated gradient is saved in ``--ref`` and every other tool's gradient
must agree with it to the workload's tolerance (1e-8 relative, max-norm) or the run aborts.

Jacobian workloads (``w.kind == "jacobian"``: BA, hand) go the same way with the residual
vector in place of the scalar: the primal is the Numba residual function, the derivative
the whole Jacobian (zymase: ``w.jac.make_zymase()``), validated against ADBench's golden
Jacobians (1e-8 absolute) and by directional central differences (``J v`` against the
difference of the residual vectors), then every tool's residuals and Jacobian must agree
with zymase's to 1e-10 / the workload's tolerance (relative, max-norm).
"""
import argparse
import json
import os
import resource
import sys
import time
import traceback

# one core, one thread for every tool (Numba and zymase code is single-threaded)
for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
os.environ.setdefault("XLA_FLAGS",
                      "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

EXIT_INVALID, EXIT_SKIPPED = 3, 4


class ValidationFailed(Exception):
    pass


def _verdict(checks, what, w):
    """Summary line of (label, error, tolerance) checks; raises if any error is too big."""
    failed = [c for c in checks if not (c[1] <= c[2])]
    if failed:
        raise ValidationFailed("zymase %s of %s failed validation: %s" % (
            what, w.name, "; ".join(f"{lbl}: error {err:.3e} > tolerance {tol:.0e}"
                                    for lbl, err, tol in failed)))
    return "; ".join(f"{lbl} {err:.1e}" for lbl, err, _ in checks)


def pin_cpu():
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})
        return cpus[-1]
    except (AttributeError, OSError):
        return None


# --------------------------------------------------------------------------- measuring

def median_time(fn, budget, max_runs=1000, first=None):
    """Median wall time of repeated calls: at least 3 calls unless one call exceeds the
    budget, then until ``budget`` seconds are spent.  The first timed call also gives the
    call's extra peak memory (see ``peak_extra_bytes``); ``first=(mem, how, seconds)`` uses
    an already measured call as the first sample.  Returns (median, runs, mem, how)."""
    times = []
    total = 0.0
    mem, how = None, None
    if first is not None:
        mem, how, dt = first
        times.append(dt)
        total += dt
    while not (times and (times[-1] > budget or (len(times) >= 3 and total >= budget))):
        if not times:
            mem, how, dt = peak_extra_bytes(fn)
        else:
            t0 = time.perf_counter()
            fn()
            dt = time.perf_counter() - t0
        times.append(dt)
        total += dt
        if len(times) >= max_runs:
            break
    times.sort()
    k = len(times)
    med = times[k // 2] if k % 2 else 0.5 * (times[k // 2 - 1] + times[k // 2])
    return med, k, mem, how


def _status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) * 1024
    return out


def peak_extra_bytes(fn):
    """Run fn once; return (extra resident bytes it needed, method, seconds): VmHWM after
    the call minus VmRSS before it, the high-water mark reset just before the call through
    /proc/self/clear_refs; else the growth of ru_maxrss (an underestimate, often 0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = _status()["VmRSS"]
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        return max(0, _status()["VmHWM"] - before), "VmHWM", dt
    except OSError:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return max(0, after - before), "ru_maxrss", dt


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


# --------------------------------------------------------------------------- zymase

def run_zymase_jacobian(w, args):
    """zymase on a Jacobian workload (see the module docstring)."""
    import numba
    import numpy as np

    import zymase
    import workloads as W

    primal = w.jac.residuals
    t0 = time.perf_counter()
    y_ref = primal(w.data)
    compile_primal = time.perf_counter() - t0
    t0 = time.perf_counter()
    jac = w.jac.make_zymase()
    y, J = jac(w.data)
    compile_deriv = time.perf_counter() - t0
    if os.environ.get("ZYMASE_BENCH_PERTURB") == w.name:
        _raw = jac

        def jac(d):   # test hook, as in run_zymase
            y0, J0 = _raw(d)
            return y0, J0 * (1.0 + 1e-4)
        y, J = jac(w.data)

    checks = [("residuals returned by the Jacobian vs Numba (rel)", W.rel_err([y], [y_ref]),
               1e-10)]
    if w.jac.golden is not None:
        checks += w.jac.golden(jac)
    checks.append(("directional 4th-order central FD of the residuals (rel)",
                   W.directional_fd_check_jacobian(w, J), 1e-6))
    summary = _verdict(checks, "Jacobian", w)
    np.savez(os.path.join(args.ref, w.name + ".npz"), y=np.asarray(y), g0=np.asarray(J))

    tp, np_runs, mem_p, how = median_time(lambda: primal(w.data), args.budget)
    td, nd_runs, mem_d, _ = median_time(lambda: jac(w.data), args.budget)
    versions = f"numba {numba.__version__}, zymase {zymase.__version__}"
    records = [dict(tool="zymase", primal_s=tp, primal_runs=np_runs, deriv_s=td,
                    deriv_runs=nd_runs, compile_primal_s=compile_primal,
                    compile_deriv_s=compile_deriv, mem_primal=mem_p, mem_deriv=mem_d,
                    mem_method=how, check=summary, version=versions,
                    primal_label="Numba @njit")]

    # central FD: one column per input, 2n residual evaluations
    n = w.n_wrt
    fd_cost = 2 * n * tp
    rec = dict(tool="fd", primal_s=tp, primal_runs=np_runs, compile_primal_s=compile_primal,
               mem_primal=mem_p, mem_deriv=mem_p, version=versions, n=n,
               primal_label="Numba @njit")
    if fd_cost <= args.fd_budget:
        def fd_jac():
            cols = []
            for p in w.wrt:
                base = np.asarray(w.data[p], dtype=np.float64)
                for i in range(base.size):
                    h = 1e-6 * max(1.0, abs(base.flat[i]))
                    vals = []
                    for sgn in (1.0, -1.0):
                        pert = base.copy()
                        pert.flat[i] += sgn * h
                        vals.append(primal(dict(w.data, **{p: pert})))
                    cols.append((vals[0] - vals[1]) / (2 * h))
            return np.stack(cols, axis=1)
        t0 = time.perf_counter()
        J_fd = fd_jac()
        rec.update(deriv_s=time.perf_counter() - t0, deriv_runs=1, estimated=False)
        rec["check"] = (f"FD error vs AD Jacobian {W.rel_err([J_fd], [J]):.1e} (h=1e-6)"
                        if np.shape(J) == J_fd.shape else "FD Jacobian not compared")
    else:
        rec.update(deriv_s=fd_cost, deriv_runs=0, estimated=True,
                   check=f"estimated: 2n = {2 * n} residual evaluations x median primal "
                         "time (no sparsity exploited)")
    records.append(rec)
    return records


def run_zymase(w, args):
    if getattr(w, "kind", "gradient") == "jacobian":
        return run_zymase_jacobian(w, args)
    import numba
    import numpy as np

    import zymase
    import workloads as W
    from zymase import Active, Const, Duplicated

    acts = {"dup": Duplicated, "active": Active, "const": Const}
    records = []

    primal = w.fn if isinstance(w.fn, numba.core.dispatcher.Dispatcher) else numba.njit(w.fn)
    t0 = time.perf_counter()
    y_ref = primal(*w.args())
    compile_primal = time.perf_counter() - t0

    t0 = time.perf_counter()
    df = zymase.autodiff_reverse(w.fn, *[acts[w.acts[p]] for p in w.params], ret=Active)

    def call_grad(cargs_in):
        cargs, shadows = [], {}
        for p, a in zip(w.params, cargs_in):
            cargs.append(a)
            if w.acts[p] == "dup":
                s = np.zeros_like(a)
                shadows[p] = s
                cargs.append(s)
        cargs.append(1.0)
        res = df(*cargs)
        res = res if isinstance(res, tuple) else (res,)
        adj = iter(res[1:])
        grads = [shadows[p] if w.acts[p] == "dup" else np.asarray(next(adj)) for p in w.wrt]
        return res[0], grads

    y, grads = call_grad(w.args())
    compile_deriv = time.perf_counter() - t0
    if os.environ.get("ZYMASE_BENCH_PERTURB") == w.name:
        # test hook (tests/unit/test_bench_validation.py): a gradient wrong by 1e-4 relative
        # must be caught by the checks below and abort the run
        _raw_call = call_grad

        def call_grad(cargs_in):
            y0, g0 = _raw_call(cargs_in)
            return y0, [g * (1.0 + 1e-4) for g in g0]
        y, grads = call_grad(w.args())

    # ---- validation (before any timing)
    checks = [("primal returned by the derivative vs Numba (rel)", rel(y, y_ref), 1e-10)]
    if w.golden is not None:
        checks += w.golden(call_grad)
    checks.append(("directional 4th-order central FD (rel)",
                   W.directional_fd_check(w, primal, grads), 1e-6))
    summary = _verdict(checks, "gradient", w)
    np.savez(os.path.join(args.ref, w.name + ".npz"), y=np.float64(y),
             **{f"g{i}": np.asarray(g) for i, g in enumerate(grads)})

    # ---- timing
    tp, np_runs, mem_p, how = median_time(lambda: primal(*w.args()), args.budget)
    td, nd_runs, mem_d, _ = median_time(lambda: call_grad(w.args()), args.budget)
    versions = f"numba {numba.__version__}, zymase {zymase.__version__}"
    records.append(dict(tool="zymase", primal_s=tp, primal_runs=np_runs, deriv_s=td,
                        deriv_runs=nd_runs, compile_primal_s=compile_primal,
                        compile_deriv_s=compile_deriv, mem_primal=mem_p, mem_deriv=mem_d,
                        mem_method=how, check=summary, version=versions,
                        primal_label="Numba @njit"))

    # ---- central finite differences: 2n primal calls (measured when cheap, else estimated)
    n = w.n_wrt
    fd_cost = 2 * n * tp
    rec = dict(tool="fd", primal_s=tp, primal_runs=np_runs, compile_primal_s=compile_primal,
               mem_primal=mem_p, version=versions, n=n, primal_label="Numba @njit")
    if fd_cost <= args.fd_budget:
        def fd_grad():
            out = []
            for p in w.wrt:
                base = np.asarray(w.data[p], dtype=np.float64)
                g = np.empty(base.shape)
                flat_b = base.ravel()
                for i in range(flat_b.size):
                    h = 1e-6 * max(1.0, abs(flat_b[i]))
                    vals = []
                    for sgn in (1.0, -1.0):
                        d = dict(w.data)
                        pert = flat_b.copy()
                        pert[i] += sgn * h
                        d[p] = float(pert[0]) if base.ndim == 0 else pert.reshape(base.shape)
                        vals.append(primal(*w.args(d)))
                    g.flat[i] = (vals[0] - vals[1]) / (2 * h)
                out.append(g)
            return out
        t0 = time.perf_counter()
        g_fd = fd_grad()
        rec["deriv_s"] = time.perf_counter() - t0
        rec["deriv_runs"] = 1
        rec["estimated"] = False
        rec["check"] = f"FD error vs AD gradient {W.rel_err(g_fd, grads):.1e} (h=1e-6)"
        rec["mem_deriv"] = mem_p
    else:
        rec["deriv_s"] = fd_cost
        rec["deriv_runs"] = 0
        rec["estimated"] = True
        rec["check"] = f"estimated: 2n = {2 * n} primal calls x median primal time"
        rec["mem_deriv"] = mem_p
    records.append(rec)
    return records


# --------------------------------------------------------------------------- competitors

def run_framework(w, args):
    import numpy as np

    import workloads as W
    try:
        impl = __import__("impl_" + args.tool)
    except ImportError as e:
        raise ModuleNotFoundError(str(e))
    ref_path = os.path.join(args.ref, w.name + ".npz")
    if not os.path.exists(ref_path):
        raise RuntimeError("no validated zymase reference gradient for " + w.name)
    ref = np.load(ref_path)
    y_ref = ref["y"]            # a scalar, or the residual vector of a Jacobian workload
    g_ref = [ref[f"g{i}"] for i in range(sum(k.startswith("g") for k in ref.files))]

    convert, run_primal, run_grad, to_numpy = impl.build(w)
    eager = impl.eager(w) if hasattr(impl, "eager") else getattr(impl, "EAGER", False)
    cargs = convert(w.data)
    # eager tools compile nothing: their first call is an ordinary call and counts as the
    # first timed sample (with its memory); JIT tools' first calls are compilation
    ys, box = [], []
    first_p = peak_extra_bytes(lambda: ys.append(run_primal(cargs))) if eager else None
    t0 = time.perf_counter()
    if not eager:
        ys.append(run_primal(cargs))
    compile_primal = first_p[2] if eager else time.perf_counter() - t0
    y = ys[0]
    first_d = peak_extra_bytes(lambda: box.append(run_grad(cargs))) if eager else None
    t0 = time.perf_counter()
    if not eager:
        box.append(run_grad(cargs))
    compile_deriv = first_d[2] if eager else time.perf_counter() - t0
    g = to_numpy(box[0])
    del box

    ey = rel(y, float(y_ref)) if y_ref.ndim == 0 else W.rel_err([y], [y_ref])
    eg = W.rel_err(g, g_ref)
    what = "Jacobian" if w.kind == "jacobian" else "gradient"
    summary = f"primal vs zymase {ey:.1e}; {what} vs zymase {eg:.1e}"
    if not (ey <= 1e-10 and eg <= w.agree_tol):
        raise ValidationFailed(
            f"{args.tool} disagrees with the validated zymase result on {w.name}: primal rel "
            f"error {ey:.3e} (tolerance 1e-10), {what} rel error {eg:.3e} (tolerance "
            f"{w.agree_tol:.0e})")
    tp, np_runs, mem_p, how = median_time(lambda: run_primal(cargs), args.budget,
                                          first=first_p)
    td, nd_runs, mem_d, _ = median_time(lambda: run_grad(cargs), args.budget, first=first_d)
    return [dict(tool=args.tool, primal_s=tp, primal_runs=np_runs, deriv_s=td,
                 deriv_runs=nd_runs, compile_primal_s=compile_primal,
                 compile_deriv_s=compile_deriv, mem_primal=mem_p, mem_deriv=mem_d,
                 mem_method=how, check=summary, version=impl.VERSION)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workload", required=True)
    ap.add_argument("--tool", required=True,
                    choices=["zymase", "jax", "torch", "autograd", "warp", "taichi", "drjit"])
    ap.add_argument("--ref", required=True, help="folder for validated reference gradients")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--budget", type=float, default=1.0,
                    help="seconds of repeated calls per timing (at least 3 calls)")
    ap.add_argument("--fd-budget", type=float, default=2.0,
                    help="run the full FD gradient when it costs less than this, else estimate")
    args = ap.parse_args()
    cpu = pin_cpu()

    out = dict(workload=args.workload, tool=args.tool, cpu=cpu)
    code = 0
    try:
        import workloads as W
        w = W.get(args.workload, args.quick)
        out["title"] = w.title
        out["n_wrt"] = w.n_wrt
        out["agree_tol"] = w.agree_tol
        out["agree_note"] = w.agree_note
        out["kind"] = w.kind
        if w.jac is not None:
            out["jac_form"] = w.jac.form
        out["records"] = run_zymase(w, args) if args.tool == "zymase" else run_framework(w, args)
        out["status"] = "ok"
    except ModuleNotFoundError as e:
        out.update(status="skipped", note=f"not installed ({e})")
        code = EXIT_SKIPPED
    except ValidationFailed as e:
        out.update(status="invalid", note=str(e))
        code = EXIT_INVALID
    except Exception as e:  # noqa: BLE001 - reported to the caller
        out.update(status="error", note=f"{type(e).__name__}: {e}",
                   traceback=traceback.format_exc())
        code = 1
    print("RESULT " + json.dumps(out), flush=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
