"""A fixed range of fuzz seeds in the normal test run, time-boxed.

Seeds are checked in *bundles*: ``gen.generate_bundle`` puts the programs of
``BUNDLE`` consecutive seeds (profile ``tiny``, no Const array behind a select, no matrices)
into one function, so one forward and one reverse build check them all — compilation, not
checking, is what costs.  Each chunk checks a fixed number of bundles
(``ZYMASE_FUZZ_BUNDLES``, default 3), so the seeds checked do not depend on the machine's
speed and a run is reproducible; raise it to fuzz more in the normal test run.
``python -m zymase.fuzz`` is the real fuzzer (one program per seed, in worker processes).
"""
import os
import time

import pytest

from zymase.fuzz.check import Config, check_source, enable_nrt_stats
from zymase.fuzz.gen import generate_bundle

BUNDLE = 8
CHUNK = 25           # bundles per chunk at most
BUNDLES = min(CHUNK, int(os.environ.get("ZYMASE_FUZZ_BUNDLES", "3")))


@pytest.mark.parametrize("chunk", [0, 1])
def test_fuzz_seed_range(chunk):
    enable_nrt_stats()
    t0 = time.monotonic()
    done, refused = [], []
    for k in range(BUNDLES):
        first = (chunk * CHUNK + k) * BUNDLE
        seeds = list(range(first, first + BUNDLE))
        prog = generate_bundle(seeds)
        cfg = Config(nf=1 + k % 3, nr=1 + (k + 1) % 3, ns=[1 + k % 2, 5], data_seed=first,
                     njit=False, width1=False)
        res = check_source(prog.source, cfg, tag=f"bundle{first}")
        if res["status"] == "refused":
            refused.append((seeds, res["detail"]))
            continue
        assert res["status"] in ("ok", "skipped"), (
            f"seeds {seeds[0]}..{seeds[-1]} (bundle): {res['status']}:{res['kind']}: "
            f"{res['detail']}\n{res.get('message', '')}\nconfig {cfg.to_dict()}\n{prog.source}")
        done += seeds
    print(f"chunk {chunk}: {len(done)} seeds checked, {len(refused)} bundles refused "
          f"{[r[1] for r in refused]}, {time.monotonic() - t0:.1f} s")
    assert done or refused
