; ModuleID = 'kernels.10e27077f27b0680-cgu.0'
source_filename = "kernels.10e27077f27b0680-cgu.0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

@alloc_52455b11b06a8b3e81d0d5ffa7d27448 = private unnamed_addr constant [11 x i8] c"kernels.rs\00", align 1
@alloc_2a51851230eadd0e18ab3fa526df0b0e = private unnamed_addr constant <{ ptr, [16 x i8] }> <{ ptr @alloc_52455b11b06a8b3e81d0d5ffa7d27448, [16 x i8] c"\0A\00\00\00\00\00\00\00.\00\00\00\0E\00\00\00" }>, align 8
@alloc_46075dc626f51044e8c5140564bea0b7 = private unnamed_addr constant <{ ptr, [16 x i8] }> <{ ptr @alloc_52455b11b06a8b3e81d0d5ffa7d27448, [16 x i8] c"\0A\00\00\00\00\00\00\00\22\00\00\00\11\00\00\00" }>, align 8

; alloc::raw_vec::RawVec<T,A>::grow_one
; Function Attrs: cold noinline nounwind nonlazybind uwtable
define internal fastcc void @"_ZN5alloc7raw_vec19RawVec$LT$T$C$A$GT$8grow_one17h031750ded5c4e25aE"(ptr noalias noundef nonnull align 8 captures(none) dereferenceable(16) %self) unnamed_addr #0 personality ptr @rust_eh_personality {
start:
  %self3.i = alloca [24 x i8], align 8
  %self1 = load i64, ptr %self, align 8, !range !3, !noundef !4
  tail call void @llvm.experimental.noalias.scope.decl(metadata !5)
  %v16.i = shl nuw i64 %self1, 1
  %0 = tail call i64 @llvm.umax.i64(i64 %v16.i, i64 4)
  call void @llvm.lifetime.start.p0(ptr nonnull %self3.i), !noalias !5
  %1 = getelementptr inbounds nuw i8, ptr %self, i64 8
  %self.val15.i = load ptr, ptr %1, align 8, !alias.scope !5
; call alloc::raw_vec::RawVecInner<A>::finish_grow
  call fastcc void @"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$11finish_grow17hef360de21f5b824dE"(ptr noalias noundef align 8 captures(none) dereferenceable(24) %self3.i, i64 %self1, ptr %self.val15.i, i64 noundef %0) #18
  %_37.i = load i64, ptr %self3.i, align 8, !range !8, !noalias !5, !noundef !4
  %2 = trunc nuw i64 %_37.i to i1
  %3 = getelementptr inbounds nuw i8, ptr %self3.i, i64 8
  br i1 %2, label %bb18.i, label %bb3

bb18.i:                                           ; preds = %start
  %e.0.i = load i64, ptr %3, align 8, !range !9, !noalias !5, !noundef !4
  %4 = getelementptr inbounds nuw i8, ptr %self3.i, i64 16
  %e.1.i = load i64, ptr %4, align 8, !noalias !5
  call void @llvm.lifetime.end.p0(ptr nonnull %self3.i), !noalias !5
; call alloc::raw_vec::handle_error
  tail call void @_RNvNtCslNYArtu3iFV_5alloc7raw_vec12handle_error(i64 noundef %e.0.i, i64 %e.1.i) #19
  unreachable

bb3:                                              ; preds = %start
  %v.0.i = load ptr, ptr %3, align 8, !noalias !5, !nonnull !4, !noundef !4
  call void @llvm.lifetime.end.p0(ptr nonnull %self3.i), !noalias !5
  store ptr %v.0.i, ptr %1, align 8, !alias.scope !5
  %5 = icmp sgt i64 %0, -1
  tail call void @llvm.assume(i1 %5)
  store i64 %0, ptr %self, align 8, !alias.scope !5
  ret void
}

; alloc::raw_vec::RawVecInner<A>::finish_grow
; Function Attrs: cold nounwind nonlazybind uwtable
define internal fastcc void @"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$11finish_grow17hef360de21f5b824dE"(ptr dead_on_unwind noalias noundef nonnull writable writeonly align 8 captures(none) dereferenceable(24) initializes((0, 8)) %_0, i64 %self.0.val, ptr %self.8.val, i64 noundef %cap) unnamed_addr #1 {
start:
  %_33.0 = shl i64 %cap, 3
  %_33.1 = icmp ult i64 %cap, 2305843009213693952
  %_38 = icmp ult i64 %_33.0, 9223372036854775801
  %or.cond = and i1 %_33.1, %_38
  br i1 %or.cond, label %bb15, label %bb11, !prof !10

bb15:                                             ; preds = %start
  %0 = icmp eq i64 %self.0.val, 0
  br i1 %0, label %bb5, label %bb3

bb3:                                              ; preds = %bb15
  %alloc_size.i = shl nuw i64 %self.0.val, 3
  %1 = icmp ne ptr %self.8.val, null
  tail call void @llvm.assume(i1 %1)
  %cond.i.i = icmp uge i64 %_33.0, %alloc_size.i
  tail call void @llvm.assume(i1 %cond.i.i)
; call __rustc::__rust_realloc
  %raw_ptr.i.i = tail call noundef align 8 ptr @_RNvCsfLfy6EI15iL_7___rustc14___rust_realloc(ptr noundef nonnull %self.8.val, i64 noundef %alloc_size.i, i64 noundef 8, i64 noundef range(i64 0, 9223372036854775801) %_33.0) #18
  br label %bb7

bb5:                                              ; preds = %bb15
  %2 = icmp eq i64 %_33.0, 0
  br i1 %2, label %bb9, label %bb1.i.i

bb1.i.i:                                          ; preds = %bb5
; call __rustc::__rust_no_alloc_shim_is_unstable_v2
  tail call void @_RNvCsfLfy6EI15iL_7___rustc35___rust_no_alloc_shim_is_unstable_v2() #18
; call __rustc::__rust_alloc
  %3 = tail call noundef align 8 ptr @_RNvCsfLfy6EI15iL_7___rustc12___rust_alloc(i64 noundef range(i64 0, 9223372036854775801) %_33.0, i64 noundef 8) #18
  br label %bb7

bb7:                                              ; preds = %bb1.i.i, %bb3
  %raw_ptr.i.i.pn = phi ptr [ %raw_ptr.i.i, %bb3 ], [ %3, %bb1.i.i ]
  %4 = icmp eq ptr %raw_ptr.i.i.pn, null
  br i1 %4, label %bb8, label %bb9

bb8:                                              ; preds = %bb7
  %5 = getelementptr inbounds nuw i8, ptr %_0, i64 8
  store i64 8, ptr %5, align 8
  br label %bb11

bb9:                                              ; preds = %bb5, %bb7
  %raw_ptr.i.i.pn8 = phi ptr [ %raw_ptr.i.i.pn, %bb7 ], [ inttoptr (i64 8 to ptr), %bb5 ]
  %6 = getelementptr inbounds nuw i8, ptr %_0, i64 8
  store ptr %raw_ptr.i.i.pn8, ptr %6, align 8
  br label %bb11

bb11:                                             ; preds = %start, %bb9, %bb8
  %.sink9 = phi i64 [ 16, %bb9 ], [ 16, %bb8 ], [ 8, %start ]
  %_33.0.sink = phi i64 [ %_33.0, %bb9 ], [ %_33.0, %bb8 ], [ 0, %start ]
  %storemerge8 = phi i64 [ 0, %bb9 ], [ 1, %bb8 ], [ 1, %start ]
  %7 = getelementptr inbounds nuw i8, ptr %_0, i64 %.sink9
  store i64 %_33.0.sink, ptr %7, align 8
  store i64 %storemerge8, ptr %_0, align 8
  ret void
}

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: read, inaccessiblemem: write) uwtable
define noundef double @chain(ptr noundef readonly captures(address_is_null) %x, i64 noundef %n) unnamed_addr #2 personality ptr @rust_eh_personality {
start:
  %0 = icmp ne ptr %x, null
  tail call void @llvm.assume(i1 %0)
  %1 = tail call noundef range(i64 0, 2305843009213693952) i64 @llvm.usub.sat.i64(i64 %n, i64 1)
  %_203.not.i = icmp ult i64 %n, 2
  br i1 %_203.not.i, label %_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE.exit, label %bb14.lr.ph.i

bb14.lr.ph.i:                                     ; preds = %start
  %invariant.gep.i = getelementptr i8, ptr %x, i64 8
  %2 = add i64 %n, -2
  %xtraiter = and i64 %1, 3
  %3 = icmp ult i64 %2, 3
  br i1 %3, label %bb14.i.epil.preheader, label %bb14.lr.ph.i.new

bb14.lr.ph.i.new:                                 ; preds = %bb14.lr.ph.i
  %unroll_iter = and i64 %1, -4
  br label %bb14.i

bb14.i:                                           ; preds = %bb14.i, %bb14.lr.ph.i.new
  %accum.sroa.0.05.i = phi double [ -0.000000e+00, %bb14.lr.ph.i.new ], [ %_0.i.i.i.3, %bb14.i ]
  %iter.sroa.0.04.i = phi i64 [ 0, %bb14.lr.ph.i.new ], [ %_24.i.3, %bb14.i ]
  %niter = phi i64 [ 0, %bb14.lr.ph.i.new ], [ %niter.next.3, %bb14.i ]
  %_3.i.i.i = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.04.i
  %gep.i = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.04.i
  %_16.0.val.i = load double, ptr %_3.i.i.i, align 8, !noalias !11, !noundef !4
  %_16.1.val.i = load double, ptr %gep.i, align 8, !noalias !11, !noundef !4
  %_5.i.i.i = fsub double %_16.0.val.i, %_16.1.val.i
  %4 = fmul double %_5.i.i.i, %_5.i.i.i
  %_0.i.i.i = fadd double %accum.sroa.0.05.i, %4
  %5 = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.04.i
  %gep.i.1 = getelementptr i8, ptr %5, i64 8
  %_16.1.val.i.1 = load double, ptr %gep.i.1, align 8, !noalias !11, !noundef !4
  %_5.i.i.i.1 = fsub double %_16.1.val.i, %_16.1.val.i.1
  %6 = fmul double %_5.i.i.i.1, %_5.i.i.i.1
  %_0.i.i.i.1 = fadd double %_0.i.i.i, %6
  %7 = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.04.i
  %gep.i.2 = getelementptr i8, ptr %7, i64 16
  %_16.1.val.i.2 = load double, ptr %gep.i.2, align 8, !noalias !11, !noundef !4
  %_5.i.i.i.2 = fsub double %_16.1.val.i.1, %_16.1.val.i.2
  %8 = fmul double %_5.i.i.i.2, %_5.i.i.i.2
  %_0.i.i.i.2 = fadd double %_0.i.i.i.1, %8
  %_24.i.3 = add nuw i64 %iter.sroa.0.04.i, 4
  %9 = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.04.i
  %gep.i.3 = getelementptr i8, ptr %9, i64 24
  %_16.1.val.i.3 = load double, ptr %gep.i.3, align 8, !noalias !11, !noundef !4
  %_5.i.i.i.3 = fsub double %_16.1.val.i.2, %_16.1.val.i.3
  %10 = fmul double %_5.i.i.i.3, %_5.i.i.i.3
  %_0.i.i.i.3 = fadd double %_0.i.i.i.2, %10
  %niter.next.3 = add i64 %niter, 4
  %niter.ncmp.3 = icmp eq i64 %niter.next.3, %unroll_iter
  br i1 %niter.ncmp.3, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit.unr-lcssa", label %bb14.i

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit.unr-lcssa": ; preds = %bb14.i
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit", label %bb14.i.epil.preheader

bb14.i.epil.preheader:                            ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit.unr-lcssa", %bb14.lr.ph.i
  %accum.sroa.0.05.i.epil.init = phi double [ -0.000000e+00, %bb14.lr.ph.i ], [ %_0.i.i.i.3, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit.unr-lcssa" ]
  %iter.sroa.0.04.i.epil.init = phi i64 [ 0, %bb14.lr.ph.i ], [ %_24.i.3, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit.unr-lcssa" ]
  %lcmp.mod6 = icmp ne i64 %xtraiter, 0
  tail call void @llvm.assume(i1 %lcmp.mod6)
  br label %bb14.i.epil

bb14.i.epil:                                      ; preds = %bb14.i.epil, %bb14.i.epil.preheader
  %accum.sroa.0.05.i.epil = phi double [ %accum.sroa.0.05.i.epil.init, %bb14.i.epil.preheader ], [ %_0.i.i.i.epil, %bb14.i.epil ]
  %iter.sroa.0.04.i.epil = phi i64 [ %iter.sroa.0.04.i.epil.init, %bb14.i.epil.preheader ], [ %_24.i.epil, %bb14.i.epil ]
  %epil.iter = phi i64 [ 0, %bb14.i.epil.preheader ], [ %epil.iter.next, %bb14.i.epil ]
  %_24.i.epil = add nuw i64 %iter.sroa.0.04.i.epil, 1
  %_3.i.i.i.epil = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.04.i.epil
  %gep.i.epil = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.04.i.epil
  %_16.0.val.i.epil = load double, ptr %_3.i.i.i.epil, align 8, !noalias !11, !noundef !4
  %_16.1.val.i.epil = load double, ptr %gep.i.epil, align 8, !noalias !11, !noundef !4
  %_5.i.i.i.epil = fsub double %_16.0.val.i.epil, %_16.1.val.i.epil
  %11 = fmul double %_5.i.i.i.epil, %_5.i.i.i.epil
  %_0.i.i.i.epil = fadd double %accum.sroa.0.05.i.epil, %11
  %epil.iter.next = add i64 %epil.iter, 1
  %epil.iter.cmp.not = icmp eq i64 %epil.iter.next, %xtraiter
  br i1 %epil.iter.cmp.not, label %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit", label %bb14.i.epil, !llvm.loop !14

"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit": ; preds = %bb14.i.epil, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit.unr-lcssa"
  %_0.i.i.i.lcssa = phi double [ %_0.i.i.i.3, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit.unr-lcssa" ], [ %_0.i.i.i.epil, %bb14.i.epil ]
  %_2.i8.i = icmp eq i64 %n, 2
  br i1 %_2.i8.i, label %_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE.exit, label %bb3.us.preheader.i

bb3.us.preheader.i:                               ; preds = %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit"
  %_4.i.i.us.pre.i = load double, ptr %x, align 8, !alias.scope !16, !noalias !21
  br label %bb3.us.i

bb3.us.i:                                         ; preds = %bb3.us.i, %bb3.us.preheader.i
  %_4.i.i.us.i = phi double [ %_7.i.i.us.i, %bb3.us.i ], [ %_4.i.i.us.pre.i, %bb3.us.preheader.i ]
  %accum.sroa.0.011.us.i = phi double [ %_0.i1.i.us.i, %bb3.us.i ], [ -0.000000e+00, %bb3.us.preheader.i ]
  %new_len.i610.us.i = phi i64 [ %new_len.i.us.i, %bb3.us.i ], [ %n, %bb3.us.preheader.i ]
  %_28.i79.us.i = phi ptr [ %_28.i.us.i, %bb3.us.i ], [ %x, %bb3.us.preheader.i ]
  %new_len.i.us.i = add i64 %new_len.i610.us.i, -1
  %_28.i.us.i = getelementptr inbounds nuw i8, ptr %_28.i79.us.i, i64 8
  %_7.i.i.us.i = load double, ptr %_28.i.us.i, align 8, !alias.scope !16, !noalias !21, !noundef !4
  %_3.i.i.us.i = fmul double %_4.i.i.us.i, %_7.i.i.us.i
  %12 = getelementptr inbounds nuw i8, ptr %_28.i79.us.i, i64 16
  %_9.i.i.us.i = load double, ptr %12, align 8, !alias.scope !16, !noalias !21, !noundef !4
  %_0.i.i.us.i = fmul double %_3.i.i.us.i, %_9.i.i.us.i
  %_0.i1.i.us.i = fadd double %accum.sroa.0.011.us.i, %_0.i.i.us.i
  %_2.i.us.i = icmp ult i64 %new_len.i610.us.i, 4
  br i1 %_2.i.us.i, label %_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE.exit.loopexit, label %bb3.us.i

_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE.exit.loopexit: ; preds = %bb3.us.i
  %13 = fadd double %_0.i.i.i.lcssa, %_0.i1.i.us.i
  br label %_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE.exit

_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE.exit: ; preds = %_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE.exit.loopexit, %start, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit"
  %accum.sroa.0.0.lcssa.i4 = phi double [ %_0.i.i.i.lcssa, %"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E.exit" ], [ -0.000000e+00, %start ], [ %13, %_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE.exit.loopexit ]
  ret double %accum.sroa.0.0.lcssa.i4
}

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable
define noundef double @energy(ptr noundef readonly captures(none) %x, i64 noundef %n) unnamed_addr #3 {
start:
  %_165.not = icmp eq i64 %n, 0
  br i1 %_165.not, label %bb4, label %bb2.preheader

bb2.preheader:                                    ; preds = %start
  %xtraiter = and i64 %n, 1
  %0 = icmp eq i64 %n, 1
  br i1 %0, label %bb2.epil.preheader, label %bb2.preheader.new

bb2.preheader.new:                                ; preds = %bb2.preheader
  %unroll_iter = and i64 %n, -2
  br label %bb2

bb4.loopexit.unr-lcssa:                           ; preds = %bb2
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %bb4, label %bb2.epil.preheader

bb2.epil.preheader:                               ; preds = %bb4.loopexit.unr-lcssa, %bb2.preheader
  %s.sroa.0.07.epil.init = phi double [ 0.000000e+00, %bb2.preheader ], [ %17, %bb4.loopexit.unr-lcssa ]
  %iter.sroa.0.06.epil.init = phi i64 [ 0, %bb2.preheader ], [ %11, %bb4.loopexit.unr-lcssa ]
  %lcmp.mod9 = icmp ne i64 %xtraiter, 0
  tail call void @llvm.assume(i1 %lcmp.mod9)
  %1 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.06.epil.init
  %_8.epil = load double, ptr %1, align 8, !noundef !4
  %2 = tail call double @llvm.powi.f64.i32(double %_8.epil, i32 3)
  %3 = tail call double @llvm.sin.f64(double %_8.epil)
  %_6.epil = fmul double %2, %3
  %_13.epil = fmul double %_8.epil, 5.000000e-01
  %4 = tail call double @llvm.exp.f64(double %_13.epil)
  %_5.epil = fadd double %_6.epil, %4
  %5 = fadd double %s.sroa.0.07.epil.init, %_5.epil
  br label %bb4

bb4:                                              ; preds = %bb2.epil.preheader, %bb4.loopexit.unr-lcssa, %start
  %s.sroa.0.0.lcssa = phi double [ 0.000000e+00, %start ], [ %17, %bb4.loopexit.unr-lcssa ], [ %5, %bb2.epil.preheader ]
  ret double %s.sroa.0.0.lcssa

bb2:                                              ; preds = %bb2, %bb2.preheader.new
  %s.sroa.0.07 = phi double [ 0.000000e+00, %bb2.preheader.new ], [ %17, %bb2 ]
  %iter.sroa.0.06 = phi i64 [ 0, %bb2.preheader.new ], [ %11, %bb2 ]
  %niter = phi i64 [ 0, %bb2.preheader.new ], [ %niter.next.1, %bb2 ]
  %6 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.06
  %_8 = load double, ptr %6, align 8, !noundef !4
  %7 = tail call double @llvm.powi.f64.i32(double %_8, i32 3)
  %8 = tail call double @llvm.sin.f64(double %_8)
  %_6 = fmul double %7, %8
  %_13 = fmul double %_8, 5.000000e-01
  %9 = tail call double @llvm.exp.f64(double %_13)
  %_5 = fadd double %_6, %9
  %10 = fadd double %s.sroa.0.07, %_5
  %11 = add nuw i64 %iter.sroa.0.06, 2
  %12 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.06
  %13 = getelementptr inbounds nuw i8, ptr %12, i64 8
  %_8.1 = load double, ptr %13, align 8, !noundef !4
  %14 = tail call double @llvm.powi.f64.i32(double %_8.1, i32 3)
  %15 = tail call double @llvm.sin.f64(double %_8.1)
  %_6.1 = fmul double %14, %15
  %_13.1 = fmul double %_8.1, 5.000000e-01
  %16 = tail call double @llvm.exp.f64(double %_13.1)
  %_5.1 = fadd double %_6.1, %16
  %17 = fadd double %10, %_5.1
  %niter.next.1 = add i64 %niter, 2
  %niter.ncmp.1 = icmp eq i64 %niter.next.1, %unroll_iter
  br i1 %niter.ncmp.1, label %bb4.loopexit.unr-lcssa, label %bb2
}

; Function Attrs: nounwind nonlazybind uwtable
define noundef double @gather(ptr noundef readonly captures(none) %x, ptr noundef readonly captures(address) %idx, i64 noundef %n, i64 noundef %m) unnamed_addr #4 {
start:
  %0 = icmp ne ptr %idx, null
  tail call void @llvm.assume(i1 %0)
  %_20.idx = shl nuw nsw i64 %m, 3
  %_20 = getelementptr inbounds nuw i8, ptr %idx, i64 %_20.idx
  %_273 = icmp eq i64 %m, 0
  br i1 %_273, label %bb3, label %bb4

bb4:                                              ; preds = %start, %bb2
  %s.sroa.0.05 = phi double [ %2, %bb2 ], [ 0.000000e+00, %start ]
  %iter.sroa.0.04 = phi ptr [ %_33, %bb2 ], [ %idx, %start ]
  %k = load i64, ptr %iter.sroa.0.04, align 8, !noundef !4
  %_11 = icmp ult i64 %k, %n
  br i1 %_11, label %bb2, label %panic

bb3:                                              ; preds = %bb2, %start
  %s.sroa.0.0.lcssa = phi double [ 0.000000e+00, %start ], [ %2, %bb2 ]
  ret double %s.sroa.0.0.lcssa

bb2:                                              ; preds = %bb4
  %_33 = getelementptr inbounds nuw i8, ptr %iter.sroa.0.04, i64 8
  %1 = getelementptr inbounds nuw double, ptr %x, i64 %k
  %_9 = load double, ptr %1, align 8, !noundef !4
  %_12 = tail call noundef double @log1p(double noundef %_9) #18
  %_8 = fmul double %_9, %_12
  %2 = fadd double %s.sroa.0.05, %_8
  %_27 = icmp eq ptr %_33, %_20
  br i1 %_27, label %bb3, label %bb4

panic:                                            ; preds = %bb4
; call core::panicking::panic_bounds_check
  tail call void @_RNvNtCsgEmfK2I1SDS_4core9panicking18panic_bounds_check(i64 noundef %k, i64 noundef %n, ptr noalias noundef readonly align 8 captures(address, read_provenance) dereferenceable(24) @alloc_2a51851230eadd0e18ab3fa526df0b0e) #20
  unreachable
}

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: readwrite) uwtable
define void @rk4(ptr noundef captures(none) %y, double noundef %k, double noundef %h, i64 noundef %steps) unnamed_addr #5 {
start:
  %_355.not = icmp eq i64 %steps, 0
  br i1 %_355.not, label %bb3, label %bb2.lr.ph

bb2.lr.ph:                                        ; preds = %start
  %_39 = fneg double %k
  %_10 = fmul double %h, 5.000000e-01
  %_22 = fdiv double %h, 6.000000e+00
  %0 = load <2 x double>, ptr %y, align 8
  %1 = insertelement <2 x double> poison, double %_22, i64 0
  %2 = shufflevector <2 x double> %1, <2 x double> poison, <2 x i32> zeroinitializer
  br label %bb2

bb1.bb3_crit_edge:                                ; preds = %bb2
  store <2 x double> %27, ptr %y, align 8
  br label %bb3

bb3:                                              ; preds = %bb1.bb3_crit_edge, %start
  ret void

bb2:                                              ; preds = %bb2.lr.ph, %bb2
  %iter.sroa.0.06 = phi i64 [ 0, %bb2.lr.ph ], [ %_36, %bb2 ]
  %3 = phi <2 x double> [ %0, %bb2.lr.ph ], [ %27, %bb2 ]
  %_36 = add nuw i64 %iter.sroa.0.06, 1
  %4 = extractelement <2 x double> %3, i64 0
  %5 = tail call double @llvm.sin.f64(double %4)
  %b1 = fmul double %5, %_39
  %6 = extractelement <2 x double> %3, i64 1
  %_9 = fmul double %_10, %6
  %_8 = fadd double %4, %_9
  %_12 = fmul double %_10, %b1
  %a2 = fadd double %6, %_12
  %7 = tail call double @llvm.sin.f64(double %_8)
  %b2 = fmul double %7, %_39
  %_14 = fmul double %_10, %a2
  %_13 = fadd double %4, %_14
  %_16 = fmul double %_10, %b2
  %a3 = fadd double %6, %_16
  %8 = tail call double @llvm.sin.f64(double %_13)
  %b3 = fmul double %8, %_39
  %_18 = fmul double %h, %a3
  %_17 = fadd double %4, %_18
  %_20 = fmul double %h, %b3
  %a4 = fadd double %6, %_20
  %9 = tail call double @llvm.sin.f64(double %_17)
  %10 = fmul double %k, %9
  %11 = insertelement <2 x double> poison, double %a2, i64 0
  %12 = insertelement <2 x double> %11, double %b2, i64 1
  %13 = fmul <2 x double> %12, splat (double 2.000000e+00)
  %14 = shufflevector <2 x double> %3, <2 x double> poison, <2 x i32> <i32 1, i32 poison>
  %15 = insertelement <2 x double> %14, double %b1, i64 1
  %16 = fadd <2 x double> %15, %13
  %17 = insertelement <2 x double> poison, double %a3, i64 0
  %18 = insertelement <2 x double> %17, double %b3, i64 1
  %19 = fmul <2 x double> %18, splat (double 2.000000e+00)
  %20 = fadd <2 x double> %16, %19
  %21 = insertelement <2 x double> poison, double %a4, i64 0
  %22 = insertelement <2 x double> %21, double %10, i64 1
  %23 = fadd <2 x double> %20, %22
  %24 = fsub <2 x double> %20, %22
  %25 = shufflevector <2 x double> %23, <2 x double> %24, <2 x i32> <i32 0, i32 3>
  %26 = fmul <2 x double> %2, %25
  %27 = fadd <2 x double> %3, %26
  %exitcond.not = icmp eq i64 %_36, %steps
  br i1 %exitcond.not, label %bb1.bb3_crit_edge, label %bb2
}

; Function Attrs: nounwind nonlazybind uwtable
define noundef double @vectors(ptr noundef readonly captures(address_is_null) %x, i64 noundef %n) unnamed_addr #4 personality ptr @rust_eh_personality {
start:
  %x50 = ptrtoint ptr %x to i64
  %p = alloca [24 x i8], align 8
  %_33.0.i.i = shl i64 %n, 3
  %_33.1.i.i = icmp ult i64 %n, 2305843009213693952
  %_38.i.i = icmp ult i64 %_33.0.i.i, 9223372036854775801
  %or.cond.i.i = and i1 %_33.1.i.i, %_38.i.i
  br i1 %or.cond.i.i, label %bb18.i.i, label %bb14.i, !prof !10

bb18.i.i:                                         ; preds = %start
  %0 = icmp eq i64 %_33.0.i.i, 0
  br i1 %0, label %"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit", label %bb3.i1.i

bb3.i1.i:                                         ; preds = %bb18.i.i
; call __rustc::__rust_no_alloc_shim_is_unstable_v2
  tail call void @_RNvCsfLfy6EI15iL_7___rustc35___rust_no_alloc_shim_is_unstable_v2() #18, !noalias !24
; call __rustc::__rust_alloc_zeroed
  %1 = tail call noundef align 8 ptr @_RNvCsfLfy6EI15iL_7___rustc19___rust_alloc_zeroed(i64 noundef range(i64 1, 9223372036854775801) %_33.0.i.i, i64 noundef 8) #18, !noalias !24
  %2 = icmp eq ptr %1, null
  br i1 %2, label %bb14.i, label %bb10.i.i

bb10.i.i:                                         ; preds = %bb3.i1.i
  %3 = ptrtoint ptr %1 to i64
  br label %"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit"

bb14.i:                                           ; preds = %bb3.i1.i, %start
  %_16.sroa.4.0.ph.i = phi i64 [ 8, %bb3.i1.i ], [ 0, %start ]
; call alloc::raw_vec::handle_error
  tail call void @_RNvNtCslNYArtu3iFV_5alloc7raw_vec12handle_error(i64 noundef %_16.sroa.4.0.ph.i, i64 %_33.0.i.i) #19, !noalias !29
  unreachable

"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit": ; preds = %bb18.i.i, %bb10.i.i
  %_16.sroa.4.0.i = phi i64 [ %n, %bb10.i.i ], [ 0, %bb18.i.i ]
  %_16.sroa.10.0.i = phi i64 [ %3, %bb10.i.i ], [ 8, %bb18.i.i ]
  %4 = inttoptr i64 %_16.sroa.10.0.i to ptr
  %_2922.not = icmp eq i64 %n, 0
  br i1 %_2922.not, label %bb12, label %bb14.preheader

bb14.preheader:                                   ; preds = %"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit"
  %min.iters.check = icmp eq i64 %n, 1
  %5 = sub i64 %_16.sroa.10.0.i, %x50
  %diff.check = icmp ult i64 %5, 16
  %or.cond = or i1 %min.iters.check, %diff.check
  br i1 %or.cond, label %bb14.preheader65, label %vector.ph

vector.ph:                                        ; preds = %bb14.preheader
  %n.vec = and i64 %n, 2305843009213693950
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %6 = getelementptr inbounds nuw double, ptr %x, i64 %index
  %wide.load = load <2 x double>, ptr %6, align 8
  %7 = tail call <2 x double> @llvm.exp.v2f64(<2 x double> %wide.load)
  %8 = getelementptr inbounds nuw double, ptr %4, i64 %index
  store <2 x double> %7, ptr %8, align 8
  %index.next = add nuw i64 %index, 2
  %9 = icmp eq i64 %index.next, %n.vec
  br i1 %9, label %middle.block, label %vector.body, !llvm.loop !30

middle.block:                                     ; preds = %vector.body
  %cmp.n = icmp eq i64 %n, %n.vec
  br i1 %cmp.n, label %bb12, label %bb14.preheader65

bb14.preheader65:                                 ; preds = %bb14.preheader, %middle.block
  %iter.sroa.0.023.ph = phi i64 [ 0, %bb14.preheader ], [ %n.vec, %middle.block ]
  %10 = sub nsw i64 %n, %iter.sroa.0.023.ph
  %xtraiter = and i64 %10, 3
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %bb14.prol.loopexit, label %bb14.prol

bb14.prol:                                        ; preds = %bb14.preheader65, %bb14.prol
  %iter.sroa.0.023.prol = phi i64 [ %11, %bb14.prol ], [ %iter.sroa.0.023.ph, %bb14.preheader65 ]
  %prol.iter = phi i64 [ %prol.iter.next, %bb14.prol ], [ 0, %bb14.preheader65 ]
  %11 = add nuw i64 %iter.sroa.0.023.prol, 1
  %12 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.023.prol
  %_8.prol = load double, ptr %12, align 8, !noundef !4
  %13 = tail call double @llvm.exp.f64(double %_8.prol)
  %_10.prol = getelementptr inbounds nuw double, ptr %4, i64 %iter.sroa.0.023.prol
  store double %13, ptr %_10.prol, align 8
  %prol.iter.next = add i64 %prol.iter, 1
  %prol.iter.cmp.not = icmp eq i64 %prol.iter.next, %xtraiter
  br i1 %prol.iter.cmp.not, label %bb14.prol.loopexit, label %bb14.prol, !llvm.loop !33

bb14.prol.loopexit:                               ; preds = %bb14.prol, %bb14.preheader65
  %iter.sroa.0.023.unr = phi i64 [ %iter.sroa.0.023.ph, %bb14.preheader65 ], [ %11, %bb14.prol ]
  %14 = sub nsw i64 %iter.sroa.0.023.ph, %n
  %15 = icmp ugt i64 %14, -4
  br i1 %15, label %bb12, label %bb14

bb12:                                             ; preds = %bb14.prol.loopexit, %bb14, %middle.block, %"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit"
  %_46 = getelementptr inbounds nuw double, ptr %4, i64 %n
  %16 = ptrtoint ptr %_46 to i64
  %17 = sub nuw i64 %16, %_16.sroa.10.0.i
  %18 = lshr exact i64 %17, 3
  %..i.i.i = tail call noundef i64 @llvm.umin.i64(i64 range(i64 0, 1152921504606846976) %n, i64 %18)
  %_33.0.i.i.i = shl nuw i64 %..i.i.i, 3
  %_38.i.i.i = icmp samesign ult i64 %..i.i.i, 1152921504606846976
  br i1 %_38.i.i.i, label %bb18.i.i.i, label %bb3.i.i, !prof !10

bb18.i.i.i:                                       ; preds = %bb12
  %19 = icmp eq i64 %..i.i.i, 0
  br i1 %19, label %"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit", label %bb3.i.i.i

bb3.i.i.i:                                        ; preds = %bb18.i.i.i
; call __rustc::__rust_no_alloc_shim_is_unstable_v2
  tail call void @_RNvCsfLfy6EI15iL_7___rustc35___rust_no_alloc_shim_is_unstable_v2() #18, !noalias !34
; call __rustc::__rust_alloc
  %20 = tail call noundef align 8 ptr @_RNvCsfLfy6EI15iL_7___rustc12___rust_alloc(i64 noundef range(i64 0, 9223372036854775801) %_33.0.i.i.i, i64 noundef 8) #18, !noalias !34
  %21 = icmp eq ptr %20, null
  br i1 %21, label %bb3.i.i, label %bb14.lr.ph.i.i.i.i.i.i.i

bb3.i.i:                                          ; preds = %bb3.i.i.i, %bb12
  %_4.sroa.4.0.ph.i.i = phi i64 [ 8, %bb3.i.i.i ], [ 0, %bb12 ]
; call alloc::raw_vec::handle_error
  tail call void @_RNvNtCslNYArtu3iFV_5alloc7raw_vec12handle_error(i64 noundef %_4.sroa.4.0.ph.i.i, i64 %_33.0.i.i.i) #19, !noalias !40
  unreachable

bb14.lr.ph.i.i.i.i.i.i.i:                         ; preds = %bb3.i.i.i
  %22 = icmp ne ptr %x, null
  tail call void @llvm.assume(i1 %22)
  %min.iters.check52 = icmp eq i64 %..i.i.i, 1
  br i1 %min.iters.check52, label %bb14.i.i.i.i.i.i.i.preheader, label %vector.ph53

vector.ph53:                                      ; preds = %bb14.lr.ph.i.i.i.i.i.i.i
  %n.vec55 = and i64 %..i.i.i, 1152921504606846974
  br label %vector.body56

vector.body56:                                    ; preds = %vector.body56, %vector.ph53
  %index57 = phi i64 [ 0, %vector.ph53 ], [ %index.next60, %vector.body56 ]
  %23 = getelementptr inbounds nuw double, ptr %4, i64 %index57
  %24 = getelementptr inbounds nuw double, ptr %x, i64 %index57
  %wide.load58 = load <2 x double>, ptr %23, align 8, !noalias !41
  %wide.load59 = load <2 x double>, ptr %24, align 8, !noalias !41
  %25 = tail call <2 x double> @llvm.cos.v2f64(<2 x double> %wide.load59)
  %26 = fmul <2 x double> %wide.load58, %25
  %27 = getelementptr inbounds nuw double, ptr %20, i64 %index57
  store <2 x double> %26, ptr %27, align 8, !noalias !60
  %index.next60 = add nuw i64 %index57, 2
  %28 = icmp eq i64 %index.next60, %n.vec55
  br i1 %28, label %middle.block61, label %vector.body56, !llvm.loop !67

middle.block61:                                   ; preds = %vector.body56
  %cmp.n62 = icmp eq i64 %..i.i.i, %n.vec55
  br i1 %cmp.n62, label %"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit", label %bb14.i.i.i.i.i.i.i.preheader

bb14.i.i.i.i.i.i.i.preheader:                     ; preds = %bb14.lr.ph.i.i.i.i.i.i.i, %middle.block61
  %.ph = phi i64 [ 0, %bb14.lr.ph.i.i.i.i.i.i.i ], [ %n.vec55, %middle.block61 ]
  br label %bb14.i.i.i.i.i.i.i

bb14.i.i.i.i.i.i.i:                               ; preds = %bb14.i.i.i.i.i.i.i.preheader, %bb14.i.i.i.i.i.i.i
  %29 = phi i64 [ %30, %bb14.i.i.i.i.i.i.i ], [ %.ph, %bb14.i.i.i.i.i.i.i.preheader ]
  %30 = add nuw nsw i64 %29, 1
  %_3.i.i.i.i.i.i.i.i.i = getelementptr inbounds nuw double, ptr %4, i64 %29
  %_3.i2.i.i.i.i.i.i.i.i = getelementptr inbounds nuw double, ptr %x, i64 %29
  %_16.0.val.i.i.i.i.i.i.i = load double, ptr %_3.i.i.i.i.i.i.i.i.i, align 8, !noalias !41, !noundef !4
  %_16.1.val.i.i.i.i.i.i.i = load double, ptr %_3.i2.i.i.i.i.i.i.i.i, align 8, !noalias !41, !noundef !4
  %31 = tail call double @llvm.cos.f64(double %_16.1.val.i.i.i.i.i.i.i)
  %_0.i.i.i.i.i.i.i.i.i = fmul double %_16.0.val.i.i.i.i.i.i.i, %31
  %_3.i.i.i.i.i.i.i.i.i.i = getelementptr inbounds nuw double, ptr %20, i64 %29
  store double %_0.i.i.i.i.i.i.i.i.i, ptr %_3.i.i.i.i.i.i.i.i.i.i, align 8, !noalias !60
  %exitcond.not.i.i.i.i.i.i.i = icmp eq i64 %30, %..i.i.i
  br i1 %exitcond.not.i.i.i.i.i.i.i, label %"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit", label %bb14.i.i.i.i.i.i.i, !llvm.loop !68

"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit": ; preds = %bb14.i.i.i.i.i.i.i, %middle.block61, %bb18.i.i.i
  %32 = phi ptr [ inttoptr (i64 8 to ptr), %bb18.i.i.i ], [ %20, %middle.block61 ], [ %20, %bb14.i.i.i.i.i.i.i ]
  call void @llvm.lifetime.start.p0(ptr nonnull %p)
  store i64 0, ptr %p, align 8
  %33 = getelementptr inbounds nuw i8, ptr %p, i64 8
  store ptr inttoptr (i64 8 to ptr), ptr %33, align 8
  %34 = getelementptr inbounds nuw i8, ptr %p, i64 16
  store i64 0, ptr %34, align 8
  br i1 %_2922.not, label %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit", label %bb16

bb17:                                             ; preds = %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit"
  %_63.pre = load ptr, ptr %33, align 8
  %35 = icmp eq i64 %48, 0
  br i1 %35, label %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit", label %bb8.i.preheader

bb8.i.preheader:                                  ; preds = %bb17
  %36 = add nsw i64 %n, -1
  %umin = tail call i64 @llvm.umin.i64(i64 %18, i64 %36)
  %37 = add nuw nsw i64 %umin, 1
  %xtraiter66 = and i64 %37, 3
  %38 = icmp samesign ult i64 %umin, 3
  br i1 %38, label %bb8.i.epil.preheader, label %bb8.i.preheader.new

bb8.i.preheader.new:                              ; preds = %bb8.i.preheader
  %unroll_iter = and i64 %37, 4611686018427387900
  br label %bb8.i

bb8.i:                                            ; preds = %bb8.i, %bb8.i.preheader.new
  %i.sroa.0.0.i = phi i64 [ 0, %bb8.i.preheader.new ], [ %_27.i.3, %bb8.i ]
  %acc.sroa.0.0.i = phi double [ -0.000000e+00, %bb8.i.preheader.new ], [ %_0.i1.i.i.3, %bb8.i ]
  %niter = phi i64 [ 0, %bb8.i.preheader.new ], [ %niter.next.3, %bb8.i ]
  %_45.i = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i
  %_45.val.i = load double, ptr %_45.i, align 8, !noundef !4
  %_0.i.i.i = tail call noundef double @tanh(double noundef %_45.val.i) #18
  %_0.i1.i.i = fadd double %acc.sroa.0.0.i, %_0.i.i.i
  %39 = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i
  %_45.i.1 = getelementptr inbounds nuw i8, ptr %39, i64 8
  %_45.val.i.1 = load double, ptr %_45.i.1, align 8, !noundef !4
  %_0.i.i.i.1 = tail call noundef double @tanh(double noundef %_45.val.i.1) #18
  %_0.i1.i.i.1 = fadd double %_0.i1.i.i, %_0.i.i.i.1
  %40 = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i
  %_45.i.2 = getelementptr inbounds nuw i8, ptr %40, i64 16
  %_45.val.i.2 = load double, ptr %_45.i.2, align 8, !noundef !4
  %_0.i.i.i.2 = tail call noundef double @tanh(double noundef %_45.val.i.2) #18
  %_0.i1.i.i.2 = fadd double %_0.i1.i.i.1, %_0.i.i.i.2
  %41 = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i
  %_45.i.3 = getelementptr inbounds nuw i8, ptr %41, i64 24
  %_45.val.i.3 = load double, ptr %_45.i.3, align 8, !noundef !4
  %_0.i.i.i.3 = tail call noundef double @tanh(double noundef %_45.val.i.3) #18
  %_0.i1.i.i.3 = fadd double %_0.i1.i.i.2, %_0.i.i.i.3
  %_27.i.3 = add nuw i64 %i.sroa.0.0.i, 4
  %niter.next.3 = add i64 %niter, 4
  %niter.ncmp.3 = icmp eq i64 %niter.next.3, %unroll_iter
  br i1 %niter.ncmp.3, label %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit.loopexit.unr-lcssa", label %bb8.i

"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit.loopexit.unr-lcssa": ; preds = %bb8.i
  %lcmp.mod67.not = icmp eq i64 %xtraiter66, 0
  br i1 %lcmp.mod67.not, label %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit", label %bb8.i.epil.preheader

bb8.i.epil.preheader:                             ; preds = %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit.loopexit.unr-lcssa", %bb8.i.preheader
  %i.sroa.0.0.i.epil.init = phi i64 [ 0, %bb8.i.preheader ], [ %_27.i.3, %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit.loopexit.unr-lcssa" ]
  %acc.sroa.0.0.i.epil.init = phi double [ -0.000000e+00, %bb8.i.preheader ], [ %_0.i1.i.i.3, %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit.loopexit.unr-lcssa" ]
  %lcmp.mod69 = icmp ne i64 %xtraiter66, 0
  tail call void @llvm.assume(i1 %lcmp.mod69)
  br label %bb8.i.epil

bb8.i.epil:                                       ; preds = %bb8.i.epil, %bb8.i.epil.preheader
  %i.sroa.0.0.i.epil = phi i64 [ %_27.i.epil, %bb8.i.epil ], [ %i.sroa.0.0.i.epil.init, %bb8.i.epil.preheader ]
  %acc.sroa.0.0.i.epil = phi double [ %_0.i1.i.i.epil, %bb8.i.epil ], [ %acc.sroa.0.0.i.epil.init, %bb8.i.epil.preheader ]
  %epil.iter = phi i64 [ %epil.iter.next, %bb8.i.epil ], [ 0, %bb8.i.epil.preheader ]
  %_45.i.epil = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i.epil
  %_45.val.i.epil = load double, ptr %_45.i.epil, align 8, !noundef !4
  %_0.i.i.i.epil = tail call noundef double @tanh(double noundef %_45.val.i.epil) #18
  %_0.i1.i.i.epil = fadd double %acc.sroa.0.0.i.epil, %_0.i.i.i.epil
  %_27.i.epil = add nuw i64 %i.sroa.0.0.i.epil, 1
  %epil.iter.next = add i64 %epil.iter, 1
  %epil.iter.cmp.not = icmp eq i64 %epil.iter.next, %xtraiter66
  br i1 %epil.iter.cmp.not, label %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit", label %bb8.i.epil, !llvm.loop !69

"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit": ; preds = %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit.loopexit.unr-lcssa", %bb8.i.epil, %bb17
  %_0.sroa.0.0.i.ph = phi double [ -0.000000e+00, %bb17 ], [ %_0.i1.i.i.3, %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit.loopexit.unr-lcssa" ], [ %_0.i1.i.i.epil, %bb8.i.epil ]
  %p.val.pr = load i64, ptr %p, align 8
  %42 = icmp eq i64 %p.val.pr, 0
  br i1 %42, label %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit", label %bb2.i.i.i.i

bb2.i.i.i.i:                                      ; preds = %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit"
  %alloc_size.i.i.i.i.i = shl nuw i64 %p.val.pr, 3
; call __rustc::__rust_dealloc
  tail call void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr noundef nonnull %_63.pre, i64 noundef %alloc_size.i.i.i.i.i, i64 noundef range(i64 1, -9223372036854775807) 8) #18
  br label %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit"

"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit": ; preds = %"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit", %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit", %bb2.i.i.i.i
  %_0.sroa.0.0.i48 = phi double [ %_0.sroa.0.0.i.ph, %bb2.i.i.i.i ], [ %_0.sroa.0.0.i.ph, %"_ZN91_$LT$core..slice..iter..Iter$LT$T$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h64b400df429de901E.exit" ], [ -0.000000e+00, %"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit" ]
  call void @llvm.lifetime.end.p0(ptr nonnull %p)
  %43 = icmp eq i64 %..i.i.i, 0
  br i1 %43, label %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit14", label %bb2.i.i.i.i12

bb2.i.i.i.i12:                                    ; preds = %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit"
  %alloc_size.i.i.i.i.i13 = shl nuw nsw i64 %..i.i.i, 3
; call __rustc::__rust_dealloc
  tail call void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr noundef nonnull %32, i64 noundef %alloc_size.i.i.i.i.i13, i64 noundef range(i64 1, -9223372036854775807) 8) #18
  br label %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit14"

"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit14": ; preds = %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit", %bb2.i.i.i.i12
  %44 = icmp eq i64 %_16.sroa.4.0.i, 0
  br i1 %44, label %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit17", label %bb2.i.i.i.i15

bb2.i.i.i.i15:                                    ; preds = %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit14"
  %alloc_size.i.i.i.i.i16 = shl nuw i64 %_16.sroa.4.0.i, 3
; call __rustc::__rust_dealloc
  tail call void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr noundef nonnull %4, i64 noundef %alloc_size.i.i.i.i.i16, i64 noundef range(i64 1, -9223372036854775807) 8) #18
  br label %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit17"

"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit17": ; preds = %"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE.exit14", %bb2.i.i.i.i15
  ret double %_0.sroa.0.0.i48

bb16:                                             ; preds = %"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit", %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit"
  %_14.i30 = phi ptr [ %_14.i, %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit" ], [ inttoptr (i64 8 to ptr), %"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit" ]
  %len.i = phi i64 [ %48, %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit" ], [ 0, %"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit" ]
  %iter1.sroa.0.025 = phi i64 [ %45, %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit" ], [ 0, %"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE.exit" ]
  %45 = add nuw nsw i64 %iter1.sroa.0.025, 1
  %exitcond27.not = icmp eq i64 %iter1.sroa.0.025, %18
  br i1 %exitcond27.not, label %panic, label %bb18

bb18:                                             ; preds = %bb16
  %_21 = getelementptr inbounds nuw double, ptr %32, i64 %iter1.sroa.0.025
  %_20 = load double, ptr %_21, align 8, !noundef !4
  %46 = icmp eq i64 %45, %n
  %iv.rem = select i1 %46, i64 0, i64 %45
  %47 = getelementptr inbounds nuw double, ptr %x, i64 %iv.rem
  %_22 = load double, ptr %47, align 8, !noundef !4
  %_19 = fmul double %_20, %_22
  tail call void @llvm.experimental.noalias.scope.decl(metadata !70)
  %self1.i = load i64, ptr %p, align 8, !range !3, !alias.scope !70, !noundef !4
  %_4.i = icmp eq i64 %len.i, %self1.i
  br i1 %_4.i, label %bb1.i, label %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit"

bb1.i:                                            ; preds = %bb18
; call alloc::raw_vec::RawVec<T,A>::grow_one
  call fastcc void @"_ZN5alloc7raw_vec19RawVec$LT$T$C$A$GT$8grow_one17h031750ded5c4e25aE"(ptr noalias noundef nonnull align 8 dereferenceable(24) %p) #21
  %_14.i.pre = load ptr, ptr %33, align 8, !alias.scope !70
  br label %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit"

"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit": ; preds = %bb18, %bb1.i
  %_14.i = phi ptr [ %_14.i30, %bb18 ], [ %_14.i.pre, %bb1.i ]
  %end.i = getelementptr inbounds nuw double, ptr %_14.i, i64 %len.i
  store double %_19, ptr %end.i, align 8, !noalias !70
  %48 = add i64 %len.i, 1
  store i64 %48, ptr %34, align 8
  %exitcond28.not = icmp eq i64 %45, %n
  br i1 %exitcond28.not, label %bb17, label %bb16

panic:                                            ; preds = %bb16
; call core::panicking::panic_bounds_check
  tail call void @_RNvNtCsgEmfK2I1SDS_4core9panicking18panic_bounds_check(i64 noundef %18, i64 noundef %..i.i.i, ptr noalias noundef readonly align 8 captures(address, read_provenance) dereferenceable(24) @alloc_46075dc626f51044e8c5140564bea0b7) #20
  unreachable

bb14:                                             ; preds = %bb14.prol.loopexit, %bb14
  %iter.sroa.0.023 = phi i64 [ %58, %bb14 ], [ %iter.sroa.0.023.unr, %bb14.prol.loopexit ]
  %49 = add nuw i64 %iter.sroa.0.023, 1
  %50 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.023
  %_8 = load double, ptr %50, align 8, !noundef !4
  %51 = tail call double @llvm.exp.f64(double %_8)
  %_10 = getelementptr inbounds nuw double, ptr %4, i64 %iter.sroa.0.023
  store double %51, ptr %_10, align 8
  %52 = add nuw i64 %iter.sroa.0.023, 2
  %53 = getelementptr inbounds nuw double, ptr %x, i64 %49
  %_8.1 = load double, ptr %53, align 8, !noundef !4
  %54 = tail call double @llvm.exp.f64(double %_8.1)
  %_10.1 = getelementptr inbounds nuw double, ptr %4, i64 %49
  store double %54, ptr %_10.1, align 8
  %55 = add nuw i64 %iter.sroa.0.023, 3
  %56 = getelementptr inbounds nuw double, ptr %x, i64 %52
  %_8.2 = load double, ptr %56, align 8, !noundef !4
  %57 = tail call double @llvm.exp.f64(double %_8.2)
  %_10.2 = getelementptr inbounds nuw double, ptr %4, i64 %52
  store double %57, ptr %_10.2, align 8
  %58 = add nuw i64 %iter.sroa.0.023, 4
  %59 = getelementptr inbounds nuw double, ptr %x, i64 %55
  %_8.3 = load double, ptr %59, align 8, !noundef !4
  %60 = tail call double @llvm.exp.f64(double %_8.3)
  %_10.3 = getelementptr inbounds nuw double, ptr %4, i64 %55
  store double %60, ptr %_10.3, align 8
  %exitcond.not.3 = icmp eq i64 %58, %n
  br i1 %exitcond.not.3, label %bb12, label %bb14, !llvm.loop !73
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #6

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.start.p0(ptr captures(none)) #7

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.end.p0(ptr captures(none)) #7

; __rustc::__rust_dealloc
; Function Attrs: nounwind nonlazybind allockind("free") uwtable
declare void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr allocptr noundef captures(address), i64 noundef, i64 noundef range(i64 1, -9223372036854775807)) unnamed_addr #8

; __rustc::__rust_realloc
; Function Attrs: nounwind nonlazybind allockind("realloc,aligned") allocsize(3) uwtable
declare noalias noundef ptr @_RNvCsfLfy6EI15iL_7___rustc14___rust_realloc(ptr allocptr noundef, i64 noundef, i64 allocalign noundef range(i64 1, -9223372036854775807), i64 noundef) unnamed_addr #9

; __rustc::__rust_no_alloc_shim_is_unstable_v2
; Function Attrs: nounwind nonlazybind uwtable
declare void @_RNvCsfLfy6EI15iL_7___rustc35___rust_no_alloc_shim_is_unstable_v2() unnamed_addr #4

; __rustc::__rust_alloc
; Function Attrs: nounwind nonlazybind allockind("alloc,uninitialized,aligned") allocsize(0) uwtable
declare noalias noundef ptr @_RNvCsfLfy6EI15iL_7___rustc12___rust_alloc(i64 noundef, i64 allocalign noundef range(i64 1, -9223372036854775807)) unnamed_addr #10

; __rustc::__rust_alloc_zeroed
; Function Attrs: nounwind nonlazybind allockind("alloc,zeroed,aligned") allocsize(0) uwtable
declare noalias noundef ptr @_RNvCsfLfy6EI15iL_7___rustc19___rust_alloc_zeroed(i64 noundef, i64 allocalign noundef range(i64 1, -9223372036854775807)) unnamed_addr #11

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.usub.sat.i64(i64, i64) #12

; Function Attrs: nounwind nonlazybind uwtable
declare noundef range(i32 0, 10) i32 @rust_eh_personality(i32 noundef, i32 noundef, i64 noundef, ptr noundef, ptr noundef) unnamed_addr #4

; alloc::raw_vec::handle_error
; Function Attrs: cold minsize noreturn nounwind nonlazybind optsize uwtable
declare void @_RNvNtCslNYArtu3iFV_5alloc7raw_vec12handle_error(i64 noundef range(i64 0, -9223372036854775807), i64) unnamed_addr #13

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.powi.f64.i32(double, i32) #12

; core::panicking::panic_bounds_check
; Function Attrs: cold minsize noinline noreturn nounwind nonlazybind optsize uwtable
declare void @_RNvNtCsgEmfK2I1SDS_4core9panicking18panic_bounds_check(i64 noundef, i64 noundef, ptr noalias noundef readonly align 8 captures(address, read_provenance) dereferenceable(24)) unnamed_addr #14

; Function Attrs: mustprogress nocallback nofree nounwind nonlazybind willreturn memory(errnomem: write) uwtable
declare noundef double @tanh(double noundef) unnamed_addr #15

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.cos.f64(double) #12

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.sin.f64(double) #12

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.exp.f64(double) #12

; Function Attrs: mustprogress nocallback nofree nounwind nonlazybind willreturn memory(errnomem: write) uwtable
declare noundef double @log1p(double noundef) unnamed_addr #15

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: readwrite)
declare void @llvm.experimental.noalias.scope.decl(metadata) #16

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umin.i64(i64, i64) #17

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umax.i64(i64, i64) #17

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.exp.v2f64(<2 x double>) #17

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.cos.v2f64(<2 x double>) #17

attributes #0 = { cold noinline nounwind nonlazybind uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #1 = { cold nounwind nonlazybind uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #2 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: read, inaccessiblemem: write) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #3 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #4 = { nounwind nonlazybind uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #5 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: readwrite) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #6 = { mustprogress nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }
attributes #7 = { mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite) }
attributes #8 = { nounwind nonlazybind allockind("free") uwtable "alloc-family"="__rust_alloc" "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #9 = { nounwind nonlazybind allockind("realloc,aligned") allocsize(3) uwtable "alloc-family"="__rust_alloc" "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #10 = { nounwind nonlazybind allockind("alloc,uninitialized,aligned") allocsize(0) uwtable "alloc-family"="__rust_alloc" "alloc-variant-zeroed"="_RNvCsfLfy6EI15iL_7___rustc19___rust_alloc_zeroed" "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #11 = { nounwind nonlazybind allockind("alloc,zeroed,aligned") allocsize(0) uwtable "alloc-family"="__rust_alloc" "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #12 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #13 = { cold minsize noreturn nounwind nonlazybind optsize uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #14 = { cold minsize noinline noreturn nounwind nonlazybind optsize uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #15 = { mustprogress nocallback nofree nounwind nonlazybind willreturn memory(errnomem: write) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #16 = { nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: readwrite) }
attributes #17 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #18 = { nounwind }
attributes #19 = { noreturn nounwind }
attributes #20 = { noinline noreturn nounwind }
attributes #21 = { noinline nounwind }

!llvm.module.flags = !{!0, !1}
!llvm.ident = !{!2}

!0 = !{i32 8, !"PIC Level", i32 2}
!1 = !{i32 2, !"RtLibUseGOT", i32 1}
!2 = !{!"rustc version 1.95.0 (59807616e 2026-04-14)"}
!3 = !{i64 0, i64 -9223372036854775808}
!4 = !{}
!5 = !{!6}
!6 = distinct !{!6, !7, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14grow_amortized17h3fec3f57ab994f2aE: %self"}
!7 = distinct !{!7, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14grow_amortized17h3fec3f57ab994f2aE"}
!8 = !{i64 0, i64 2}
!9 = !{i64 0, i64 -9223372036854775807}
!10 = !{!"branch_weights", i32 2000, i32 2002}
!11 = !{!12}
!12 = distinct !{!12, !13, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E: %self"}
!13 = distinct !{!13, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E"}
!14 = distinct !{!14, !15}
!15 = !{!"llvm.loop.unroll.disable"}
!16 = !{!17, !19}
!17 = distinct !{!17, !18, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17hff360a4b11b96a83E: %w.0"}
!18 = distinct !{!18, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17hff360a4b11b96a83E"}
!19 = distinct !{!19, !20, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E: %elt.0"}
!20 = distinct !{!20, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E"}
!21 = !{!22}
!22 = distinct !{!22, !23, !"_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE: %self"}
!23 = distinct !{!23, !"_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE"}
!24 = !{!25, !27}
!25 = distinct !{!25, !26, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$15try_allocate_in17he171d7a6b031e955E: %_0"}
!26 = distinct !{!26, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$15try_allocate_in17he171d7a6b031e955E"}
!27 = distinct !{!27, !28, !"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE: %_0"}
!28 = distinct !{!28, !"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE"}
!29 = !{!27}
!30 = distinct !{!30, !31, !32}
!31 = !{!"llvm.loop.isvectorized", i32 1}
!32 = !{!"llvm.loop.unroll.runtime.disable"}
!33 = distinct !{!33, !15}
!34 = !{!35, !37, !39}
!35 = distinct !{!35, !36, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$15try_allocate_in17he171d7a6b031e955E: %_0"}
!36 = distinct !{!36, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$15try_allocate_in17he171d7a6b031e955E"}
!37 = distinct !{!37, !38, !"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE: %_0"}
!38 = distinct !{!38, !"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE"}
!39 = distinct !{!39, !38, !"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE: %iterator"}
!40 = !{!37, !39}
!41 = !{!42, !44, !45, !47, !48, !50, !51, !53, !54, !56, !57, !59, !37, !39}
!42 = distinct !{!42, !43, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17h7c0570541520e6f8E: %self"}
!43 = distinct !{!43, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17h7c0570541520e6f8E"}
!44 = distinct !{!44, !43, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17h7c0570541520e6f8E: %f"}
!45 = distinct !{!45, !46, !"_ZN102_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h4aa3251e4defc8d9E: %self"}
!46 = distinct !{!46, !"_ZN102_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h4aa3251e4defc8d9E"}
!47 = distinct !{!47, !46, !"_ZN102_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h4aa3251e4defc8d9E: %f"}
!48 = distinct !{!48, !49, !"_ZN102_$LT$core..iter..adapters..map..Map$LT$I$C$F$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17hfcdc36f1cbf528bbE: %self"}
!49 = distinct !{!49, !"_ZN102_$LT$core..iter..adapters..map..Map$LT$I$C$F$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17hfcdc36f1cbf528bbE"}
!50 = distinct !{!50, !49, !"_ZN102_$LT$core..iter..adapters..map..Map$LT$I$C$F$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17hfcdc36f1cbf528bbE: %g"}
!51 = distinct !{!51, !52, !"_ZN4core4iter6traits8iterator8Iterator8for_each17h86ed57308c952bc7E: %self"}
!52 = distinct !{!52, !"_ZN4core4iter6traits8iterator8Iterator8for_each17h86ed57308c952bc7E"}
!53 = distinct !{!53, !52, !"_ZN4core4iter6traits8iterator8Iterator8for_each17h86ed57308c952bc7E: %f"}
!54 = distinct !{!54, !55, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted17h9ae5c002a6156fe8E: %self"}
!55 = distinct !{!55, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted17h9ae5c002a6156fe8E"}
!56 = distinct !{!56, !55, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted17h9ae5c002a6156fe8E: %iterator"}
!57 = distinct !{!57, !58, !"_ZN97_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$alloc..vec..spec_extend..SpecExtend$LT$T$C$I$GT$$GT$11spec_extend17he222c12bd4cdf140E: %self"}
!58 = distinct !{!58, !"_ZN97_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$alloc..vec..spec_extend..SpecExtend$LT$T$C$I$GT$$GT$11spec_extend17he222c12bd4cdf140E"}
!59 = distinct !{!59, !58, !"_ZN97_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$alloc..vec..spec_extend..SpecExtend$LT$T$C$I$GT$$GT$11spec_extend17he222c12bd4cdf140E: %iterator"}
!60 = !{!61, !63, !65, !42, !44, !45, !47, !48, !50, !51, !53, !54, !56, !57, !59, !37, !39}
!61 = distinct !{!61, !62, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted28_$u7b$$u7b$closure$u7d$$u7d$17h6afec20967833f8aE: %_1"}
!62 = distinct !{!62, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted28_$u7b$$u7b$closure$u7d$$u7d$17h6afec20967833f8aE"}
!63 = distinct !{!63, !64, !"_ZN4core4iter6traits8iterator8Iterator8for_each4call28_$u7b$$u7b$closure$u7d$$u7d$17h66ccbaabd6198de0E: %_1"}
!64 = distinct !{!64, !"_ZN4core4iter6traits8iterator8Iterator8for_each4call28_$u7b$$u7b$closure$u7d$$u7d$17h66ccbaabd6198de0E"}
!65 = distinct !{!65, !66, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hce021139de155945E: %_1"}
!66 = distinct !{!66, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hce021139de155945E"}
!67 = distinct !{!67, !31, !32}
!68 = distinct !{!68, !32, !31}
!69 = distinct !{!69, !15}
!70 = !{!71}
!71 = distinct !{!71, !72, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E: %self"}
!72 = distinct !{!72, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E"}
!73 = distinct !{!73, !31}
