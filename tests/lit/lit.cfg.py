"""lit configuration: C and C++ programs written for Enzyme, compiled by clang, run by zymase.

This file is the project's own.  A test is a C or C++ file whose lit run lines use the
pipeline Enzyme's integration tests use: compile with ``%clang`` to textual IR on standard
output, pipe it through ``%opt`` with Enzyme's load and ``%enzyme`` substitutions, and run
the result with ``%lli``.  clang (zig's, from the ``ziglang`` wheel) compiles the program to LLVM IR,
``python -m zymase opt`` lowers every ``__enzyme_autodiff`` / ``__enzyme_fwddiff`` call in
it, and ``python -m zymase lli`` JIT-runs ``main``: the test passes when the pipeline exits
with status 0 (an ``APPROX_EQ`` that fails calls ``abort()``).

Running
-------
From the repository root (``lit`` from pip; ``-j2`` on a two-core machine)::

    lit -sv tests/lit                 # this project's programs
    lit -sv tests/lit/c/loops.c       # one file
    pytest tests/lang/test_lit.py               # the same, as a pytest

Enzyme's own integration tests (or any folder written for Enzyme's lit configuration) run
through this configuration unmodified: put a ``lit.site.cfg.py`` at the root of that folder
(for Enzyme's tree: ``enzyme/test``, next to Enzyme's own ``lit.cfg.py``, which it then
shadows) that loads this file::

    python tests/lit/make_site_cfg.py /path/to/Enzyme/enzyme/test
    lit -sv /path/to/Enzyme/enzyme/test/Integration/ReverseMode

``make_site_cfg.py`` writes exactly this, which can also be written by hand::

    config.test_source_root = "/path/to/Enzyme/enzyme/test"
    lit_config.load_config(config, "/path/to/zymase/tests/lit/lit.cfg.py")

Parameters (``--param NAME=VALUE``): ``python`` (the interpreter that runs zymase; default
the one running lit), ``zig`` (the zig executable; default the ``ziglang`` package's),
``exec_root`` (where lit puts ``%t`` files; default a folder under the system's temporary
directory, so nothing is written into the source tree).

Substitutions
-------------
================================  =========================================================
``%clang``                        zig's clang (``zig cc``) for x86_64-linux-gnu, generic
                                  x86-64 (``-mcpu=x86_64``), ``-fno-sanitize=undefined``
                                  (zig turns UBSan on at -O0) and ``-g0``; a later ``-g`` in
                                  the test's own command line still wins.  Through ``tools/zig_cc.py``,
                                  which makes ``-o -`` write to standard output.
``%clang++``, ``%clangxx``        the same, ``zig c++`` (zig's libc++)
``%opt``                          ``<python> -m zymase opt`` (ignores Enzyme's and LLVM's
                                  ``-flags``: ``-enzyme-inline=1``, ``-passes=…``, …)
``%lli``                          ``<python> -m zymase lli``
``%loadEnzyme``,                  nothing: zymase needs no plugin
``%newLoadEnzyme``,
``%OPloadEnzyme``,
``%OPnewLoadEnzyme``
``%enzyme``                       ``-passes=enzyme`` (ignored by ``zymase opt``)
``%loadClangEnzyme``,             ``--zymase-enzyme-plugin``: ``tools/zig_cc.py`` then
``%newLoadClangEnzyme``           stands in for Enzyme's clang plugin, running
                                  ``zymase opt`` on clang's IR before writing the output
                                  (``-mllvm -enzyme-*`` options are dropped; the plugin's
                                  GNU attributes, ``enzyme_inactive`` …, are spelled as
                                  ``annotate("enzyme_…")``: see ``tools/zig_cc.py``)
``%O0TBAA``                       ``-O1 -Xclang -disable-llvm-passes`` (as Enzyme)
``%llvmver``                      the major version of zig's clang (22 for zig 0.17)
``%FileCheck``                    ``filecheck`` (the pip package); ``FileCheck`` and
                                  ``not`` are on PATH too
``%shlibext``                     ``.so``
``%simplifycfg``, ``%loopmssa``   ``simplifycfg``, ``loop-mssa`` (as Enzyme for LLVM ≥ 11)
``%loadBC``, ``%BClibdir``,       nothing: Enzyme's BLAS bitcode library, its own headers
``%enzyme_include``,              (``enzyme/checkpoint.h``, ``enzyme/enzyme``…) and its
``%loadLLDEnzymeOpt``,            lld plugin do not exist here, so tests needing them fail
``%linkLLDEnzyme``                (``%enzyme_include`` names a folder that does not exist)
================================  =========================================================

Features: ``x86-registered-target`` (Enzyme's configuration adds ``<arch>-registered-target``
for every LLVM target built).  Nothing else: ``REQUIRES: lld`` tests are UNSUPPORTED, as
in an Enzyme build without lld; tests needing MPI, OpenMP, BLAS, CUDA or Eigen carry no
REQUIRES line in Enzyme's tree and simply fail to compile here.  Without the ``ziglang``
package every test is UNSUPPORTED.
"""
import hashlib
import inspect
import os
import re
import stat
import subprocess
import sys
import tempfile

import lit.formats

config.name = "zymase-enzyme-abi"
# the run lines of such tests use shell conditionals on the LLVM version, which lit's
# internal shell does not run; lit 23 asks for force_execute_external to keep using it.
_shtest = {"execute_external": True}
if "force_execute_external" in inspect.signature(lit.formats.ShTest.__init__).parameters:
    _shtest["force_execute_external"] = True
config.test_format = lit.formats.ShTest(**_shtest)
config.suffixes = [".c", ".cpp"]
config.excludes = ["Inputs", "tools", "Output"]

_here = os.path.dirname(os.path.abspath(__file__))
_repo = os.path.dirname(os.path.dirname(_here))

if getattr(config, "test_source_root", None) is None:
    config.test_source_root = _here
if getattr(config, "test_exec_root", None) is None:
    _key = hashlib.sha1(os.path.abspath(config.test_source_root).encode()).hexdigest()[:12]
    config.test_exec_root = lit_config.params.get(
        "exec_root", os.path.join(tempfile.gettempdir(), "zymase-lit", _key))

_python = lit_config.params.get("python", sys.executable)

# ------------------------------------------------------------------------------- tools
_zig = lit_config.params.get("zig")
if _zig is None:
    try:
        import ziglang
        _zig = os.path.join(os.path.dirname(ziglang.__file__), "zig")
    except ImportError:
        _zig = None
if _zig is None or not os.path.exists(_zig):
    config.unsupported = True
    lit_config.note("the ziglang package is not installed (pip install ziglang): "
                    "every test is UNSUPPORTED")
    _zig = "zig"
    _llvmver = "0"
else:
    try:
        _v = subprocess.run([_zig, "cc", "--version"], capture_output=True, text=True,
                            timeout=120).stdout
        _llvmver = re.search(r"clang version (\d+)", _v).group(1)
    except Exception as _e:  # noqa: BLE001
        lit_config.fatal(f"cannot run {_zig} cc --version: {_e}")

# FileCheck and `not` on PATH, as in an LLVM build's tools folder.
_bin = os.path.join(config.test_exec_root, "bin")
os.makedirs(_bin, exist_ok=True)
_filecheck = None
for _d in [os.path.dirname(_python)] + os.environ.get("PATH", "").split(os.pathsep):
    _c = os.path.join(_d, "filecheck")
    if _d and os.path.isfile(_c) and os.access(_c, os.X_OK):
        _filecheck = _c
        break
_filecheck_cmd = _filecheck or f"{_python} -m filecheck"
_shims = {
    "FileCheck": f'#!/bin/sh\nexec {_filecheck_cmd} "$@"\n',
    "not": '#!/bin/sh\n"$@"\nif [ $? -eq 0 ]; then exit 1; fi\nexit 0\n',
}
for _name, _text in _shims.items():
    _path = os.path.join(_bin, _name)
    if not os.path.exists(_path) or open(_path).read() != _text:
        with open(_path, "w") as _f:
            _f.write(_text)
        os.chmod(_path, os.stat(_path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

# ------------------------------------------------------------------------- environment
config.environment["PATH"] = os.pathsep.join([_bin, config.environment.get("PATH", "")])
_pythonpath = [_repo] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
config.environment["PYTHONPATH"] = os.pathsep.join(_pythonpath)
config.environment["ZYMASE_LIT_PYTHON"] = _python
for _var, _val in os.environ.items():
    if _var.startswith(("NUMBA_", "ZYMASE_", "ZIG_", "LLVM")) or _var in (
            "XDG_CACHE_HOME", "CC", "OMP_NUM_THREADS"):
        config.environment.setdefault(_var, _val)

# ----------------------------------------------------------------------- substitutions
_cflags = "-target x86_64-linux-gnu -mcpu=x86_64 -fno-sanitize=undefined -g0 " \
          "-Wno-unused-command-line-argument"
_wrapper = f"{_python} -I -S {os.path.join(_here, 'tools', 'zig_cc.py')}"
_cc = f"{_wrapper} cc {_zig} {_cflags}"
_cxx = f"{_wrapper} c++ {_zig} {_cflags}"
_plugin = "--zymase-enzyme-plugin"

# lit applies these in order, as regular expressions: longer names before their prefixes.
config.substitutions += [
    (r"%clangxx", _cxx),
    (r"%clang\+\+", _cxx),
    (r"%clang", _cc),
    (r"%OPnewLoadEnzyme", ""),
    (r"%OPloadEnzyme", ""),
    (r"%newLoadClangEnzyme", _plugin),
    (r"%loadClangEnzyme", _plugin),
    (r"%newLoadEnzyme", ""),
    (r"%loadEnzyme", ""),
    (r"%loadLLDEnzymeOpt", ""),
    (r"%linkLLDEnzyme", ""),
    (r"%loadBC", ""),
    (r"%BClibdir", os.path.join(config.test_exec_root, "no-enzyme-bclib") + os.sep),
    (r"%enzyme_include", os.path.join(config.test_exec_root, "no-enzyme-include")),
    (r"%enzyme", "-passes=enzyme"),
    (r"%opt", f"{_python} -m zymase opt"),
    (r"%lli", f"{_python} -m zymase lli"),
    (r"%llvmver", _llvmver),
    (r"%O0TBAA", "-O1 -Xclang -disable-llvm-passes"),
    (r"%FileCheck", _filecheck_cmd),
    (r"%shlibext", ".so"),
    (r"%simplifycfg", "simplifycfg"),
    (r"%loopmssa", "loop-mssa"),
]

config.available_features.add("x86-registered-target")
