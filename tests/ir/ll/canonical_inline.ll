; The canonicalising pipeline inlines every callee into the kept function, promotes
; allocas to registers and drops the now unused internal callee.
; RUN: %zymase ll %s --pipeline canonical --function caller | %filecheck %s

define internal double @helper(double %x) {
  %y = fmul double %x, %x
  ret double %y
}

define double @caller(double %a) {
entry:
  %slot = alloca double, align 8
  store double %a, ptr %slot, align 8
  %v = load double, ptr %slot, align 8
  %r = call double @helper(double %v)
  %s = fadd double %r, 1.0
  ret double %s
}

; CHECK-NOT:   define internal double @helper
; CHECK-LABEL: define double @caller(double %a)
; CHECK-NOT:   alloca
; CHECK-NOT:   call
; CHECK:       [[SQ:%[^ ]+]] = fmul double %a, %a
; CHECK-NEXT:  %s = fadd double [[SQ]], 1.000000e+00
; CHECK-NEXT:  ret double %s
; CHECK-NOT:   @helper
