"""Recursive ``@njit`` functions that zymase compiles before the user ever called them.

Numba types a call back into a function as recursion (``types.RecursiveCall``, resolved
against the compiling frame) only while that function's *dispatcher* reports it is compiling.
zymase compiles a function itself, around the dispatcher, so that its IR has line tables for
error messages; a call back into it from inside (directly, or from a callee of a mutual
recursion) would then compile the same signature a second time, which Numba refuses as
re-entrant.  So a function that can reach itself through the ``@njit`` functions it names is
compiled by its dispatcher first, as a call from Python would, and every call back resolves
to that overload; functions that are not recursive keep the line-table compilation.
"""
from __future__ import annotations

import types

import numba


def compile_recursive_with_dispatcher(disp, argtypes) -> None:
    """Have Numba's dispatcher compile ``disp`` for ``argtypes`` first when it is recursive
    (``calls_back``) and not compiled yet.  A function Numba cannot type is left to zymase's
    compilation, which reports why."""
    if argtypes in disp.overloads or not disp._can_compile or not calls_back(disp):
        return
    try:
        disp.compile(argtypes)
    except numba.core.errors.NumbaError:
        pass


def calls_back(disp) -> bool:
    """Whether ``disp``'s function reaches itself through the ``@njit`` functions it names
    (globals, ``module.attribute``, closure cells), transitively."""
    seen, todo = {id(disp)}, [disp]
    while todo:
        for callee in _named_dispatchers(todo.pop().py_func):
            if callee is disp:
                return True
            if id(callee) not in seen:
                seen.add(id(callee))
                todo.append(callee)
    return False


def _named_dispatchers(func):
    names, codes = set(), [func.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    found = [func.__globals__.get(n) for n in names]
    for cell in func.__closure__ or ():
        try:
            found.append(cell.cell_contents)
        except ValueError:          # an empty cell
            pass
    found += [getattr(m, n, None) for m in list(found) if isinstance(m, types.ModuleType)
              for n in names]
    return [d for d in found if isinstance(d, numba.core.dispatcher.Dispatcher)]
