"""ADBench's objectives (GMM, LSTM, bundle adjustment, hand tracking) as plain-loop Numba code.

One module per objective (``gmm``, ``lstm``, ``ba``, ``hand``): the instance-file loaders,
the ``@numba.njit`` objectives written as natural loops, and (BA, hand) the Jacobians zymase
computes for them.  They live in the package because three users share them: the GradBench
tool (``python -m zymase.gradbench``, which must run from an installed zymase), the tests
(``tests/adbench``, against ADBench's golden values in ``tests/adbench/data``) and the
benchmarks (``bench/``, which never import ``tests``).  Importing this package imports nothing
heavy; each module compiles lazily (``@numba.njit``) on first call.
"""
