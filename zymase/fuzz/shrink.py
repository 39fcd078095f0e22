"""Delta debugging of a failing program over its Python AST.

A failure has a *signature* — its status and kind (``wrong/consistency``,
``crash/signal SIGSEGV``, ``error/InternalError`` …, plus, for errors, the first words of the
message) — and a candidate is kept when it still fails with the same signature.  Candidates
that Numba cannot compile, that zymase refuses, or whose primal is no longer finite are
simply rejected, so the reductions may be type-blind.

Reductions, tried greedily (the first that keeps the failure is taken and the pass goes on
from there), repeated until nothing changes or the time budget is spent:

1. the check configuration: widths to 1, one size ``n`` (smallest first), no width-1
   comparison, no ``@njit`` calls, the failing check alone;
2. whole helper functions dropped (with their calls replaced by constants in pass 4);
3. statements: halves, then quarters, … then single statements of every block removed
   (``ddmin`` style), a block left empty becomes ``pass``;
4. compound statements replaced by their bodies (``for i in range(..)`` by ``i = 0`` plus
   the body, ``if`` by either branch, ``while`` by its body once);
5. expressions replaced by one of their subexpressions or by ``0.5`` / ``1.0`` / ``0.0``,
   calls by their arguments, tuples by their elements.

Every candidate runs in a worker process (``pool.Pool.run_one``) so a crashing candidate is
an answer, not the shrinker's death.
"""
from __future__ import annotations

import ast
import copy
import time
from typing import Callable, List, Optional, Tuple

from .check import Config


def signature(res: dict) -> Tuple[str, str]:
    st, kind = res.get("status", ""), res.get("kind", "")
    if st == "error":
        detail = res.get("detail", "")
        # the first few words name the failing rule/stage; names and numbers vary
        import re
        words = re.sub(r"[`'\"%@][^\s]*", "", detail).split()[:8]
        return st, kind + ":" + " ".join(words)
    if st in ("crash", "hang"):
        return st, ""       # any crash is the same bug class for shrinking purposes
    return st, kind


FAILING = ("wrong", "error", "crash", "hang", "leak")


def _statements(tree) -> List[Tuple[object, str]]:
    """Every (node, field) holding a statement list, outermost first."""
    out = []
    for node in ast.walk(tree):
        for fld in ("body", "orelse"):
            lst = getattr(node, fld, None)
            if isinstance(lst, list) and lst and isinstance(lst[0], ast.stmt):
                out.append((node, fld))
    return out


def _path_get(tree, path):
    node = tree
    for fld, idx in path:
        node = getattr(node, fld)
        if idx is not None:
            node = node[idx]
    return node


def _paths(tree, want) -> List[tuple]:
    """Paths (field, index) to every node for which ``want(node)``, in pre-order."""
    out = []

    def rec(node, path):
        if want(node):
            out.append(tuple(path))
        for fld, val in ast.iter_fields(node):
            if isinstance(val, list):
                for i, v in enumerate(val):
                    if isinstance(v, ast.AST):
                        rec(v, path + [(fld, i)])
            elif isinstance(val, ast.AST):
                rec(val, path + [(fld, None)])
    rec(tree, [])
    return out


def _replace(tree, path, new):
    parent = _path_get(tree, path[:-1])
    fld, idx = path[-1]
    if idx is None:
        setattr(parent, fld, new)
    else:
        getattr(parent, fld)[idx] = new


def _unparse(tree) -> Optional[str]:
    try:
        ast.fix_missing_locations(tree)
        return ast.unparse(tree) + "\n"
    except Exception:  # noqa: BLE001
        return None


def _fix_empty(tree):
    for node in ast.walk(tree):
        for fld in ("body",):
            lst = getattr(node, fld, None)
            if isinstance(lst, list) and not lst and not isinstance(node, ast.Module):
                lst.append(ast.Pass())


# -- candidate generators: each yields source texts -----------------------------------------------
def _stmt_removals(source: str):
    tree = ast.parse(source)
    blocks = _statements(tree)
    for bi in range(len(blocks)):
        tree = ast.parse(source)
        node, fld = _statements(tree)[bi]
        lst = getattr(node, fld)
        if isinstance(node, ast.Module):
            continue
        n = len(lst)
        chunk = n
        while chunk >= 1:
            for start in range(0, n, chunk):
                t2 = ast.parse(source)
                nd, fl = _statements(t2)[bi]
                l2 = getattr(nd, fl)
                if isinstance(l2[-1], ast.Return) and start + chunk >= n and \
                        isinstance(nd, ast.FunctionDef):
                    del l2[start:n - 1]
                else:
                    del l2[start:start + chunk]
                if fl == "orelse" and not l2:
                    pass
                _fix_empty(t2)
                s = _unparse(t2)
                if s and s != source:
                    yield s
            chunk //= 2


def _helper_removals(source: str):
    tree = ast.parse(source)
    names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name != "f"]
    for name in names:
        t2 = ast.parse(source)
        t2.body = [n for n in t2.body if not (isinstance(n, ast.FunctionDef) and n.name == name)]
        s = _unparse(t2)
        if s:
            yield s


def _compound_flattening(source: str):
    tree = ast.parse(source)
    paths = _paths(tree, lambda n: isinstance(n, (ast.For, ast.While, ast.If)))
    for p in paths:
        node = _path_get(ast.parse(source), p)
        options = []
        if isinstance(node, ast.For):
            pre = []
            if isinstance(node.target, ast.Name):
                start = ast.Constant(0)
                it = node.iter
                if isinstance(it, ast.Call) and len(it.args) >= 2:
                    start = it.args[0]
                pre = [ast.Assign([ast.Name(node.target.id, ast.Store())], start)]
            options.append(pre + [s for s in node.body
                                  if not isinstance(s, (ast.Break, ast.Continue))])
        elif isinstance(node, ast.While):
            options.append(list(node.body))
            options.append([])
        else:
            options.append(list(node.body))
            options.append(list(node.orelse) or [ast.Pass()])
            if node.orelse:
                n2 = copy.deepcopy(node)
                n2.orelse = []
                options.append([n2])
        for opt in options:
            t2 = ast.parse(source)
            parent = _path_get(t2, p[:-1])
            fld, idx = p[-1]
            lst = getattr(parent, fld)
            lst[idx:idx + 1] = [copy.deepcopy(s) for s in opt] or [ast.Pass()]
            _strip_jumps_outside_loops(t2)
            s = _unparse(t2)
            if s and s != source:
                yield s


def _strip_jumps_outside_loops(tree):
    """break/continue left outside any loop by flattening become pass."""
    def rec(node, in_loop):
        for fld in ("body", "orelse"):
            lst = getattr(node, fld, None)
            if not isinstance(lst, list):
                continue
            for i, s in enumerate(lst):
                if isinstance(s, (ast.Break, ast.Continue)) and not in_loop:
                    lst[i] = ast.Pass()
                elif isinstance(s, (ast.For, ast.While)):
                    rec(s, True)
                elif isinstance(s, ast.FunctionDef):
                    rec(s, False)
                elif isinstance(s, ast.If):
                    rec(s, in_loop)
    rec(tree, False)


_SIMPLE = ("0.5", "1.0", "0.0")


def _expr_simplifications(source: str):
    tree = ast.parse(source)

    def is_expr(n):
        return isinstance(n, ast.expr) and not isinstance(n, (ast.Name, ast.Constant)) \
            and not isinstance(getattr(n, "ctx", None), (ast.Store, ast.Del))
    paths = _paths(tree, is_expr)
    for p in paths:
        node = _path_get(ast.parse(source), p)
        # skip the things that must stay: call targets, slices of assignment targets
        if p and p[-1][0] in ("func", "target", "targets", "iter"):
            continue
        subs = []
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr) and not isinstance(child, (ast.Load, ast.Store)):
                if isinstance(node, ast.Call) and child is node.func:
                    continue
                if isinstance(node, ast.Attribute):
                    continue
                subs.append(child)
        cands = [copy.deepcopy(c) for c in subs]
        cands += [ast.parse(v, mode="eval").body for v in _SIMPLE]
        for c in cands:
            t2 = ast.parse(source)
            try:
                _replace(t2, p, c)
            except Exception:  # noqa: BLE001
                continue
            s = _unparse(t2)
            if s and s != source:
                yield s


def _const_simplifications(source: str):
    """Float constants to 0.5/1.0, integer offsets to 0/1: fewer distinct numbers to read."""
    tree = ast.parse(source)
    paths = _paths(tree, lambda n: isinstance(n, ast.Constant) and isinstance(n.value, float)
                   and n.value not in (0.5, 1.0, 0.0))
    for p in paths:
        for v in (1.0, 0.5):
            t2 = ast.parse(source)
            _replace(t2, p, ast.Constant(v))
            s = _unparse(t2)
            if s and s != source:
                yield s


PASSES = [_helper_removals, _stmt_removals, _compound_flattening, _expr_simplifications,
          _const_simplifications]


def _cfg_candidates(cfg: Config, sig):
    """Simpler configurations, each derived from the *current* one (the caller sends back
    the configuration it kept, so the changes accumulate)."""
    kind = sig[1]
    steps = [dict(nf=1), dict(nr=1), dict(width1=False), dict(njit=False), dict(fd=False)]
    for change in steps:
        if kind.startswith("width") and "width1" in change:
            continue
        if kind.startswith("njit") and "njit" in change:
            continue
        if kind == "fd" and "fd" in change:
            continue
        d = cfg.to_dict()
        if all(d.get(k) == v for k, v in change.items()):
            continue
        cfg = (yield Config.from_dict({**d, **change})) or cfg
    if len(cfg.ns) > 1:
        for n in sorted(cfg.ns):
            cand = Config.from_dict({**cfg.to_dict(), "ns": [n]})
            kept = yield cand
            if kept is not None:
                cfg = kept
                break
    if len(cfg.ns) == 1 and cfg.ns[0] > 1:
        for n in range(1, cfg.ns[0]):
            kept = yield Config.from_dict({**cfg.to_dict(), "ns": [n]})
            if kept is not None:
                cfg = kept
                break
    base = {"const", "primal"}
    need = {"consistency": {"consistency"}, "fd": {"fd"}, "nrt": {"nrt"}}
    for k, v in need.items():
        if kind.startswith(k) or (sig[0] == "leak" and k == "nrt"):
            checks = tuple(sorted(base | v))
            if tuple(sorted(cfg.checks)) != checks:
                yield Config.from_dict({**cfg.to_dict(), "checks": list(checks)})


def _shrink_cfg(source, cfg, sig, still_fails, t_end, log):
    gen_ = _cfg_candidates(cfg, sig)
    kept = None
    while time.monotonic() < t_end:
        try:
            cand = gen_.send(kept)
        except StopIteration:
            break
        kept = None
        if still_fails(source, cand):
            cfg = kept = cand
            log(f"  shrink: config -> {cand.to_dict()}")
    return cfg


def shrink(source: str, cfg: Config, test: Callable[[str, Config], dict], want_sig,
           budget_s: float = 1200.0, log=print) -> Tuple[str, Config, int]:
    """Reduce (source, cfg) while ``test`` keeps returning a result with ``want_sig``.
    Returns the smallest failing (source, cfg) found and the number of candidates tried."""
    t_end = time.monotonic() + budget_s
    tried = 0
    seen = set()

    def still_fails(src, c) -> bool:
        nonlocal tried
        tried += 1
        res = test(src, c)
        return signature(res) == want_sig

    cfg = _shrink_cfg(source, cfg, want_sig, still_fails, t_end, log)
    changed = True
    while changed and time.monotonic() < t_end:
        changed = False
        for pass_ in PASSES:
            start_at = 0
            while time.monotonic() < t_end:
                accepted = False
                for k, cand in enumerate(pass_(source)):
                    if k < start_at:
                        continue
                    if time.monotonic() > t_end:
                        break
                    if len(cand) > len(source) + 40 or cand in seen:
                        continue
                    seen.add(cand)
                    if still_fails(cand, cfg):
                        log(f"  shrink [{pass_.__name__}]: {len(source)} -> {len(cand)} chars")
                        source, accepted, changed = cand, True, True
                        start_at = k
                        break
                if not accepted:
                    if start_at == 0:
                        break
                    start_at = 0        # one more sweep from the beginning
    # configuration again, on the small program
    cfg = _shrink_cfg(source, cfg, want_sig, still_fails, t_end, log)
    return source, cfg, tried
