; Vector types, constants and shuffles survive the round trip.
; RUN: %zymase ll %s --pipeline roundtrip | %filecheck %s

define <4 x double> @vec(<4 x double> %a, <4 x double> %b) {
  %m = fmul <4 x double> %a, %b
  %sh = shufflevector <4 x double> %m, <4 x double> poison, <4 x i32> <i32 3, i32 2, i32 1, i32 0>
  %e = extractelement <4 x double> %sh, i64 0
  %ins = insertelement <4 x double> %sh, double %e, i64 3
  %z = fadd <4 x double> %ins, <double 1.0, double 2.0, double 3.0, double 4.0>
  %r = call double @llvm.vector.reduce.fadd.v4f64(double 0.0, <4 x double> %z)
  %sp = insertelement <4 x double> poison, double %r, i64 0
  %bc = shufflevector <4 x double> %sp, <4 x double> poison, <4 x i32> zeroinitializer
  ret <4 x double> %bc
}

declare double @llvm.vector.reduce.fadd.v4f64(double, <4 x double>)

; CHECK-LABEL: define <4 x double> @vec(<4 x double> %a, <4 x double> %b)
; CHECK:       %m = fmul <4 x double> %a, %b
; CHECK-NEXT:  %sh = shufflevector <4 x double> %m, <4 x double> poison, <4 x i32> <i32 3, i32 2, i32 1, i32 0>
; CHECK-NEXT:  %e = extractelement <4 x double> %sh, i64 0
; CHECK-NEXT:  %ins = insertelement <4 x double> %sh, double %e, i64 3
; CHECK-NEXT:  %z = fadd <4 x double> %ins, <double
; CHECK-NEXT:  %r = call double @llvm.vector.reduce.fadd.v4f64(double
; CHECK-SAME:  <4 x double> %z)
; CHECK:       %bc = shufflevector <4 x double> %sp, <4 x double> poison, <4 x i32> zeroinitializer
; CHECK-NEXT:  ret <4 x double> %bc
; CHECK:       declare double @llvm.vector.reduce.fadd.v4f64(double, <4 x double>)
