"""rules/linalg/lapack_qr.py matches geqrf with the one orgqr on the same memory and ``tau``
(Numba's np.linalg.qr makes exactly that pair); a lone call, or two orgqr calls on the same
memory, is refused by name rather than differentiated as half a QR."""
import pytest

import zymase
from zymase.ir.parser import parse_module
from zymase.rules.linalg import lapack

HEAD = """
declare i32 @numba_ez_geqrf(i8, i64, i64, ptr, i64, ptr)
declare i32 @numba_ez_xxgqr(i8, i64, i64, i64, ptr, i64, ptr)
define void @f(i64 %m, i64 %n, i64 %k, ptr %a, ptr %tau, ptr %b) {
entry:
"""
GEQRF = "  %r1 = call i32 @numba_ez_geqrf(i8 100, i64 %m, i64 %n, ptr %a, i64 %m, ptr %tau)\n"
ORGQR = ("  %r{j} = call i32 @numba_ez_xxgqr(i8 100, i64 %m, i64 %k, i64 %k, ptr {p}, i64 %m,"
         " ptr %tau)\n")


def _calls(body):
    fn = parse_module(HEAD + body + "  ret void\n}\n").functions["f"]
    return [i for i in fn.instructions() if i.opcode == "call"]


def test_the_pair_is_matched():
    g, o = _calls(GEQRF + ORGQR.format(j=2, p="%a"))
    cg, co = lapack.parse(g), lapack.parse(o)
    assert cg.geqrf is g and co.geqrf is g
    assert co.n is o.operands[2]


@pytest.mark.parametrize("body,which", [
    (GEQRF, 0),                                             # geqrf alone
    (ORGQR.format(j=2, p="%a"), 0),                         # orgqr alone
    (GEQRF + ORGQR.format(j=2, p="%b"), 0),                 # orgqr on other memory
    (GEQRF + ORGQR.format(j=2, p="%a") + ORGQR.format(j=3, p="%a"), 0),   # two orgqr
])
def test_unpaired_calls_are_refused(body, which):
    with pytest.raises(zymase.UnsupportedError, match="np.linalg.qr"):
        lapack.parse(_calls(body)[which])
