"""Run the whole benchmark suite: zymase against the Numba primal, JAX, PyTorch, autograd,
NVIDIA Warp, Taichi, Dr.Jit and central finite differences, side by side on one machine in
one run.

    python bench/run_all.py [--quick] [--out bench/RESULTS.md] [--png PATH]
                            [--workloads gmm lstm ...] [--tools zymase jax ...]

Writes a Markdown report (``--out``, default ``bench/RESULTS.md``, with ``--quick``
``bench/results/RESULTS-quick.md``), a log-scale bar chart
of derivative times (``--png``, default ``results.png`` beside the report) and the raw
numbers as JSON in ``bench/results/``.  Frameworks that are not installed are skipped with
a note (``pip install -e '.[bench]'`` installs them all).

How it measures (details in ``worker.py``):
* every (workload, tool) pair runs in a fresh process pinned to one CPU core, one thread;
* zymase's gradient is validated first (ADBench golden values where they exist, directional
  4th-order central differences always); the validated gradient becomes the reference that
  every other tool must match (1e-8 relative unless the workload says otherwise);
  **any derivative that fails validation aborts the run with exit status 2 and no report**;
* times are medians of repeated calls (>= 3 calls or ``--budget`` seconds, whichever is
  longer; a single call when one call exceeds the budget); "first call" is the time of the
  first call of a fresh function (JIT compilation, tracing, zymase's transformation);
* memory is the extra resident memory one call needs (peak RSS during the call minus RSS
  before it, /proc/self/clear_refs + VmHWM);
* the finite-difference baseline costs 2n primal calls for n inputs: measured when that
  takes under ``--fd-budget`` seconds, otherwise estimated as 2n x the Numba primal time;
* two workloads (ADBench bundle adjustment and hand tracking) measure a whole Jacobian of a
  residual vector instead of a gradient, validated the same way (golden Jacobians,
  directional differences of the residuals); see ``workloads.py``.
"""
import argparse
import datetime
import importlib.util
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# the workers import zymase from this checkout (workloads.py puts ROOT on sys.path); look
# for it in the same place, so a checkout whose editable install points elsewhere still runs
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

WORKLOADS = ["gmm", "lstm", "pairwise", "lorenz", "heat", "rosenbrock", "brusselator", "ba",
             "hand"]
TOOLS = ["zymase", "jax", "torch", "autograd", "warp", "taichi", "drjit"]
MODULE_OF = {"zymase": "zymase", "jax": "jax", "torch": "torch", "autograd": "autograd",
             "warp": "warp", "taichi": "taichi", "drjit": "drjit"}
LABEL = {"zymase": "zymase", "jax": "JAX (jit)", "torch": "PyTorch (eager)",
         "autograd": "autograd", "warp": "Warp (CPU)", "taichi": "Taichi (CPU)",
         "drjit": "Dr.Jit (LLVM)", "fd": "central FD"}
DESCR = {"zymase": "`autodiff_reverse` of the plain-loop code; primal = Numba `@njit`",
         "jax": "`jax.jit(jax.grad(f))`, vectorised, `lax.scan`/`fori_loop` for time loops",
         "torch": "eager tensors, Python loops over time steps, `torch.autograd.grad`",
         "autograd": "`autograd.grad`, `autograd.numpy`, Python loops over time steps",
         "warp": "`@wp.kernel`s in `wp.float64` on device `\"cpu\"` (one thread per element "
                 "or per data point, `wp.atomic_add` into the objective; time loops inside one "
                 "kernel with the trajectory in arrays), gradient by `wp.Tape`; fresh kernel "
                 "cache per process, so the first call compiles (see `impl_warp.py`)",
         "taichi": "`@ti.kernel`s on `ti.cpu` in f64 (one CPU thread), fields with "
                   "`needs_grad`, `loss[None] +=` reductions, time loops serial inside one "
                   "kernel, gradient by `ti.ad.Tape`; offline cache off, so the first call "
                   "compiles (see `impl_taichi.py`)",
         "drjit": "`drjit.llvm.ad.Float64` arrays (LLVM backend, one thread), vectorised like "
                  "JAX with gathers, symbolic `dr.while_loop` for Lorenz and LSTM, gradient by "
                  "`dr.backward`; traced anew every call (no `dr.freeze`); fresh kernel cache "
                  "per process (see `impl_drjit.py`)",
         "fd": "2n calls of the Numba primal (central differences)"}
# how each tool gets the Jacobians of the two Jacobian workloads (ADBench BA and hand)
JAC_DESCR = {
    "zymase": "BA: two `autodiff_reverse` calls per observation (one per residual) on its "
              "packed parameters (camera 11, point 3, weight 1), from an `@njit` loop over "
              "the observations; hand: one `autodiff_forward` call of width 26 (identity "
              "seed)",
    "jax": "BA: `jit(vmap(jacfwd(block)))` over the observations; hand: `jit(jacfwd(f))`",
    "torch": "BA: `torch.func.vmap(torch.func.jacfwd(block))`; hand: `torch.func.jacfwd(f)` "
             "(the first call, which sets up `torch.func`, is reported as first call)",
    "autograd": "BA: one forward pass of all observations and 2 pull-backs (residual 0 / 1 "
                "of every observation: the blocks are independent); hand: "
                "`autograd.jacobian` (one pull-back per residual)",
    "warp": "reverse mode only: BA: a kernel over the observations' packed 15 parameters, two "
            "backward passes (residual 0 / 1 of every observation); hand: the residual kernels "
            "run on 300 copies of theta, copy r producing residual r, one backward pass",
    "taichi": "reverse mode, as Warp: BA two backward passes over packed parameters; hand 300 "
              "copies of theta, one backward pass",
    "drjit": "reverse mode, as Warp: BA two `dr.backward_from` passes over packed parameters "
             "(one lane per observation); hand 300 lanes, one copy of theta per residual, one "
             "backward pass",
    "fd": "2n residual evaluations (no sparsity exploited)"}
COLOR = {"zymase": "#d62728", "jax": "#1f77b4", "torch": "#ff7f0e", "autograd": "#2ca02c",
         "warp": "#17becf", "taichi": "#9467bd", "drjit": "#8c564b", "fd": "#7f7f7f"}
EXIT_INVALID = 2


# --------------------------------------------------------------------------- machine

def machine_info():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        mem = float("nan")
    from importlib import metadata
    versions = {}
    for pkg in ("numpy", "numba", "llvmlite", "zymase", "jax", "jaxlib", "torch", "autograd",
                "warp-lang", "taichi", "drjit", "matplotlib"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return dict(cpu=cpu, cores=os.cpu_count(), memory_gib=round(mem, 1),
                python=platform.python_version(), os=platform.platform(),
                versions=versions, date=datetime.datetime.now().isoformat(timespec="seconds"),
                load=_load())


def _load():
    try:
        return "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "?"


# --------------------------------------------------------------------------- formatting

def fmt_time(s):
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_ratio(r):
    if r is None or not math.isfinite(r):
        return "—"
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×" if r < 1000 else f"{r:.3g}×"


def fmt_mem(b):
    if b is None:
        return "—"
    if b < 0.1 * 2**20:
        return "<0.1 MB"
    return f"{b / 2**20:.1f} MB"


# --------------------------------------------------------------------------- running

class Progress:
    def __init__(self, total):
        self.total, self.done = total, 0
        try:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="job", dynamic_ncols=True)
        except ImportError:
            self.bar = None

    def start(self, label):
        if self.bar is not None:
            self.bar.set_description(label)
        else:
            print(f"[{self.done + 1}/{self.total}] {label} ...", flush=True)

    def finish(self, msg=None):
        self.done += 1
        if self.bar is not None:
            if msg:
                self.bar.write(msg)
            self.bar.update(1)
        elif msg:
            print("    " + msg, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def run_worker(workload, tool, ref, args):
    cmd = [sys.executable, os.path.join(HERE, "worker.py"), "--workload", workload,
           "--tool", tool, "--ref", ref, "--budget", str(args.budget),
           "--fd-budget", str(args.fd_budget)]
    if args.quick:
        cmd.append("--quick")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout,
                              cwd=ROOT)
    except subprocess.TimeoutExpired:
        return dict(workload=workload, tool=tool, status="timeout",
                    note=f"did not finish within the {args.timeout:.0f} s limit per tool "
                         f"(first call + timed calls)"), time.perf_counter() - t0
    wall = time.perf_counter() - t0
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            out = json.loads(line[len("RESULT "):])
            if out.get("status") == "error":
                out["stderr"] = proc.stderr[-3000:]
            return out, wall
    return dict(workload=workload, tool=tool, status="error",
                note=f"worker exited {proc.returncode} without a result",
                stderr=proc.stderr[-3000:]), wall


# --------------------------------------------------------------------------- report

def rows_of(results):
    """{workload: {"title":…, "records": {tool: record}, "status": {tool: (status, note)}}}"""
    table = {}
    for r in results:
        w = table.setdefault(r["workload"], dict(title=r.get("title", r["workload"]),
                                                 records={}, status={}, n_wrt=r.get("n_wrt"),
                                                 agree_tol=r.get("agree_tol"),
                                                 agree_note=r.get("agree_note", ""),
                                                 kind=r.get("kind", "gradient"),
                                                 jac_form=r.get("jac_form", "")))
        if r.get("title"):
            w["title"] = r["title"]
        if r.get("n_wrt"):
            w["n_wrt"] = r["n_wrt"]
        w["status"][r["tool"]] = (r["status"], r.get("note", ""))
        for rec in r.get("records", []):
            w["records"][rec["tool"]] = rec
    return table


def numba_primal(w):
    z = w["records"].get("zymase")
    return z["primal_s"] if z else None


def write_markdown(path, info, table, tools, args, wall, skipped_tools):
    mode = "quick" if args.quick else "full"
    v = info["versions"]
    L = []
    L.append("# zymase benchmark results\n")
    L.append(f"Generated by `python bench/run_all.py{' --quick' if args.quick else ''}` "
             f"({mode} sizes) on {info['date']}; the run took {wall / 60:.1f} min.\n")
    L.append("## Machine\n")
    L.append(f"- CPU: {info['cpu']}, {info['cores']} logical cores, "
             f"{info['memory_gib']} GiB RAM; {info['os']}")
    L.append("- **every tool runs in its own process pinned to one core with one thread** "
             "(Numba and zymase code is single-threaded; JAX/XLA and PyTorch are restricted "
             "to match)")
    L.append(f"- load average (1/5/15 min) at start: {info['load']}, at the end: "
             f"{info.get('load_end', '?')} (other work on the machine inflates and scatters "
             "the times, by up to ~2× between runs: treat smaller differences as noise)")
    L.append(f"- Python {info['python']}; " + ", ".join(
        f"{k} {val}" for k, val in v.items() if val is not None))
    if skipped_tools:
        L.append("- skipped: " + "; ".join(f"{t} ({why})" for t, why in skipped_tools))
    L.append("")
    L.append("## Derivative time per workload\n")
    L.append("Full gradient of a scalar objective (for the ADBench BA and hand workloads: "
             "the whole Jacobian of the residual vector); in brackets the time divided by "
             "the Numba primal's time (lower is better).  *est.* = estimated, not run.\n")
    cols = [t for t in tools if t != "fd"] + ["fd"]
    L.append("| workload | Numba primal | " + " | ".join(LABEL[t] for t in cols) + " |")
    L.append("|---|---:|" + "---:|" * len(cols))
    for wname, w in table.items():
        tp = numba_primal(w)
        cells = []
        for t in cols:
            rec = w["records"].get(t)
            if rec is None:
                st = w["status"].get(t if t != "fd" else "zymase", ("skipped", ""))
                cells.append(st[0])
                continue
            txt = fmt_time(rec["deriv_s"])
            if rec.get("estimated"):
                txt += " est."
            if tp:
                txt += f" ({fmt_ratio(rec['deriv_s'] / tp)})"
            cells.append(txt)
        L.append(f"| {w['title']} | {fmt_time(tp)} | " + " | ".join(cells) + " |")
    L.append("")
    L.append("![derivative time per tool and workload](results.png)\n"
             if os.path.basename(args.png) == "results.png" and
             os.path.dirname(os.path.abspath(args.png)) == os.path.dirname(
                 os.path.abspath(path)) else f"Plot: `{os.path.relpath(args.png, ROOT)}`\n")
    L.append("## Per workload\n")
    L.append("Columns: *primal* / *derivative* = median time of one call; *÷ own primal* = "
             "derivative time over the same tool's primal; *÷ Numba* = over the Numba "
             "primal; *first call* = time of the first call of a fresh function, i.e. "
             "compilation (Numba, zymase's transformation + LLVM, XLA tracing + compilation, "
             "Warp's clang, Taichi's and Dr.Jit's LLVM; Warp compiles a workload's kernels with "
             "their adjoints at the first launch, so its first derivative call finds them "
             "compiled) or for eager tools one ordinary call; *extra memory* = peak resident memory "
             "the call needs beyond what the process already holds; *runs* = calls behind "
             "the medians; *check* = how the result was validated.\n")
    for wname, w in table.items():
        tp = numba_primal(w)
        L.append(f"### {w['title']}\n")
        what = "Jacobian" if w.get("kind") == "jacobian" else "gradient"
        L.append(f"{what.capitalize()} with respect to {w.get('n_wrt', '?')} inputs"
                 + (f" ({w['jac_form']})" if w.get("jac_form") else "")
                 + f".  Tools must agree with the validated zymase {what} to "
                 f"{w.get('agree_tol', 1e-8):.0e} relative (max-norm)"
                 + (f"; {w['agree_note']}" if w.get("agree_note") else "") + ".\n")
        L.append("| tool | primal | derivative | ÷ own primal | ÷ Numba | first call (primal / "
                 "derivative) | extra memory (primal / derivative) | runs | check |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for t in cols:
            rec = w["records"].get(t)
            if rec is None:
                st = w["status"].get(t if t != "fd" else "zymase", ("skipped", "not run"))
                L.append(f"| {LABEL[t]} | {st[0]}: {st[1]} |||||||| ")
                continue
            own = rec["deriv_s"] / rec["primal_s"] if rec.get("primal_s") else None
            vs = rec["deriv_s"] / tp if tp else None
            first = (f"{fmt_time(rec.get('compile_primal_s'))} / "
                     f"{fmt_time(rec.get('compile_deriv_s'))}")
            if t == "fd":
                first = f"{fmt_time(rec.get('compile_primal_s'))} / —"
            mem = f"{fmt_mem(rec.get('mem_primal'))} / {fmt_mem(rec.get('mem_deriv'))}"
            runs = f"{rec.get('primal_runs', '—')} / {rec.get('deriv_runs', '—')}"
            deriv = fmt_time(rec["deriv_s"]) + (" est." if rec.get("estimated") else "")
            L.append(f"| {LABEL[t]} | {fmt_time(rec.get('primal_s'))} | {deriv} | "
                     f"{fmt_ratio(own)} | {fmt_ratio(vs)} | {first} | {mem} | {runs} | "
                     f"{rec.get('check', '')} |")
        L.append("")
    L.append("## How the competitors are written\n")
    for t in cols:
        L.append(f"- **{LABEL[t]}**: {DESCR[t]}")
    if any(w.get("kind") == "jacobian" for w in table.values()):
        L.append("\nJacobian workloads (the primal is the residual vector):\n")
        for t in cols:
            L.append(f"- **{LABEL[t]}**: {JAC_DESCR[t]}")
    L.append("\nSources: `bench/workloads.py` (data, zymase versions, checks), "
             "`bench/kernels.py`, `zymase/gradbench/adbench/`, "
             "`bench/impl_jax.py`, `bench/impl_torch.py`, `bench/impl_autograd.py`, "
             "`bench/impl_warp.py`, `bench/impl_taichi.py`, `bench/impl_drjit.py`; measuring: "
             "`bench/worker.py`.\n")
    notes = []
    for wname, w in table.items():
        for t, (st, note) in w["status"].items():
            if st != "ok":
                notes.append(f"- {w['title']}, {LABEL.get(t, t)}: {st} — {note}")
    if notes:
        L.append("## Not measured\n")
        L.extend(notes)
        L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


def write_plot(path, table, tools):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
    except ImportError:
        return "matplotlib not installed: no plot"
    cols = [t for t in tools if t != "fd"] + ["fd"]
    names = list(table)
    x = np.arange(len(names))
    width = 0.8 / (len(cols) + 1)
    fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(names)), 5.5))
    primal = [numba_primal(table[n]) or np.nan for n in names]
    ax.bar(x - 0.4 + width / 2, primal, width, color="black", label="Numba primal")
    for k, t in enumerate(cols):
        vals, est = [], []
        for n in names:
            rec = table[n]["records"].get(t)
            vals.append(rec["deriv_s"] if rec else np.nan)
            est.append(bool(rec and rec.get("estimated")))
        pos = x - 0.4 + width * (k + 1.5)
        bars = ax.bar(pos, vals, width, color=COLOR[t], label=LABEL[t] + " gradient")
        for b, e in zip(bars, est):
            if e:
                b.set_hatch("//")
                b.set_alpha(0.6)
        for p, v, n in zip(pos, vals, names):
            if not np.isfinite(v):
                st = table[n]["status"].get(t if t != "fd" else "zymase", ("skipped", ""))[0]
                ax.text(p, 0.02, st, rotation=90, fontsize=7, ha="center", va="bottom",
                        color=COLOR[t], transform=ax.get_xaxis_transform())
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels([table[n]["title"].replace(" ", "\n", 2) for n in names], fontsize=8)
    ax.set_ylabel("seconds per call (log scale)")
    ax.set_title("Gradient (BA, hand: Jacobian) time per tool (one core); hatched = FD "
                 "estimated as 2n primal calls")
    ax.grid(axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8, ncol=6, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return None


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller problems, shorter timing")
    ap.add_argument("--out", default=None,
                    help="report path (default bench/RESULTS.md; with --quick "
                         "bench/results/RESULTS-quick.md, so a quick run never overwrites "
                         "the full report)")
    ap.add_argument("--png", default=None, help="plot path (default: results.png beside --out)")
    ap.add_argument("--workloads", nargs="+", default=WORKLOADS, choices=WORKLOADS)
    ap.add_argument("--tools", nargs="+", default=TOOLS, choices=TOOLS)
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds of repeated calls per median (default 1.0, quick 0.3)")
    ap.add_argument("--fd-budget", type=float, default=None,
                    help="run FD for real below this many seconds (default 2.0, quick 0.5)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds allowed per (workload, tool) process (default 420, quick 120)")
    args = ap.parse_args()
    if args.out is None:
        args.out = (os.path.join(HERE, "results", "RESULTS-quick.md") if args.quick
                    else os.path.join(HERE, "RESULTS.md"))
    args.budget = args.budget or (0.3 if args.quick else 1.0)
    args.fd_budget = args.fd_budget or (0.5 if args.quick else 2.0)
    args.timeout = args.timeout or (120.0 if args.quick else 420.0)
    if args.png is None:
        d = os.path.dirname(os.path.abspath(args.out))
        base = os.path.basename(args.out)
        args.png = os.path.join(d, "results.png" if base == "RESULTS.md"
                                else os.path.splitext(base)[0] + ".png")
    tools = ["zymase"] + [t for t in args.tools if t != "zymase"]

    info = machine_info()
    skipped_tools = []
    available = []
    for t in tools:
        if importlib.util.find_spec(MODULE_OF[t]) is None:
            why = "not installed; `pip install -e '.[bench]'`"
            skipped_tools.append((t, why))
            print(f"note: skipping {t}: {why}", flush=True)
        else:
            available.append(t)
    if "zymase" not in available:
        sys.exit("zymase itself is not importable: pip install -e .")
    print(f"{info['cpu']} ({info['cores']} cores); {'quick' if args.quick else 'full'} sizes; "
          f"tools: {', '.join(available)}", flush=True)

    jobs = [(w, t) for w in args.workloads for t in available]
    progress = Progress(len(jobs))
    results, failed = [], False
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zymase-bench-") as ref:
        broken = set()
        for w, t in jobs:
            progress.start(f"{w}: {t}")
            if w in broken:
                results.append(dict(workload=w, tool=t, status="not run",
                                    note="zymase failed on this workload"))
                progress.finish()
                continue
            out, wall = run_worker(w, t, ref, args)
            results.append(out)
            st = out["status"]
            if st == "invalid":
                progress.close()
                print(f"\nABORTED: {out['note']}", file=sys.stderr)
                print("A derivative failed validation; no results were written.",
                      file=sys.stderr)
                sys.exit(EXIT_INVALID)
            if st == "ok":
                rec = out["records"][0]
                msg = (f"{w:12s} {LABEL[t]:16s} derivative {fmt_time(rec['deriv_s']):>10s}  "
                       f"primal {fmt_time(rec['primal_s']):>10s}  ({wall:.0f} s)")
            else:
                msg = f"{w:12s} {LABEL[t]:16s} {st}: {out.get('note', '')[:200]}"
                if t == "zymase":
                    broken.add(w)
                    failed = True
                if st == "error" and out.get("stderr"):
                    msg += "\n" + out.get("traceback", out["stderr"])[-1500:]
            progress.finish(msg)
    progress.close()
    wall = time.perf_counter() - t_start

    info["load_end"] = _load()
    table = rows_of(results)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    write_markdown(args.out, info, table, tools + ["fd"], args, wall, skipped_tools)
    err = write_plot(args.png, table, tools + ["fd"])
    raw_dir = os.path.join(HERE, "results")
    os.makedirs(raw_dir, exist_ok=True)
    raw = os.path.join(raw_dir, os.path.splitext(os.path.basename(args.out))[0] + ".json")
    with open(raw, "w") as f:
        json.dump(dict(machine=info, args=vars(args), results=results), f, indent=1)
    print(f"\nwrote {os.path.relpath(args.out)}, {os.path.relpath(raw)}"
          + (f", {os.path.relpath(args.png)}" if err is None else f" ({err})")
          + f" in {wall / 60:.1f} min", flush=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
