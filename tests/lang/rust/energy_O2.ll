; ModuleID = 'energy.f0a7c727eacd561c-cgu.0'
source_filename = "energy.f0a7c727eacd561c-cgu.0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable
define noundef double @energy(ptr noundef readonly captures(none) %x, i64 noundef %n) unnamed_addr #0 personality ptr @rust_eh_personality {
start:
  %_205.not = icmp eq i64 %n, 0
  br i1 %_205.not, label %_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E.exit, label %bb2.preheader

bb2.preheader:                                    ; preds = %start
  %xtraiter = and i64 %n, 1
  %0 = icmp eq i64 %n, 1
  br i1 %0, label %bb2.epil.preheader, label %bb2.preheader.new

bb2.preheader.new:                                ; preds = %bb2.preheader
  %unroll_iter = and i64 %n, -2
  br label %bb2

bb4.unr-lcssa:                                    ; preds = %bb2
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %bb4, label %bb2.epil.preheader

bb2.epil.preheader:                               ; preds = %bb4.unr-lcssa, %bb2.preheader
  %s.sroa.0.07.epil.init = phi double [ 0.000000e+00, %bb2.preheader ], [ %19, %bb4.unr-lcssa ]
  %iter.sroa.0.06.epil.init = phi i64 [ 0, %bb2.preheader ], [ %13, %bb4.unr-lcssa ]
  %lcmp.mod13 = icmp ne i64 %xtraiter, 0
  tail call void @llvm.assume(i1 %lcmp.mod13)
  %1 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.06.epil.init
  %_10.epil = load double, ptr %1, align 8, !noundef !3
  %2 = tail call double @llvm.powi.f64.i32(double %_10.epil, i32 3)
  %3 = tail call double @llvm.sin.f64(double %_10.epil)
  %_8.epil = fmul double %2, %3
  %_15.epil = fmul double %_10.epil, 5.000000e-01
  %4 = tail call double @llvm.exp.f64(double %_15.epil)
  %_7.epil = fadd double %_8.epil, %4
  %5 = fadd double %s.sroa.0.07.epil.init, %_7.epil
  br label %bb4

bb4:                                              ; preds = %bb4.unr-lcssa, %bb2.epil.preheader
  %.lcssa = phi double [ %19, %bb4.unr-lcssa ], [ %5, %bb2.epil.preheader ]
  %_2.i7.i = icmp eq i64 %n, 1
  br i1 %_2.i7.i, label %_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E.exit, label %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i.preheader"

"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i.preheader": ; preds = %bb4
  %_7.i.i.i.pre = load double, ptr %x, align 8, !alias.scope !4, !noalias !9
  br label %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i"

"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i": ; preds = %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i.preheader", %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i"
  %_7.i.i.i = phi double [ %_4.i.i.i, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i" ], [ %_7.i.i.i.pre, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i.preheader" ]
  %accum.sroa.0.010.i = phi double [ %_0.i.i.i, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i" ], [ -0.000000e+00, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i.preheader" ]
  %new_len.i59.i = phi i64 [ %new_len.i.i, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i" ], [ %n, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i.preheader" ]
  %_28.i68.i = phi ptr [ %_28.i.i, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i" ], [ %x, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i.preheader" ]
  %_28.i.i = getelementptr inbounds nuw i8, ptr %_28.i68.i, i64 8
  %new_len.i.i = add i64 %new_len.i59.i, -1
  %_4.i.i.i = load double, ptr %_28.i.i, align 8, !alias.scope !4, !noalias !9, !noundef !3
  %_3.i.i.i = fsub double %_4.i.i.i, %_7.i.i.i
  %6 = fmul double %_3.i.i.i, %_3.i.i.i
  %_0.i.i.i = fadd double %accum.sroa.0.010.i, %6
  %_2.i.i = icmp ult i64 %new_len.i59.i, 3
  br i1 %_2.i.i, label %_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E.exit.loopexit, label %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i"

_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E.exit.loopexit: ; preds = %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E.exit.i"
  %7 = fadd double %.lcssa, %_0.i.i.i
  br label %_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E.exit

_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E.exit: ; preds = %_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E.exit.loopexit, %start, %bb4
  %s.sroa.0.0.lcssa11 = phi double [ %.lcssa, %bb4 ], [ 0.000000e+00, %start ], [ %7, %_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E.exit.loopexit ]
  ret double %s.sroa.0.0.lcssa11

bb2:                                              ; preds = %bb2, %bb2.preheader.new
  %s.sroa.0.07 = phi double [ 0.000000e+00, %bb2.preheader.new ], [ %19, %bb2 ]
  %iter.sroa.0.06 = phi i64 [ 0, %bb2.preheader.new ], [ %13, %bb2 ]
  %niter = phi i64 [ 0, %bb2.preheader.new ], [ %niter.next.1, %bb2 ]
  %8 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.06
  %_10 = load double, ptr %8, align 8, !noundef !3
  %9 = tail call double @llvm.powi.f64.i32(double %_10, i32 3)
  %10 = tail call double @llvm.sin.f64(double %_10)
  %_8 = fmul double %9, %10
  %_15 = fmul double %_10, 5.000000e-01
  %11 = tail call double @llvm.exp.f64(double %_15)
  %_7 = fadd double %_8, %11
  %12 = fadd double %s.sroa.0.07, %_7
  %13 = add nuw i64 %iter.sroa.0.06, 2
  %14 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.06
  %15 = getelementptr inbounds nuw i8, ptr %14, i64 8
  %_10.1 = load double, ptr %15, align 8, !noundef !3
  %16 = tail call double @llvm.powi.f64.i32(double %_10.1, i32 3)
  %17 = tail call double @llvm.sin.f64(double %_10.1)
  %_8.1 = fmul double %16, %17
  %_15.1 = fmul double %_10.1, 5.000000e-01
  %18 = tail call double @llvm.exp.f64(double %_15.1)
  %_7.1 = fadd double %_8.1, %18
  %19 = fadd double %12, %_7.1
  %niter.next.1 = add i64 %niter, 2
  %niter.ncmp.1 = icmp eq i64 %niter.next.1, %unroll_iter
  br i1 %niter.ncmp.1, label %bb4.unr-lcssa, label %bb2
}

; Function Attrs: nounwind nonlazybind uwtable
declare noundef range(i32 0, 10) i32 @rust_eh_personality(i32 noundef, i32 noundef, i64 noundef, ptr noundef, ptr noundef) unnamed_addr #1

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.powi.f64.i32(double, i32) #2

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.sin.f64(double) #2

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.exp.f64(double) #2

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #3

attributes #0 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #1 = { nounwind nonlazybind uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #2 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #3 = { nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }

!llvm.module.flags = !{!0, !1}
!llvm.ident = !{!2}

!0 = !{i32 8, !"PIC Level", i32 2}
!1 = !{i32 2, !"RtLibUseGOT", i32 1}
!2 = !{!"rustc version 1.95.0 (59807616e 2026-04-14)"}
!3 = !{}
!4 = !{!5, !7}
!5 = distinct !{!5, !6, !"_ZN6energy6energy28_$u7b$$u7b$closure$u7d$$u7d$17he8ac096335cb4adbE: %w.0"}
!6 = distinct !{!6, !"_ZN6energy6energy28_$u7b$$u7b$closure$u7d$$u7d$17he8ac096335cb4adbE"}
!7 = distinct !{!7, !8, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E: %elt.0"}
!8 = distinct !{!8, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h0e74e9b804dc5cf7E"}
!9 = !{!10}
!10 = distinct !{!10, !11, !"_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E: %self"}
!11 = distinct !{!11, !"_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E"}
