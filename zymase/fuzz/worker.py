"""A fuzz worker process: reads JSON requests on stdin, answers JSON lines on its stdout.

Requests: ``{"id": k, "seed": s, "profile": p}`` (generate and check program ``s``;
with ``"bundle": m``, programs ``s .. s+m-1`` as one bundle) or
``{"id": k, "source": text, "cfg": {...}}`` (check a given program: the shrinker's
candidates, saved regressions).  Answers: the check's result dict plus ``id``, ``seed`` and
``elapsed``.  Everything else the process prints (Numba warnings, zymase's ``ZYMASE_PRINT``)
goes to stderr, so the answer channel stays clean.  A worker that crashes simply dies: the
pool records the crash with the request that caused it and starts another.
"""
from __future__ import annotations

import json
import os
import sys
import time
import warnings


def main():
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)                       # stray prints go to stderr
    sys.stdout = sys.stderr
    warnings.simplefilter("ignore")
    from .check import Config, check_source, enable_nrt_stats
    from .plan import plan, plan_bundle
    enable_nrt_stats()
    out.write(json.dumps({"ready": os.getpid()}) + "\n")
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        t0 = time.perf_counter()
        if "source" in req:
            source, cfg = req["source"], Config.from_dict(req["cfg"])
            res = {}
        elif req.get("bundle"):
            prog, cfg = plan_bundle(req["seed"], req["bundle"], req.get("profile", "tiny"))
            source = prog.source
            res = {"features": sorted(prog.features), "programs": req["bundle"]}
        else:
            prog, cfg = plan(req["seed"], req.get("profile", "small"))
            source = prog.source
            res = {"features": sorted(prog.features)}
        # the request is written to stderr first: after a crash the log names it
        print(f"[worker {os.getpid()}] request {req.get('id')} seed {req.get('seed')}",
              file=sys.stderr, flush=True)
        res.update(check_source(source, cfg, tag=str(req.get("seed", ""))))
        res.update(id=req.get("id"), seed=req.get("seed"),
                   elapsed=round(time.perf_counter() - t0, 3))
        out.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
