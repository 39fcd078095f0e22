"""ADBench hand tracking (HT) as plain-loop ``@numba.njit`` code, plus its dense Jacobian
computed by zymase.

A faithful re-implementation of Microsoft's ADBench hand tracking objective
(github.com/microsoft/ADBench, archived @ 38cb7931: C++ ``src/cpp/shared/hand_light_matrix.h``,
Python ``src/python/modules/PyTorch/hand_objective.py``, loaders in
``src/python/shared/input_utils.py``), in the style of ``gmm.py``: explicit loops over
scalars, work arrays allocated inside with ``np.empty``/``np.zeros``, ``math`` functions,
no ``np.linalg``; inputs are never modified; residuals are written into an output array.
Shared by the tests (``tests/adbench``), the benchmarks (``bench/``) and the GradBench
tool (``zymase.gradbench``); instance files and golden values: ``tests/adbench/data``.

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
so the objectives here have no mirroring (``zymase.gradbench.evals_adbench`` turns a
mirrored GradBench model into an equivalent unmirrored one).
"""
import math
import os
from typing import NamedTuple

import numba
import numpy as np

import zymase
from zymase import Const, Dual

HAND_NTHETA = 26


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
