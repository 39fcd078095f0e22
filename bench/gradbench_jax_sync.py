"""GradBench's JAX tool, timed to the end of the computation (run from the GradBench checkout).

    python /path/to/bench/gradbench_jax_sync.py      # instead of tools/jax/run.py

GradBench's ``gradbench.wrap`` times ``function(input)`` with ``perf_counter_ns``; JAX returns
from a jitted call as soon as the work is *dispatched*, so as shipped the timing misses the
computation itself (10-10^4x too small on CPU).  This launcher replaces the two decorators of
``gradbench.wrap`` by ones whose timed call is ``jax.block_until_ready(function(input))``, then
runs the unchanged ``tools/jax/run.py`` (which pins itself to CPU 0, as shipped).
"""
import os
import runpy
import sys

sys.path.insert(0, os.path.join(os.getcwd(), "python", "gradbench"))

import jax  # noqa: E402
from gradbench import wrap  # noqa: E402


def _synced(decorator):
    def make(**kwargs):
        inner = decorator(**kwargs)

        def apply(function):
            w = inner(lambda x: jax.block_until_ready(function(x)))
            return wrap.Wrapped(function=function, wrapped=w.wrapped)
        return apply
    return make


wrap.function = _synced(wrap.function)
wrap.multiple_runs = _synced(wrap.multiple_runs)

if __name__ == "__main__":
    here = os.path.join(os.getcwd(), "python", "gradbench", "gradbench", "tools", "jax")
    sys.path.insert(0, here)            # run.py imports the eval's module by its bare name
    runpy.run_path(os.path.join(here, "run.py"), run_name="__main__")
