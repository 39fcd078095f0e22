"""The GradBench protocol loop: one JSON message per input line, one JSON answer per message.

See the package docstring for the messages and answers; ``MODULES`` joins the eval families'
builders (a module is built -- its derivatives compiled -- when it is ``define``d).

``ZYMASE_GB_MALLOC=keep`` makes ``main`` ask glibc's allocator to keep freed memory
(``keep_freed_memory``).  It is off by default: the engine keeps each derivative's tape buffer
for its next call itself (``transforms/tape.py``), which is what made a difference (with glibc's
defaults every call's tape came from fresh pages: half or more of a derivative's time on ode,
kmeans and lse, bench/GRADBENCH.md); the setting remains for A/B comparisons.
"""
import ctypes
import json
import os
import sys
import time
import traceback

import numba

import zymase

from . import evals_adbench, evals_basic, evals_more
from .common import flush_subnormals

MODULES = {**evals_basic.MODULES, **evals_adbench.MODULES, **evals_more.MODULES}


class Tool:
    def __init__(self, malloc="glibc defaults"):
        self.modules = {}
        self.malloc = malloc          # reported in the start answer's config

    def define(self, msg):
        name = msg.get("module")
        if name not in MODULES:
            return {"success": False, "error": f"zymase has no implementation of module "
                                               f"{name!r} (has: {', '.join(MODULES)})"}
        t0 = time.perf_counter_ns()
        mod = MODULES[name]()
        mod.warm()
        self.modules[name] = mod
        return {"success": True,
                "timings": [{"name": "compile", "nanoseconds": time.perf_counter_ns() - t0}]}

    def evaluate(self, msg):
        mod = self.modules.get(msg.get("module"))
        if mod is None:
            return {"success": False, "error": f"module {msg.get('module')!r} not defined"}
        fn = mod.functions.get(msg.get("function"))
        if fn is None:
            return {"success": False, "error": f"module {msg['module']!r} has no function "
                                               f"{msg.get('function')!r}"}
        inp = msg.get("input")
        runs = seconds = None
        if isinstance(inp, dict):
            runs, seconds = inp.get("min_runs"), inp.get("min_seconds")
        min_runs = int(runs) if runs is not None else 1
        min_seconds = float(seconds) if seconds is not None else 0.0
        args = mod.prepare(inp)
        timings, elapsed, out = [], 0, None
        while len(timings) < max(min_runs, 1) or elapsed < min_seconds * 1e9:
            t0 = time.perf_counter_ns()
            out = fn(args)
            dt = time.perf_counter_ns() - t0
            timings.append({"name": "evaluate", "nanoseconds": dt})
            elapsed += dt
        return {"success": True, "output": mod.post(msg["function"], out), "timings": timings}

    def handle(self, msg):
        kind = msg.get("kind")
        resp = {}
        try:
            if kind == "start":
                resp = {"tool": "zymase", "config": {"zymase": zymase.__version__,
                                                     "numba": numba.__version__,
                                                     "malloc": self.malloc,
                                                     "flush_subnormals": flush_subnormals()}}
            elif kind == "define":
                resp = self.define(msg)
            elif kind == "evaluate":
                resp = self.evaluate(msg)
        except Exception as e:  # noqa: BLE001 - reported through the protocol
            resp = {"success": False, "error": "".join(traceback.format_exception(e))}
        return {"id": msg.get("id")} | resp


# mallopt parameters (glibc malloc.h); 32 MiB is the largest mmap threshold glibc accepts
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory():
    """Blocks up to 32 MiB from the heap, and freed heap memory kept for the next call.

    Returns whether glibc accepted both settings (False off glibc, or unless the environment
    variable ``ZYMASE_GB_MALLOC`` is ``keep``)."""
    if os.environ.get("ZYMASE_GB_MALLOC") != "keep" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20)) and bool(
        mallopt(_M_TRIM_THRESHOLD, 2**31 - 1))


def main():
    tool = Tool("keeps freed memory" if keep_freed_memory() else "glibc defaults")
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        out.write(json.dumps(tool.handle(msg)) + "\n")
        out.flush()
        if msg.get("kind") == "end":
            break
