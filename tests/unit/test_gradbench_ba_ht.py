"""Drive the GradBench tool's (``python -m zymase.gradbench``) ``ba`` and ``ht`` modules as
GradBench would (a subprocess speaking JSON lines) on ADBench's test instances, converted to
GradBench's input format, and compare the outputs with ADBench's golden values converted to
GradBench's output format.

BA: GradBench's reference (cpp/gradbench/evals/ba.hpp ``to_json``) sends the objective as
``{"reproj_error": {"elements": first two residuals, "repeated": p}, "w_err": {"element",
"repeated": p}}`` and the Jacobian as the first 30 and the last entries of ADBench's CSR
arrays.  For data/ba/test.txt (n=2 cameras, m=10 points, p=10 observations; observation i
uses camera i % 2 and point i) that is, from ADBench's ``BASparseMat``: rows = 0, 15, ...,
300 (the 2p = 20 reprojection rows hold 15 entries each), 301, ..., 309 (weight rows, one
entry each), then 310 (the nonzero count); cols = camera 0's columns 0..10, point 0's
columns 22, 23, 24, weight 0's column 52, twice (rows 0 and 1), then 61 (weight 9's column
in the last weight row); vals = the golden values at the same positions.

HT: the objective is the flat residual vector and the Jacobian the dense matrix, the same
layout as ADBench's golden values (simple 6 x 26; complicated 6 x 28 with the two
``us`` columns first).
"""
import json
import os

import numpy as np

from tests.unit.test_gradbench_tool import converse

from zymase.gradbench.adbench.hand import load_hand_instance, load_hand_model

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "adbench", "data")
TOL = 1e-8


def _golden(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)["values"]


def _converse(messages, timeout=120):
    responses = converse(messages, timeout)
    assert [r["id"] for r in responses] == [m["id"] for m in messages]
    return responses


def _ok(resp):
    assert resp.get("success") is True, resp.get("error")
    assert any(t["name"] == "evaluate" for t in resp["timings"])
    return resp["output"]


def test_gradbench_ba():
    # data/ba/test.txt in GradBench's input format (the eval's ``parse``)
    with open(os.path.join(DATA, "ba", "test.txt")) as f:
        lines = [ln.split() for ln in f.read().splitlines() if ln.strip()]
    n, m, p = (int(v) for v in lines[0])
    inp = {"n": n, "m": m, "p": p, "cam": [float(v) for v in lines[1]],
           "x": [float(v) for v in lines[2]], "w": float(lines[3][0]),
           "feat": [float(v) for v in lines[4]], "min_runs": 2, "min_seconds": 0}
    vals = _golden("ba_golden.json")
    reproj = vals["objective_calculation_correctness.expected_reproj_err"]
    werr = vals["objective_calculation_correctness.expected_weight_err"]
    jvals = vals["jacobian_calculation_correctness.expected_J_values"]
    assert (n, m, p) == (2, 10, 10) and len(jvals) == 310

    responses = _converse([
        {"id": 0, "kind": "start", "eval": "ba"},
        {"id": 1, "kind": "define", "module": "ba"},
        {"id": 2, "kind": "evaluate", "module": "ba", "function": "objective", "input": inp},
        {"id": 3, "kind": "evaluate", "module": "ba", "function": "jacobian", "input": inp},
        {"id": 4, "kind": "end"},
    ])
    start, define, ev_obj, ev_jac, end = responses
    assert define["success"] is True, define.get("error")

    obj = _ok(ev_obj)
    assert set(obj) == {"reproj_error", "w_err"}
    assert obj["reproj_error"]["repeated"] == p and obj["w_err"]["repeated"] == p
    assert type(obj["reproj_error"]["repeated"]) is int
    np.testing.assert_allclose(obj["reproj_error"]["elements"], reproj[:2], rtol=0, atol=TOL)
    assert abs(obj["w_err"]["element"] - werr[0]) < TOL

    jac = _ok(ev_jac)
    assert len([t for t in ev_jac["timings"] if t["name"] == "evaluate"]) >= 2   # min_runs
    assert set(jac) == {"rows", "cols", "vals"}
    # 2p = 20 reprojection rows of 15 entries, then the weight rows of one entry each
    want_rows = [15 * k for k in range(21)] + [300 + k for k in range(1, 10)] + [310]
    block_cols = list(range(11)) + [11 * n + 0, 11 * n + 1, 11 * n + 2] + [11 * n + 3 * m]
    want_cols = block_cols * 2 + [11 * n + 3 * m + p - 1]
    assert jac["rows"] == want_rows and all(type(v) is int for v in jac["rows"])
    assert jac["cols"] == want_cols and all(type(v) is int for v in jac["cols"])
    assert len(jac["vals"]) == 31
    np.testing.assert_allclose(jac["vals"], jvals[:30] + [jvals[-1]], rtol=0, atol=TOL)
    assert end == {"id": 4}


def _ht_input(path, complicated):
    """An ADBench hand instance in GradBench's HTInput format (gradbench's ``io.py`` +
    ``HandInput.to_dict``)."""
    model = load_hand_model(os.path.join(DATA, "hand", "model"))
    theta, corr, points, us = load_hand_instance(path, complicated)
    md = {"bone_count": len(model.bone_names), "bone_names": list(model.bone_names),
          "parents": model.parents.tolist(), "base_relatives": model.base_relatives.tolist(),
          "inverse_base_absolutes": model.inverse_base_absolutes.tolist(),
          "base_positions": model.base_positions.tolist(), "weights": model.weights.tolist(),
          "triangles": model.triangles.tolist(), "is_mirrored": False}
    return {"theta": theta.tolist(), "us": us.tolist() if complicated else [],
            "data": {"model": md, "correspondences": corr.tolist(), "points": points.tolist()},
            "min_runs": 1, "min_seconds": 0}


def test_gradbench_ht():
    simple = _ht_input(os.path.join(DATA, "hand", "test.txt"), False)
    compl = _ht_input(os.path.join(DATA, "hand", "hand_complicated.txt"), True)
    # ``is_mirrored``: ADBench negates x of the skinned vertices before the global
    # transform.  With no global rotation or translation (theta[0:6] = 0) the mirrored
    # model's residuals for points with x negated are the plain ones with x negated.
    plain = json.loads(json.dumps(simple))
    plain["theta"][:6] = [0.0] * 6
    mirrored = json.loads(json.dumps(plain))
    mirrored["data"]["model"]["is_mirrored"] = True
    mirrored["data"]["points"] = [[-x, y, z] for x, y, z in plain["data"]["points"]]
    vals = _golden("hand_golden.json")
    msgs = [{"id": 0, "kind": "start", "eval": "ht"},
            {"id": 1, "kind": "define", "module": "ht"}]
    for k, (inp, fn) in enumerate([(simple, "objective"), (simple, "jacobian"),
                                   (compl, "objective"), (compl, "jacobian"),
                                   (plain, "objective"), (mirrored, "objective")]):
        msgs.append({"id": 2 + k, "kind": "evaluate", "module": "ht", "function": fn,
                     "input": inp})
    responses = _converse(msgs)
    assert responses[1]["success"] is True, responses[1].get("error")
    s_obj, s_jac, c_obj, c_jac, p_obj, m_obj = (_ok(r) for r in responses[2:])

    for got, key, shape in [
            (s_obj, "simple_objective_calculation_correctness.expected_objective", (6,)),
            (s_jac, "simple_jacobian_calculation_correctness.expected_jacobian", (6, 26)),
            (c_obj, "complicated_objective_calculation_correctness.expected_objective", (6,)),
            (c_jac, "complicated_jacobian_calculation_correctness.expected_jacobian", (6, 28))]:
        got = np.array(got)
        assert got.shape == shape, key
        np.testing.assert_allclose(got, vals[key], rtol=0, atol=TOL, err_msg=key)
    p_obj, m_obj = np.array(p_obj).reshape(-1, 3), np.array(m_obj).reshape(-1, 3)
    assert np.abs(p_obj[:, 0]).min() > 1e-3          # x rows are not trivially zero
    np.testing.assert_allclose(m_obj, p_obj * np.array([-1.0, 1.0, 1.0]), rtol=0, atol=1e-15)
