# Reverse mode on a while loop whose trip count depends on the data: what the tape keeps,
# the pushes in the forward sweep and the pops and adjoints in the reverse sweep.
#
# RUN: %zymase analyse %s grow --types "float64[:], int64" --activities Duplicated,Const --print tape,ir-after > %t
# RUN: %filecheck --check-prefix=TAPE %s --input-file %t
# RUN: %filecheck --check-prefix=IR %s --input-file %t
import math


def grow(x, n):
    s = 1.0
    i = 0
    while s < 100.0 and i < n:
        s = s * x[i] + math.sin(s)
        i += 1
    return s


# TAPE: ; ==== reverse derivative of grow(Duplicated, Const) ret=Active ====
# TAPE: ; tape of zymase.reverse.grow.0: 8-byte slots pushed when each block runs
# s is overwritten every iteration: its previous value is taped; i is inverted instead
# TAPE-NEXT: ;   leaves (taped once per definition): %i.{{[0-9.]+}}:i64 (induction variable, inverted), %s.{{[0-9.]+}}:double
# TAPE-NEXT: ;   counted loops (iteration count taped at exit): B{{[0-9]+}}
# TAPE:      B{{[0-9]+}}: 1  (%s.{{[0-9.]+}} = phi)
# TAPE:      B{{[0-9]+}}.loopexit: 1  (<trip count of B{{[0-9]+}}>)

# IR-LABEL: define i32 @zymase.reverse.grow.0(
# forward sweep, loop header: push the current value of s, then make the new one current
# IR:       [[OLD:%[^ ]+]] = load double, ptr [[CUR:%s\.[0-9.]+\.cur]]
# IR-NEXT:  [[TOP:%[^ ]+]] = load ptr, ptr %zy.tape.top
# IR-NEXT:  [[SLOT:%[^ ]+]] = getelementptr i8, ptr [[TOP]], i64 0
# IR-NEXT:  store double [[OLD]], ptr [[SLOT]], align 8, !alias.scope
# IR-NEXT:  [[NEXT:%[^ ]+]] = getelementptr i8, ptr [[TOP]], i64 8
# IR-NEXT:  store ptr [[NEXT]], ptr %zy.tape.top
# IR-NEXT:  store double %s.{{[0-9.]+}}, ptr [[CUR]]
# the loop exit (after its LCSSA phis) pushes the iteration count
# IR:       .loopexit:
# IR:       [[TOP2:%[^ ]+]] = load ptr, ptr %zy.tape.top
# IR-NEXT:  [[SLOT2:%[^ ]+]] = getelementptr i8, ptr [[TOP2]], i64 0
# IR-NEXT:  store i64 %{{[^ ]+}}, ptr [[SLOT2]], align 8
# reverse sweep: adjoint of sin(s) is cos(s) s_bar, added into dx through the shadow %a1.4
# IR:       zy.rev.B{{[0-9]+}}:
# IR:       call double @llvm.cos.f64(double
# IR:       [[DXP:%[^ ]+]] = getelementptr i8, ptr %a1.4, i64
# IR-NEXT:  [[DX:%[^ ]+]] = load double, ptr [[DXP]]
# IR-NEXT:  [[DXN:%[^ ]+]] = fadd double [[DX]], %{{[^ ]+}}
# IR-NEXT:  store double [[DXN]], ptr [[DXP]]
# then pop the previous s
# IR:       [[T:%[^ ]+]] = load ptr, ptr %zy.tape.top
# IR-NEXT:  [[S:%[^ ]+]] = getelementptr i8, ptr [[T]], i64 -8
# IR-NEXT:  [[V:%[^ ]+]] = load double, ptr [[S]]
# IR-NEXT:  store ptr [[S]], ptr %zy.tape.top
# IR-NEXT:  store double [[V]], ptr [[CUR]]
