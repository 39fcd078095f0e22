"""lit configuration of zymase's golden IR tests (``tests/ir``).

Every ``.ll`` and ``.py`` file below this folder (except the pytest files) is a test: its
``RUN:`` lines run the zymase command line on the file itself and pipe what it prints into
FileCheck, which matches the file's ``CHECK:`` lines (with ``--check-prefix``, other
prefixes) in order.  Substitutions:

* ``%zymase``    -> ``<python> -m zymase`` with this checkout first on ``PYTHONPATH``;
* ``%filecheck`` -> ``<python> -m filecheck`` (the ``filecheck`` package: a Python FileCheck);
* ``%python``    -> the Python running lit;
* ``%s`` (the test file), ``%t`` (a scratch path), ``not`` (inverts an exit status): lit's own.

``tests/ir/test_lit.py`` runs the suite under pytest.  By hand::

    lit -v tests/ir             # the `lit` script of the lit package

Parameters (``--param NAME=VALUE``): ``zymase_root`` (the checkout to import, default: the one
holding this file) and ``exec_root`` (where ``%t`` files go, default: a folder in the system's
temporary directory, so nothing is written into the source tree).
"""
import os
import sys
import tempfile

import lit.formats

config.name = "zymase-ir"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".ll", ".py"]
config.excludes = ["lit.cfg.py", "test_lit.py", "test_roundtrip.py", "__init__.py",
                   "__pycache__", "Output"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))

_root = lit_config.params.get(
    "zymase_root", os.path.dirname(os.path.dirname(config.test_source_root)))
_exec = lit_config.params.get(
    "exec_root", os.path.join(tempfile.gettempdir(), f"zymase-lit-{os.getuid()}"))
config.test_exec_root = _exec

_python = sys.executable
config.environment["PYTHONPATH"] = os.pathsep.join(
    [_root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
for _name in ("HOME", "TMPDIR"):
    if _name in os.environ:
        config.environment[_name] = os.environ[_name]
for _name, _value in os.environ.items():
    if _name.startswith("NUMBA_"):
        config.environment[_name] = _value
config.environment.pop("ZYMASE_PRINT", None)     # the tests choose what zymase prints

config.substitutions.append(("%zymase", f'"{_python}" -m zymase'))
config.substitutions.append(("%filecheck", f'"{_python}" -m filecheck'))
config.substitutions.append(("%python", f'"{_python}"'))
