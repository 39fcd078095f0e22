; The IR model reads unnamed values and an unnamed entry block and prints them back under
; names of its own: the entry block becomes %entry, the numbered values get unique names.
; RUN: %zymase ll %s --pipeline roundtrip | %filecheck %s

define double @square_plus(double %0, double %1) {
  %3 = fmul double %0, %0
  %4 = fadd double %3, %1
  ret double %4
}

; CHECK-LABEL: define double @square_plus(
; CHECK-SAME:    double [[A:%[^ ,]+]], double [[B:%[^ ,)]+]])
; CHECK-NEXT:  entry:
; CHECK-NEXT:    [[SQ:%[^ ]+]] = fmul double [[A]], [[A]]
; CHECK-NEXT:    [[SUM:%[^ ]+]] = fadd double [[SQ]], [[B]]
; CHECK-NEXT:    ret double [[SUM]]
; CHECK-NEXT:  }

; an unnamed block after a named one, reached by a branch
define i64 @pick(i1 %c, i64 %x) {
entry:
  br i1 %c, label %0, label %1

0:
  br label %1

1:
  %r = phi i64 [ %x, %0 ], [ 0, %entry ]
  ret i64 %r
}

; CHECK-LABEL: define i64 @pick(i1 %c, i64 %x)
; CHECK:         br i1 %c, label %[[T:[^ ,]+]], label %[[J:[^ ,]+]]
; CHECK:       [[T]]:
; CHECK-NEXT:    br label %[[J]]
; CHECK:       [[J]]:
; CHECK-NEXT:    %r = phi i64 [ %x, %[[T]] ], [ 0, %entry ]
