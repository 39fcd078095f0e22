"""GradBench modules ``gmm``, ``lstm``, ``ba`` and ``ht``: ADBench's objectives behind
GradBench's input and output formats.

The objectives are those of ``zymase.gradbench.adbench`` (``lstm``, ``ba``, ``hand``), except
GMM: GradBench's GMM is a log posterior, written below.  Every derivative is zymase's
(reverse mode for gmm and lstm; for ba and ht the Jacobians ``make_ba_jacobian`` /
``make_hand_jacobian`` of ``adbench.ba`` / ``adbench.hand``: reverse mode per residual, and
batched forward mode); every primal is the same plain-loop code compiled by Numba.

Formats (gradbench/gradbench at f26651a: ``evals/<name>/README.md``, and for ba and ht the
reference implementation's ``cpp/gradbench/evals/ba.hpp`` and ``ht.hpp``
``from_json``/``to_json``, which the evals' validator compares against):

* ``gmm``: ``objective``/``jacobian`` of GradBench's GMM **log posterior**, input
  ``{d, k, n, x, m, gamma, alpha, mu, q, l, min_runs, min_seconds}``; the jacobian is
  ``{"alpha", "mu", "q", "l"}`` shaped like the inputs.  GradBench fixed ADBench's sign
  error: its objective is ADBench's GMM objective with the Wishart prior term *subtracted*
  instead of added (``l`` is ``icf[:, d:]`` of ADBench, packed column by column, ``q`` is
  ``icf[:, :d]``);
* ``lstm``: ``objective``/``jacobian`` of ADBench's LSTM (identical to ADBench, including
  the ``log(2 + sum exp)`` normaliser), input ``{main_params, extra_params, state,
  sequence}`` as nested lists; the jacobian is the gradient with respect to
  ``main_params`` and ``extra_params``, each flattened row after row, concatenated;
* ``ba``: input ``{n, m, p, cam (11), x (3), w, feat (2), min_runs, min_seconds}``: one
  camera, point, weight and feature, replicated to n cameras, m points and p observations
  exactly as ADBench does (observation i = camera i % n, point i % m); the tool must not
  exploit the replication, so every observation is computed.  ``objective`` ->
  ``{"reproj_error": {"elements": [e0, e1], "repeated": p}, "w_err": {"element": w_err[0],
  "repeated": p}}`` -- the reference's compressed form (the README's ``{reproj_err:
  double[], w_err: double[]}`` is not what the validator expects); ``jacobian`` ->
  ``{"rows", "cols", "vals"}``: the first 30 entries and the last entry of each of the
  three arrays of ADBench's CSR sparse Jacobian (rows = row offsets; see ``adbench/ba.py``
  for the layout) -- ints for rows/cols, floats for vals;
* ``ht``: input ``{theta (26), data: {model: {bone_count, bone_names, parents,
  base_relatives (B x 4 x 4), inverse_base_absolutes (B x 4 x 4), base_positions (V x 4),
  weights (V x B), triangles (T x 3), is_mirrored}, correspondences (N), points (N x 3)},
  us (N x 2, or [] for the simple variant)}``.  ``objective`` -> the 3N residuals
  ``points[i, k] - model point[k]``, flat; ``jacobian`` -> 3N rows of 26 (simple) or
  2 + 26 (complicated: d/d us[i, 0], d/d us[i, 1], then theta) values.  ``define``
  compiles both hand variants (the eval decides per input which one it sends).

A mirrored hand model (``is_mirrored``: ADBench negates the x row of the skinned vertices
before the global transform) is handled by negating the first row of the root bones' base
relative transforms: every absolute transform is a product that starts with its root's
relative transform, so this negates the x row of all of them, hence of every skinned vertex.
"""
import math

import numba
import numpy as np

import zymase
from zymase import Active, Const, Duplicated

from .adbench import ba, hand
from .adbench.lstm import lstm_objective
from .common import Module, as_array, flush_subnormals


# --------------------------------------------------------------------------- GMM, LSTM

@numba.njit
def gb_gmm_objective(alpha, mu, q, l, x, gamma, m):
    """GradBench's GMM log posterior (see the module docstring), plain loops."""
    K = alpha.shape[0]
    n = x.shape[0]
    d = x.shape[1]
    lsz = l.shape[1]
    sum_qs = np.empty(K)
    qdiags = np.empty((K, d))
    for k in range(K):
        s = 0.0
        for j in range(d):
            s += q[k, j]
            qdiags[k, j] = math.exp(q[k, j])
        sum_qs[k] = s
    xc = np.empty(d)
    qxc = np.empty(d)
    main = np.empty(K)
    slse = 0.0
    for i in range(n):
        for k in range(K):
            for j in range(d):
                xc[j] = x[i, j] - mu[k, j]
            for j in range(d):
                qxc[j] = qdiags[k, j] * xc[j]
            idx = 0
            for c in range(d):
                for r in range(c + 1, d):
                    qxc[r] = qxc[r] + l[k, idx] * xc[c]
                    idx += 1
            sq = 0.0
            for j in range(d):
                sq += qxc[j] * qxc[j]
            main[k] = alpha[k] + sum_qs[k] - 0.5 * sq
        mx = main[0]
        for k in range(1, K):
            if main[k] > mx:
                mx = main[k]
        se = 0.0
        for k in range(K):
            se += math.exp(main[k] - mx)
        slse += math.log(se) + mx
    amx = alpha[0]
    for k in range(1, K):
        if alpha[k] > amx:
            amx = alpha[k]
    ase = 0.0
    for k in range(K):
        ase += math.exp(alpha[k] - amx)
    lse_alpha = math.log(ase) + amx
    loglik = -n * d * 0.5 * math.log(2.0 * math.pi) + slse - n * lse_alpha
    nw = d + m + 1
    lgd = 0.25 * d * (d - 1) * math.log(math.pi)
    for j in range(1, d + 1):
        lgd += math.lgamma(0.5 * nw + 0.5 * (1 - j))
    C = nw * d * (math.log(gamma) - 0.5 * math.log(2.0)) - lgd
    out = 0.0
    for k in range(K):
        frob = 0.0
        for j in range(d):
            frob += qdiags[k, j] * qdiags[k, j]
        for j in range(lsz):
            frob += l[k, j] * l[k, j]
        out += 0.5 * gamma * gamma * frob - m * sum_qs[k]
    return loglik - out + K * C


def _gmm():
    # exact IEEE arithmetic unless ZYMASE_GB_FLUSH=1 (an A/B knob: subnormal posterior
    # weights dominate the jacobian at d = 64; JAX flushes them, the C++ does not)
    dgmm = zymase.autodiff_reverse(gb_gmm_objective, Duplicated, Duplicated, Duplicated,
                                   Duplicated, Const, Const, Const, ret=Active, checks=False,
                                   flush_subnormals=flush_subnormals())

    def prepare(inp):
        d, k = int(inp["d"]), int(inp["k"])
        l = as_array(inp["l"]).reshape(k, d * (d - 1) // 2)
        return (as_array(inp["alpha"]), as_array(inp["mu"]).reshape(k, d), as_array(inp["q"]).reshape(k, d),
                l, as_array(inp["x"]).reshape(-1, d), float(inp["gamma"]), int(inp["m"]))

    def jacobian(a):
        alpha, mu, q, l, x, gamma, m = a
        shadows = [np.zeros_like(alpha), np.zeros_like(mu), np.zeros_like(q), np.zeros_like(l)]
        dgmm(alpha, shadows[0], mu, shadows[1], q, shadows[2], l, shadows[3], x, gamma, m, 1.0)
        return shadows

    def post(name, r):
        if name == "objective":
            return float(r)
        return {"alpha": r[0].tolist(), "mu": r[1].tolist(), "q": r[2].tolist(),
                "l": r[3].tolist()}

    warm = dict(d=2, k=2, n=2, m=0, gamma=1.0, alpha=[0.1, 0.2], mu=[[0.1, 0.2], [0.3, 0.4]],
                q=[[0.1, 0.2], [0.3, 0.4]], l=[[0.5], [0.6]], x=[[1.0, 2.0], [3.0, 4.0]])
    return Module(dict(objective=lambda a: gb_gmm_objective(*a), jacobian=jacobian),
                  prepare, post, warm)


def _lstm():
    dlstm = zymase.autodiff_reverse(lstm_objective, Duplicated, Duplicated, Const, Const,
                                    ret=Active, checks=False)

    def prepare(inp):
        return tuple(as_array(inp[k]) for k in ("main_params", "extra_params", "state",
                                                "sequence"))

    def jacobian(a):
        mp, ep, st, sq = a
        dmp, dep = np.zeros_like(mp), np.zeros_like(ep)
        dlstm(mp, dmp, ep, dep, st, sq, 1.0)
        return np.concatenate([dmp.ravel(), dep.ravel()])

    def post(name, r):
        return float(r) if name == "objective" else r.tolist()

    b = 2
    warm = dict(main_params=[[0.1] * 4 * b] * 2, extra_params=[[0.2] * b] * 3,
                state=[[0.3] * b] * 2, sequence=[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    return Module(dict(objective=lambda a: lstm_objective(*a), jacobian=jacobian),
                  prepare, post, warm)


# --------------------------------------------------------------------------- BA, HT

# sizes of GradBench's compressed BA Jacobian: one observation's two rows (2 x 15 entries)
# and the last entry
_BA_HEAD = 30


def _ba():
    # checks=False: the njit driver allocates every shadow itself, with the right shapes
    jac = ba.make_ba_jacobian(checks=False)

    def prepare(inp):
        n, m, p = int(inp["n"]), int(inp["m"]), int(inp["p"])
        cam, x, feat = as_array(inp["cam"]), as_array(inp["x"]), as_array(inp["feat"])
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
        ba.ba_objective(cams, X, w, obs, feats, reproj, werr)
        return reproj, werr

    def jacobian(a):
        n, m, p, cams, X, w, obs, feats = a
        _, _, vals = jac(cams, X, w, obs, feats)
        rows, cols = ba.ba_sparsity(n, m, p, obs)
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
    data, md = inp["data"], inp["data"]["model"]
    parents = np.array(md["parents"], dtype=np.int32)
    base_relatives = as_array(md["base_relatives"]).reshape(-1, 4, 4)
    if md.get("is_mirrored", False):
        base_relatives = base_relatives.copy()
        base_relatives[parents == -1, 0, :] *= -1.0
    weights = as_array(md["weights"])
    model = hand.HandModel(
        tuple(md["bone_names"]), parents, np.ascontiguousarray(base_relatives),
        as_array(md["inverse_base_absolutes"]).reshape(-1, 4, 4), as_array(md["base_positions"]),
        weights.reshape(weights.shape[0], -1),
        np.ascontiguousarray(np.array(md["triangles"], dtype=np.int32).reshape(-1, 3)))
    corr = np.array(data["correspondences"], dtype=np.int32)
    points = as_array(data["points"]).reshape(-1, 3)
    us = inp.get("us")
    us = as_array(us).reshape(-1, 2) if us is not None and len(us) > 0 else None
    return as_array(inp["theta"]), us, model, corr, points


def _ht():
    jac_simple = hand.make_hand_jacobian(complicated=False, checks=False)
    jac_compl = hand.make_hand_jacobian(complicated=True, checks=False)

    def objective(a):
        theta, us, model, corr, points = a
        err = np.empty(3 * corr.shape[0])
        if us is None:
            hand.hand_objective(theta, *hand.hand_model_args(model), corr, points, err)
        else:
            hand.hand_objective_complicated(theta, us, *hand.hand_model_args(model),
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


MODULES = dict(gmm=_gmm, lstm=_lstm, ba=_ba, ht=_ht)
