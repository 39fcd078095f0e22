# Forward mode on a loop: type analysis, activity analysis and the derivative's tangent code.
# One zymase run; each FileCheck prefix checks one printout.
#
# RUN: %zymase analyse %s sin_sum --types "float64[:], int64" --activities Dual,Const --print types,activity,ir-after > %t
# RUN: %filecheck --check-prefix=ACT %s --input-file %t
# RUN: %filecheck --check-prefix=TYPES %s --input-file %t
# RUN: %filecheck --check-prefix=IR %s --input-file %t
# RUN: %filecheck --check-prefix=RET %s --input-file %t
import math


def sin_sum(x, n):
    s = 0.0
    for i in range(n):
        s += math.sin(x[i]) * x[i]
    return s


# ACT: ; ==== forward derivative of sin_sum(Dual, Const) ret=Dual ====
# ACT: ; activity analysis of @zymase.forward.sin_sum.0
# x arrives as 7 parameters: only the MemInfo, the parent and the data pointer can carry a
# derivative; the sizes, strides and n cannot.
# ACT-NEXT:   arg %retptr: const
# ACT-NEXT:   arg %excinfo: const
# ACT-NEXT:   arg %a0.0: active
# ACT-NEXT:   arg %a0.1: active
# ACT-NEXT:   arg %a0.2: const
# ACT-NEXT:   arg %a0.3: const
# ACT-NEXT:   arg %a0.4: active
# ACT-NEXT:   arg %a0.5: const
# ACT-NEXT:   arg %a0.6: const
# ACT:        arg %a2.0: const
# the loop's float accumulator is active, its counters are not
# ACT:        [active] phi %s.{{[0-9.]+}} : double (float)
# ACT:        [active] load %{{[^ ]+}} : double (float)
# ACT-NEXT:   [const ] load % : double (float)
# ACT-NEXT:   [active] call %{{[^ ]+}} : double (float)

# TYPES: ; type analysis of @zymase.forward.sin_sum.0
# TYPES: %s.{{[0-9.]+}} (phi): float
# TYPES: (icmp): int
# the element address of x points to float memory
# TYPES: (getelementptr): pointer float-mem
# TYPES-NEXT: (getelementptr): pointer
# TYPES-NEXT: (load): float

# d/dt sin(x) x = cos(x) x_dot x + sin(x) x_dot
# IR-LABEL: define i32 @zymase.forward.sin_sum.0(
# IR:       getelementptr i8, ptr %a0.4, i64 [[OFF:%[^ ]+]]
# IR-NEXT:  [[DXP:%[^ ]+]] = getelementptr i8, ptr %a1.4, i64 [[OFF]]
# IR-NEXT:  [[X:%[^ ]+]] = load double, ptr
# IR-NEXT:  [[DX:%[^ ]+]] = load double, ptr [[DXP]]
# IR-NEXT:  [[SIN:%[^ ]+]] = call double @llvm.sin.f64(double [[X]])
# IR-NEXT:  [[COS:%[^ ]+]] = call double @llvm.cos.f64(double [[X]])
# tangent · partial (the order rules/emit.scale multiplies in)
# IR-NEXT:  [[T1:%[^ ]+]] = fmul double [[DX]], [[COS]]
# IR:       fmul double [[T1]], [[X]]
# IR:       fmul double [[DX]], [[SIN]]

# the tangent of the result is returned next to the primal
# RET-LABEL: define i32 @zymase.forward.sin_sum.0(
# RET:       store double %s.{{[0-9.]+}}{{(.lcssa)?}}, ptr %zy.ret,
# RET-NEXT:  store double %{{[^ ]+}}, ptr %zy.ret.tangent
# RET:       insertvalue [2 x double]
# RET:       ret i32 0
