# Reverse mode on a triangular double loop (pairwise energy): the loop plan records nothing
# per iteration.  Both induction variables are inverted (stepped back, never taped), both
# trip counts are recomputed in the adjoint sweep from the bounds, and both loops only
# accumulate, so the adjoint of dx[i] (invariant in the inner loop) is summed in a register.
#
# RUN: %zymase analyse %s pairwise --types "float64[:], int64" --activities Duplicated,Const --print tape,ir-after > %t
# RUN: %filecheck --check-prefix=TAPE %s --input-file %t
# RUN: %filecheck --check-prefix=IR %s --input-file %t


def pairwise(x, n):
    s = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = x[i] - x[j]
            s += 1.0 / (1.0 + d * d)
    return s


# TAPE: ; tape of zymase.reverse.pairwise.0: 8-byte slots pushed when each block runs
# TAPE-NEXT: ;   leaves (taped once per definition): %{{[^ ]+}}:i64 (induction variable, inverted), %{{[^ ]+}}:i64 (induction variable, inverted)
# TAPE-NEXT: ;   counted loops (iteration count taped at exit): {{$}}
# TAPE-NEXT: ;   counted loops (iteration count computed by the adjoint sweep): B{{[0-9]+}}, B{{[0-9]+}}
# TAPE-NEXT: ;   loops whose adjoint only accumulates (invariant addresses summed in registers): B{{[0-9]+}}, B{{[0-9]+}}
# no block of either loop pushes anything per iteration: only the preheaders save the
# induction variables' starting values
# TAPE-NOT: .if: {{[2-9]}}

# IR-LABEL: define {{.*}} @zymase.reverse.pairwise.0(
# the register that sums dx[i]'s adjoint over the inner loop
# IR: %{{[^ ]+}}.acc = alloca double
# leaving the inner loop's adjoint: the register is added into the shadow once
# (the outer loop's exit edge has nothing to write)
# IR: zy.rev.{{[^ ]+}}.done:
# IR-NEXT: br label
# IR: zy.rev.{{[^ ]+}}.done:
# IR: [[CUR:%[^ ]+]] = load double, ptr [[P:%[^ ,]+]], align 8, !alias.scope
# IR-NEXT: [[REG:%[^ ]+]] = load double, ptr %{{[^ ]+}}.acc
# IR-NEXT: [[SUM:%[^ ]+]] = fadd double [[CUR]], [[REG]]
# IR-NEXT: store double [[SUM]], ptr [[P]]
# IR-NEXT: store double 0x8000000000000000, ptr %{{[^ ]+}}.acc
