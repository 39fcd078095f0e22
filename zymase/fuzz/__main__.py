"""``python -m zymase.fuzz``: run the differential fuzzer.

    python -m zymase.fuzz --minutes 60 [--seed S] [--jobs N] [--profile small]
    python -m zymase.fuzz --count 200 --seed 0 --jobs 1
    python -m zymase.fuzz --minutes 60 --bundle 8  # 8 tiny programs per compiled function
    python -m zymase.fuzz --show 1234            # print program 1234 and its checks
    python -m zymase.fuzz --replay 1234          # check it in this process, verbosely
    python -m zymase.fuzz --replay-file tests/fuzz/regressions/test_x.py

Programs ``S, S+1, …`` are generated and checked in ``--jobs`` worker processes until
``--minutes`` pass or ``--count`` programs ran.  Results go to ``--out`` (one JSON line per
program in ``results.jsonl``, worker logs); the last line printed is the summary.  Failures
(wrong derivatives, errors, crashes, hangs, leaks) are minimised with ``--shrink`` and saved
as xfail regression tests under ``--regressions`` (default ``<out>/regressions``; pass
``tests/fuzz/regressions`` to add them to the repository).

With ``--bundle M`` each check covers M consecutive seeds put into one function by
``gen.generate_bundle`` (profile ``tiny`` unless ``--profile`` says otherwise): compiling,
not checking, is what costs, so this checks many more programs per hour.  A bundle that is
refused or fails counts all its programs that way; the summary counts programs and bundles.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time

from .shrink import FAILING, signature


def summarise(results, minutes: float, first: int, profile: str) -> str:
    """The summary line; counts are programs (a bundle counts as its size)."""
    c = collections.Counter()
    for r in results:
        c[r["status"]] += r.get("programs", 1)
    n = sum(c.values())
    nb = sum(1 for r in results if r.get("programs"))
    seeds = [r.get("seed") for r in results if r.get("seed") is not None]
    last = [r.get("seed") + r.get("programs", 1) - 1 for r in results if r.get("seed") is not None]
    rng = f"seeds {min(seeds)}..{max(last)}" if seeds else "no seeds"
    if nb:
        rng += f", {nb} bundles"
    return (f"zymase.fuzz: {n} programs in {minutes:.1f} min ({rng}, profile {profile}): "
            f"correct {c['ok']}, refused {c['refused']}, wrong {c['wrong']}, "
            f"errors {c['error']}, crashes {c['crash']}, hangs {c['hang']}, "
            f"leaks {c['leak']}, skipped {c['skipped']}, invalid {c['invalid']}")


def refusal_groups(results):
    c = collections.Counter()
    for r in results:
        if r["status"] == "refused":
            c[r["detail"]] += r.get("programs", 1)
    return c


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m zymase.fuzz", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--count", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--profile", default=None, choices=["tiny", "small", "medium", "large"],
                    help="program size (default small; tiny with --bundle)")
    ap.add_argument("--bundle", type=int, default=0, metavar="M",
                    help="check M consecutive seeds per compiled function")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per program")
    ap.add_argument("--restart-every", type=int, default=40)
    ap.add_argument("--out", default=None)
    ap.add_argument("--shrink", action="store_true", help="minimise failures and save them")
    ap.add_argument("--shrink-minutes", type=float, default=20.0)
    ap.add_argument("--regressions", default=None)
    ap.add_argument("--show", type=int, default=None)
    ap.add_argument("--replay", type=int, default=None)
    ap.add_argument("--replay-file", default=None)
    ap.add_argument("--file", default=None, help="check (and with --shrink, minimise) the "
                    "module in FILE, which defines f(x, y, c, a, b, n), in a worker process")
    ap.add_argument("--cfg", default=None, help="check configuration (JSON) for --file")
    ap.add_argument("--shrink-any", action="store_true", help="with --file: minimise whatever "
                    "the result is (a refusal too: the smallest program zymase refuses that way)")
    ap.add_argument("--summary", nargs="+", default=None, metavar="DIR",
                    help="summarise the results.jsonl of earlier runs (several: totals)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.profile is None:
        args.profile = "tiny" if args.bundle else "small"

    from .plan import plan as plan1, plan_bundle

    def plan(seed, profile):
        return plan_bundle(seed, args.bundle, profile) if args.bundle else plan1(seed, profile)
    if args.summary:
        results = []
        for d in args.summary:
            with open(os.path.join(d, "results.jsonl")) as fh:
                results += [json.loads(line) for line in fh if line.strip()]
        minutes = sum(r.get("elapsed", 0) for r in results) / 60
        for msg, k in refusal_groups(results).most_common():
            print(f"  refused {k:5d}  {msg}")
        for r in results:
            if r["status"] in FAILING:
                print(f"  seed {r.get('seed')}: {r['status']}:{r.get('kind')}: "
                      f"{str(r.get('detail'))[:200]}")
        profiles = collections.Counter(r.get("profile") or ("tiny" if r.get("programs") else args.profile)
                                       for r in results)
        profile = "/".join(sorted(profiles)) if profiles else args.profile
        print(summarise(results, minutes, 0, profile) + " (minutes: sum of per-program time)")
        return 0
    if args.show is not None:
        prog, cfg = plan(args.show, args.profile)
        print(prog.source)
        print("# checks:", json.dumps(cfg.to_dict()))
        print("# features:", ", ".join(sorted(prog.features)))
        return 0
    if args.replay is not None or args.replay_file:
        from .check import Config, check_source, enable_nrt_stats
        enable_nrt_stats()
        if args.replay_file:
            from .regress import load_regression
            source, cfgd = load_regression(args.replay_file)
            cfg = Config.from_dict(cfgd)
        else:
            prog, cfg = plan(args.replay, args.profile)
            source = prog.source
        print(source)
        print("# checks:", json.dumps(cfg.to_dict()))
        res = check_source(source, cfg, tag="replay")
        print(json.dumps(res, indent=1))
        return 0 if res["status"] in ("ok", "refused", "skipped") else 1

    if args.file:
        return _check_file(args)
    if args.minutes is None and args.count is None:
        args.count = 100
    out = args.out or os.path.join(os.getcwd(), "fuzz-out", time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(out, exist_ok=True)
    regdir = args.regressions or os.path.join(out, "regressions")
    from .pool import Pool
    pool = Pool(jobs=args.jobs, timeout=args.timeout, restart_every=args.restart_every,
                log_dir=os.path.join(out, "logs"))
    t0 = time.monotonic()
    deadline = t0 + args.minutes * 60 if args.minutes is not None else None
    count = args.count

    def reqs():
        k = 0
        step = max(1, args.bundle)
        while count is None or k * step < count:
            req = {"id": k, "seed": args.seed + k * step, "profile": args.profile}
            if args.bundle:
                req["bundle"] = args.bundle
            yield req
            k += 1

    import signal

    def _stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, _stop)      # background runs ignore SIGINT
    signal.signal(signal.SIGINT, _stop)
    results = []
    log = open(os.path.join(out, "results.jsonl"), "a")
    print(f"zymase.fuzz: seeds from {args.seed}, profile {args.profile}, {args.jobs} job(s), "
          f"output {out}", flush=True)
    try:
        for res in pool.map(reqs(), deadline):
            res["profile"] = args.profile
            results.append(res)
            log.write(json.dumps(res) + "\n")
            log.flush()
            st = res["status"]
            if st in FAILING:
                print(f"!! seed {res.get('seed')}: {st}:{res.get('kind')}: "
                      f"{str(res.get('detail'))[:300]}", flush=True)
            elif not args.quiet and len(results) % (25 if not args.bundle else 5) == 0:
                print(summarise(results, (time.monotonic() - t0) / 60, args.seed, args.profile),
                      flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    minutes = (time.monotonic() - t0) / 60
    failures = [r for r in results if r["status"] in FAILING]
    if args.shrink and failures:
        _shrink_all(failures, args, pool, regdir)
    pool.close()
    groups = refusal_groups(results)
    if groups:
        print("refusals by message:")
        for msg, k in groups.most_common():
            print(f"  {k:5d}  {msg}")
    if failures:
        print("failures:")
        for r in failures:
            print(f"  seed {r.get('seed')}: {r['status']}:{r.get('kind')}: "
                  f"{str(r.get('detail'))[:200]}")
    summary = summarise(results, minutes, args.seed, args.profile)
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write(summary + "\n")
        for msg, k in groups.most_common():
            f.write(f"refused {k:5d}  {msg}\n")
    print(summary, flush=True)
    return 1 if failures else 0


def _check_file(args):
    from .check import Config
    from .pool import Pool
    from .regress import write_regression
    from .shrink import shrink
    with open(args.file) as fh:
        source = fh.read()
    cfg = Config.from_dict(json.loads(args.cfg)) if args.cfg else Config()
    out = args.out or os.path.join(os.getcwd(), "fuzz-out", time.strftime("%Y%m%d-%H%M%S"))
    pool = Pool(jobs=1, timeout=args.timeout, log_dir=os.path.join(out, "logs"))
    try:
        res = pool.run_one({"id": 0, "seed": args.seed, "source": source, "cfg": cfg.to_dict()})
        print(json.dumps(res, indent=1))
        sig = signature(res)
        if not (args.shrink and (res["status"] in FAILING or
                                 (args.shrink_any and res["status"] != "ok"))):
            return 1 if res["status"] in FAILING else 0
        k = [0]

        def test(src, c):
            k[0] += 1
            return pool.run_one({"id": k[0], "seed": args.seed, "source": src,
                                 "cfg": c.to_dict()})
        src, c, tried = shrink(source, cfg, test, sig, budget_s=args.shrink_minutes * 60)
        final = test(src, c)
        regdir = args.regressions or os.path.join(out, "regressions")
        path = write_regression(regdir, args.seed, "file", src, c, final)
        print(f"{tried} candidates; saved {path}:\n{src}")
        return 1
    finally:
        pool.close()


def _shrink_all(failures, args, pool, regdir):
    from .check import Config
    from .plan import plan, plan_bundle
    from .regress import write_regression
    from .shrink import shrink
    done = set()
    for r in failures:
        sig = signature(r)
        if sig in done:
            continue
        done.add(sig)
        if r.get("programs"):
            prog, cfg = plan_bundle(r["seed"], r["programs"], args.profile)
        else:
            prog, cfg = plan(r["seed"], args.profile)
        print(f"shrinking seed {r['seed']} ({sig[0]}:{sig[1]}) ...", flush=True)
        k = [0]

        def test(src, c):
            k[0] += 1
            return pool.run_one({"id": f"shrink{k[0]}", "seed": r["seed"], "source": src,
                                 "cfg": c.to_dict()})
        src, c, tried = shrink(prog.source, cfg, test, sig, budget_s=args.shrink_minutes * 60)
        final = test(src, c)
        if signature(final) != sig:       # flaky: keep the original
            src, c, final = prog.source, cfg, r
        path = write_regression(regdir, r["seed"], args.profile, src, c, final)
        print(f"  {tried} candidates; saved {path}:\n{src}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
