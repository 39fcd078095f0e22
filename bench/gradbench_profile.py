"""Profile zymase's GradBench tool on one saved input: primal vs derivative, and ``perf``.

    python bench/gradbench_relay.py ... --save-inputs /tmp/gbin     # saves evaluate messages
    PYTHONPATH=. python bench/gradbench_profile.py /tmp/gbin/gmm.jacobian.64_25_1000.json \\
        [--seconds 5] [--perf OUT_PREFIX] [--other objective]

1. Times every function of the module on that input (minimum over repeats of at least
   ``--seconds`` / 4 each): the split "primal x ms, derivative y ms".
2. With ``--perf``: writes ``/tmp/perf-<pid>.map`` (perf's map for JIT code: start, size,
   name of every function in Numba's JIT engine, hence of zymase's derivatives, which are
   linked into it), records ``perf record -F 4000 -p <pid>`` while the message's function
   runs in a loop, and prints ``perf report --sort sym``.  Then, for the hottest JIT
   functions, the hottest instruction addresses (``perf script``), with the machine code
   around them disassembled from this process's memory (``objdump -b binary``), so that a
   hot loop can be read off (its backward branch, its loads, stores and calls).
"""
import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def jit_symbols():
    """(address, name) of every defined function in Numba's JIT engine, sorted."""
    from numba.core.registry import cpu_target
    ee = cpu_target.target_context.codegen()._engine._ee
    syms = {}
    for mod in list(getattr(ee, "_modules", ())):
        for f in mod.functions:
            if f.is_declaration:
                continue
            try:
                addr = ee.get_function_address(f.name)
            except Exception:  # noqa: BLE001 - a symbol the engine did not materialise
                continue
            if addr:
                syms[addr] = f.name
    return sorted(syms.items())


def write_perf_map(syms):
    path = f"/tmp/perf-{os.getpid()}.map"
    with open(path, "w") as f:
        for (a, name), nxt in zip(syms, syms[1:] + [(syms[-1][0] + 65536, None)]):
            f.write(f"{a:x} {min(nxt[0] - a, 1 << 20):x} {name}\n")
    return path


def best_time(fn, args, seconds):
    ts, t_end = [], time.perf_counter() + seconds
    while len(ts) < 3 or time.perf_counter() < t_end:
        t0 = time.perf_counter_ns()
        fn(args)
        ts.append(time.perf_counter_ns() - t0)
    return min(ts) / 1e6, len(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("message", help="a saved evaluate message (relay --save-inputs)")
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--perf", default=None, metavar="PREFIX", help="perf.data -> PREFIX.data")
    ap.add_argument("--top", type=int, default=4, help="hot JIT functions to disassemble")
    a = ap.parse_args()
    msg = json.load(open(a.message))
    from zymase.gradbench.protocol import MODULES, keep_freed_memory
    malloc = keep_freed_memory()      # as the tool does (only with ZYMASE_GB_MALLOC=keep)
    t0 = time.perf_counter()
    mod = MODULES[msg["module"]]()
    mod.warm()
    args = mod.prepare(msg["input"])
    print(f"# {msg['module']} {msg.get('description', '')}: built in "
          f"{time.perf_counter() - t0:.1f} s; load {os.getloadavg()[0]:.2f}; "
          f"{'keeps freed memory' if malloc else 'glibc malloc defaults'}")
    for name, fn in mod.functions.items():
        ms, n = best_time(fn, args, a.seconds / 4)
        print(f"{name:>12}: {ms:10.4f} ms (min of {n})")
    if not a.perf:
        return
    fn = mod.functions[msg["function"]]
    fn(args)
    syms = jit_symbols()
    write_perf_map(syms)
    data = a.perf + ".data"
    rec = subprocess.Popen(["perf", "record", "-F", "4000", "-p", str(os.getpid()), "-o", data],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    t_end = time.perf_counter() + a.seconds
    calls = 0
    while time.perf_counter() < t_end:
        fn(args)
        calls += 1
    rec.send_signal(signal.SIGINT)
    rec.wait()
    print(f"# perf: {calls} calls of {msg['function']} in {a.seconds} s")
    rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--sort", "dso,sym",
                          "--percent-limit", "0.5"], capture_output=True, text=True).stdout
    print("\n".join(l for l in rep.splitlines() if l and not l.startswith("#")))
    hot_instructions(data, syms, a.top)


def hot_instructions(data, syms, top):
    """Histogram of sampled addresses inside JIT code, per function, with disassembly."""
    import bisect
    out = subprocess.run(["perf", "script", "-i", data, "-F", "ip"], capture_output=True,
                         text=True).stdout.split()
    ips = Counter(int(x, 16) for x in out if x.strip())
    total = sum(ips.values())
    starts = [s for s, _ in syms]
    per_fn = Counter()
    for ip, c in ips.items():
        k = bisect.bisect_right(starts, ip) - 1
        if k >= 0 and ip - starts[k] < (1 << 20):
            per_fn[k] += c
    for k, c in per_fn.most_common(top):
        start, name = syms[k]
        end = starts[k + 1] if k + 1 < len(starts) else start + 65536
        size = min(end - start, 1 << 16)
        print(f"\n## {name}: {100 * c / total:.1f}% of samples; hottest addresses:")
        hot = [(ip, n) for ip, n in ips.items() if start <= ip < start + size]
        hot.sort(key=lambda t: -t[1])
        for ip, n in hot[:12]:
            print(f"   +0x{ip - start:x}: {100 * n / total:.1f}%")
        code = ctypes.string_at(start, size)
        path = f"/tmp/zymase_prof_{os.getpid()}_{k}.bin"
        open(path, "wb").write(code)
        dis = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64",
                              f"--adjust-vma=0x{start:x}", path],
                             capture_output=True, text=True).stdout
        hotset = {ip: n for ip, n in hot}
        lines = []
        for line in dis.splitlines():
            head = line.strip().split(":", 1)[0]
            try:
                addr = int(head, 16)
            except ValueError:
                continue
            mark = f"{100 * hotset[addr] / total:5.1f}% " if addr in hotset else "       "
            lines.append(f"{mark}+0x{addr - start:x}:{line.split(':', 1)[1]}")
        dpath = f"{data}.{k}.dis"
        open(dpath, "w").write(f"{name}\n" + "\n".join(lines) + "\n")
        print(f"   disassembly with sample percentages: {dpath}")


if __name__ == "__main__":
    main()
