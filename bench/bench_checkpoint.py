"""Checkpointed reverse mode: memory and time against the fully taped gradient.

For each case (the Lorenz RK4 integrator of examples/demo.py at 10⁷ steps, a 1-D heat stencil
at 10⁵ steps) this prints

* the peak memory of the checkpointed gradient: the tape (``Derivative.tape_bytes`` after the
  call is the forward sweep's; one iteration's entries come on top while a step is reversed)
  plus the snapshot buffer, which ``checkpoint="64MB"`` bounds by construction; and the growth
  of the process's peak RSS (``ru_maxrss``) during the call, measured in a fresh subprocess
  per configuration so that one run's peak cannot hide another's;
* the time of the checkpointed gradient at N steps and of the fully taped one at N/10 steps,
  times 10 (the issue's yardstick), and their ratio;
* the relative difference between the checkpointed and the fully taped gradient at N steps
  (``--no-full`` skips the fully taped run at N, which needs several GB of tape for Lorenz).

Run: ``PYTHONPATH=. python bench/bench_checkpoint.py [--quick] [--no-full]``
(``--quick`` divides the step counts by 100).
"""
import json
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WORKER = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np
    import zymase
    from zymase import Active, ActiveOnly, Const, Duplicated
    sys.path.insert(0, {examples!r})
    from demo import lorenz_rk4

    def heat(u, tmp, alpha, nsteps):
        n = u.shape[0]
        for _ in range(nsteps):
            for i in range(1, n - 1):
                tmp[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
            for i in range(1, n - 1):
                u[i] = tmp[i]
        s = 0.0
        for i in range(n):
            s += u[i] * u[i]
        return s

    case, n, ck = {case!r}, {n}, {ck!r}
    if case == "lorenz":
        d = zymase.autodiff_reverse(lorenz_rk4, Duplicated, Duplicated, Const, Const,
                                    ret=ActiveOnly, checkpoint=ck)
        state, params = np.array([1.0, 1.0, 1.0]), np.array([10.0, 28.0, 8.0 / 3.0])
        def call(steps):
            ds, dp = np.zeros(3), np.zeros(3)
            d(state, ds, params, dp, steps, 1e-6, 1.0)
            return np.concatenate([ds, dp])
    else:
        d = zymase.autodiff_reverse(heat, Duplicated, Duplicated, Active, Const, ret=Active,
                                    checkpoint=ck)
        u0 = np.sin(np.linspace(0.0, 3.0, {cells}))
        def call(steps):
            u, du = u0.copy(), np.zeros_like(u0)
            tmp, dtmp = np.zeros_like(u0), np.zeros_like(u0)
            _, da = d(u, du, tmp, dtmp, 0.1, steps, 1.0)
            return np.concatenate([[da], du])
    call(3)                                           # compile
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    g = call(n)
    t = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(dict(time=t, rss=(rss1 - rss0) * 1024, tape=d.tape_bytes(),
                          grad=[float(x) for x in g])))
""")


def run(case, n, ck, cells):
    code = WORKER.format(examples=os.path.join(ROOT, "examples"), case=case, n=n, ck=ck,
                         cells=cells)
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    quick = "--quick" in sys.argv
    full = "--no-full" not in sys.argv
    budget = "64MB"
    cases = [("lorenz", 10**7, 0), ("heat", 10**5, 100)]
    for case, n, cells in cases:
        if quick:
            n //= 100
        ck = run(case, n, budget, cells)
        ref10 = run(case, n // 10, None, cells)
        print(f"{case}: {n} steps" + (f", {cells} cells" if cells else ""))
        print(f"  checkpoint={budget!r}: {ck['time']:.2f} s, tape after the forward sweep "
              f"{ck['tape'] / 1024:.1f} KiB, peak RSS growth {ck['rss'] / 2**20:.1f} MiB "
              f"(snapshot buffer <= 64 MB by construction)")
        print(f"  fully taped at {n // 10} steps: {ref10['time']:.3f} s (x10 = "
              f"{10 * ref10['time']:.2f} s), tape {ref10['tape'] / 2**20:.1f} MiB, peak RSS growth "
              f"{ref10['rss'] / 2**20:.1f} MiB")
        print(f"  time ratio checkpointed / (fully taped x10): "
              f"{ck['time'] / (10 * ref10['time']):.2f}")
        if full:
            ref = run(case, n, None, cells)
            a, b = ck["grad"], ref["grad"]
            rel = max(abs(x - y) / max(abs(y), 1e-300) for x, y in zip(a, b))
            print(f"  fully taped at {n} steps: {ref['time']:.2f} s, tape "
                  f"{ref['tape'] / 2**20:.1f} MiB, peak RSS growth {ref['rss'] / 2**20:.1f} MiB; "
                  f"max relative difference of the gradients {rel:.1e}")


if __name__ == "__main__":
    main()
