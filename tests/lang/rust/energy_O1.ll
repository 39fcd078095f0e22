; ModuleID = 'energy.f0a7c727eacd561c-cgu.0'
source_filename = "energy.f0a7c727eacd561c-cgu.0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable
define noundef double @energy(ptr noundef readonly captures(address_is_null) %x, i64 noundef %n) unnamed_addr #0 personality ptr @rust_eh_personality {
start:
  %_0.i.i.i4.not = icmp eq i64 %n, 0
  br i1 %_0.i.i.i4.not, label %bb7, label %bb8.preheader

bb8.preheader:                                    ; preds = %start
  %xtraiter = and i64 %n, 1
  %0 = icmp eq i64 %n, 1
  br i1 %0, label %bb8.epil.preheader, label %bb8.preheader.new

bb8.preheader.new:                                ; preds = %bb8.preheader
  %unroll_iter = and i64 %n, -2
  br label %bb8

bb7.loopexit.unr-lcssa:                           ; preds = %bb8
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %bb7, label %bb8.epil.preheader

bb8.epil.preheader:                               ; preds = %bb7.loopexit.unr-lcssa, %bb8.preheader
  %s.sroa.0.07.epil.init = phi double [ 0.000000e+00, %bb8.preheader ], [ %22, %bb7.loopexit.unr-lcssa ]
  %iter.sroa.0.06.epil.init = phi i64 [ 0, %bb8.preheader ], [ %spec.select, %bb7.loopexit.unr-lcssa ]
  %lcmp.mod10 = icmp ne i64 %xtraiter, 0
  tail call void @llvm.assume(i1 %lcmp.mod10)
  %1 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.06.epil.init
  %_15.epil = load double, ptr %1, align 8, !noundef !3
  %2 = tail call noundef double @llvm.powi.f64.i32(double %_15.epil, i32 3)
  %3 = tail call noundef double @llvm.sin.f64(double %_15.epil)
  %_13.epil = fmul double %2, %3
  %_20.epil = fmul double %_15.epil, 5.000000e-01
  %4 = tail call noundef double @llvm.exp.f64(double %_20.epil)
  %_12.epil = fadd double %_13.epil, %4
  %5 = fadd double %s.sroa.0.07.epil.init, %_12.epil
  br label %bb7

bb7:                                              ; preds = %bb8.epil.preheader, %bb7.loopexit.unr-lcssa, %start
  %s.sroa.0.0.lcssa = phi double [ 0.000000e+00, %start ], [ %22, %bb7.loopexit.unr-lcssa ], [ %5, %bb8.epil.preheader ]
  %_2.i.i3.i.i.i = icmp ugt i64 %n, 1
  %.not.i18.i.i.i = icmp ne ptr %x, null
  %.not.i.not9.i.i.i = and i1 %.not.i18.i.i.i, %_2.i.i3.i.i.i
  br i1 %.not.i.not9.i.i.i, label %bb3.i.preheader.i.i.i, label %_ZN4core4iter6traits8iterator8Iterator3sum17hba240e52e1494f74E.exit

bb3.i.preheader.i.i.i:                            ; preds = %bb7
  %new_len.i3.i7.i.i.i = add i64 %n, -1
  %_28.i5.i5.i.i.i = getelementptr inbounds nuw i8, ptr %x, i64 8
  %xtraiter11 = and i64 %new_len.i3.i7.i.i.i, 1
  %lcmp.mod12.not = icmp eq i64 %xtraiter11, 0
  br i1 %lcmp.mod12.not, label %bb3.i.i.i.i.prol.loopexit, label %bb3.i.i.i.i.prol

bb3.i.i.i.i.prol:                                 ; preds = %bb3.i.preheader.i.i.i
  %6 = getelementptr inbounds nuw i8, ptr %x, i64 8
  %_4.i.i.i.i.i.i.prol = load double, ptr %6, align 8, !alias.scope !4, !noalias !9, !noundef !3
  %_7.i.i.i.i.i.i.prol = load double, ptr %x, align 8, !alias.scope !4, !noalias !9, !noundef !3
  %_3.i.i.i.i.i.i.prol = fsub double %_4.i.i.i.i.i.i.prol, %_7.i.i.i.i.i.i.prol
  %7 = fmul double %_3.i.i.i.i.i.i.prol, %_3.i.i.i.i.i.i.prol
  %_2.i.i.i.i.i.prol = icmp ugt i64 %new_len.i3.i7.i.i.i, 1
  %_28.i5.i.idx.i.i.i.prol = select i1 %_2.i.i.i.i.i.prol, i64 8, i64 0
  %_28.i5.i.i.i.i.prol = getelementptr inbounds nuw i8, ptr %_28.i5.i5.i.i.i, i64 %_28.i5.i.idx.i.i.i.prol
  %new_len.i.i.i.i.i.prol = sext i1 %_2.i.i.i.i.i.prol to i64
  %new_len.i3.i.i.i.i.prol = add i64 %new_len.i3.i7.i.i.i, %new_len.i.i.i.i.i.prol
  br label %bb3.i.i.i.i.prol.loopexit

bb3.i.i.i.i.prol.loopexit:                        ; preds = %bb3.i.i.i.i.prol, %bb3.i.preheader.i.i.i
  %new_len.i3.i13.i.i.i.unr = phi i64 [ %new_len.i3.i7.i.i.i, %bb3.i.preheader.i.i.i ], [ %new_len.i3.i.i.i.i.prol, %bb3.i.i.i.i.prol ]
  %_28.i5.i12.i.i.i.unr = phi ptr [ %_28.i5.i5.i.i.i, %bb3.i.preheader.i.i.i ], [ %_28.i5.i.i.i.i.prol, %bb3.i.i.i.i.prol ]
  %accum.sroa.0.0.i11.i.i.i.unr = phi double [ -0.000000e+00, %bb3.i.preheader.i.i.i ], [ %7, %bb3.i.i.i.i.prol ]
  %_28.i6.i10.i.i.i.unr = phi ptr [ %x, %bb3.i.preheader.i.i.i ], [ %_28.i5.i5.i.i.i, %bb3.i.i.i.i.prol ]
  %_0.i.i.i.i.i.i.lcssa.unr = phi double [ poison, %bb3.i.preheader.i.i.i ], [ %7, %bb3.i.i.i.i.prol ]
  %8 = icmp eq i64 %n, 2
  br i1 %8, label %_ZN4core4iter6traits8iterator8Iterator3sum17hba240e52e1494f74E.exit, label %bb3.i.i.i.i

bb3.i.i.i.i:                                      ; preds = %bb3.i.i.i.i.prol.loopexit, %bb3.i.i.i.i
  %new_len.i3.i13.i.i.i = phi i64 [ %new_len.i3.i.i.i.i.1, %bb3.i.i.i.i ], [ %new_len.i3.i13.i.i.i.unr, %bb3.i.i.i.i.prol.loopexit ]
  %_28.i5.i12.i.i.i = phi ptr [ %_28.i5.i.i.i.i.1, %bb3.i.i.i.i ], [ %_28.i5.i12.i.i.i.unr, %bb3.i.i.i.i.prol.loopexit ]
  %accum.sroa.0.0.i11.i.i.i = phi double [ %_0.i.i.i.i.i.i.1, %bb3.i.i.i.i ], [ %accum.sroa.0.0.i11.i.i.i.unr, %bb3.i.i.i.i.prol.loopexit ]
  %_28.i6.i10.i.i.i = phi ptr [ %_28.i5.i.i.i.i, %bb3.i.i.i.i ], [ %_28.i6.i10.i.i.i.unr, %bb3.i.i.i.i.prol.loopexit ]
  %9 = getelementptr inbounds nuw i8, ptr %_28.i6.i10.i.i.i, i64 8
  %_4.i.i.i.i.i.i = load double, ptr %9, align 8, !alias.scope !4, !noalias !9, !noundef !3
  %_7.i.i.i.i.i.i = load double, ptr %_28.i6.i10.i.i.i, align 8, !alias.scope !4, !noalias !9, !noundef !3
  %_3.i.i.i.i.i.i = fsub double %_4.i.i.i.i.i.i, %_7.i.i.i.i.i.i
  %10 = fmul double %_3.i.i.i.i.i.i, %_3.i.i.i.i.i.i
  %_0.i.i.i.i.i.i = fadd double %accum.sroa.0.0.i11.i.i.i, %10
  %_2.i.i.i.i.i = icmp ugt i64 %new_len.i3.i13.i.i.i, 1
  %_28.i5.i.idx.i.i.i = select i1 %_2.i.i.i.i.i, i64 8, i64 0
  %_28.i5.i.i.i.i = getelementptr inbounds nuw i8, ptr %_28.i5.i12.i.i.i, i64 %_28.i5.i.idx.i.i.i
  %new_len.i.i.i.i.i = sext i1 %_2.i.i.i.i.i to i64
  %new_len.i3.i.i.i.i = add i64 %new_len.i3.i13.i.i.i, %new_len.i.i.i.i.i
  %11 = getelementptr inbounds nuw i8, ptr %_28.i5.i12.i.i.i, i64 8
  %_4.i.i.i.i.i.i.1 = load double, ptr %11, align 8, !alias.scope !4, !noalias !9, !noundef !3
  %_7.i.i.i.i.i.i.1 = load double, ptr %_28.i5.i12.i.i.i, align 8, !alias.scope !4, !noalias !9, !noundef !3
  %_3.i.i.i.i.i.i.1 = fsub double %_4.i.i.i.i.i.i.1, %_7.i.i.i.i.i.i.1
  %12 = fmul double %_3.i.i.i.i.i.i.1, %_3.i.i.i.i.i.i.1
  %_0.i.i.i.i.i.i.1 = fadd double %_0.i.i.i.i.i.i, %12
  %_2.i.i.i.i.i.1 = icmp ugt i64 %new_len.i3.i.i.i.i, 1
  %_28.i5.i.idx.i.i.i.1 = select i1 %_2.i.i.i.i.i.1, i64 8, i64 0
  %_28.i5.i.i.i.i.1 = getelementptr inbounds nuw i8, ptr %_28.i5.i.i.i.i, i64 %_28.i5.i.idx.i.i.i.1
  %new_len.i.i.i.i.i.1 = sext i1 %_2.i.i.i.i.i.1 to i64
  %new_len.i3.i.i.i.i.1 = add i64 %new_len.i3.i.i.i.i, %new_len.i.i.i.i.i.1
  br i1 %_2.i.i.i.i.i.1, label %bb3.i.i.i.i, label %_ZN4core4iter6traits8iterator8Iterator3sum17hba240e52e1494f74E.exit

_ZN4core4iter6traits8iterator8Iterator3sum17hba240e52e1494f74E.exit: ; preds = %bb3.i.i.i.i.prol.loopexit, %bb3.i.i.i.i, %bb7
  %accum.sroa.0.0.i.lcssa.i.i.i = phi double [ -0.000000e+00, %bb7 ], [ %_0.i.i.i.i.i.i.lcssa.unr, %bb3.i.i.i.i.prol.loopexit ], [ %_0.i.i.i.i.i.i.1, %bb3.i.i.i.i ]
  %_0 = fadd double %s.sroa.0.0.lcssa, %accum.sroa.0.0.i.lcssa.i.i.i
  ret double %_0

bb8:                                              ; preds = %bb8, %bb8.preheader.new
  %spec.select8 = phi i64 [ 1, %bb8.preheader.new ], [ %spec.select.1, %bb8 ]
  %s.sroa.0.07 = phi double [ 0.000000e+00, %bb8.preheader.new ], [ %22, %bb8 ]
  %iter.sroa.0.06 = phi i64 [ 0, %bb8.preheader.new ], [ %spec.select, %bb8 ]
  %niter = phi i64 [ 0, %bb8.preheader.new ], [ %niter.next.1, %bb8 ]
  %13 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.06
  %_15 = load double, ptr %13, align 8, !noundef !3
  %14 = tail call noundef double @llvm.powi.f64.i32(double %_15, i32 3)
  %15 = tail call noundef double @llvm.sin.f64(double %_15)
  %_13 = fmul double %14, %15
  %_20 = fmul double %_15, 5.000000e-01
  %16 = tail call noundef double @llvm.exp.f64(double %_20)
  %_12 = fadd double %_13, %16
  %17 = fadd double %s.sroa.0.07, %_12
  %_0.i.i.i = icmp ult i64 %spec.select8, %n
  %_0.i1.i.i = zext i1 %_0.i.i.i to i64
  %spec.select = add nuw i64 %spec.select8, %_0.i1.i.i
  %18 = getelementptr inbounds nuw double, ptr %x, i64 %spec.select8
  %_15.1 = load double, ptr %18, align 8, !noundef !3
  %19 = tail call noundef double @llvm.powi.f64.i32(double %_15.1, i32 3)
  %20 = tail call noundef double @llvm.sin.f64(double %_15.1)
  %_13.1 = fmul double %19, %20
  %_20.1 = fmul double %_15.1, 5.000000e-01
  %21 = tail call noundef double @llvm.exp.f64(double %_20.1)
  %_12.1 = fadd double %_13.1, %21
  %22 = fadd double %17, %_12.1
  %_0.i.i.i.1 = icmp ult i64 %spec.select, %n
  %_0.i1.i.i.1 = zext i1 %_0.i.i.i.1 to i64
  %spec.select.1 = add nuw i64 %spec.select, %_0.i1.i.i.1
  %niter.next.1 = add i64 %niter, 2
  %niter.ncmp.1.not = icmp eq i64 %niter.next.1, %unroll_iter
  br i1 %niter.ncmp.1.not, label %bb7.loopexit.unr-lcssa, label %bb8
}

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.exp.f64(double) #1

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.sin.f64(double) #1

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.powi.f64.i32(double, i32) #1

; Function Attrs: nounwind nonlazybind uwtable
declare noundef range(i32 0, 10) i32 @rust_eh_personality(i32 noundef, i32 noundef, i64 noundef, ptr noundef, ptr noundef) unnamed_addr #2

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #3

attributes #0 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #1 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #2 = { nounwind nonlazybind uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
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
!9 = !{!10, !12, !14, !16}
!10 = distinct !{!10, !11, !"_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E: %self"}
!11 = distinct !{!11, !"_ZN4core4iter6traits8iterator8Iterator4fold17h90b4e2b313eefd08E"}
!12 = distinct !{!12, !13, !"_ZN102_$LT$core..iter..adapters..map..Map$LT$I$C$F$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17he65b07ad1b3dcb43E: %self"}
!13 = distinct !{!13, !"_ZN102_$LT$core..iter..adapters..map..Map$LT$I$C$F$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17he65b07ad1b3dcb43E"}
!14 = distinct !{!14, !15, !"_ZN54_$LT$f64$u20$as$u20$core..iter..traits..accum..Sum$GT$3sum17h8cc0e6719fbe41fdE: %iter"}
!15 = distinct !{!15, !"_ZN54_$LT$f64$u20$as$u20$core..iter..traits..accum..Sum$GT$3sum17h8cc0e6719fbe41fdE"}
!16 = distinct !{!16, !17, !"_ZN4core4iter6traits8iterator8Iterator3sum17hba240e52e1494f74E: %self"}
!17 = distinct !{!17, !"_ZN4core4iter6traits8iterator8Iterator3sum17hba240e52e1494f74E"}
