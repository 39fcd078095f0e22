"""GradBench's ``manual`` C++ tool without the rebuild at every ``define`` (run from the checkout).

    make -C tools/manual all MULTITHREADED=no      # once: g++ -std=c++17 -O3 -march=native
    python /path/to/bench/gradbench_manual.py

``python/gradbench/gradbench/cpp.py`` answers ``define`` with ``make -B`` (a forced rebuild,
tens of seconds per module with nlohmann/json); this runs the same ``cpp.run`` with a
``define`` that only checks that ``tools/manual/bin/<module>`` was built.  The flags are
``cpp/common.mk``'s, as the shipped define uses them (``NATIVE=yes``: ``-march=native``).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.getcwd(), "python", "gradbench"))

from gradbench import cpp  # noqa: E402


def define(*, args, module):
    exe = os.path.join("tools", args.tool, "bin", module)
    if os.access(exe, os.X_OK):
        return {"success": True}
    return {"success": False, "error": f"{exe} not built (make -C tools/{args.tool} all)"}


cpp.define = define

if __name__ == "__main__":
    cpp.run(argparse.Namespace(tool="manual", multithreaded=False))
