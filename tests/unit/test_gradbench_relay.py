"""bench/gradbench_relay.py and bench/gradbench_table.py against a stand-in GradBench checkout.

A temporary folder plays GradBench: ``gradbench.comparison.compare_json_objects`` and one eval
(``evals/toy/run.py``) speaking the protocol (start, define, two evaluates, an analysis after
each answer).  Three stand-in tools: ``ref`` (right answers, times 4 and 2 ms per run), ``fast``
(right answers, 1 ms), ``wrong`` (wrong answers), ``absent`` (fails ``define``).  The relay must
keep each tool's minimum time, record the eval's verdict on the first tool, compare the others
with the first, leave out the tool without the module, and the table must give the geometric
mean of the time ratios over the inputs where the answers agree.
"""
import json
import math
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RELAY = os.path.join(ROOT, "bench", "gradbench_relay.py")
TABLE = os.path.join(ROOT, "bench", "gradbench_table.py")

EVAL = textwrap.dedent("""
    import json, sys
    def send(m):
        print(json.dumps(m), flush=True)
        return json.loads(sys.stdin.readline())
    i = 0
    send({"id": 0, "kind": "start", "eval": "toy"})
    if send({"id": 1, "kind": "define", "module": "toy"}).get("success"):
        i = 2
        for x, desc in ((3, "small"), (5, "big")):
            r = send({"id": i, "kind": "evaluate", "module": "toy", "function": "double",
                      "input": {"x": x}, "description": desc})
            ok = r.get("output") == 2 * x
            send({"id": i + 1, "kind": "analysis", "of": i, "valid": ok})
            i += 2
""")

TOOL = textwrap.dedent("""
    import json, sys
    kind, base = sys.argv[1], int(sys.argv[2])
    calls = 0
    for line in sys.stdin:
        m = json.loads(line)
        r = {"id": m["id"]}
        if m["kind"] == "define":
            r["success"] = kind != "absent"
        elif m["kind"] == "evaluate":
            calls += 1
            x = m["input"]["x"]
            out = 2 * x + (1 if kind == "wrong" else 0)
            # two runs per answer; the later call of the same input is faster
            ts = [base * x * 1000000 + 7, base * x * 1000000 // calls]
            r |= {"success": True, "output": out,
                  "timings": [{"name": "evaluate", "nanoseconds": t} for t in ts]}
        print(json.dumps(r), flush=True)
""")


def make_checkout(tmp):
    pkg = tmp / "python" / "gradbench" / "gradbench"
    (pkg / "evals" / "toy").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "comparison.py").write_text(
        "def compare_json_objects(a, b):\n    return [] if a == b else [f'{a} != {b}']\n")
    (pkg / "evals" / "toy" / "run.py").write_text(EVAL)
    (tmp / "tool.py").write_text(TOOL)
    return tmp


def run_relay(gb, out, rounds=2):
    tool = f"{sys.executable} {gb / 'tool.py'}"
    subprocess.run([sys.executable, RELAY, "--gradbench", str(gb), "--eval", "toy",
                    "--tool", f"zymase={tool} ref 4", "--tool", f"jax={tool} fast 1",
                    "--tool", f"manual={tool} wrong 2", "--tool", f"other={tool} absent 1",
                    "--rounds", str(rounds), "--out", str(out), "--save-inputs",
                    str(gb / "saved")], check=True, capture_output=True, text=True, timeout=120)
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_relay_records_minimum_verdicts_and_agreement(tmp_path):
    gb = make_checkout(tmp_path)
    recs = run_relay(gb, tmp_path / "out.jsonl")
    by = {(r["input"], r["tool"]): r for r in recs}
    assert {t for _, t in by} == {"zymase", "jax", "manual"}        # "other" sat out
    assert len(recs) == 6
    # each tool was asked twice per input: minimum over both answers' runs
    # ref: x=3 -> calls 1, 2: runs 12e6+7, 12e6, then 12e6+7, 6e6 -> 6e6
    assert by[("small", "zymase")]["ns"] == 6_000_000
    assert by[("big", "zymase")]["ns"] == 20_000_000 // 4            # calls 3 and 4
    assert by[("small", "jax")]["ns"] == 1_500_000
    assert all(by[(i, "zymase")]["valid"] is True for i in ("small", "big"))
    assert by[("small", "jax")]["agrees_with_first"] is True
    assert by[("big", "manual")]["agrees_with_first"] is False
    assert by[("big", "manual")]["mismatch"] == ["10 != 11"]
    saved = json.loads((gb / "saved" / "toy.double.big.json").read_text())
    assert saved["input"] == {"x": 5}


def test_table_geometric_mean_over_agreeing_inputs(tmp_path):
    gb = make_checkout(tmp_path)
    out = tmp_path / "out.jsonl"
    run_relay(gb, out)
    table = subprocess.run([sys.executable, TABLE, str(out)], check=True, capture_output=True,
                           text=True).stdout
    row = next(line for line in table.splitlines() if line.startswith("| toy double |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # zymase ÷ jax: small 6e6 / 1.5e6 = 4, big 5e6 / 1.25e6 = 4 -> 4.00 over 2 inputs
    r_small = 6_000_000 / 1_500_000
    r_big = 5_000_000 / (5_000_000 // 4)
    g = math.sqrt(r_small * r_big)
    assert cells[1] == f"{g:.2f} ({min(r_small, r_big):.2f}–{max(r_small, r_big):.2f}, 2)"
    # the wrong tool agrees on no input: no ratio
    assert cells[2] == "—"
    assert cells[3] == "2/2"
