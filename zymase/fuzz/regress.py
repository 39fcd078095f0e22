"""Saved regressions: a minimised failing program as a plain pytest file.

``write_regression`` writes ``tests/fuzz/regressions/test_<kind>_<seed>.py`` holding the
program's source, the check configuration and a test that runs the checks; until the bug is
fixed the test is marked ``xfail(strict=True)`` with the symptom as the reason, so fixing it
turns the test into an unexpected pass that asks for the mark to be removed.

``run_regression(source, config)`` is what such a file calls: it runs ``check.check_source``
in this process, or — for crashes and hangs (``isolate=True``) — in a worker process, and
fails unless every check passes.
"""
from __future__ import annotations

import os
import re
import tempfile
import textwrap

from .check import Config, check_source


def run_regression(source: str, config: dict, isolate: bool = False, timeout: float = 600.0):
    cfg = Config.from_dict(config)
    if isolate:
        from .pool import Pool
        log_dir = tempfile.mkdtemp(prefix="zymase-fuzz-regression-")
        pool = Pool(jobs=1, timeout=timeout, log_dir=log_dir)
        try:
            res = pool.run_one({"id": 0, "source": source, "cfg": cfg.to_dict()})
        finally:
            pool.close()
    else:
        from .check import enable_nrt_stats
        enable_nrt_stats()
        res = check_source(source, cfg, tag="regression")
    assert res["status"] == "ok", (
        f"{res['status']}:{res.get('kind')}: {res.get('detail')}\n{res.get('message', '')}")


def _display(path: str) -> str:
    """``tests/fuzz/regressions/…`` for a file inside the repository, else the path."""
    from .pool import repo_root
    rel = os.path.relpath(os.path.abspath(path), repo_root())
    return path if rel.startswith("..") else rel


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")[:40] or "failure"


def write_regression(directory: str, seed, profile: str, source: str, cfg: Config, res: dict,
                     xfail: bool = True) -> str:
    os.makedirs(directory, exist_ok=True)
    status, kind = res.get("status", ""), res.get("kind", "")
    name = f"test_{_slug(status + '_' + kind.split(':')[0])}_{seed}"
    path = os.path.join(directory, name + ".py")
    detail = " ".join(str(res.get("detail", "")).split())[:300]
    reason = f"{status}:{kind.split(':')[0]}: {detail}"[:200]
    isolate = status in ("crash", "hang")
    mark = (f"@pytest.mark.xfail(strict=True, reason={reason!r})\n" if xfail else "")
    src = source.rstrip() + "\n"
    assert "'''" not in src
    body = f'''"""Fuzz regression (seed {seed}, profile {profile}): {status} / {kind.split(':')[0]}.

Found by ``python -m zymase.fuzz`` and minimised by its shrinker.  Symptom:

{textwrap.indent(textwrap.fill(detail, 92), "    ")}

Replay: ``python -m zymase.fuzz --replay-file {_display(path)}``
"""
import pytest

from zymase.fuzz.regress import run_regression

SOURCE = \'\'\'
{src}\'\'\'

CONFIG = {cfg.to_dict()!r}


{mark}def {name}():
    run_regression(SOURCE, CONFIG, isolate={isolate})
'''
    with open(path, "w") as f:
        f.write(body)
    return path


def load_regression(path: str):
    """(source, config dict) of a saved regression file."""
    ns: dict = {}
    with open(path) as f:
        text = f.read()
    src = text.split("SOURCE = '''\n", 1)[1].split("'''", 1)[0]
    import ast
    cfg = ast.literal_eval(text.split("CONFIG = ", 1)[1].splitlines()[0])
    ns["SOURCE"], ns["CONFIG"] = src, cfg
    return src, cfg
