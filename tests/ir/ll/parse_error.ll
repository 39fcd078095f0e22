; IR that does not parse is an error naming the problem, with exit status 1.
; RUN: not %zymase ll %s 2>&1 | %filecheck %s

define double @f(double %x) {
  %y = fmul double %x, %undefined
  ret double %y
}

; CHECK: error: use of undefined value %undefined in @f
