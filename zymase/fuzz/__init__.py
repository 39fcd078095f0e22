"""zymase.fuzz — differential fuzzing of zymase's derivatives (``python -m zymase.fuzz``).

Pipeline, one seed at a time:

    seed ──gen.py──▶ a Python module: f(x, y, c, a, b, n) and its @njit helpers
         ──plan.py──▶ + a check configuration (widths, sizes n, activities, Dual/DualOnly …)
         ──check.py──▶ compile, build a forward and a reverse derivative, run the checks
         ──pool.py──▶ … in a worker process (a crash or hang is a result, with its seed)
    failure ──shrink.py──▶ minimal program (delta debugging over the AST and the config)
            ──regress.py──▶ tests/fuzz/regressions/test_<kind>_<seed>.py (xfail until fixed)

Modules:

- ``gen``     the seeded program generator (features listed in its docstring), and
  ``generate_bundle`` (many tiny programs in one function, for the in-suite run); its
  grammar lives in ``gen_state`` (random streams, scopes), ``gen_exprs``, ``gen_stmts``
  and ``gen_helpers``;
- ``plan``    seed → (program, ``check.Config``), deterministic;
- ``check``   the checks: primal agreement, ⟨J v, w⟩ = ⟨v, Jᵀ w⟩ over all forward × reverse
  lanes, Richardson-extrapolated central differences with branch-trace kink detection
  (``trace``), width-N lanes against width-1 calls, NRT allocation balance, Const and
  unwritten arrays unchanged, determinism, calls from ``@njit`` code, and for inputs where the
  program raises: the same exception, the same array state, no added NRT leak;
- ``harness`` the program under test (compiled, its derivatives, calls on copies);
- ``fd``      the finite-difference check;
- ``trace``   the branch-trace twin used by the finite-difference check;
- ``worker`` / ``pool``  crash-proof worker processes;
- ``shrink``  the minimiser; ``regress`` saved regressions; ``__main__`` the command line.

``UnsupportedError`` is a refusal (counted, grouped by its normalised first line), never a
failure; a program Numba itself cannot compile is ``invalid`` (a generator bug).
"""
