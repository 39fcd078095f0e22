"""GradBench modules ``ba`` (bundle adjustment) and ``ht`` (hand tracking) for
``bench/gradbench_tool.py``: the objectives and zymase Jacobians of
``tests/adbench/ba_hand.py`` behind GradBench's input and output formats.

Formats, as GradBench's reference implementation produces them (cpp/gradbench/evals/ba.hpp
and ht.hpp ``from_json``/``to_json``, which the evals' validator compares against; checked
at gradbench/gradbench f26651a):

``ba`` input ``{n, m, p, cam (11), x (3), w, feat (2), min_runs, min_seconds}``: one camera,
point, weight and feature, replicated to n cameras, m points and p observations exactly as
ADBench does (observation i = camera i % n, point i % m); the tool must not exploit the
replication, so every observation is computed.

* ``objective`` -> ``{"reproj_error": {"elements": [e0, e1], "repeated": p},
  "w_err": {"element": w_err[0], "repeated": p}}`` -- the reference's compressed form (the
  README's ``{reproj_err: double[], w_err: double[]}`` is not what the validator expects);
* ``jacobian`` -> ``{"rows", "cols", "vals"}``: the first 30 entries and the last entry of
  each of the three arrays of ADBench's CSR sparse Jacobian (rows = row offsets; see
  ``ba_hand.py`` for the layout) -- ints for rows/cols, floats for vals.

``ht`` input ``{theta (26), data: {model: {bone_count, bone_names, parents, base_relatives
(B x 4 x 4), inverse_base_absolutes (B x 4 x 4), base_positions (V x 4), weights (V x B),
triangles (T x 3), is_mirrored}, correspondences (N), points (N x 3)}, us (N x 2, or []
for the simple variant)}``.

* ``objective`` -> the 3N residuals ``points[i, k] - model point[k]``, flat;
* ``jacobian`` -> 3N rows of 26 (simple) or 2 + 26 (complicated: d/d us[i, 0],
  d/d us[i, 1], then theta) values.

A mirrored model (``is_mirrored``: ADBench negates the x row of the skinned vertices
before the global transform) is handled by negating the first row of the root bones'
base relative transforms: every absolute transform is a product that starts with its root's
relative transform, so this negates the x row of all of them, hence of every skinned vertex.

Every derivative is zymase's forward mode (see ``make_ba_jacobian`` / ``make_hand_jacobian``);
every primal is the same plain-loop code compiled by Numba.  ``define`` compiles both hand
variants (the eval decides per input which one it sends).
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# sizes of GradBench's compressed BA Jacobian: one observation's two rows (2 x 15 entries)
# and the last entry
_BA_HEAD = 30


def _ba():
    from gradbench_tool import Module, _arr
    from tests.adbench import ba_hand as H

    # checks=False: the njit driver allocates every shadow itself, with the right shapes
    jac = H.make_ba_jacobian(checks=False)

    def prepare(inp):
        n, m, p = int(inp["n"]), int(inp["m"]), int(inp["p"])
        cam, x, feat = _arr(inp["cam"]), _arr(inp["x"]), _arr(inp["feat"])
        cams = np.ascontiguousarray(np.tile(cam, (n, 1)))
        X = np.ascontiguousarray(np.tile(x, (m, 1)))
        w = np.full(p, float(inp["w"]))
        feats = np.ascontiguousarray(np.tile(feat, (p, 1)))
        i = np.arange(p)
        obs = np.ascontiguousarray(np.stack([i % n, i % m], axis=1).astype(np.int32))
        return n, m, p, cams, X, w, obs, feats

    def objective(a):
        n, m, p, cams, X, w, obs, feats = a
        reproj, werr = np.empty(2 * p), np.empty(p)
        H.ba_objective(cams, X, w, obs, feats, reproj, werr)
        return reproj, werr

    def jacobian(a):
        n, m, p, cams, X, w, obs, feats = a
        _, _, vals = jac(cams, X, w, obs, feats)
        rows, cols = H.ba_sparsity(n, m, p, obs)
        return rows, cols, vals

    def post(name, r):
        if name == "objective":
            reproj, werr = r
            return {"reproj_error": {"elements": [float(reproj[0]), float(reproj[1])],
                                     "repeated": len(reproj) // 2},
                    "w_err": {"element": float(werr[0]), "repeated": len(werr)}}

        def head_and_last(a, conv):
            return [conv(v) for v in a[:_BA_HEAD]] + [conv(a[-1])]
        rows, cols, vals = r
        return {"rows": head_and_last(rows, int), "cols": head_and_last(cols, int),
                "vals": head_and_last(vals, float)}

    warm = dict(n=2, m=3, p=4, cam=[0.1, 0.2, 0.3, 1.0, 2.0, 3.0, 100.0, 0.5, 0.5, 0.01, 0.001],
                x=[4.0, 5.0, 6.0], w=0.5, feat=[1.0, 2.0])
    return Module(dict(objective=objective, jacobian=jacobian), prepare, post, warm)


def _hand_inputs(inp):
    """GradBench HTInput -> (theta, us or None, HandModel, correspondences, points)."""
    from tests.adbench.ba_hand import HandModel
    from gradbench_tool import _arr

    data, md = inp["data"], inp["data"]["model"]
    parents = np.array(md["parents"], dtype=np.int32)
    base_relatives = _arr(md["base_relatives"]).reshape(-1, 4, 4)
    if md.get("is_mirrored", False):
        base_relatives = base_relatives.copy()
        base_relatives[parents == -1, 0, :] *= -1.0
    weights = _arr(md["weights"])
    model = HandModel(
        tuple(md["bone_names"]), parents, np.ascontiguousarray(base_relatives),
        _arr(md["inverse_base_absolutes"]).reshape(-1, 4, 4), _arr(md["base_positions"]),
        weights.reshape(weights.shape[0], -1),
        np.ascontiguousarray(np.array(md["triangles"], dtype=np.int32).reshape(-1, 3)))
    corr = np.array(data["correspondences"], dtype=np.int32)
    points = _arr(data["points"]).reshape(-1, 3)
    us = inp.get("us")
    us = _arr(us).reshape(-1, 2) if us is not None and len(us) > 0 else None
    return _arr(inp["theta"]), us, model, corr, points


def _ht():
    from gradbench_tool import Module
    from tests.adbench import ba_hand as H

    jac_simple = H.make_hand_jacobian(complicated=False, checks=False)
    jac_compl = H.make_hand_jacobian(complicated=True, checks=False)

    def objective(a):
        theta, us, model, corr, points = a
        err = np.empty(3 * corr.shape[0])
        if us is None:
            H.hand_objective(theta, *H.hand_model_args(model), corr, points, err)
        else:
            H.hand_objective_complicated(theta, us, *H.hand_model_args(model),
                                         model.triangles, corr, points, err)
        return err

    def jacobian(a):
        theta, us, model, corr, points = a
        if us is None:
            return jac_simple(theta, model, corr, points)[1]
        return jac_compl(theta, us, model, corr, points)[1]

    def post(name, r):
        return r.tolist()

    # a tiny 22-bone model (to_pose_params needs 22 bones) to compile both variants
    B = 22
    eye = np.eye(4).tolist()
    model = dict(bone_count=B, bone_names=[f"b{i}" for i in range(B)],
                 parents=[-1] + list(range(B - 1)), base_relatives=[eye] * B,
                 inverse_base_absolutes=[eye] * B,
                 base_positions=[[0.1, 0.2, 0.3, 1.0], [0.4, 0.5, 0.6, 1.0],
                                 [0.7, 0.8, 0.9, 1.0]],
                 weights=[[1.0 / B] * B] * 3, triangles=[[0, 1, 2]], is_mirrored=False)
    warm_simple = dict(theta=[0.1] * 26, us=[],
                       data=dict(model=model, correspondences=[0, 2],
                                 points=[[0.0, 0.1, 0.2], [0.3, 0.4, 0.5]]))
    warm_compl = dict(warm_simple, us=[[0.2, 0.3], [0.4, 0.5]],
                      data=dict(warm_simple["data"], correspondences=[0, 0]))
    mod = Module(dict(objective=objective, jacobian=jacobian), _hand_inputs, post,
                 warm_simple)

    def warm():
        for inp in (warm_simple, warm_compl):
            for fn in mod.functions.values():
                fn(_hand_inputs(inp))
    mod.warm = warm
    return mod


MODULES = dict(ba=_ba, ht=_ht)
