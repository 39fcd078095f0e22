"""ADBench bundle adjustment (BA) as plain-loop ``@numba.njit`` code, plus its sparse
Jacobian computed by zymase.

A faithful re-implementation of Microsoft's ADBench bundle adjustment objective
(github.com/microsoft/ADBench, archived @ 38cb7931: C++ ``src/cpp/shared/ba.h``,
Python ``src/python/modules/PyTorch/ba_objective.py``, loaders in
``src/python/shared/input_utils.py``), in the style of ``gmm.py``: explicit loops over
scalars, work arrays allocated inside with ``np.empty``/``np.zeros``, ``math`` functions,
no ``np.linalg``; inputs are never modified; residuals are written into an output array.
Shared by the tests (``tests/adbench``), the benchmarks (``bench/``) and the GradBench
tool (``zymase.gradbench``); instance files and golden values: ``tests/adbench/data``.

n cameras, m points, p observations.  ``cams`` (n, 11) rows are
``[r0 r1 r2 | C0 C1 C2 | f | u0 v0 | k1 k2]`` (angle-axis rotation, camera centre, focal
length, principal point, radial distortion); ``X`` (m, 3) points; ``w`` (p,) weights;
``obs`` (p, 2) int pairs (camera, point); ``feats`` (p, 2) measured image points.
For observation i with camera c = obs[i, 0] and point j = obs[i, 1]::

    Xcam = R(r) (X_j - C)                 Rodrigues:  R(r) y = y cos t + (k x y) sin t
                                                       + k (k.y)(1 - cos t),  t = |r|, k = r/t
                                           (t == 0 exactly: R y = y + r x y, as ADBench)
    q    = Xcam[:2] / Xcam[2]
    q   *= 1 + k1 |q|^2 + k2 |q|^4         radial distortion
    proj = f q + (u0, v0)
    reproj_err[2i:2i+2] = w_i (proj - feats[i])
    w_err[i]            = 1 - w_i^2        (Zach's weight term)

The instance files hold one camera, one point, one weight and one feature; the loader
replicates them ADBench's way: observation i uses camera i % n and point i % m.

Jacobian layout (ADBench ``BASparseMat``, CSR): 2p + p rows (reprojection rows 2i, 2i+1,
then the p weight rows) by 11 n + 3 m + p columns (all camera parameters, camera after
camera; all point coordinates; all weights).  Row 2i + r (r = 0, 1) holds 15 entries in
the order ``[11 camera columns of camera c | 3 columns of point j | column of w_i]``; weight
row 2p + i holds one entry (column 11 n + 3 m + i, value -2 w_i).  ``rows`` (3p + 1) are the
CSR offsets, so for ADBench's test instance (n=2, m=10, p=10): 30 rows, 62 columns, 310
nonzeros.  Because the 15 parameters of observation i touch only rows 2i and 2i+1, the
nonzero values are exactly the p dense 2 x 15 blocks d(reproj_err_i)/d(cam_c, X_j, w_i),
row after row, followed by the p weight derivatives: ``vals = [blocks.ravel(), -2 w]``.
zymase computes each block on the packed parameter vector ``[cam_c, X_j, w_i]`` from an
``@njit`` loop over the observations: two reverse-mode calls (one per residual; the
default, about twice as fast) or one forward-mode call of width 15 (one tangent per
parameter).
"""
import math

import numba
import numpy as np

import zymase
from zymase import Const, Dual, Duplicated

BA_NCAMPARAMS = 11
BA_BLOCK = BA_NCAMPARAMS + 3 + 1     # parameters one observation's residuals depend on


def load_ba(path):
    """Read an ADBench BA instance file and replicate it as ADBench's reader does.

    File format::

        n m p
        one camera        11 values
        one point         3 values
        one weight        1 value
        one feature       2 values

    Returns ``(cams (n, 11), X (m, 3), w (p,), obs (p, 2) int32, feats (p, 2))``, all
    C-contiguous; observation i is (camera i % n, point i % m).
    """
    with open(path) as f:
        lines = [ln.split() for ln in f.read().splitlines() if ln.strip()]
    n, m, p = (int(v) for v in lines[0])
    cam = np.array([float(v) for v in lines[1]])
    x = np.array([float(v) for v in lines[2]])
    w = float(lines[3][0])
    feat = np.array([float(v) for v in lines[4]])
    assert cam.shape == (BA_NCAMPARAMS,) and x.shape == (3,) and feat.shape == (2,)
    cams = np.ascontiguousarray(np.tile(cam, (n, 1)))
    X = np.ascontiguousarray(np.tile(x, (m, 1)))
    ws = np.full(p, w)
    feats = np.ascontiguousarray(np.tile(feat, (p, 1)))
    idx = np.arange(p)
    obs = np.ascontiguousarray(np.stack([idx % n, idx % m], axis=1).astype(np.int32))
    return cams, X, ws, obs, feats


@numba.njit
def ba_reproj(r0, r1, r2, c0, c1, c2, f, u0, v0, k1, k2, x0, x1, x2, w, feat0, feat1):
    """Weighted reprojection error of one observation (ADBench ``computeReprojError``),
    all scalars; returns the two residuals."""
    # point relative to the camera centre
    p0 = x0 - c0
    p1 = x1 - c1
    p2 = x2 - c2
    # Rodrigues rotation (ADBench's rodrigues_rotate_point, Ceres' formulation)
    sqtheta = r0 * r0 + r1 * r1 + r2 * r2
    if sqtheta != 0.0:
        theta = math.sqrt(sqtheta)
        costheta = math.cos(theta)
        sintheta = math.sin(theta)
        theta_inverse = 1.0 / theta
        w0 = r0 * theta_inverse
        w1 = r1 * theta_inverse
        w2 = r2 * theta_inverse
        tmp = (w0 * p0 + w1 * p1 + w2 * p2) * (1.0 - costheta)
        xc0 = p0 * costheta + (w1 * p2 - w2 * p1) * sintheta + w0 * tmp
        xc1 = p1 * costheta + (w2 * p0 - w0 * p2) * sintheta + w1 * tmp
        xc2 = p2 * costheta + (w0 * p1 - w1 * p0) * sintheta + w2 * tmp
    else:
        # first-order expansion at the origin, exactly as ADBench (keeps the derivative
        # with respect to r right at r = 0)
        xc0 = p0 + (r1 * p2 - r2 * p1)
        xc1 = p1 + (r2 * p0 - r0 * p2)
        xc2 = p2 + (r0 * p1 - r1 * p0)
    # perspective division, radial distortion, focal length and principal point
    q0 = xc0 / xc2
    q1 = xc1 / xc2
    rsq = q0 * q0 + q1 * q1
    L = 1.0 + k1 * rsq + k2 * rsq * rsq
    proj0 = q0 * L * f + u0
    proj1 = q1 * L * f + v0
    return w * (proj0 - feat0), w * (proj1 - feat1)


@numba.njit
def ba_weight_err(w):
    """ADBench's ``computeZachWeightError``: 1 - w^2."""
    return 1.0 - w * w


@numba.njit
def ba_objective(cams, X, w, obs, feats, reproj_err, w_err):
    """ADBench ``ba_objective``: writes reproj_err (2p,) and w_err (p,) in place."""
    p = obs.shape[0]
    for i in range(p):
        c = obs[i, 0]
        j = obs[i, 1]
        e0, e1 = ba_reproj(cams[c, 0], cams[c, 1], cams[c, 2], cams[c, 3], cams[c, 4],
                           cams[c, 5], cams[c, 6], cams[c, 7], cams[c, 8], cams[c, 9],
                           cams[c, 10], X[j, 0], X[j, 1], X[j, 2], w[i],
                           feats[i, 0], feats[i, 1])
        reproj_err[2 * i] = e0
        reproj_err[2 * i + 1] = e1
    for i in range(p):
        w_err[i] = ba_weight_err(w[i])


@numba.njit
def ba_reproj_packed(q, feats, i, err):
    """Residuals of observation i from its packed parameters ``q = [cam (11), X (3), w]``
    (what the Jacobian differentiates: 15 inputs -> 2 outputs)."""
    e0, e1 = ba_reproj(q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10],
                       q[11], q[12], q[13], q[14], feats[i, 0], feats[i, 1])
    err[0] = e0
    err[1] = e1


def ba_sparsity(n, m, p, obs):
    """CSR structure of the BA Jacobian in ADBench's order: ``(rows (3p+1,), cols (31p,))``
    int32 arrays (see the module docstring).  Written by one loop straight into the int32
    outputs: the GradBench tool builds it at every call, as ADBench's ``BASparseMat`` does,
    and array expressions made ~100 MB of int64 temporaries for ba5 (p = 225911)."""
    obs = np.ascontiguousarray(obs)
    rows = np.empty(3 * p + 1, dtype=np.int32)
    cols = np.empty(31 * p, dtype=np.int32)
    _ba_sparsity_fill(n, m, p, obs, rows, cols)
    return rows, cols


@numba.njit
def _ba_sparsity_fill(n, m, p, obs, rows, cols):
    for r in range(2 * p + 1):
        rows[r] = BA_BLOCK * r
    for i in range(p):
        rows[2 * p + 1 + i] = BA_BLOCK * 2 * p + i + 1
    points0 = BA_NCAMPARAMS * n          # first point column
    weights0 = points0 + 3 * m           # first weight column
    k = 0
    for i in range(p):
        cam0 = BA_NCAMPARAMS * obs[i, 0]
        pt0 = points0 + 3 * obs[i, 1]
        for _ in range(2):               # both rows of an observation: the same 15 columns
            for j in range(BA_NCAMPARAMS):
                cols[k + j] = cam0 + j
            for j in range(3):
                cols[k + BA_NCAMPARAMS + j] = pt0 + j
            cols[k + BA_BLOCK - 1] = weights0 + i
            k += BA_BLOCK
    for i in range(p):
        cols[k + i] = weights0 + i


def ba_csr_to_dense(rows, cols, vals, shape):
    """Dense copy of a CSR matrix (for tests on small instances)."""
    J = np.zeros(shape)
    for r in range(len(rows) - 1):
        for k in range(rows[r], rows[r + 1]):
            J[r, cols[k]] += vals[k]
    return J


def make_ba_jacobian(mode="reverse", checks=True):
    """Build the zymase BA Jacobian: returns ``jac(cams, X, w, obs, feats) ->
    (reproj_err (2p,), w_err (p,), vals (31p,))`` with ``vals`` in the CSR order of
    :func:`ba_sparsity`.

    Observation i's 2 x 15 block is the Jacobian of :func:`ba_reproj_packed` at its packed
    parameters, computed either by two reverse-mode calls (``mode="reverse"``: output seed
    e_0, then e_1; each gives one row) or by one forward-mode call of width 15
    (``mode="forward"``: identity seed, lane k = d/d q[k]).  Reverse is the default: with 2
    outputs and 15 inputs it is about twice as fast (ba1, one core: ~12 ms against ~21 ms).
    The weight rows are forward-mode derivatives of :func:`ba_weight_err`.  Everything is
    called from an ``@njit`` loop over the observations: no Python overhead per
    observation.  ``checks=False`` skips zymase's run-time shadow checks, which is safe
    here because the loop allocates every shadow itself with the right shape.
    """

    if mode not in ("reverse", "forward"):
        raise ValueError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    reverse = mode == "reverse"
    if reverse:
        d_block = zymase.autodiff_reverse(ba_reproj_packed, Duplicated, Const, Const,
                                          Duplicated, ret=Const, checks=checks)
    else:
        d_block = zymase.autodiff_forward(ba_reproj_packed, Dual, Const, Const, Dual,
                                          ret=Const, width=BA_BLOCK, checks=checks)
    d_werr = zymase.autodiff_forward(ba_weight_err, Dual, ret=Dual, checks=checks)

    @numba.njit
    def ba_jacobian(cams, X, w, obs, feats, reproj_err, w_err, vals):
        p = obs.shape[0]
        q = np.empty(BA_BLOCK)
        err = np.empty(2)
        if reverse:
            dq = np.empty(BA_BLOCK)
            derr = np.empty(2)
        else:
            dq = np.zeros((BA_BLOCK, BA_BLOCK))
            for k in range(BA_BLOCK):
                dq[k, k] = 1.0
            derr = np.empty((BA_BLOCK, 2))
        for i in range(p):
            c = obs[i, 0]
            j = obs[i, 1]
            for k in range(BA_NCAMPARAMS):
                q[k] = cams[c, k]
            for k in range(3):
                q[BA_NCAMPARAMS + k] = X[j, k]
            q[BA_BLOCK - 1] = w[i]
            base = 2 * BA_BLOCK * i
            if reverse:
                for r in range(2):
                    # the gradient is added into dq; derr is the adjoint of err's final
                    # contents (zymase consumes it, so it is set before every call)
                    for k in range(BA_BLOCK):
                        dq[k] = 0.0
                    derr[0] = 1.0 if r == 0 else 0.0
                    derr[1] = 1.0 if r == 1 else 0.0
                    d_block(q, dq, feats, i, err, derr)
                    for k in range(BA_BLOCK):
                        vals[base + BA_BLOCK * r + k] = dq[k]
            else:
                d_block(q, dq, feats, i, err, derr)
                for r in range(2):
                    for k in range(BA_BLOCK):
                        vals[base + BA_BLOCK * r + k] = derr[k, r]
            reproj_err[2 * i] = err[0]
            reproj_err[2 * i + 1] = err[1]
        off = 2 * BA_BLOCK * p
        for i in range(p):
            y, dy = d_werr(w[i], 1.0)
            w_err[i] = y
            vals[off + i] = dy

    def jac(cams, X, w, obs, feats):
        p = obs.shape[0]
        reproj_err = np.empty(2 * p)
        w_err = np.empty(p)
        vals = np.empty((2 * BA_BLOCK + 1) * p)
        ba_jacobian(cams, X, w, obs, feats, reproj_err, w_err, vals)
        return reproj_err, w_err, vals

    return jac
