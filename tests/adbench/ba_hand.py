"""ADBench bundle adjustment (BA) and hand tracking (HT) as plain-loop ``@numba.njit`` code,
plus their Jacobians computed by zymase.

Faithful re-implementations of Microsoft's ADBench objectives (github.com/microsoft/ADBench,
archived @ 38cb7931: C++ ``src/cpp/shared/ba.h`` and ``hand_light_matrix.h``, Python
``src/python/modules/PyTorch/ba_objective.py`` / ``hand_objective.py``, loaders in
``src/python/shared/input_utils.py``), in the style of ``objectives.py``: explicit loops over
scalars, work arrays allocated inside with ``np.empty``/``np.zeros``, ``math`` functions, no
``np.linalg``; inputs are never modified; residuals are written into an output array.

Bundle adjustment
-----------------
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

Hand tracking
-------------
A skinned hand model (here ADBench's small model: 22 bones, 544 vertices, 1084 triangles)
posed by 26 parameters ``theta``: global rotation (angle-axis, theta[0:3]), global
translation (theta[3:6]) and 4 angles per finger (theta[6:26]: flexion and abduction of
the base joint, flexion of the two others)::

    pose_params (bones + 3, 3): row 0 = theta[0:3], row 1 = (1, 1, 1) (scale),
        row 2 = theta[3:6], then per finger f (rows 5 + 4 f ...): three joints with
        (flexion, abduction) for the first and (flexion, 0) for the others; the fourth
        row of each finger (the tip) and rows 3, 4 (wrist, forearm-side bones) stay 0
    relative_b = base_relative_b @ [[E(pose_params[b + 3]), 0], [0, 1]]
        E(x, z, y) = Rz(z) Ry(y) Rx(x)  (Euler angles stored in x, z, y order)
    absolute_b = absolute_parent(b) @ relative_b      (parents come before children)
    transform_b = absolute_b @ inverse_base_absolute_b
    vertex_v = sum_b weights[v, b] * (transform_b @ base_position_v)[:3]
    vertex_v <- R_aa(theta[0:3]) diag(scale) vertex_v + theta[3:6]
        (R_aa = angle-axis rotation; the identity when |theta[0:3]| < 1e-4, as ADBench)

Simple variant: ``err[3i + k] = points[i, k] - vertex[correspondences[i], k]``.
Complicated variant: correspondence i names a triangle (a, b, c) and the model point is
``u0 vertex_a + u1 vertex_b + (1 - u0 - u1) vertex_c`` with ``us[i] = (u0, u1)``.

Jacobian layout (ADBench): dense, 3N rows (residual 3i + k) by 26 columns (theta) for the
simple variant; the complicated variant has 2 + 26 columns, the first two being
d err[3i+k] / d us[i, 0] and d err[3i+k] / d us[i, 1] (residual i depends only on its own
us[i], so ADBench stores the 3N x 2N block diagonal compressed into two columns), then the
26 theta columns.  zymase computes the whole Jacobian in one forward-mode call: width 26
(simple) or 28 (complicated: lane 0 seeds every us[i, 0] at once, lane 1 every us[i, 1],
lanes 2..27 theta, so the output tangents are already the compressed columns).

Where ADBench's implementations differ, we follow the C++ one (it is also GradBench's
reference): Ry = [[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]] (the PyTorch module has the
transpose).  The y Euler angle is never set by ``pose_params`` (always 0), so both give the
same values and derivatives.  Like ADBench we compute all vertices, then pick the
corresponding ones.  ADBench's loader always sets the model's ``is_mirrored`` flag to false,
so the objectives here have no mirroring (``bench/gradbench_ba_ht.py`` turns a mirrored
GradBench model into an equivalent unmirrored one).
"""
import math
import os
from typing import NamedTuple

import numba
import numpy as np

BA_NCAMPARAMS = 11
BA_BLOCK = BA_NCAMPARAMS + 3 + 1     # parameters one observation's residuals depend on
HAND_NTHETA = 26

# ---------------------------------------------------------------------------------- BA


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
    int32 arrays (see the module docstring)."""
    obs = np.asarray(obs)
    rows = np.empty(3 * p + 1, dtype=np.int32)
    rows[:2 * p + 1] = BA_BLOCK * np.arange(2 * p + 1)
    rows[2 * p + 1:] = BA_BLOCK * 2 * p + np.arange(1, p + 1)
    block = np.empty((p, BA_BLOCK), dtype=np.int64)
    block[:, :BA_NCAMPARAMS] = BA_NCAMPARAMS * obs[:, :1] + np.arange(BA_NCAMPARAMS)
    block[:, BA_NCAMPARAMS:BA_NCAMPARAMS + 3] = (BA_NCAMPARAMS * n + 3 * obs[:, 1:2]
                                                  + np.arange(3))
    block[:, BA_BLOCK - 1] = BA_NCAMPARAMS * n + 3 * m + np.arange(p)
    # both rows of an observation touch the same 15 columns
    reproj_cols = np.repeat(block[:, None, :], 2, axis=1).ravel()
    w_cols = BA_NCAMPARAMS * n + 3 * m + np.arange(p)
    cols = np.concatenate([reproj_cols, w_cols]).astype(np.int32)
    return rows, cols


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
    import zymase
    from zymase import Const, Dual, Duplicated

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


# ---------------------------------------------------------------------------------- HT


class HandModel(NamedTuple):
    """ADBench's hand model (``HandModel`` in src/python/shared/HandData.py)."""
    bone_names: tuple
    parents: np.ndarray                 # (B,) int32, -1 for the root; parent before child
    base_relatives: np.ndarray          # (B, 4, 4)
    inverse_base_absolutes: np.ndarray  # (B, 4, 4)
    base_positions: np.ndarray          # (V, 4) homogeneous (last column 1)
    weights: np.ndarray                 # (V, B) skinning weights
    triangles: np.ndarray               # (T, 3) int32 vertex indices


def load_hand_model(model_dir):
    """Read ADBench's hand model directory (':'-separated files):

    * ``bones.txt``: per bone ``name:parent:16 values (relative transform, row-major):
      16 values (inverse absolute transform, row-major)``;
    * ``vertices.txt``: per vertex ``x:y:z:(5 unused):count:(bone:weight) * count``;
    * ``triangles.txt``: per triangle ``a:b:c``.
    """
    names, parents, rel, inv = [], [], [], []
    with open(os.path.join(model_dir, "bones.txt")) as f:
        for line in f:
            if not line.strip():
                continue
            a = line.strip().split(":")
            names.append(a[0])
            parents.append(int(a[1]))
            rel.append([float(v) for v in a[2:18]])
            inv.append([float(v) for v in a[18:34]])
    B = len(names)
    positions, weights = [], []
    with open(os.path.join(model_dir, "vertices.txt")) as f:
        for line in f:
            if not line.strip():
                continue
            a = line.strip().split(":")
            positions.append([float(v) for v in a[:3]])
            wrow = np.zeros(B)
            for k in range(int(a[8])):
                wrow[int(a[9 + 2 * k])] = float(a[10 + 2 * k])
            weights.append(wrow)
    V = len(positions)
    base_positions = np.ones((V, 4))
    base_positions[:, :3] = positions
    triangles = np.loadtxt(os.path.join(model_dir, "triangles.txt"), dtype=np.int32,
                           delimiter=":", ndmin=2)
    return HandModel(tuple(names), np.array(parents, dtype=np.int32),
                     np.ascontiguousarray(np.array(rel).reshape(B, 4, 4)),
                     np.ascontiguousarray(np.array(inv).reshape(B, 4, 4)),
                     np.ascontiguousarray(base_positions), np.ascontiguousarray(weights),
                     np.ascontiguousarray(triangles))


def load_hand_instance(path, complicated):
    """Read an ADBench hand instance: ``N ntheta``, N lines ``correspondence x y z``, (if
    complicated) N lines ``u0 u1``, then ntheta lines of theta.

    Returns ``(theta (26,), correspondences (N,) int32, points (N, 3), us (N, 2) or None)``;
    correspondences are vertex indices (simple) or triangle indices (complicated).
    """
    with open(path) as f:
        lines = [ln.split() for ln in f.read().splitlines() if ln.strip()]
    npts, ntheta = int(lines[0][0]), int(lines[0][1])
    rows = lines[1:1 + npts]
    corr = np.array([int(r[0]) for r in rows], dtype=np.int32)
    points = np.ascontiguousarray(np.array([[float(v) for v in r[1:4]] for r in rows]))
    pos = 1 + npts
    us = None
    if complicated:
        us = np.ascontiguousarray(
            np.array([[float(v) for v in r[:2]] for r in lines[pos:pos + npts]]))
        pos += npts
    theta = np.array([float(r[0]) for r in lines[pos:pos + ntheta]])
    assert theta.shape == (ntheta,)
    return theta, corr, points, us


@numba.njit
def hand_vertices(theta, parents, base_relatives, inverse_base_absolutes, base_positions,
                  weights, vertices):
    """Posed, skinned and globally transformed model vertices (V, 3), written into
    ``vertices`` (ADBench ``get_skinned_vertex_positions`` with ``apply_global``)."""
    B = parents.shape[0]
    V = base_positions.shape[0]

    # to_pose_params
    pose = np.zeros((B + 3, 3))
    for k in range(3):
        pose[0, k] = theta[k]
        pose[1, k] = 1.0
        pose[2, k] = theta[3 + k]
    i_theta = 6
    i_pose = 5
    for finger in range(5):
        for joint in range(3):
            pose[i_pose, 0] = theta[i_theta]
            i_theta += 1
            if joint == 0:
                pose[i_pose, 1] = theta[i_theta]
                i_theta += 1
            i_pose += 1
        i_pose += 1

    # get_posed_relatives + relatives_to_absolutes + bone transforms (top 3 rows only:
    # the bottom row of every transform is (0, 0, 0, 1) and vertices use x, y, z only)
    R = np.empty((3, 3))
    rel = np.empty((4, 4))
    absolutes = np.empty((B, 4, 4))
    transforms = np.empty((B, 3, 4))
    for b in range(B):
        tx = pose[b + 3, 0]
        tz = pose[b + 3, 1]
        ty = pose[b + 3, 2]
        cx, sx = math.cos(tx), math.sin(tx)
        cy, sy = math.cos(ty), math.sin(ty)
        cz, sz = math.cos(tz), math.sin(tz)
        # R = Rz @ Ry @ Rx, written out
        R[0, 0] = cz * cy
        R[1, 0] = sz * cy
        R[2, 0] = -sy
        R[0, 1] = -sz * cx + cz * sy * sx
        R[1, 1] = cz * cx + sz * sy * sx
        R[2, 1] = cy * sx
        R[0, 2] = sz * sx + cz * sy * cx
        R[1, 2] = -cz * sx + sz * sy * cx
        R[2, 2] = cy * cx
        # relative = base_relative @ [[R, 0], [0, 1]]
        for r in range(4):
            for c in range(3):
                s = 0.0
                for k in range(3):
                    s += base_relatives[b, r, k] * R[k, c]
                rel[r, c] = s
            rel[r, 3] = base_relatives[b, r, 3]
        par = parents[b]
        if par == -1:
            for r in range(4):
                for c in range(4):
                    absolutes[b, r, c] = rel[r, c]
        else:
            for r in range(4):
                for c in range(4):
                    s = 0.0
                    for k in range(4):
                        s += absolutes[par, r, k] * rel[k, c]
                    absolutes[b, r, c] = s
        for r in range(3):
            for c in range(4):
                s = 0.0
                for k in range(4):
                    s += absolutes[b, r, k] * inverse_base_absolutes[b, k, c]
                transforms[b, r, c] = s

    # linear blend skinning, bone by bone as ADBench
    for v in range(V):
        for k in range(3):
            vertices[v, k] = 0.0
    for b in range(B):
        for v in range(V):
            wv = weights[v, b]
            for r in range(3):
                vertices[v, r] += wv * (transforms[b, r, 0] * base_positions[v, 0]
                                        + transforms[b, r, 1] * base_positions[v, 1]
                                        + transforms[b, r, 2] * base_positions[v, 2]
                                        + transforms[b, r, 3] * base_positions[v, 3])

    # apply_global_transform: angle-axis rotation (columns scaled by pose row 1), translation
    a0, a1, a2 = pose[0, 0], pose[0, 1], pose[0, 2]
    norm = math.sqrt(a0 * a0 + a1 * a1 + a2 * a2)
    if norm < 0.0001:
        for r in range(3):
            for c in range(3):
                R[r, c] = 1.0 if r == c else 0.0
    else:
        x = a0 / norm
        y = a1 / norm
        z = a2 / norm
        s = math.sin(norm)
        c = math.cos(norm)
        R[0, 0] = x * x + (1.0 - x * x) * c
        R[0, 1] = x * y * (1.0 - c) - z * s
        R[0, 2] = x * z * (1.0 - c) + y * s
        R[1, 0] = x * y * (1.0 - c) + z * s
        R[1, 1] = y * y + (1.0 - y * y) * c
        R[1, 2] = y * z * (1.0 - c) - x * s
        R[2, 0] = x * z * (1.0 - c) - y * s
        R[2, 1] = z * y * (1.0 - c) + x * s
        R[2, 2] = z * z + (1.0 - z * z) * c
    for r in range(3):
        for c in range(3):
            R[r, c] *= pose[1, c]
    for v in range(V):
        p0 = vertices[v, 0]
        p1 = vertices[v, 1]
        p2 = vertices[v, 2]
        for r in range(3):
            vertices[v, r] = R[r, 0] * p0 + R[r, 1] * p1 + R[r, 2] * p2 + pose[2, r]


@numba.njit
def hand_objective(theta, parents, base_relatives, inverse_base_absolutes, base_positions,
                   weights, correspondences, points, err):
    """ADBench simple hand objective: ``err[3i + k] = points[i, k] -
    vertex[correspondences[i], k]``, written into err (3N,)."""
    vertices = np.empty((base_positions.shape[0], 3))
    hand_vertices(theta, parents, base_relatives, inverse_base_absolutes, base_positions,
                  weights, vertices)
    for i in range(correspondences.shape[0]):
        v = correspondences[i]
        for k in range(3):
            err[3 * i + k] = points[i, k] - vertices[v, k]


@numba.njit
def hand_objective_complicated(theta, us, parents, base_relatives, inverse_base_absolutes,
                               base_positions, weights, triangles, correspondences, points,
                               err):
    """ADBench complicated hand objective: the model point of correspondence i is the
    barycentric combination ``u0 a + u1 b + (1 - u0 - u1) c`` of the vertices of triangle
    ``correspondences[i]``; ``err[3i + k] = points[i, k] - model point[k]``."""
    vertices = np.empty((base_positions.shape[0], 3))
    hand_vertices(theta, parents, base_relatives, inverse_base_absolutes, base_positions,
                  weights, vertices)
    for i in range(correspondences.shape[0]):
        t = correspondences[i]
        va = triangles[t, 0]
        vb = triangles[t, 1]
        vc = triangles[t, 2]
        u0 = us[i, 0]
        u1 = us[i, 1]
        for k in range(3):
            hp = u0 * vertices[va, k] + u1 * vertices[vb, k] + (1.0 - u0 - u1) * vertices[vc, k]
            err[3 * i + k] = points[i, k] - hp


def hand_model_args(model):
    """The model arrays in the order the objectives take them (after theta[, us])."""
    return (model.parents, model.base_relatives, model.inverse_base_absolutes,
            model.base_positions, model.weights)


def make_hand_jacobian(complicated=False, checks=True):
    """Build the zymase hand Jacobian.

    Simple: ``jac(theta, model, correspondences, points) -> (err (3N,), J (3N, 26))``.
    Complicated: ``jac(theta, us, model, correspondences, points) -> (err, J (3N, 28))``
    with ADBench's column layout [d/d u0, d/d u1, d/d theta].

    One forward-mode call: the tangent of theta is the identity (26 lanes), and for the
    complicated variant two more lanes seed all ``us[:, 0]`` (lane 0) and all ``us[:, 1]``
    (lane 1) at once -- exact because residual i depends on us[i] only.  The tangent of
    ``err`` (lanes x 3N) is the transposed Jacobian.
    """
    import zymase
    from zymase import Const, Dual

    if not complicated:
        d = zymase.autodiff_forward(hand_objective, Dual, *[Const] * 7, Dual, ret=Const,
                                    width=HAND_NTHETA, checks=checks)
        seed = np.eye(HAND_NTHETA)

        def jac(theta, model, correspondences, points):
            n_res = 3 * correspondences.shape[0]
            err = np.empty(n_res)
            derr = np.empty((HAND_NTHETA, n_res))
            d(theta, seed, *hand_model_args(model), correspondences, points, err, derr)
            return err, np.ascontiguousarray(derr.T)
        return jac

    width = HAND_NTHETA + 2
    d = zymase.autodiff_forward(hand_objective_complicated, Dual, Dual, *[Const] * 8, Dual,
                                ret=Const, width=width, checks=checks)
    dtheta = np.zeros((width, HAND_NTHETA))
    dtheta[2:, :] = np.eye(HAND_NTHETA)

    def jac(theta, us, model, correspondences, points):
        n = correspondences.shape[0]
        dus = np.zeros((width, n, 2))
        dus[0, :, 0] = 1.0
        dus[1, :, 1] = 1.0
        err = np.empty(3 * n)
        derr = np.empty((width, 3 * n))
        d(theta, dtheta, us, dus, *hand_model_args(model), model.triangles,
          correspondences, points, err, derr)
        return err, np.ascontiguousarray(derr.T)
    return jac
