"""ADBench bundle adjustment and hand tracking: the loop-style objectives of
``zymase/gradbench/adbench/ba.py`` and ``hand.py``
against ADBench's golden values, and their Jacobians computed by zymase against ADBench's
golden Jacobians (1e-8 absolute, ADBench's own tolerance) and central finite differences.

The golden instances replicate one camera/point/observation (BA) or are tiny (hand, N = 2),
so a Jacobian that is right on them could still mix up which camera, point or vertex a row
belongs to; the finite-difference tests therefore run on instances where every camera,
point and weight differs (BA) and on the 100-point benchmark instance (hand).
"""
import json
import os

import numpy as np
import pytest

from tests.support import FD, assert_fd_close, fd_jacobian
from zymase.gradbench.adbench.ba import (
    BA_BLOCK,
    ba_csr_to_dense,
    ba_objective,
    ba_sparsity,
    load_ba,
    make_ba_jacobian,
)
from zymase.gradbench.adbench.hand import (
    hand_model_args,
    hand_objective,
    hand_objective_complicated,
    load_hand_instance,
    load_hand_model,
    make_hand_jacobian,
)

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
TOL = 1e-8          # ADBench: |expected - actual| < 1e-8 element-wise


def _golden(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)["values"]


# ------------------------------------------------------------------------------ BA


@pytest.fixture(scope="module")
def ba_test():
    return load_ba(os.path.join(DATA, "ba", "test.txt"))


@pytest.fixture(scope="module", params=["reverse", "forward"])
def ba_jac(request):
    """The zymase BA Jacobian, both ways: two reverse calls per observation block, or one
    forward call of width 15."""
    return make_ba_jacobian(mode=request.param)


def _ba_residuals(cams, X, w, obs, feats):
    p = obs.shape[0]
    reproj, werr = np.empty(2 * p), np.empty(p)
    ba_objective(cams, X, w, obs, feats, reproj, werr)
    return reproj, werr


def test_ba_load(ba_test):
    cams, X, w, obs, feats = ba_test
    assert cams.shape == (2, 11) and X.shape == (10, 3) and w.shape == (10,)
    assert obs.shape == (10, 2) and feats.shape == (10, 2)
    # ADBench's replication: observation i uses camera i % n and point i % m
    assert obs[:, 0].tolist() == [i % 2 for i in range(10)]
    assert obs[:, 1].tolist() == list(range(10))
    assert cams[1, 6] == 211.628116 and X[9, 2] == 1.403869 and w[7] == 0.417022


def test_ba_objective_golden(ba_test):
    vals = _golden("ba_golden.json")
    copies = [a.copy() for a in ba_test]
    reproj, werr = _ba_residuals(*ba_test)
    np.testing.assert_allclose(
        reproj, vals["objective_calculation_correctness.expected_reproj_err"], rtol=0, atol=TOL)
    np.testing.assert_allclose(
        werr, vals["objective_calculation_correctness.expected_weight_err"], rtol=0, atol=TOL)
    for a, c in zip(ba_test, copies):
        assert np.array_equal(a, c)


def _adbench_csr_structure(n, m, p, obs):
    """ADBench's BASparseMat.insert_reproj_err_block / insert_w_err_block, transcribed
    (push_back by push_back) as an independent reference for ``ba_sparsity``."""
    rows, cols = [0], []
    for i in range(p):
        cam, pt = obs[i]
        rows += [rows[-1] + 15, rows[-1] + 30]
        for _ in range(2):
            cols += [11 * cam + k for k in range(11)]
            cols += [11 * n + 3 * pt + k for k in range(3)]
            cols.append(11 * n + 3 * m + i)
    for i in range(p):
        rows.append(rows[-1] + 1)
        cols.append(11 * n + 3 * m + i)
    return np.array(rows), np.array(cols)


def test_ba_sparsity_matches_adbench(ba_test):
    cams, X, w, obs, feats = ba_test
    rows, cols = ba_sparsity(2, 10, 10, obs)
    # ADBench's test asserts: 30 rows, 62 columns, 31 row offsets, 310 nonzeros
    assert rows.shape == (31,) and cols.shape == (310,) and rows[-1] == 310
    assert cols.max() == 61
    want_rows, want_cols = _adbench_csr_structure(2, 10, 10, obs)
    assert np.array_equal(rows, want_rows) and np.array_equal(cols, want_cols)
    # an instance where cameras and points do not advance together
    obs2 = np.array([[2, 0], [0, 4], [1, 4], [2, 1]], dtype=np.int32)
    r2, c2 = ba_sparsity(3, 5, 4, obs2)
    w_rows, w_cols = _adbench_csr_structure(3, 5, 4, obs2)
    assert np.array_equal(r2, w_rows) and np.array_equal(c2, w_cols)


def test_ba_jacobian_golden(ba_test, ba_jac):
    vals = _golden("ba_golden.json")
    reproj, werr, J = ba_jac(*ba_test)
    want = np.array(vals["jacobian_calculation_correctness.expected_J_values"])
    assert J.shape == want.shape == (310,)
    np.testing.assert_allclose(J, want, rtol=0, atol=TOL)
    # the primal values the derivative returns are the objective's
    r0, w0 = _ba_residuals(*ba_test)
    assert np.array_equal(reproj, r0) and np.array_equal(werr, w0)


def _ba_varied_instance():
    """Every camera, point and weight different; camera 1 has rotation exactly 0 (ADBench's
    first-order branch); observations that reuse cameras and points out of step."""
    cams0, X0, w0, obs0, feats0 = load_ba(os.path.join(DATA, "ba", "test.txt"))
    rng = np.random.default_rng(7)
    n, m, p = 3, 4, 7
    cams = cams0[:1].repeat(n, 0) * (1.0 + 0.05 * rng.standard_normal((n, 11)))
    cams[1, :3] = 0.0
    X = X0[:1].repeat(m, 0) + 0.3 * rng.standard_normal((m, 3))
    w = w0[0] + 0.2 * rng.standard_normal(p)
    obs = np.array([[0, 0], [1, 0], [2, 1], [0, 3], [1, 2], [2, 3], [1, 1]], dtype=np.int32)
    feats = feats0[:1].repeat(p, 0) + rng.standard_normal((p, 2))
    return np.ascontiguousarray(cams), np.ascontiguousarray(X), w, obs, feats


def test_ba_jacobian_vs_finite_differences(ba_jac):
    cams, X, w, obs, feats = _ba_varied_instance()
    n, m, p = cams.shape[0], X.shape[0], w.shape[0]
    reproj, werr, vals = ba_jac(cams, X, w, obs, feats)
    rows, cols = ba_sparsity(n, m, p, obs)
    J = ba_csr_to_dense(rows, cols, vals, (3 * p, 11 * n + 3 * m + p))

    def f(z):
        c = z[:11 * n].reshape(n, 11)
        x = z[11 * n:11 * n + 3 * m].reshape(m, 3)
        return np.concatenate(_ba_residuals(c, x, z[11 * n + 3 * m:], obs, feats))

    z0 = np.concatenate([cams.ravel(), X.ravel(), w])
    fd = fd_jacobian(f, z0)
    # |J - FD| <= rtol max(1, |J|) element-wise (FD has ~1e-9 relative error here)
    assert_fd_close(J, fd, 0.0, 1e-6 * np.maximum(1.0, np.abs(J)))
    fd = fd.value
    # and the CSR pattern holds every nonzero of the FD Jacobian
    mask = np.zeros(J.shape, dtype=bool)
    for r in range(3 * p):
        mask[r, cols[rows[r]:rows[r + 1]]] = True
    assert np.all(fd[~mask] == 0.0)


def test_ba_jacobian_checks_off_same_values():
    """``checks=False`` (the benchmark's setting: the driver allocates every shadow itself)
    computes the same numbers, here on the varied instance."""
    args = _ba_varied_instance()
    fast = make_ba_jacobian(checks=False)(*args)
    checked = make_ba_jacobian(checks=True)(*args)
    assert fast[2].shape == ((2 * BA_BLOCK + 1) * args[2].shape[0],)
    for a, b in zip(fast, checked):
        assert np.array_equal(a, b)
    with pytest.raises(ValueError):
        make_ba_jacobian(mode="sideways")


# ------------------------------------------------------------------------------ hand


@pytest.fixture(scope="module")
def model():
    return load_hand_model(os.path.join(DATA, "hand", "model"))


@pytest.fixture(scope="module")
def hand_jac():
    return make_hand_jacobian(complicated=False)


@pytest.fixture(scope="module")
def hand_jac_complicated():
    return make_hand_jacobian(complicated=True)


def _hand_err(model, theta, corr, points, us=None):
    err = np.empty(3 * corr.shape[0])
    if us is None:
        hand_objective(theta, *hand_model_args(model), corr, points, err)
    else:
        hand_objective_complicated(theta, us, *hand_model_args(model), model.triangles, corr,
                                   points, err)
    return err


def test_hand_load(model):
    assert len(model.bone_names) == 22 and model.bone_names[0] == "wrist"
    assert model.parents[0] == -1 and all(model.parents[b] < b for b in range(1, 22))
    assert model.base_relatives.shape == model.inverse_base_absolutes.shape == (22, 4, 4)
    assert model.base_positions.shape == (544, 4) and np.all(model.base_positions[:, 3] == 1)
    assert model.weights.shape == (544, 22)
    np.testing.assert_allclose(model.weights.sum(axis=1), 1.0, atol=1e-6)
    assert model.triangles.shape == (1084, 3) and model.triangles.max() < 544
    theta, corr, points, us = load_hand_instance(os.path.join(DATA, "hand", "test.txt"), False)
    assert theta.shape == (26,) and corr.tolist() == [309, 387] and us is None
    theta2, corr2, points2, us2 = load_hand_instance(
        os.path.join(DATA, "hand", "hand_complicated.txt"), True)
    assert us2.tolist() == [[0.2, 0.25], [0.4, 0.5]]
    assert np.array_equal(theta, theta2) and np.array_equal(points, points2)


def test_hand_objective_golden(model):
    vals = _golden("hand_golden.json")
    theta, corr, points, _ = load_hand_instance(os.path.join(DATA, "hand", "test.txt"), False)
    copies = [a.copy() for a in (theta, points) + tuple(model[1:])]
    err = _hand_err(model, theta, corr, points)
    np.testing.assert_allclose(
        err, vals["simple_objective_calculation_correctness.expected_objective"], rtol=0,
        atol=TOL)
    for a, c in zip((theta, points) + tuple(model[1:]), copies):
        assert np.array_equal(a, c)
    theta, corr, points, us = load_hand_instance(
        os.path.join(DATA, "hand", "hand_complicated.txt"), True)
    err = _hand_err(model, theta, corr, points, us)
    np.testing.assert_allclose(
        err, vals["complicated_objective_calculation_correctness.expected_objective"], rtol=0,
        atol=TOL)


def test_hand_jacobian_golden(model, hand_jac):
    vals = _golden("hand_golden.json")
    theta, corr, points, _ = load_hand_instance(os.path.join(DATA, "hand", "test.txt"), False)
    err, J = hand_jac(theta, model, corr, points)
    want = np.array(vals["simple_jacobian_calculation_correctness.expected_jacobian"])
    assert J.shape == want.shape == (6, 26)
    np.testing.assert_allclose(J, want, rtol=0, atol=TOL)
    assert np.array_equal(err, _hand_err(model, theta, corr, points))


def test_hand_complicated_jacobian_golden(model, hand_jac_complicated):
    vals = _golden("hand_golden.json")
    theta, corr, points, us = load_hand_instance(
        os.path.join(DATA, "hand", "hand_complicated.txt"), True)
    err, J = hand_jac_complicated(theta, us, model, corr, points)
    want = np.array(vals["complicated_jacobian_calculation_correctness.expected_jacobian"])
    assert J.shape == want.shape == (6, 28)
    np.testing.assert_allclose(J, want, rtol=0, atol=TOL)
    assert np.array_equal(err, _hand_err(model, theta, corr, points, us))


def test_hand_jacobian_vs_finite_differences(model, hand_jac):
    """100 correspondences of the benchmark instance, every theta column by central FD."""
    theta, corr, points, _ = load_hand_instance(
        os.path.join(DATA, "hand", "simple_small", "hand1_t26_c100.txt"), False)
    err, J = hand_jac(theta, model, corr, points)
    assert J.shape == (300, 26)
    fd = fd_jacobian(lambda t: _hand_err(model, t, corr, points), theta)
    assert_fd_close(J, fd, 0.0, 1e-7 * np.maximum(1.0, np.abs(J)))


def test_hand_complicated_jacobian_vs_finite_differences(model, hand_jac_complicated):
    """FD over all 2N + 26 inputs of the complicated benchmark instance, then compressed to
    ADBench's layout; also checks that residual i depends on us[i] only (what makes the
    two-column compression and zymase's two shared seed lanes exact)."""
    theta, corr, points, us = load_hand_instance(
        os.path.join(DATA, "hand", "complicated_small", "hand1_t26_c100.txt"), True)
    n = corr.shape[0]
    err, J = hand_jac_complicated(theta, us, model, corr, points)
    assert J.shape == (3 * n, 28)

    def f(z):
        return _hand_err(model, z[2 * n:], corr, points, z[:2 * n].reshape(n, 2))

    fd = fd_jacobian(f, np.concatenate([us.ravel(), theta]))
    fd_us = fd.value[:, :2 * n].reshape(n, 3, n, 2)
    off_diag = fd_us.copy()
    off_diag[np.arange(n), :, np.arange(n), :] = 0.0
    assert np.all(off_diag == 0.0)

    def compress(a):
        a_us = a[:, :2 * n].reshape(n, 3, n, 2)
        return np.concatenate(
            [a_us[np.arange(n), :, np.arange(n), :].reshape(3 * n, 2), a[:, 2 * n:]], axis=1)
    assert_fd_close(J, FD(compress(fd.value), compress(fd.error)), 0.0,
                    1e-7 * np.maximum(1.0, np.abs(J)))
