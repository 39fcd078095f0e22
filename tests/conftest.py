"""Test-run configuration shared by the whole suite.

Scheduling: with ``-n`` (pytest-xdist, as in the README's ``python -m pytest -q -n auto
tests``) and no ``--dist`` of the caller's own, tests are scheduled with ``worksteal``
(pytest-xdist >= 3.2) instead of ``load``: each worker starts on one contiguous half of the
collection, so the module-level caches of compiled derivatives (building one costs seconds)
serve neighbouring tests of the same module on the same worker, and a worker that runs dry
takes half of the other's remaining tests, so that both finish together instead of one
waiting on a long test at the end.  Without pytest-xdist, or without ``-n``, nothing changes.
"""
import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    opt = config.option
    if (getattr(opt, "numprocesses", None) and getattr(opt, "dist", None) == "no"
            and not getattr(opt, "distload", False)):
        import xdist
        if tuple(int(p) for p in xdist.__version__.split(".")[:2]) >= (3, 2):
            opt.dist = "worksteal"
