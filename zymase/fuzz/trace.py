"""The branch-trace twin of a generated module, for the finite-difference check.

A generated function is smooth everywhere except where a decision changes: an ``if`` /
``while`` / conditional-expression test, ``min`` / ``max`` / ``abs`` and ``np.max``.  The twin
is the same module with every such decision recorded into an int64 array ``tr`` (a count and a
rolling hash) that every function takes as an extra last parameter.  Two inputs with the same
trace follow the same path, on which the function is a composition of smooth operations, so a
central difference between them measures the derivative; a trace that differs between
``x - h v`` and ``x + h v`` means a kink or a jump in between, and the check skips that step.

``twin(source)`` returns the twin's source; it is compiled only when a finite-difference
comparison fails (rarely), so tracing costs nothing on the common path.
"""
from __future__ import annotations

import ast

PRELUDE = '''
@njit
def _br(tr, c):
    tr[0] += 1
    tr[1] = (tr[1] * 31 + (2 if c else 1)) % 1000000007
    return c


@njit
def _tabs(tr, e):
    _br(tr, e < 0.0)
    return abs(e)


@njit
def _tmin(tr, p, q):
    _br(tr, p < q)
    return min(p, q)


@njit
def _tmax(tr, p, q):
    _br(tr, p > q)
    return max(p, q)


@njit
def _tnpmax(tr, arr):
    k = np.argmax(arr)
    tr[0] += 1
    tr[1] = (tr[1] * 31 + 3 + k) % 1000000007
    return arr.flat[k]
'''


class _Twin(ast.NodeTransformer):
    def __init__(self, local_funcs):
        self.local = local_funcs

    def _wrap(self, test):
        return ast.Call(ast.Name("_br", ast.Load()), [ast.Name("tr", ast.Load()), test], [])

    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        node.args.args.append(ast.arg("tr"))
        return node

    def visit_If(self, node):
        self.generic_visit(node)
        node.test = self._wrap(node.test)
        return node

    def visit_While(self, node):
        self.generic_visit(node)
        node.test = self._wrap(node.test)
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        node.test = self._wrap(node.test)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        tr = ast.Name("tr", ast.Load())
        if isinstance(f, ast.Name):
            if f.id in self.local:
                node.args.append(tr)
            elif f.id == "abs" and len(node.args) == 1:
                return ast.Call(ast.Name("_tabs", ast.Load()), [tr] + node.args, [])
            elif f.id in ("min", "max") and len(node.args) == 2:
                return ast.Call(ast.Name("_t" + f.id, ast.Load()), [tr] + node.args, [])
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
                and f.value.id == "np" and f.attr == "max" and len(node.args) == 1:
            return ast.Call(ast.Name("_tnpmax", ast.Load()), [tr] + node.args, [])
        return node


def twin(source: str) -> str:
    tree = ast.parse(source)
    local = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    tree = _Twin(local).visit(tree)
    ast.fix_missing_locations(tree)
    body = ast.unparse(tree)
    # the prelude goes after the imports (it uses njit and np)
    head, rest = [], []
    for line in body.splitlines():
        (head if not rest and line.startswith(("import ", "from ")) else rest).append(line)
    return "\n".join(head) + "\n" + PRELUDE + "\n" + "\n".join(rest) + "\n"
