"""A pool of fuzz worker processes that survives crashes and hangs.

Each worker (``python -m zymase.fuzz.worker``) checks many programs in turn, so Numba and
zymase are imported once per worker, not once per program.  A worker that dies while
checking a program (segfault, abort, ``os._exit``) turns that program into a ``crash``
result carrying its seed, the signal and the tail of the worker's stderr (Python's
faulthandler traceback is enabled); one that does not answer within ``timeout`` seconds is
killed and the program is a ``hang``.  Either way a fresh worker takes its place.  Workers are
also recycled every ``restart_every`` programs, which bounds the memory the JIT accumulates.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from typing import Dict, Iterable, Iterator, List, Optional


def repo_root() -> str:
    """The directory that holds the ``zymase`` package (a checkout's root)."""
    import zymase
    return os.path.dirname(os.path.dirname(os.path.abspath(zymase.__file__)))


class Worker:
    def __init__(self, slot: int, log_dir: str, env_extra: Optional[Dict[str, str]] = None,
                 start_timeout: float = 600.0):
        self.slot = slot
        self.log_path = os.path.join(log_dir, f"worker{slot}.log")
        env = dict(os.environ)
        root = repo_root()
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env["PYTHONFAULTHANDLER"] = "1"
        env.setdefault("NUMBA_NRT_STATS", "1")
        if env_extra:
            env.update(env_extra)
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "zymase.fuzz.worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, env=env, cwd=root)
        self.buf = b""
        self.eof = False
        self.count = 0
        self.current: Optional[dict] = None
        self.started: float = 0.0
        ready = self.read_line(start_timeout)
        if ready is None:
            tail = self.stderr_tail()
            self.kill()
            raise RuntimeError(f"fuzz worker failed to start:\n{tail}")

    def fileno(self):
        return self.proc.stdout.fileno()

    def read_line(self, timeout: float) -> Optional[str]:
        """One answer line, or None on EOF (the worker died) or timeout."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fileno()], [], [], left)
            if not r:
                return None
            chunk = os.read(self.fileno(), 1 << 16)
            if not chunk:
                self.eof = True
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def has_line(self) -> bool:
        return b"\n" in self.buf

    def submit(self, req: dict):
        self.current = req
        self.started = time.monotonic()
        self.count += 1
        self.proc.stdin.write((json.dumps(req) + "\n").encode())
        self.proc.stdin.flush()

    def stderr_tail(self, n: int = 4000) -> str:
        try:
            self.log.flush()
            with open(self.log_path, "rb") as f:
                f.seek(0, 2)
                size = f.tell()
                f.seek(max(0, size - n))
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def dead_result(self) -> dict:
        """The result for the current request after the worker stopped answering."""
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        if rc is not None and rc < 0:
            try:
                kind = f"signal {signal.Signals(-rc).name}"
            except ValueError:
                kind = f"signal {-rc}"
        else:
            kind = f"exit {rc}"
        tail = self.stderr_tail(40000)
        k = tail.rfind("Fatal Python error")      # faulthandler: innermost frames first
        detail = tail[k:k + 4000] if k >= 0 else tail[-4000:]
        return {"status": "crash", "kind": kind, "detail": detail}

    def kill(self):
        try:
            self.proc.kill()
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            pass
        try:
            self.log.close()
        except Exception:  # noqa: BLE001
            pass

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            self.kill()
        try:
            self.log.close()
        except Exception:  # noqa: BLE001
            pass


class Pool:
    def __init__(self, jobs: int = 1, timeout: float = 300.0, restart_every: int = 40,
                 log_dir: str = ".", env_extra: Optional[Dict[str, str]] = None):
        self.jobs, self.timeout, self.restart_every = jobs, timeout, restart_every
        self.log_dir, self.env_extra = log_dir, env_extra
        os.makedirs(log_dir, exist_ok=True)
        self.workers: List[Optional[Worker]] = [None] * jobs
        self.crashes = 0

    def _worker(self, slot: int) -> Worker:
        w = self.workers[slot]
        if w is None or w.proc.poll() is not None:
            w = self.workers[slot] = Worker(slot, self.log_dir, self.env_extra)
        return w

    def _retire(self, slot: int, kill: bool):
        w = self.workers[slot]
        if w is not None:
            w.kill() if kill else w.close()
        self.workers[slot] = None

    def run_one(self, req: dict, timeout: Optional[float] = None) -> dict:
        """Check one request on worker 0 (the shrinker's and the replayer's path)."""
        w = self._worker(0)
        w.submit(req)
        return self._finish(0, w, w.read_line(timeout or self.timeout))

    def _finish(self, slot: int, w: Worker, line: Optional[str]) -> dict:
        req = w.current
        if line is None:
            if not w.eof and w.proc.poll() is None:       # alive but silent: a hang
                res = {"status": "hang", "kind": "timeout",
                       "detail": f"no answer within {self.timeout:.0f}s\n" + w.stderr_tail(1500)}
                self._retire(slot, kill=True)
            else:
                res = w.dead_result()
                self.crashes += 1
                self._retire(slot, kill=True)
            res.update(id=req.get("id"), seed=req.get("seed"),
                       elapsed=round(time.monotonic() - w.started, 3))
            if req.get("bundle"):
                res["programs"] = req["bundle"]
            return res
        res = json.loads(line)
        if w.count >= self.restart_every:
            self._retire(slot, kill=False)
        return res

    def map(self, reqs: Iterable[dict], deadline: Optional[float] = None) -> Iterator[dict]:
        """Results of ``reqs`` (in completion order) until they run out or ``deadline``
        (time.monotonic()) passes; programs already running at the deadline finish."""
        it = iter(reqs)
        busy: Dict[int, Worker] = {}
        exhausted = False

        def feed(slot):
            nonlocal exhausted
            if exhausted or (deadline is not None and time.monotonic() >= deadline):
                return
            try:
                req = next(it)
            except StopIteration:
                exhausted = True
                return
            w = self._worker(slot)
            w.submit(req)
            busy[slot] = w

        for slot in range(self.jobs):
            feed(slot)
        while busy:
            ready = [s for s, w in busy.items() if w.has_line()]
            if not ready:
                now = time.monotonic()
                wait = min(w.started + self.timeout for w in busy.values()) - now
                r, _, _ = select.select([w.fileno() for w in busy.values()], [], [],
                                        max(0.0, wait))
                fds = set(r)
                ready = [s for s, w in busy.items() if w.fileno() in fds]
                for s in list(busy):
                    if s not in ready and time.monotonic() > busy[s].started + self.timeout:
                        ready.append(s)
            for s in ready:
                w = busy.pop(s)
                line = w.read_line(0.0 if time.monotonic() > w.started + self.timeout
                                   else max(0.0, w.started + self.timeout - time.monotonic()))
                yield self._finish(s, w, line)
                feed(s)

    def close(self):
        for s in range(self.jobs):
            self._retire(s, kill=False)
