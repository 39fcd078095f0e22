"""Primal tests of the loop-style ADBench objectives against ADBench golden
values, plus a finite-difference check that the flat gradient layout
documented in ``zymase/gradbench/adbench/gmm.py`` and ``lstm.py`` matches ADBench's golden gradient vectors."""

import json
import os

import numpy as np
import pytest

from tests.support import fd_gradient
from zymase.gradbench.adbench.gmm import gmm_flatten, gmm_objective, gmm_unflatten, load_gmm
from zymase.gradbench.adbench.lstm import load_lstm, lstm_flatten, lstm_objective, lstm_unflatten

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
OBJ_KEY = "objective_calculation_correctness.expected_scalar"
GRAD_KEY = "jacobian_calculation_correctness.expected_gradient"
OBJ_TOL = 1e-8      # ADBench's own tolerance
FD_TOL = 1e-6       # central FD vs golden gradient (observed errors ~1e-9)


def _golden(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)["values"]


# --------------------------------------------------------------------- GMM


@pytest.fixture(scope="module")
def gmm_inputs():
    return load_gmm(os.path.join(DATA, "gmm", "test.txt"))


def test_gmm_load_shapes(gmm_inputs):
    alphas, means, icf, x, gamma, m = gmm_inputs
    assert alphas.shape == (3,) and means.shape == (3, 2)
    assert icf.shape == (3, 3) and x.shape == (1, 2)
    for a in (alphas, means, icf, x):
        assert a.dtype == np.float64 and a.flags.c_contiguous
    assert gamma == 1.0 and m == 0


def test_gmm_objective_golden(gmm_inputs):
    expected = _golden("gmm_golden.json")[OBJ_KEY]
    copies = [np.copy(a) for a in gmm_inputs[:4]]
    got = gmm_objective(*gmm_inputs)
    assert abs(got - expected) < OBJ_TOL
    for a, c in zip(gmm_inputs[:4], copies):  # inputs untouched
        assert np.array_equal(a, c)


def test_gmm_fd_matches_golden_gradient(gmm_inputs):
    alphas, means, icf, x, gamma, m = gmm_inputs
    K, d = means.shape
    golden = np.array(_golden("gmm_golden.json")[GRAD_KEY])
    p0 = gmm_flatten(alphas, means, icf)
    assert p0.shape == golden.shape == (18,)

    def f(p):
        a, mu, q = gmm_unflatten(p, K, d)
        return gmm_objective(a, mu, q, x, gamma, m)

    fd = fd_gradient(f, p0).value      # steps 1e-6 max(1, |p_k|)
    err = np.max(np.abs(fd - golden))
    assert err < FD_TOL, err
    # round trip of the helpers
    a, mu, q = gmm_unflatten(p0, K, d)
    assert np.array_equal(a, alphas) and np.array_equal(mu, means)
    assert np.array_equal(q, icf)


def test_gmm_bench_file():
    path = os.path.join(DATA, "gmm", "1k", "gmm_d10_K25.txt")
    alphas, means, icf, x, gamma, m = load_gmm(path)
    assert alphas.shape == (25,) and means.shape == (25, 10)
    assert icf.shape == (25, 55) and x.shape == (1000, 10)
    assert np.isfinite(gmm_objective(alphas, means, icf, x, gamma, m))


def test_gmm_replicate_point(tmp_path, gmm_inputs):
    # ADBench's 2.5M files hold a single x line which is replicated n times.
    alphas, means, icf, x, gamma, m = gmm_inputs
    with open(os.path.join(DATA, "gmm", "test.txt")) as f:
        lines = f.read().split("\n")
    lines[0] = "2 3 4"  # same instance, n = 4, still one x line
    path = tmp_path / "gmm_rep.txt"
    path.write_text("\n".join(lines))
    ra, rm, ri, rx, rg, rmm = load_gmm(str(path), replicate_point=True)
    assert rx.shape == (4, 2)
    assert np.array_equal(rx, np.broadcast_to(x[0], (4, 2)))
    assert np.array_equal(ri, icf) and rg == gamma and rmm == m
    # n identical points: data term scales with n, prior does not
    x4 = np.ascontiguousarray(np.broadcast_to(x[0], (4, 2)))
    assert gmm_objective(ra, rm, ri, rx, rg, rmm) == gmm_objective(
        alphas, means, icf, x4, gamma, m)


# -------------------------------------------------------------------- LSTM


@pytest.fixture(scope="module")
def lstm_inputs():
    return load_lstm(os.path.join(DATA, "lstm", "lstm_l2_c1024.txt"))


def test_lstm_load_shapes(lstm_inputs):
    main_params, extra_params, state, sequence = lstm_inputs
    assert main_params.shape == (4, 56)
    assert extra_params.shape == (3, 14)
    assert state.shape == (4, 14)
    assert sequence.shape == (1024, 14)


def test_lstm_objective_golden(lstm_inputs):
    expected = _golden("lstm_golden.json")[OBJ_KEY]
    copies = [np.copy(a) for a in lstm_inputs]
    got = lstm_objective(*lstm_inputs)
    assert abs(got - expected) < OBJ_TOL
    for a, c in zip(lstm_inputs, copies):  # state must not be modified
        assert np.array_equal(a, c)


def test_lstm_fd_matches_golden_gradient(lstm_inputs):
    main_params, extra_params, state, sequence = lstm_inputs
    l = main_params.shape[0] // 2
    b = state.shape[1]
    golden = np.array(_golden("lstm_golden.json")[GRAD_KEY])
    p0 = lstm_flatten(main_params, extra_params)
    assert p0.shape == golden.shape == (266,)

    def f(p):
        mp, ep = lstm_unflatten(p, l, b)
        return lstm_objective(mp, ep, state, sequence)

    fd = fd_gradient(f, p0).value      # steps 1e-6 max(1, |p_k|)
    err = np.max(np.abs(fd - golden))
    assert err < FD_TOL, err
    mp, ep = lstm_unflatten(p0, l, b)
    assert np.array_equal(mp, main_params) and np.array_equal(ep, extra_params)
