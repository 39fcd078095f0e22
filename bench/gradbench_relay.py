"""A stand-in for GradBench's intermediary (its Rust CLI) that drives several tools at once.

    python bench/gradbench_relay.py --gradbench DIR --eval gmm --eval-args "-d 2 10 -k 5" \\
        --tool zymase="python -m zymase.gradbench" --tool jax="python .../gradbench_jax_sync.py" \\
        --rounds 2 --out results.jsonl

GradBench's protocol (CONTRIBUTING.md, "Protocol"): the eval process writes one JSON message
per line (``start``, ``define``, ``evaluate``, ``analysis``), the intermediary passes each to the
tool and the tool's one-line answer back.  This relay starts the eval
(``python/gradbench/gradbench/evals/<eval>/run.py``, run from the GradBench checkout as its
Dockerfiles do) and every tool, and for each message:

* ``start``/``define``: sends it to every tool; a tool whose ``define`` fails (it has no such
  module) sits out the rest of that eval;
* ``evaluate``: sends the same message to every defined tool, ``rounds`` times, rotating the
  order each round so that no tool always runs first; the tools run one at a time (the relay
  waits for each answer before it sends the next), back to back on the same input, so slow
  drift of the machine's load hits them alike.  Each answer's ``"evaluate"`` timings (each tool
  repeats the function ``min_runs`` times and for at least ``min_seconds``) are reduced to
  their minimum, and the minimum over rounds is recorded;
* ``analysis`` (the eval's verdict on the answer it received, which is the *first* tool's):
  recorded, answered ``{"id"}`` by the relay itself.

The other tools' outputs are checked against the first tool's with GradBench's own
``compare_json_objects`` (same tolerance as its validators), so every recorded time belongs to
a correct answer.  One JSON line per (input, tool) goes to ``--out``, with the load average.
"""
import argparse
import json
import os
import queue
import shlex
import subprocess
import sys
import threading
import time


class Proc:
    """A child speaking JSON lines; answers are read by a thread so that reads can time out."""

    def __init__(self, name, cmd, cwd, env, stderr):
        self.name = name
        self.p = subprocess.Popen(cmd, shell=True, cwd=cwd, env=env, text=True, bufsize=1,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.alive = True

    def _pump(self):
        for line in self.p.stdout:
            if line.strip():
                self.lines.put(line)
        self.lines.put(None)

    def send(self, msg):
        self.p.stdin.write(json.dumps(msg) + "\n")
        self.p.stdin.flush()

    def recv(self, timeout):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        return None if line is None else json.loads(line)

    def ask(self, msg, timeout):
        if not self.alive:
            return None
        try:
            self.send(msg)
        except (BrokenPipeError, OSError):
            self.alive = False
            return None
        resp = self.recv(timeout)
        if resp is None:
            self.alive = False
            self.close()
        return resp

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()


def min_evaluate_ns(resp):
    ts = [t["nanoseconds"] for t in resp.get("timings") or [] if t.get("name") == "evaluate"]
    return (min(ts), len(ts)) if ts else (None, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gradbench", required=True, help="GradBench checkout (the evals' cwd)")
    ap.add_argument("--eval", required=True, help="eval name, e.g. gmm")
    ap.add_argument("--name", default=None, help="the eval's name in the records (default: --eval)")
    ap.add_argument("--eval-args", default="", help="extra arguments for the eval's run.py")
    ap.add_argument("--tool", action="append", required=True, metavar="NAME=CMD",
                    help="a tool command; the first one's answers go to the eval")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per tool answer")
    ap.add_argument("--out", required=True, help="JSON lines file to append to")
    ap.add_argument("--log", default=None, help="stderr of the children (default: inherit)")
    ap.add_argument("--save-inputs", default=None, metavar="DIR",
                    help="write each evaluate message to DIR/<eval>.<function>.<input>.json")
    a = ap.parse_args()

    gb = os.path.abspath(a.gradbench)
    sys.path.insert(0, os.path.join(gb, "python", "gradbench"))
    from gradbench.comparison import compare_json_objects

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.join(gb, "python", "gradbench")] + env.get("PYTHONPATH", "").split(os.pathsep))
    errf = open(a.log, "a") if a.log else None
    run_py = os.path.join(gb, "python", "gradbench", "gradbench", "evals", a.eval, "run.py")
    ev = Proc("eval", f"{shlex.quote(sys.executable)} {run_py} {a.eval_args}", gb, env, errf)
    tools = []
    for spec in a.tool:
        name, cmd = spec.split("=", 1)
        tools.append(Proc(name, cmd, gb, env, errf))
    primary = tools[0]
    defined = {t.name: False for t in tools}
    out = open(a.out, "a")
    pending = {}                      # evaluate id -> record of the primary's answer
    while True:
        msg = ev.recv(timeout=a.timeout * (len(tools) * a.rounds + 1))
        if msg is None:
            break
        kind = msg.get("kind")
        if kind in ("start", "define"):
            answers = {t.name: t.ask(msg, a.timeout) for t in tools}
            if kind == "define":
                for t in tools:
                    r = answers[t.name]
                    defined[t.name] = bool(r and r.get("success"))
                    why = "" if defined[t.name] else (r or {}).get("error", "no answer")
                    print(f"[{a.eval}] define {t.name}: {'ok' if defined[t.name] else 'no'}"
                          f" {why.strip().splitlines()[-1] if why.strip() else ''}",
                          file=sys.stderr, flush=True)
            reply = answers[primary.name] or {"id": msg["id"], "success": False,
                                              "error": "first tool gave no answer"}
            ev.send(reply)
        elif kind == "evaluate":
            if a.save_inputs:
                _save(a.save_inputs, a.name or a.eval, msg)
            active = [t for t in tools if defined[t.name] and t.alive]
            best, first = {}, {}
            load = os.getloadavg()[0]
            for r in range(a.rounds):
                k = r % len(active) if active else 0
                for t in active[k:] + active[:k]:
                    resp = t.ask(msg, a.timeout)
                    if resp is None:
                        continue
                    first.setdefault(t.name, resp)
                    ns, runs = min_evaluate_ns(resp) if resp.get("success") else (None, 0)
                    if ns is not None and (t.name not in best or ns < best[t.name][0]):
                        best[t.name] = (ns, runs)
            ref = first.get(primary.name)
            recs = []
            for t in active:
                resp = first.get(t.name)
                ok = bool(resp and resp.get("success"))
                rec = {"eval": a.name or a.eval, "function": msg["function"],
                       "input": msg.get("description", ""), "tool": t.name, "success": ok,
                       "ns": best.get(t.name, (None, 0))[0],
                       "runs": best.get(t.name, (None, 0))[1], "rounds": a.rounds,
                       "load1": load, "time": time.strftime("%H:%M:%S")}
                if not ok:
                    rec["error"] = (resp or {}).get("error", "no answer")[-2000:]
                elif t is not primary and ref and ref.get("success"):
                    mism = compare_json_objects(ref["output"], resp["output"])
                    rec["agrees_with_first"] = not mism
                    if mism:
                        rec["mismatch"] = mism[:3]
                recs.append(rec)
            pending[msg["id"]] = recs
            if ref is None:
                ev.send({"id": msg["id"], "success": False, "error": "first tool gave no answer"})
                _flush(out, recs)
                pending.pop(msg["id"])
            else:
                ev.send(ref)
                if not ref.get("success"):          # no analysis message will follow
                    _flush(out, pending.pop(msg["id"]))
        elif kind == "analysis":
            recs = pending.pop(msg.get("of"), [])
            for rec in recs:
                if rec["tool"] == primary.name:
                    rec["valid"] = bool(msg.get("valid"))
                    if msg.get("error"):
                        rec["invalid_reason"] = msg["error"][-2000:]
            _flush(out, recs)
            ev.send({"id": msg["id"]})
        else:                                       # "end" or a kind this relay does not know
            for t in tools:
                t.ask(msg, 5)
            if kind == "end":
                break
            ev.send({"id": msg["id"]})
    for recs in pending.values():
        _flush(out, recs)
    for t in tools:
        t.close()
    ev.close()


def _save(folder, ev, msg):
    os.makedirs(folder, exist_ok=True)
    tag = "".join(ch if ch.isalnum() or ch in "=_-" else "_" for ch in msg.get("description", ""))
    with open(os.path.join(folder, f"{ev}.{msg['function']}.{tag}.json"), "w") as f:
        json.dump(msg, f)


def _flush(out, recs):
    for rec in recs:
        out.write(json.dumps(rec) + "\n")
        short = {k: rec.get(k) for k in ("tool", "function", "input", "ns", "valid",
                                         "agrees_with_first", "success")}
        print(json.dumps(short), file=sys.stderr, flush=True)
    out.flush()


if __name__ == "__main__":
    main()
