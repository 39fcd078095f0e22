"""``python -m zymase.gradbench``: the GradBench tool (see the package docstring)."""
from .protocol import main

main()
