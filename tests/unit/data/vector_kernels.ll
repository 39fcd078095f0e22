; ModuleID = 'vector_kernels.521da29484a11052-cgu.0'
source_filename = "vector_kernels.521da29484a11052-cgu.0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: readwrite, inaccessiblemem: write) uwtable
define void @axpy_sq(ptr noundef captures(address_is_null) %y, ptr noundef readonly captures(address_is_null) %x, double noundef %a, i64 noundef %n) unnamed_addr #0 personality ptr @rust_eh_personality {
start:
  %0 = icmp ne ptr %y, null
  tail call void @llvm.assume(i1 %0)
  %_2.i5.not = icmp eq i64 %n, 0
  br i1 %_2.i5.not, label %bb5, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.lr.ph"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.lr.ph": ; preds = %start
  %1 = icmp ne ptr %x, null
  tail call void @llvm.assume(i1 %1)
  %min.iters.check = icmp ult i64 %n, 4
  br i1 %min.iters.check, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.preheader", label %vector.memcheck

vector.memcheck:                                  ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.lr.ph"
  %2 = shl i64 %n, 3
  %scevgep = getelementptr i8, ptr %y, i64 %2
  %scevgep7 = getelementptr i8, ptr %x, i64 %2
  %bound0 = icmp ult ptr %y, %scevgep7
  %bound1 = icmp ult ptr %x, %scevgep
  %found.conflict = and i1 %bound0, %bound1
  br i1 %found.conflict, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.preheader", label %vector.ph

vector.ph:                                        ; preds = %vector.memcheck
  %n.vec = and i64 %n, -4
  %broadcast.splatinsert = insertelement <2 x double> poison, double %a, i64 0
  %broadcast.splat = shufflevector <2 x double> %broadcast.splatinsert, <2 x double> poison, <2 x i32> zeroinitializer
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %3 = getelementptr inbounds nuw double, ptr %y, i64 %index
  %4 = getelementptr inbounds nuw double, ptr %x, i64 %index
  %5 = getelementptr inbounds nuw i8, ptr %4, i64 16
  %wide.load = load <2 x double>, ptr %4, align 8, !alias.scope !3
  %wide.load8 = load <2 x double>, ptr %5, align 8, !alias.scope !3
  %6 = fmul <2 x double> %broadcast.splat, %wide.load
  %7 = fmul <2 x double> %broadcast.splat, %wide.load8
  %8 = getelementptr inbounds nuw i8, ptr %3, i64 16
  %wide.load9 = load <2 x double>, ptr %3, align 8, !alias.scope !6, !noalias !3
  %wide.load10 = load <2 x double>, ptr %8, align 8, !alias.scope !6, !noalias !3
  %9 = fmul <2 x double> %wide.load9, %wide.load9
  %10 = fmul <2 x double> %wide.load10, %wide.load10
  %11 = fadd <2 x double> %6, %9
  %12 = fadd <2 x double> %7, %10
  store <2 x double> %11, ptr %3, align 8, !alias.scope !6, !noalias !3
  store <2 x double> %12, ptr %8, align 8, !alias.scope !6, !noalias !3
  %index.next = add nuw i64 %index, 4
  %13 = icmp eq i64 %index.next, %n.vec
  br i1 %13, label %middle.block, label %vector.body, !llvm.loop !8

middle.block:                                     ; preds = %vector.body
  %cmp.n = icmp eq i64 %n, %n.vec
  br i1 %cmp.n, label %bb5, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.preheader"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.preheader": ; preds = %vector.memcheck, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.lr.ph", %middle.block
  %iter.sroa.8.06.ph = phi i64 [ 0, %vector.memcheck ], [ 0, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.lr.ph" ], [ %n.vec, %middle.block ]
  %.neg = or disjoint i64 %iter.sroa.8.06.ph, 1
  %xtraiter = and i64 %n, 1
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol.loopexit", label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol": ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.preheader"
  %_3.i.i.prol = getelementptr inbounds nuw double, ptr %y, i64 %iter.sroa.8.06.ph
  %_3.i1.i.prol = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.8.06.ph
  %14 = or disjoint i64 %iter.sroa.8.06.ph, 1
  %_16.prol = load double, ptr %_3.i1.i.prol, align 8, !noundef !11
  %_15.prol = fmul double %a, %_16.prol
  %_18.prol = load double, ptr %_3.i.i.prol, align 8, !noundef !11
  %_17.prol = fmul double %_18.prol, %_18.prol
  %15 = fadd double %_15.prol, %_17.prol
  store double %15, ptr %_3.i.i.prol, align 8
  br label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol.loopexit"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol.loopexit": ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol", %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.preheader"
  %iter.sroa.8.06.unr = phi i64 [ %iter.sroa.8.06.ph, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.preheader" ], [ %14, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol" ]
  %16 = icmp eq i64 %n, %.neg
  br i1 %16, label %bb5, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit": ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol.loopexit", %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit"
  %iter.sroa.8.06 = phi i64 [ %19, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit" ], [ %iter.sroa.8.06.unr, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol.loopexit" ]
  %_3.i.i = getelementptr inbounds nuw double, ptr %y, i64 %iter.sroa.8.06
  %_3.i1.i = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.8.06
  %17 = add nuw i64 %iter.sroa.8.06, 1
  %_16 = load double, ptr %_3.i1.i, align 8, !noundef !11
  %_15 = fmul double %a, %_16
  %_18 = load double, ptr %_3.i.i, align 8, !noundef !11
  %_17 = fmul double %_18, %_18
  %18 = fadd double %_15, %_17
  store double %18, ptr %_3.i.i, align 8
  %_3.i.i.1 = getelementptr inbounds nuw double, ptr %y, i64 %17
  %_3.i1.i.1 = getelementptr inbounds nuw double, ptr %x, i64 %17
  %19 = add nuw i64 %iter.sroa.8.06, 2
  %_16.1 = load double, ptr %_3.i1.i.1, align 8, !noundef !11
  %_15.1 = fmul double %a, %_16.1
  %_18.1 = load double, ptr %_3.i.i.1, align 8, !noundef !11
  %_17.1 = fmul double %_18.1, %_18.1
  %20 = fadd double %_15.1, %_17.1
  store double %20, ptr %_3.i.i.1, align 8
  %exitcond.not.1 = icmp eq i64 %19, %n
  br i1 %exitcond.not.1, label %bb5, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit", !llvm.loop !12

bb5:                                              ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit.prol.loopexit", %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17h7b0338ae57c6703cE.exit", %middle.block, %start
  ret void
}

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable
define noundef double @heun(ptr noundef readonly captures(none) %y0, double noundef %k, i64 noundef %steps) unnamed_addr #1 {
start:
  %0 = load <2 x double>, ptr %y0, align 8
  %_332.not = icmp eq i64 %steps, 0
  br i1 %_332.not, label %bb3, label %bb2.lr.ph

bb2.lr.ph:                                        ; preds = %start
  %_39 = fneg double %k
  %1 = insertelement <2 x double> <double poison, double 1.000000e-01>, double %_39, i64 0
  br label %bb2

bb3:                                              ; preds = %bb2, %start
  %2 = phi <2 x double> [ %0, %start ], [ %13, %bb2 ]
  %3 = fmul <2 x double> %2, %2
  %shift = shufflevector <2 x double> %3, <2 x double> poison, <2 x i32> <i32 1, i32 poison>
  %foldExtExtBinop = fadd <2 x double> %shift, %3
  %_0 = extractelement <2 x double> %foldExtExtBinop, i64 0
  ret double %_0

bb2:                                              ; preds = %bb2.lr.ph, %bb2
  %iter.sroa.0.03 = phi i64 [ 0, %bb2.lr.ph ], [ %_34, %bb2 ]
  %4 = phi <2 x double> [ %0, %bb2.lr.ph ], [ %13, %bb2 ]
  %_34 = add nuw i64 %iter.sroa.0.03, 1
  %5 = fmul <2 x double> %4, %1
  %shift8 = shufflevector <2 x double> %5, <2 x double> poison, <2 x i32> <i32 1, i32 poison>
  %foldExtExtBinop9 = fsub <2 x double> %5, %shift8
  %6 = shufflevector <2 x double> %4, <2 x double> %foldExtExtBinop9, <2 x i32> <i32 1, i32 2>
  %7 = fmul <2 x double> %6, splat (double 1.000000e-02)
  %8 = fadd <2 x double> %4, %7
  %9 = fmul <2 x double> %8, %1
  %shift11 = shufflevector <2 x double> %9, <2 x double> poison, <2 x i32> <i32 1, i32 poison>
  %foldExtExtBinop12 = fsub <2 x double> %9, %shift11
  %10 = shufflevector <2 x double> %8, <2 x double> %foldExtExtBinop12, <2 x i32> <i32 1, i32 2>
  %11 = fadd <2 x double> %6, %10
  %12 = fmul <2 x double> %11, splat (double 5.000000e-03)
  %13 = fadd <2 x double> %4, %12
  %exitcond.not = icmp eq i64 %_34, %steps
  br i1 %exitcond.not, label %bb3, label %bb2
}

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: read, inaccessiblemem: write) uwtable
define noundef double @max_abs(ptr noundef readonly captures(address_is_null) %x, double noundef %0, i64 noundef %n) unnamed_addr #2 personality ptr @rust_eh_personality {
start:
  %1 = icmp ne ptr %x, null
  tail call void @llvm.assume(i1 %1)
  %2 = icmp eq i64 %n, 0
  br i1 %2, label %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h8d3e594b9bbd7ef6E.exit", label %bb8.i.preheader

bb8.i.preheader:                                  ; preds = %start
  %min.iters.check = icmp ult i64 %n, 4
  br i1 %min.iters.check, label %bb8.i.preheader3, label %vector.ph

vector.ph:                                        ; preds = %bb8.i.preheader
  %n.vec = and i64 %n, -4
  %broadcast.splatinsert = insertelement <2 x double> poison, double %0, i64 0
  %broadcast.splat = shufflevector <2 x double> %broadcast.splatinsert, <2 x double> poison, <2 x i32> zeroinitializer
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %vec.phi = phi <2 x double> [ zeroinitializer, %vector.ph ], [ %9, %vector.body ]
  %vec.phi1 = phi <2 x double> [ zeroinitializer, %vector.ph ], [ %10, %vector.body ]
  %3 = getelementptr inbounds nuw double, ptr %x, i64 %index
  %4 = getelementptr inbounds nuw i8, ptr %3, i64 16
  %wide.load = load <2 x double>, ptr %3, align 8, !noalias !13
  %wide.load2 = load <2 x double>, ptr %4, align 8, !noalias !13
  %5 = fmul <2 x double> %broadcast.splat, %wide.load
  %6 = fmul <2 x double> %broadcast.splat, %wide.load2
  %7 = tail call <2 x double> @llvm.fabs.v2f64(<2 x double> %5)
  %8 = tail call <2 x double> @llvm.fabs.v2f64(<2 x double> %6)
  %9 = tail call <2 x double> @llvm.maxnum.v2f64(<2 x double> %vec.phi, <2 x double> %7)
  %10 = tail call <2 x double> @llvm.maxnum.v2f64(<2 x double> %vec.phi1, <2 x double> %8)
  %index.next = add nuw i64 %index, 4
  %11 = fcmp uno <2 x double> %7, %8
  %12 = freeze <2 x i1> %11
  %13 = bitcast <2 x i1> %12 to i2
  %14 = icmp ne i2 %13, 0
  %15 = icmp eq i64 %index.next, %n.vec
  %16 = or i1 %14, %15
  br i1 %16, label %middle.block, label %vector.body, !llvm.loop !16

middle.block:                                     ; preds = %vector.body
  %17 = select i1 %14, <2 x double> %vec.phi, <2 x double> %9
  %18 = select i1 %14, <2 x double> %vec.phi1, <2 x double> %10
  %19 = select i1 %14, i64 %index, i64 %n.vec
  %rdx.minmax = tail call <2 x double> @llvm.maxnum.v2f64(<2 x double> %17, <2 x double> %18)
  %20 = tail call double @llvm.vector.reduce.fmax.v2f64(<2 x double> %rdx.minmax)
  %cmp.n = icmp ne i64 %n, %n.vec
  %.not = or i1 %cmp.n, %14
  br i1 %.not, label %bb8.i.preheader3, label %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h8d3e594b9bbd7ef6E.exit"

bb8.i.preheader3:                                 ; preds = %bb8.i.preheader, %middle.block
  %i.sroa.0.0.i.ph = phi i64 [ 0, %bb8.i.preheader ], [ %19, %middle.block ]
  %acc.sroa.0.0.i.ph = phi double [ 0.000000e+00, %bb8.i.preheader ], [ %20, %middle.block ]
  br label %bb8.i

bb8.i:                                            ; preds = %bb8.i.preheader3, %bb8.i
  %i.sroa.0.0.i = phi i64 [ %_27.i, %bb8.i ], [ %i.sroa.0.0.i.ph, %bb8.i.preheader3 ]
  %acc.sroa.0.0.i = phi double [ %22, %bb8.i ], [ %acc.sroa.0.0.i.ph, %bb8.i.preheader3 ]
  %_45.i = getelementptr inbounds nuw double, ptr %x, i64 %i.sroa.0.0.i
  %_45.val.i = load double, ptr %_45.i, align 8, !noalias !13, !noundef !11
  %_6.i.i = fmul double %0, %_45.val.i
  %21 = tail call double @llvm.fabs.f64(double %_6.i.i)
  %22 = tail call noundef double @llvm.maxnum.f64(double %acc.sroa.0.0.i, double %21)
  %_27.i = add nuw i64 %i.sroa.0.0.i, 1
  %_28.i = icmp eq i64 %_27.i, %n
  br i1 %_28.i, label %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h8d3e594b9bbd7ef6E.exit", label %bb8.i, !llvm.loop !17

"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h8d3e594b9bbd7ef6E.exit": ; preds = %bb8.i, %middle.block, %start
  %_0.sroa.0.0.i = phi double [ 0.000000e+00, %start ], [ %20, %middle.block ], [ %22, %bb8.i ]
  ret double %_0.sroa.0.0.i
}

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: readwrite, inaccessiblemem: write) uwtable
define void @weighted(ptr noundef captures(address_is_null) %x, ptr noundef readonly captures(address_is_null) %w, i64 noundef %n) unnamed_addr #0 personality ptr @rust_eh_personality {
start:
  %0 = icmp ne ptr %x, null
  tail call void @llvm.assume(i1 %0)
  %_2.i5.not = icmp eq i64 %n, 0
  br i1 %_2.i5.not, label %bb5, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.lr.ph"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.lr.ph": ; preds = %start
  %1 = icmp ne ptr %w, null
  tail call void @llvm.assume(i1 %1)
  %min.iters.check = icmp ult i64 %n, 4
  br i1 %min.iters.check, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.preheader", label %vector.memcheck

vector.memcheck:                                  ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.lr.ph"
  %2 = shl i64 %n, 3
  %scevgep = getelementptr i8, ptr %x, i64 %2
  %3 = shl i64 %n, 2
  %scevgep7 = getelementptr i8, ptr %w, i64 %3
  %bound0 = icmp ult ptr %x, %scevgep7
  %bound1 = icmp ult ptr %w, %scevgep
  %found.conflict = and i1 %bound0, %bound1
  br i1 %found.conflict, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.preheader", label %vector.ph

vector.ph:                                        ; preds = %vector.memcheck
  %n.vec = and i64 %n, -4
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %4 = getelementptr inbounds nuw double, ptr %x, i64 %index
  %5 = getelementptr inbounds nuw i32, ptr %w, i64 %index
  %6 = getelementptr inbounds nuw i8, ptr %4, i64 16
  %wide.load = load <2 x double>, ptr %4, align 8, !alias.scope !18, !noalias !21
  %wide.load8 = load <2 x double>, ptr %6, align 8, !alias.scope !18, !noalias !21
  %7 = getelementptr inbounds nuw i8, ptr %5, i64 8
  %wide.load9 = load <2 x i32>, ptr %5, align 4, !alias.scope !21
  %wide.load10 = load <2 x i32>, ptr %7, align 4, !alias.scope !21
  %8 = sitofp <2 x i32> %wide.load9 to <2 x double>
  %9 = sitofp <2 x i32> %wide.load10 to <2 x double>
  %10 = fmul <2 x double> %wide.load, %8
  %11 = fmul <2 x double> %wide.load8, %9
  %12 = shl <2 x i32> %wide.load9, splat (i32 1)
  %13 = shl <2 x i32> %wide.load10, splat (i32 1)
  %14 = sitofp <2 x i32> %12 to <2 x double>
  %15 = sitofp <2 x i32> %13 to <2 x double>
  %16 = fadd <2 x double> %10, %14
  %17 = fadd <2 x double> %11, %15
  store <2 x double> %16, ptr %4, align 8, !alias.scope !18, !noalias !21
  store <2 x double> %17, ptr %6, align 8, !alias.scope !18, !noalias !21
  %index.next = add nuw i64 %index, 4
  %18 = icmp eq i64 %index.next, %n.vec
  br i1 %18, label %middle.block, label %vector.body, !llvm.loop !23

middle.block:                                     ; preds = %vector.body
  %cmp.n = icmp eq i64 %n, %n.vec
  br i1 %cmp.n, label %bb5, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.preheader"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.preheader": ; preds = %vector.memcheck, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.lr.ph", %middle.block
  %iter.sroa.8.06.ph = phi i64 [ 0, %vector.memcheck ], [ 0, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.lr.ph" ], [ %n.vec, %middle.block ]
  %.neg = or disjoint i64 %iter.sroa.8.06.ph, 1
  %xtraiter = and i64 %n, 1
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol.loopexit", label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol": ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.preheader"
  %_3.i.i.prol = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.8.06.ph
  %_3.i1.i.prol = getelementptr inbounds nuw i32, ptr %w, i64 %iter.sroa.8.06.ph
  %19 = or disjoint i64 %iter.sroa.8.06.ph, 1
  %_15.prol = load double, ptr %_3.i.i.prol, align 8, !noundef !11
  %_17.prol = load i32, ptr %_3.i1.i.prol, align 4, !noundef !11
  %_16.prol = sitofp i32 %_17.prol to double
  %_14.prol = fmul double %_15.prol, %_16.prol
  %_19.prol = shl i32 %_17.prol, 1
  %_18.prol = sitofp i32 %_19.prol to double
  %20 = fadd double %_14.prol, %_18.prol
  store double %20, ptr %_3.i.i.prol, align 8
  br label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol.loopexit"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol.loopexit": ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol", %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.preheader"
  %iter.sroa.8.06.unr = phi i64 [ %iter.sroa.8.06.ph, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.preheader" ], [ %19, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol" ]
  %21 = icmp eq i64 %n, %.neg
  br i1 %21, label %bb5, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit"

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit": ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol.loopexit", %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit"
  %iter.sroa.8.06 = phi i64 [ %24, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit" ], [ %iter.sroa.8.06.unr, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol.loopexit" ]
  %_3.i.i = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.8.06
  %_3.i1.i = getelementptr inbounds nuw i32, ptr %w, i64 %iter.sroa.8.06
  %22 = add nuw i64 %iter.sroa.8.06, 1
  %_15 = load double, ptr %_3.i.i, align 8, !noundef !11
  %_17 = load i32, ptr %_3.i1.i, align 4, !noundef !11
  %_16 = sitofp i32 %_17 to double
  %_14 = fmul double %_15, %_16
  %_19 = shl i32 %_17, 1
  %_18 = sitofp i32 %_19 to double
  %23 = fadd double %_14, %_18
  store double %23, ptr %_3.i.i, align 8
  %_3.i.i.1 = getelementptr inbounds nuw double, ptr %x, i64 %22
  %_3.i1.i.1 = getelementptr inbounds nuw i32, ptr %w, i64 %22
  %24 = add nuw i64 %iter.sroa.8.06, 2
  %_15.1 = load double, ptr %_3.i.i.1, align 8, !noundef !11
  %_17.1 = load i32, ptr %_3.i1.i.1, align 4, !noundef !11
  %_16.1 = sitofp i32 %_17.1 to double
  %_14.1 = fmul double %_15.1, %_16.1
  %_19.1 = shl i32 %_17.1, 1
  %_18.1 = sitofp i32 %_19.1 to double
  %25 = fadd double %_14.1, %_18.1
  store double %25, ptr %_3.i.i.1, align 8
  %exitcond.not.1 = icmp eq i64 %24, %n
  br i1 %exitcond.not.1, label %bb5, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit", !llvm.loop !24

bb5:                                              ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit.prol.loopexit", %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4next17hb2231a74238992c7E.exit", %middle.block, %start
  ret void
}

; Function Attrs: nounwind nonlazybind uwtable
declare noundef range(i32 0, 10) i32 @rust_eh_personality(i32 noundef, i32 noundef, i64 noundef, ptr noundef, ptr noundef) unnamed_addr #3

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fabs.f64(double) #4

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.maxnum.f64(double, double) #4

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #5

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.fabs.v2f64(<2 x double>) #6

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.maxnum.v2f64(<2 x double>, <2 x double>) #6

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.vector.reduce.fmax.v2f64(<2 x double>) #7

attributes #0 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: readwrite, inaccessiblemem: write) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #1 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #2 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: read, inaccessiblemem: write) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #3 = { nounwind nonlazybind uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #4 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #5 = { mustprogress nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }
attributes #6 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #7 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!llvm.module.flags = !{!0, !1}
!llvm.ident = !{!2}

!0 = !{i32 8, !"PIC Level", i32 2}
!1 = !{i32 2, !"RtLibUseGOT", i32 1}
!2 = !{!"rustc version 1.95.0 (59807616e 2026-04-14)"}
!3 = !{!4}
!4 = distinct !{!4, !5}
!5 = distinct !{!5, !"LVerDomain"}
!6 = !{!7}
!7 = distinct !{!7, !5}
!8 = distinct !{!8, !9, !10}
!9 = !{!"llvm.loop.isvectorized", i32 1}
!10 = !{!"llvm.loop.unroll.runtime.disable"}
!11 = !{}
!12 = distinct !{!12, !9}
!13 = !{!14}
!14 = distinct !{!14, !15, !"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h8d3e594b9bbd7ef6E: argument 0"}
!15 = distinct !{!15, !"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h8d3e594b9bbd7ef6E"}
!16 = distinct !{!16, !9, !10}
!17 = distinct !{!17, !10, !9}
!18 = !{!19}
!19 = distinct !{!19, !20}
!20 = distinct !{!20, !"LVerDomain"}
!21 = !{!22}
!22 = distinct !{!22, !20}
!23 = distinct !{!23, !9, !10}
!24 = distinct !{!24, !9}
