; A loop with phis, flags and metadata attachments and definitions (TBAA, loop metadata):
; the model reads them and prints the loop back instruction for instruction.
; RUN: %zymase ll %s --pipeline roundtrip | %filecheck %s

define double @sum(ptr %x, i64 %n) {
entry:
  br label %head

head:
  %i = phi i64 [ 0, %entry ], [ %i.next, %body ]
  %s = phi double [ 0.000000e+00, %entry ], [ %s.next, %body ]
  %c = icmp slt i64 %i, %n
  br i1 %c, label %body, label %exit

body:
  %p = getelementptr inbounds double, ptr %x, i64 %i
  %v = load double, ptr %p, align 8, !tbaa !0
  %s.next = fadd fast double %s, %v
  %i.next = add nuw nsw i64 %i, 1
  br label %head, !llvm.loop !3

exit:
  ret double %s
}

!0 = !{!1, !1, i64 0}
!1 = !{!"double", !2, i64 0}
!2 = !{!"omnipotent char"}
!3 = distinct !{!3, !4}
!4 = !{!"llvm.loop.mustprogress"}

; CHECK-LABEL: define double @sum(ptr %x, i64 %n)
; CHECK:       head:
; CHECK-NEXT:    %i = phi i64 [ 0, %entry ], [ %i.next, %body ]
; CHECK-NEXT:    %s = phi double [ 0.000000e+00, %entry ], [ %s.next, %body ]
; CHECK-NEXT:    %c = icmp slt i64 %i, %n
; CHECK-NEXT:    br i1 %c, label %body, label %exit
; CHECK:       body:
; CHECK-NEXT:    %p = getelementptr inbounds double, ptr %x, i64 %i
; CHECK-NEXT:    %v = load double, ptr %p, align 8
; CHECK-NEXT:    %s.next = fadd fast double %s, %v
; CHECK-NEXT:    %i.next = add nuw nsw i64 %i, 1
; CHECK-NEXT:    br label %head
; CHECK:       exit:
; CHECK-NEXT:    ret double %s
