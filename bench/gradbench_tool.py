"""The GradBench tool now lives in the package: ``python -m zymase.gradbench`` (see
``zymase/gradbench/__init__.py``).  This script is the same tool, run from this checkout:

    gradbench run --eval "gradbench repo eval gmm" --tool "python bench/gradbench_tool.py"
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)        # this checkout's zymase, not another installed one

from zymase.gradbench.protocol import main  # noqa: E402

if __name__ == "__main__":
    main()
