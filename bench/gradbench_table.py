"""Markdown tables from ``gradbench_relay.py``'s JSON lines: zymase ÷ JAX and ÷ manual C++.

    python bench/gradbench_table.py results.jsonl [more.jsonl ...] > table.md

Per eval and function: the geometric mean over the inputs where both tools answered (and the
other tool's answer agreed with zymase's) of zymase's time ÷ the other tool's time, each time
being that tool's minimum over its repeats; with the range and the number of inputs.  A second
table lists every input.
"""
import json
import math
import sys
from collections import defaultdict


def load(paths):
    rows = {}
    for p in paths:
        for line in open(p):
            r = json.loads(line)
            rows[(r["eval"], r["function"], r["input"], r["tool"])] = r    # last run wins
    return rows


def gmean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def ratio_cell(rs):
    if not rs:
        return "—"
    g = gmean(rs)
    if len(rs) == 1:
        return f"{g:.2f} (1)"
    return f"{g:.2f} ({min(rs):.2f}–{max(rs):.2f}, {len(rs)})"


def main(paths):
    rows = load(paths)
    order, inputs = [], defaultdict(list)
    for (ev, fn, inp, tool) in rows:
        if (ev, fn) not in order:
            order.append((ev, fn))
        if inp not in inputs[(ev, fn)]:
            inputs[(ev, fn)].append(inp)
    out = ["| eval / function | zymase ÷ JAX | zymase ÷ manual C++ | zymase valid | "
           "others agree | load 1 min |", "|---|---|---|---|---|---|"]
    detail = ["| eval | function | input | zymase ms | JAX ms | manual ms | ÷ JAX | ÷ manual |",
              "|---|---|---|---|---|---|---|---|"]
    for ev, fn in order:
        rat = {"jax": [], "manual": []}
        valid, agree, loads = [], [], []
        for inp in inputs[(ev, fn)]:
            z = rows.get((ev, fn, inp, "zymase"))
            if z is None:
                continue
            valid.append(z.get("valid"))
            loads.append(z["load1"])
            cells = []
            for other in ("jax", "manual"):
                o = rows.get((ev, fn, inp, other))
                if o is not None:
                    agree.append(o.get("agrees_with_first"))
                good = (z.get("ns") and o and o.get("ns") and o.get("agrees_with_first")
                        and z.get("valid") is not False)
                cells.append(o["ns"] / 1e6 if o and o.get("ns") else None)
                rat[other].append(z["ns"] / o["ns"] if good else None)
            zr = [rat["jax"][-1], rat["manual"][-1]]
            fmt = (lambda v: "—" if v is None else f"{v:.4g}")
            detail.append(f"| {ev} | {fn} | {inp or '—'} | {fmt(z['ns'] / 1e6 if z.get('ns') else None)}"
                          f" | {fmt(cells[0])} | {fmt(cells[1])} | {fmt(zr[0] and round(zr[0], 3))}"
                          f" | {fmt(zr[1] and round(zr[1], 3))} |")
        v = [x for x in valid if x is not None]
        a = [x for x in agree if x is not None]
        out.append(f"| {ev} {fn} | {ratio_cell([r for r in rat['jax'] if r])} | "
                   f"{ratio_cell([r for r in rat['manual'] if r])} | "
                   f"{sum(v)}/{len(valid)} | {sum(a)}/{len(a)} | "
                   f"{min(loads):.2f}–{max(loads):.2f} |")
    print("\n".join(out))
    print()
    print("\n".join(detail))


if __name__ == "__main__":
    main(sys.argv[1:])
