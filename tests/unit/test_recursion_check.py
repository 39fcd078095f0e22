"""frontend/recursion.calls_back: which @njit functions reach themselves through the
functions they name (globals, module attributes, closure cells), so that Numba's dispatcher
compiles them before zymase does."""
import math
import types

import numba

from zymase.frontend.recursion import calls_back


@numba.njit
def selfrec(x, n):
    return x if n == 0 else selfrec(x, n - 1) * 0.5


@numba.njit
def ping(x, n):
    return x if n == 0 else pong(x, n - 1) + 1.0


@numba.njit
def pong(x, n):
    return math.sin(ping(x, n))


@numba.njit
def leaf(x):
    return x * x


@numba.njit
def calls_recursive_but_is_not(x):
    return selfrec(x, 3) + leaf(x)


def test_globals_self_and_mutual():
    assert calls_back(selfrec)
    assert calls_back(ping) and calls_back(pong)
    assert not calls_back(leaf)
    assert not calls_back(calls_recursive_but_is_not)      # reaches a cycle, not itself


def test_closure_cell():
    def make():
        @numba.njit
        def inner(x, n):
            return x if n == 0 else inner(x, n - 1) + 1.0
        return inner
    inner = make()
    assert calls_back(inner)
    assert inner(1.0, 3) == 4.0


FAKE = types.ModuleType("fake_mod")


@numba.njit
def top(x, n):
    return x if n == 0 else FAKE.helper(x, n - 1)


@numba.njit
def helper(x, n):
    return top(x, n) * 2.0


FAKE.helper = helper


def test_through_a_module_attribute():
    assert calls_back(top) and calls_back(helper)


def test_through_a_module_in_a_closure_cell():
    mod = types.ModuleType("fake_mod2")

    @numba.njit
    def first(x, n):
        return x if n == 0 else mod.second(x, n - 1)

    @numba.njit
    def second(x, n):
        return first(x, n) + 1.0
    mod.second = second
    assert calls_back(first)
