"""zymase as a GradBench tool: answers GradBench's JSON-lines protocol on stdin/stdout.

    python -m zymase.gradbench                # then, with the GradBench CLI:
    gradbench run --eval "gradbench repo eval gmm" --tool "python -m zymase.gradbench"

Protocol, as specified in GradBench's CONTRIBUTING.md ("Protocol"; checked against
gradbench/gradbench at commit f26651a, March 2026): the eval sends one JSON object per line,
each with a unique ``"id"`` and a ``"kind"``; the tool answers every message with exactly
one JSON line carrying the same ``"id"``:

* ``start``    -> ``{"id", "tool": "zymase", "config": {...}}``
* ``define``   (``"module"``) -> ``{"id", "success": true|false[, "error"], "timings"}``;
  zymase compiles the module's derivatives here (on a tiny input of the right argument
  types), reported as one ``"compile"`` timing;
* ``evaluate`` (``"module"``, ``"function"``, ``"input"``) -> ``{"id", "success": true,
  "output", "timings": [{"name": "evaluate", "nanoseconds"}, ...]}``, one ``"evaluate"``
  timing per run: the function runs at least ``input["min_runs"]`` times and until the
  runs add up to ``input["min_seconds"]`` (both default to 1 run / 0 s when absent, as in
  the ``hello`` eval); conversion from and to JSON is not timed; on an exception
  ``{"id", "success": false, "error"}``;
* any other kind (``analysis``; also ``end``, which GradBench itself never sends) ->
  ``{"id"}``.  The session ends at end of input (or after answering ``end``).

Evals (defined by the README files in gradbench's evals/*/): one module per family, each
exporting ``MODULES``, whose docstring gives every module's inputs, outputs and formulation:

* ``evals_basic``: ``hello``, ``ode``, ``lse``, ``llsq``;
* ``evals_adbench``: ``gmm``, ``lstm``, ``ba``, ``ht`` -- ADBench's objectives, shared with
  the tests and benchmarks from ``zymase.gradbench.adbench``;
* ``evals_more``: ``kmeans``, ``det``, ``particle``, ``saddle`` (forward over reverse for
  the k-means Hessian diagonal; nested derivatives -- a zymase derivative inside the loop
  zymase differentiates -- for particle and saddle).

Every function is written as plain loops and every derivative is computed by zymase.
Derivatives that the tool calls from Python with shadows it allocates itself
(``np.zeros_like`` of each primal array) are built with ``checks=False``: the Python-side shadow
checks cost about 2 us a call, most of a small input's time (hello, llsq n=16), and cannot
fail on those shadows.
Modules: ``common`` (the ``Module`` record), ``protocol`` (the message loop, ``Tool``,
``main``), ``__main__``.  Imports go one way: ``protocol`` -> ``evals_*`` -> ``adbench``,
``common``.  Importing this package imports none of them.
"""
