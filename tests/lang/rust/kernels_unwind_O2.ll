; ModuleID = 'kernels.10e27077f27b0680-cgu.0'
source_filename = "kernels.10e27077f27b0680-cgu.0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

@alloc_52455b11b06a8b3e81d0d5ffa7d27448 = private unnamed_addr constant [11 x i8] c"kernels.rs\00", align 1
@alloc_2a51851230eadd0e18ab3fa526df0b0e = private unnamed_addr constant <{ ptr, [16 x i8] }> <{ ptr @alloc_52455b11b06a8b3e81d0d5ffa7d27448, [16 x i8] c"\0A\00\00\00\00\00\00\00.\00\00\00\0E\00\00\00" }>, align 8
@alloc_46075dc626f51044e8c5140564bea0b7 = private unnamed_addr constant <{ ptr, [16 x i8] }> <{ ptr @alloc_52455b11b06a8b3e81d0d5ffa7d27448, [16 x i8] c"\0A\00\00\00\00\00\00\00\22\00\00\00\11\00\00\00" }>, align 8

; core::ptr::drop_in_place<alloc::vec::Vec<f64>>
; Function Attrs: nounwind nonlazybind uwtable
define internal fastcc void @"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE"(ptr noalias noundef nonnull readonly align 8 captures(none) dereferenceable(24) %_1) unnamed_addr #0 personality ptr @rust_eh_personality {
bb4:
  tail call void @llvm.experimental.noalias.scope.decl(metadata !3)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !6)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !9)
  %self1.i.i.i.i1 = load i64, ptr %_1, align 8, !range !12, !alias.scope !13, !noalias !16, !noundef !18
  %0 = icmp eq i64 %self1.i.i.i.i1, 0
  br i1 %0, label %"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E.exit5", label %bb2.i.i.i2

bb2.i.i.i2:                                       ; preds = %bb4
  %alloc_size.i.i.i.i3 = shl nuw i64 %self1.i.i.i.i1, 3
  %1 = getelementptr inbounds nuw i8, ptr %_1, i64 8
  %self3.i.i.i.i4 = load ptr, ptr %1, align 8, !alias.scope !13, !noalias !16, !nonnull !18, !noundef !18
; call __rustc::__rust_dealloc
  tail call void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr noundef nonnull %self3.i.i.i.i4, i64 noundef %alloc_size.i.i.i.i3, i64 noundef range(i64 1, -9223372036854775807) 8) #19, !noalias !19
  br label %"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E.exit5"

"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E.exit5": ; preds = %bb4, %bb2.i.i.i2
  ret void
}

; alloc::raw_vec::RawVec<T,A>::grow_one
; Function Attrs: cold noinline nonlazybind uwtable
define internal fastcc void @"_ZN5alloc7raw_vec19RawVec$LT$T$C$A$GT$8grow_one17h031750ded5c4e25aE"(ptr noalias noundef nonnull align 8 captures(none) dereferenceable(16) %self) unnamed_addr #1 personality ptr @rust_eh_personality {
start:
  %self3.i = alloca [24 x i8], align 8
  %self1 = load i64, ptr %self, align 8, !range !12, !noundef !18
  tail call void @llvm.experimental.noalias.scope.decl(metadata !20)
  %v16.i = shl nuw i64 %self1, 1
  %0 = tail call i64 @llvm.umax.i64(i64 %v16.i, i64 4)
  call void @llvm.lifetime.start.p0(ptr nonnull %self3.i), !noalias !20
; call alloc::raw_vec::RawVecInner<A>::finish_grow
  call fastcc void @"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$11finish_grow17hef360de21f5b824dE"(ptr noalias noundef sret([24 x i8]) align 8 captures(none) dereferenceable(24) %self3.i, ptr noalias noundef nonnull readonly align 8 captures(address, read_provenance) dereferenceable(16) %self, i64 noundef %0)
  %_37.i = load i64, ptr %self3.i, align 8, !range !23, !noalias !20, !noundef !18
  %1 = trunc nuw i64 %_37.i to i1
  %2 = getelementptr inbounds nuw i8, ptr %self3.i, i64 8
  br i1 %1, label %bb18.i, label %bb3

bb18.i:                                           ; preds = %start
  %e.0.i = load i64, ptr %2, align 8, !range !24, !noalias !20, !noundef !18
  %3 = getelementptr inbounds nuw i8, ptr %self3.i, i64 16
  %e.1.i = load i64, ptr %3, align 8, !noalias !20
  call void @llvm.lifetime.end.p0(ptr nonnull %self3.i), !noalias !20
; call alloc::raw_vec::handle_error
  tail call void @_RNvNtCslNYArtu3iFV_5alloc7raw_vec12handle_error(i64 noundef %e.0.i, i64 %e.1.i) #20
  unreachable

bb3:                                              ; preds = %start
  %v.0.i = load ptr, ptr %2, align 8, !noalias !20, !nonnull !18, !noundef !18
  call void @llvm.lifetime.end.p0(ptr nonnull %self3.i), !noalias !20
  %4 = getelementptr inbounds nuw i8, ptr %self, i64 8
  store ptr %v.0.i, ptr %4, align 8, !alias.scope !20
  %5 = icmp sgt i64 %0, -1
  tail call void @llvm.assume(i1 %5)
  store i64 %0, ptr %self, align 8, !alias.scope !20
  ret void
}

; alloc::raw_vec::RawVecInner<A>::finish_grow
; Function Attrs: cold nounwind nonlazybind uwtable
define internal fastcc void @"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$11finish_grow17hef360de21f5b824dE"(ptr dead_on_unwind noalias noundef nonnull writable writeonly sret([24 x i8]) align 8 captures(none) dereferenceable(24) initializes((0, 8)) %_0, ptr noalias noundef nonnull readonly align 8 captures(none) dereferenceable(16) %self, i64 noundef %cap) unnamed_addr #2 {
start:
  %_33.0 = shl i64 %cap, 3
  %_33.1 = icmp ult i64 %cap, 2305843009213693952
  %_38 = icmp ult i64 %_33.0, 9223372036854775801
  %or.cond = and i1 %_33.1, %_38
  br i1 %or.cond, label %bb15, label %bb11, !prof !25

bb15:                                             ; preds = %start
  %self1.i = load i64, ptr %self, align 8, !range !12, !alias.scope !26, !noalias !29, !noundef !18
  %0 = icmp eq i64 %self1.i, 0
  br i1 %0, label %bb5, label %bb3

bb3:                                              ; preds = %bb15
  %alloc_size.i = shl nuw i64 %self1.i, 3
  %1 = getelementptr inbounds nuw i8, ptr %self, i64 8
  %self3.i = load ptr, ptr %1, align 8, !alias.scope !26, !noalias !29, !nonnull !18, !noundef !18
  %cond.i.i = icmp uge i64 %_33.0, %alloc_size.i
  tail call void @llvm.assume(i1 %cond.i.i)
; call __rustc::__rust_realloc
  %raw_ptr.i.i = tail call noundef align 8 ptr @_RNvCsfLfy6EI15iL_7___rustc14___rust_realloc(ptr noundef nonnull %self3.i, i64 noundef %alloc_size.i, i64 noundef 8, i64 noundef range(i64 0, 9223372036854775801) %_33.0) #19
  br label %bb7

bb5:                                              ; preds = %bb15
  %2 = icmp eq i64 %_33.0, 0
  br i1 %2, label %bb9, label %bb1.i.i

bb1.i.i:                                          ; preds = %bb5
; call __rustc::__rust_no_alloc_shim_is_unstable_v2
  tail call void @_RNvCsfLfy6EI15iL_7___rustc35___rust_no_alloc_shim_is_unstable_v2() #19
; call __rustc::__rust_alloc
  %3 = tail call noundef align 8 ptr @_RNvCsfLfy6EI15iL_7___rustc12___rust_alloc(i64 noundef range(i64 0, 9223372036854775801) %_33.0, i64 noundef 8) #19
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
  %raw_ptr.i.i.pn17 = phi ptr [ %raw_ptr.i.i.pn, %bb7 ], [ inttoptr (i64 8 to ptr), %bb5 ]
  %6 = getelementptr inbounds nuw i8, ptr %_0, i64 8
  store ptr %raw_ptr.i.i.pn17, ptr %6, align 8
  br label %bb11

bb11:                                             ; preds = %start, %bb9, %bb8
  %.sink18 = phi i64 [ 16, %bb9 ], [ 16, %bb8 ], [ 8, %start ]
  %_33.0.sink = phi i64 [ %_33.0, %bb9 ], [ %_33.0, %bb8 ], [ 0, %start ]
  %storemerge8 = phi i64 [ 0, %bb9 ], [ 1, %bb8 ], [ 1, %start ]
  %7 = getelementptr inbounds nuw i8, ptr %_0, i64 %.sink18
  store i64 %_33.0.sink, ptr %7, align 8
  store i64 %storemerge8, ptr %_0, align 8
  ret void
}

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: read, inaccessiblemem: readwrite) uwtable
define noundef double @chain(ptr noundef readonly captures(address_is_null) %x, i64 noundef %n) unnamed_addr #3 personality ptr @rust_eh_personality {
bb1:
  %0 = icmp ne ptr %x, null
  tail call void @llvm.assume(i1 %0)
  %1 = tail call noundef range(i64 0, 2305843009213693952) i64 @llvm.usub.sat.i64(i64 %n, i64 1)
  %_206.not.i = icmp ult i64 %n, 2
  br i1 %_206.not.i, label %bb3, label %bb14.lr.ph.i

bb14.lr.ph.i:                                     ; preds = %bb1
  %invariant.gep.i = getelementptr i8, ptr %x, i64 8
  %2 = add i64 %n, -2
  %xtraiter = and i64 %1, 3
  %3 = icmp ult i64 %2, 3
  br i1 %3, label %bb14.i.epil.preheader, label %bb14.lr.ph.i.new

bb14.lr.ph.i.new:                                 ; preds = %bb14.lr.ph.i
  %unroll_iter = and i64 %1, -4
  br label %bb14.i

bb14.i:                                           ; preds = %bb14.i, %bb14.lr.ph.i.new
  %accum.sroa.0.08.i = phi double [ -0.000000e+00, %bb14.lr.ph.i.new ], [ %_0.i.i.i.3, %bb14.i ]
  %iter.sroa.0.07.i = phi i64 [ 0, %bb14.lr.ph.i.new ], [ %_24.i.3, %bb14.i ]
  %niter = phi i64 [ 0, %bb14.lr.ph.i.new ], [ %niter.next.3, %bb14.i ]
  %_3.i.i.i = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.07.i
  %gep.i = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.07.i
  tail call void @llvm.experimental.noalias.scope.decl(metadata !31)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !34)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !36)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !39)
  %_6.i.i.i = load double, ptr %_3.i.i.i, align 8, !alias.scope !41, !noalias !42, !noundef !18
  %_7.i.i.i = load double, ptr %gep.i, align 8, !alias.scope !45, !noalias !46, !noundef !18
  %_5.i.i5.i = fsub double %_6.i.i.i, %_7.i.i.i
  %4 = fmul double %_5.i.i5.i, %_5.i.i5.i
  %_0.i.i.i = fadd double %accum.sroa.0.08.i, %4
  %5 = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.07.i
  %gep.i.1 = getelementptr i8, ptr %5, i64 8
  %_7.i.i.i.1 = load double, ptr %gep.i.1, align 8, !alias.scope !47, !noalias !50, !noundef !18
  %_5.i.i5.i.1 = fsub double %_7.i.i.i, %_7.i.i.i.1
  %6 = fmul double %_5.i.i5.i.1, %_5.i.i5.i.1
  %_0.i.i.i.1 = fadd double %_0.i.i.i, %6
  %7 = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.07.i
  %gep.i.2 = getelementptr i8, ptr %7, i64 16
  %_7.i.i.i.2 = load double, ptr %gep.i.2, align 8, !alias.scope !53, !noalias !56, !noundef !18
  %_5.i.i5.i.2 = fsub double %_7.i.i.i.1, %_7.i.i.i.2
  %8 = fmul double %_5.i.i5.i.2, %_5.i.i5.i.2
  %_0.i.i.i.2 = fadd double %_0.i.i.i.1, %8
  %_24.i.3 = add nuw i64 %iter.sroa.0.07.i, 4
  %9 = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.07.i
  %gep.i.3 = getelementptr i8, ptr %9, i64 24
  %_7.i.i.i.3 = load double, ptr %gep.i.3, align 8, !alias.scope !59, !noalias !62, !noundef !18
  %_5.i.i5.i.3 = fsub double %_7.i.i.i.2, %_7.i.i.i.3
  %10 = fmul double %_5.i.i5.i.3, %_5.i.i5.i.3
  %_0.i.i.i.3 = fadd double %_0.i.i.i.2, %10
  %niter.next.3 = add i64 %niter, 4
  %niter.ncmp.3 = icmp eq i64 %niter.next.3, %unroll_iter
  br i1 %niter.ncmp.3, label %bb2.unr-lcssa, label %bb14.i

bb2.unr-lcssa:                                    ; preds = %bb14.i
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %bb2, label %bb14.i.epil.preheader

bb14.i.epil.preheader:                            ; preds = %bb2.unr-lcssa, %bb14.lr.ph.i
  %accum.sroa.0.08.i.epil.init = phi double [ -0.000000e+00, %bb14.lr.ph.i ], [ %_0.i.i.i.3, %bb2.unr-lcssa ]
  %iter.sroa.0.07.i.epil.init = phi i64 [ 0, %bb14.lr.ph.i ], [ %_24.i.3, %bb2.unr-lcssa ]
  %lcmp.mod12 = icmp ne i64 %xtraiter, 0
  tail call void @llvm.assume(i1 %lcmp.mod12)
  br label %bb14.i.epil

bb14.i.epil:                                      ; preds = %bb14.i.epil, %bb14.i.epil.preheader
  %accum.sroa.0.08.i.epil = phi double [ %accum.sroa.0.08.i.epil.init, %bb14.i.epil.preheader ], [ %_0.i.i.i.epil, %bb14.i.epil ]
  %iter.sroa.0.07.i.epil = phi i64 [ %iter.sroa.0.07.i.epil.init, %bb14.i.epil.preheader ], [ %_24.i.epil, %bb14.i.epil ]
  %epil.iter = phi i64 [ 0, %bb14.i.epil.preheader ], [ %epil.iter.next, %bb14.i.epil ]
  %_24.i.epil = add nuw i64 %iter.sroa.0.07.i.epil, 1
  %_3.i.i.i.epil = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.07.i.epil
  %gep.i.epil = getelementptr double, ptr %invariant.gep.i, i64 %iter.sroa.0.07.i.epil
  tail call void @llvm.experimental.noalias.scope.decl(metadata !31)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !34)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !36)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !39)
  %_6.i.i.i.epil = load double, ptr %_3.i.i.i.epil, align 8, !alias.scope !41, !noalias !42, !noundef !18
  %_7.i.i.i.epil = load double, ptr %gep.i.epil, align 8, !alias.scope !45, !noalias !46, !noundef !18
  %_5.i.i5.i.epil = fsub double %_6.i.i.i.epil, %_7.i.i.i.epil
  %11 = fmul double %_5.i.i5.i.epil, %_5.i.i5.i.epil
  %_0.i.i.i.epil = fadd double %accum.sroa.0.08.i.epil, %11
  %epil.iter.next = add i64 %epil.iter, 1
  %epil.iter.cmp.not = icmp eq i64 %epil.iter.next, %xtraiter
  br i1 %epil.iter.cmp.not, label %bb2, label %bb14.i.epil, !llvm.loop !65

bb2:                                              ; preds = %bb14.i.epil, %bb2.unr-lcssa
  %_0.i.i.i.lcssa = phi double [ %_0.i.i.i.3, %bb2.unr-lcssa ], [ %_0.i.i.i.epil, %bb14.i.epil ]
  %_2.i8.i = icmp eq i64 %n, 2
  br i1 %_2.i8.i, label %bb3, label %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i.preheader"

"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i.preheader": ; preds = %bb2
  %_4.i.i.i.pre = load double, ptr %x, align 8, !alias.scope !67, !noalias !72
  br label %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i"

"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i": ; preds = %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i.preheader", %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i"
  %_4.i.i.i = phi double [ %_7.i.i.i1, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i" ], [ %_4.i.i.i.pre, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i.preheader" ]
  %accum.sroa.0.011.i = phi double [ %_0.i1.i.i, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i" ], [ -0.000000e+00, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i.preheader" ]
  %new_len.i610.i = phi i64 [ %new_len.i.i, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i" ], [ %n, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i.preheader" ]
  %_28.i79.i = phi ptr [ %_28.i.i, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i" ], [ %x, %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i.preheader" ]
  %new_len.i.i = add i64 %new_len.i610.i, -1
  %_28.i.i = getelementptr inbounds nuw i8, ptr %_28.i79.i, i64 8
  %_7.i.i.i1 = load double, ptr %_28.i.i, align 8, !alias.scope !67, !noalias !72, !noundef !18
  %_3.i.i.i2 = fmul double %_4.i.i.i, %_7.i.i.i1
  %12 = getelementptr inbounds nuw i8, ptr %_28.i79.i, i64 16
  %_9.i.i.i = load double, ptr %12, align 8, !alias.scope !67, !noalias !72, !noundef !18
  %_0.i.i.i3 = fmul double %_3.i.i.i2, %_9.i.i.i
  %_0.i1.i.i = fadd double %accum.sroa.0.011.i, %_0.i.i.i3
  %_2.i.i4 = icmp ult i64 %new_len.i610.i, 4
  br i1 %_2.i.i4, label %bb3.loopexit, label %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i"

bb3.loopexit:                                     ; preds = %"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E.exit.i"
  %13 = fadd double %_0.i.i.i.lcssa, %_0.i1.i.i
  br label %bb3

bb3:                                              ; preds = %bb3.loopexit, %bb1, %bb2
  %accum.sroa.0.0.lcssa.i10 = phi double [ %_0.i.i.i.lcssa, %bb2 ], [ -0.000000e+00, %bb1 ], [ %13, %bb3.loopexit ]
  ret double %accum.sroa.0.0.lcssa.i10
}

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable
define noundef double @energy(ptr noundef readonly captures(none) %x, i64 noundef %n) unnamed_addr #4 personality ptr @rust_eh_personality {
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
  %_8.epil = load double, ptr %1, align 8, !noundef !18
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
  %_8 = load double, ptr %6, align 8, !noundef !18
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
  %_8.1 = load double, ptr %13, align 8, !noundef !18
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
define noundef double @gather(ptr noundef readonly captures(none) %x, ptr noundef readonly captures(address) %idx, i64 noundef %n, i64 noundef %m) unnamed_addr #0 personality ptr @rust_eh_personality {
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
  %k = load i64, ptr %iter.sroa.0.04, align 8, !noundef !18
  %_11 = icmp ult i64 %k, %n
  br i1 %_11, label %bb2, label %panic

bb3:                                              ; preds = %bb2, %start
  %s.sroa.0.0.lcssa = phi double [ 0.000000e+00, %start ], [ %2, %bb2 ]
  ret double %s.sroa.0.0.lcssa

bb2:                                              ; preds = %bb4
  %_33 = getelementptr inbounds nuw i8, ptr %iter.sroa.0.04, i64 8
  %1 = getelementptr inbounds nuw double, ptr %x, i64 %k
  %_9 = load double, ptr %1, align 8, !noundef !18
  %_12 = tail call noundef double @log1p(double noundef %_9) #19
  %_8 = fmul double %_9, %_12
  %2 = fadd double %s.sroa.0.05, %_8
  %_27 = icmp eq ptr %_33, %_20
  br i1 %_27, label %bb3, label %bb4

panic:                                            ; preds = %bb4
; invoke core::panicking::panic_bounds_check
  invoke void @_RNvNtCsgEmfK2I1SDS_4core9panicking18panic_bounds_check(i64 noundef %k, i64 noundef %n, ptr noalias noundef readonly align 8 captures(address, read_provenance) dereferenceable(24) @alloc_2a51851230eadd0e18ab3fa526df0b0e) #20
          to label %unreachable unwind label %terminate

terminate:                                        ; preds = %panic
  %3 = landingpad { ptr, i32 }
          filter [0 x ptr] zeroinitializer
; call core::panicking::panic_cannot_unwind
  tail call void @_RNvNtCsgEmfK2I1SDS_4core9panicking19panic_cannot_unwind() #21
  unreachable

unreachable:                                      ; preds = %panic
  unreachable
}

; Function Attrs: nofree norecurse nosync nounwind nonlazybind memory(argmem: readwrite) uwtable
define void @rk4(ptr noundef captures(none) %y, double noundef %k, double noundef %h, i64 noundef %steps) unnamed_addr #5 {
start:
  %_355.not = icmp eq i64 %steps, 0
  br i1 %_355.not, label %bb3, label %bb2.lr.ph

bb2.lr.ph:                                        ; preds = %start
  %0 = getelementptr inbounds nuw i8, ptr %y, i64 8
  %_39 = fneg double %k
  %_10 = fmul double %h, 5.000000e-01
  %_22 = fdiv double %h, 6.000000e+00
  %y.promoted = load double, ptr %y, align 8
  %.promoted = load double, ptr %0, align 8
  br label %bb2

bb1.bb3_crit_edge:                                ; preds = %bb2
  store double %6, ptr %y, align 8
  store double %8, ptr %0, align 8
  br label %bb3

bb3:                                              ; preds = %bb1.bb3_crit_edge, %start
  ret void

bb2:                                              ; preds = %bb2.lr.ph, %bb2
  %p7 = phi double [ %.promoted, %bb2.lr.ph ], [ %8, %bb2 ]
  %1 = phi double [ %y.promoted, %bb2.lr.ph ], [ %6, %bb2 ]
  %iter.sroa.0.06 = phi i64 [ 0, %bb2.lr.ph ], [ %_36, %bb2 ]
  %_36 = add nuw i64 %iter.sroa.0.06, 1
  %2 = tail call double @llvm.sin.f64(double %1)
  %b1 = fmul double %2, %_39
  %_9 = fmul double %_10, %p7
  %_8 = fadd double %1, %_9
  %_12 = fmul double %_10, %b1
  %a2 = fadd double %p7, %_12
  %3 = tail call double @llvm.sin.f64(double %_8)
  %b2 = fmul double %3, %_39
  %_14 = fmul double %_10, %a2
  %_13 = fadd double %1, %_14
  %_16 = fmul double %_10, %b2
  %a3 = fadd double %p7, %_16
  %4 = tail call double @llvm.sin.f64(double %_13)
  %b3 = fmul double %4, %_39
  %_18 = fmul double %h, %a3
  %_17 = fadd double %1, %_18
  %_20 = fmul double %h, %b3
  %a4 = fadd double %p7, %_20
  %5 = tail call double @llvm.sin.f64(double %_17)
  %_26 = fmul double %a2, 2.000000e+00
  %_25 = fadd double %p7, %_26
  %_27 = fmul double %a3, 2.000000e+00
  %_24 = fadd double %_25, %_27
  %_23 = fadd double %_24, %a4
  %_21 = fmul double %_22, %_23
  %6 = fadd double %1, %_21
  %_32 = fmul double %b2, 2.000000e+00
  %_31 = fadd double %b1, %_32
  %_33 = fmul double %b3, 2.000000e+00
  %_30 = fadd double %_31, %_33
  %7 = fmul double %k, %5
  %_29 = fsub double %_30, %7
  %_28 = fmul double %_22, %_29
  %8 = fadd double %p7, %_28
  %exitcond.not = icmp eq i64 %_36, %steps
  br i1 %exitcond.not, label %bb1.bb3_crit_edge, label %bb2
}

; Function Attrs: nounwind nonlazybind uwtable
define noundef double @vectors(ptr noundef readonly captures(address_is_null) %x, i64 noundef %n) unnamed_addr #0 personality ptr @rust_eh_personality {
start:
  %x73 = ptrtoint ptr %x to i64
  %p = alloca [24 x i8], align 8
  %v = alloca [24 x i8], align 8
  call void @llvm.lifetime.start.p0(ptr nonnull %v)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !75)
  %_33.0.i.i = shl i64 %n, 3
  %_33.1.i.i = icmp ult i64 %n, 2305843009213693952
  %_38.i.i = icmp ult i64 %_33.0.i.i, 9223372036854775801
  %or.cond.i.i = and i1 %_33.1.i.i, %_38.i.i
  br i1 %or.cond.i.i, label %bb18.i.i, label %bb14.i, !prof !25

bb18.i.i:                                         ; preds = %start
  %0 = icmp eq i64 %_33.0.i.i, 0
  br i1 %0, label %"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit", label %bb3.i4.i

bb3.i4.i:                                         ; preds = %bb18.i.i
; call __rustc::__rust_no_alloc_shim_is_unstable_v2
  tail call void @_RNvCsfLfy6EI15iL_7___rustc35___rust_no_alloc_shim_is_unstable_v2() #19, !noalias !78
; call __rustc::__rust_alloc_zeroed
  %1 = tail call noundef align 8 ptr @_RNvCsfLfy6EI15iL_7___rustc19___rust_alloc_zeroed(i64 noundef range(i64 1, 9223372036854775801) %_33.0.i.i, i64 noundef 8) #19, !noalias !78
  %2 = icmp eq ptr %1, null
  br i1 %2, label %bb14.i, label %bb10.i.i

bb10.i.i:                                         ; preds = %bb3.i4.i
  %3 = ptrtoint ptr %1 to i64
  br label %"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit"

bb14.i:                                           ; preds = %bb3.i4.i, %start
  %_16.sroa.4.0.ph.i = phi i64 [ 8, %bb3.i4.i ], [ 0, %start ]
; invoke alloc::raw_vec::handle_error
  invoke void @_RNvNtCslNYArtu3iFV_5alloc7raw_vec12handle_error(i64 noundef %_16.sroa.4.0.ph.i, i64 %_33.0.i.i) #20
          to label %.noexc unwind label %terminate

.noexc:                                           ; preds = %bb14.i
  unreachable

"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit": ; preds = %bb18.i.i, %bb10.i.i
  %_16.sroa.4.0.i = phi i64 [ %n, %bb10.i.i ], [ 0, %bb18.i.i ]
  %_16.sroa.10.0.i = phi i64 [ %3, %bb10.i.i ], [ 8, %bb18.i.i ]
  %4 = inttoptr i64 %_16.sroa.10.0.i to ptr
  store i64 %_16.sroa.4.0.i, ptr %v, align 8, !alias.scope !75
  %5 = getelementptr inbounds nuw i8, ptr %v, i64 8
  store ptr %4, ptr %5, align 8, !alias.scope !75
  %6 = getelementptr inbounds nuw i8, ptr %v, i64 16
  store i64 %n, ptr %6, align 8, !alias.scope !75
  %_2941.not = icmp eq i64 %n, 0
  br i1 %_2941.not, label %bb3, label %bb18.preheader

bb18.preheader:                                   ; preds = %"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit"
  %min.iters.check = icmp eq i64 %n, 1
  %7 = sub i64 %_16.sroa.10.0.i, %x73
  %diff.check = icmp ult i64 %7, 16
  %or.cond = or i1 %min.iters.check, %diff.check
  br i1 %or.cond, label %bb18.preheader90, label %vector.ph

vector.ph:                                        ; preds = %bb18.preheader
  %n.vec = and i64 %n, 2305843009213693950
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %8 = getelementptr inbounds nuw double, ptr %x, i64 %index
  %wide.load = load <2 x double>, ptr %8, align 8
  %9 = tail call <2 x double> @llvm.exp.v2f64(<2 x double> %wide.load)
  %10 = getelementptr inbounds nuw double, ptr %4, i64 %index
  store <2 x double> %9, ptr %10, align 8
  %index.next = add nuw i64 %index, 2
  %11 = icmp eq i64 %index.next, %n.vec
  br i1 %11, label %middle.block, label %vector.body, !llvm.loop !81

middle.block:                                     ; preds = %vector.body
  %cmp.n = icmp eq i64 %n, %n.vec
  br i1 %cmp.n, label %bb3, label %bb18.preheader90

bb18.preheader90:                                 ; preds = %bb18.preheader, %middle.block
  %iter.sroa.0.042.ph = phi i64 [ 0, %bb18.preheader ], [ %n.vec, %middle.block ]
  %12 = sub nsw i64 %n, %iter.sroa.0.042.ph
  %xtraiter = and i64 %12, 3
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %bb18.prol.loopexit, label %bb18.prol

bb18.prol:                                        ; preds = %bb18.preheader90, %bb18.prol
  %iter.sroa.0.042.prol = phi i64 [ %13, %bb18.prol ], [ %iter.sroa.0.042.ph, %bb18.preheader90 ]
  %prol.iter = phi i64 [ %prol.iter.next, %bb18.prol ], [ 0, %bb18.preheader90 ]
  %13 = add nuw i64 %iter.sroa.0.042.prol, 1
  %14 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.042.prol
  %_8.prol = load double, ptr %14, align 8, !noundef !18
  %15 = tail call double @llvm.exp.f64(double %_8.prol)
  %_10.prol = getelementptr inbounds nuw double, ptr %4, i64 %iter.sroa.0.042.prol
  store double %15, ptr %_10.prol, align 8
  %prol.iter.next = add i64 %prol.iter, 1
  %prol.iter.cmp.not = icmp eq i64 %prol.iter.next, %xtraiter
  br i1 %prol.iter.cmp.not, label %bb18.prol.loopexit, label %bb18.prol, !llvm.loop !84

bb18.prol.loopexit:                               ; preds = %bb18.prol, %bb18.preheader90
  %iter.sroa.0.042.unr = phi i64 [ %iter.sroa.0.042.ph, %bb18.preheader90 ], [ %13, %bb18.prol ]
  %16 = sub nsw i64 %iter.sroa.0.042.ph, %n
  %17 = icmp ugt i64 %16, -4
  br i1 %17, label %bb3, label %bb18

terminate:                                        ; preds = %bb14.i
  %18 = landingpad { ptr, i32 }
          filter [0 x ptr] zeroinitializer
; call core::panicking::panic_cannot_unwind
  tail call void @_RNvNtCsgEmfK2I1SDS_4core9panicking19panic_cannot_unwind() #21
  unreachable

bb12:                                             ; preds = %bb2.i.i.i2.i21, %bb11, %cleanup
; call core::ptr::drop_in_place<alloc::vec::Vec<f64>>
  call fastcc void @"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE"(ptr noalias noundef align 8 dereferenceable(24) %v) #22
; call core::panicking::panic_cannot_unwind
  tail call void @_RNvNtCsgEmfK2I1SDS_4core9panicking19panic_cannot_unwind() #23
  unreachable

cleanup:                                          ; preds = %bb3.i.i
  %19 = landingpad { ptr, i32 }
          cleanup
  br label %bb12

bb3:                                              ; preds = %bb18.prol.loopexit, %bb18, %middle.block, %"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE.exit"
  %_46 = getelementptr inbounds nuw double, ptr %4, i64 %n
  %20 = ptrtoint ptr %_46 to i64
  %21 = sub nuw i64 %20, %_16.sroa.10.0.i
  %22 = lshr exact i64 %21, 3
  %_0.sroa.0.0.i.i.i = tail call noundef i64 @llvm.umin.i64(i64 range(i64 0, 1152921504606846976) %n, i64 %22)
  %_33.0.i.i.i = shl nuw i64 %_0.sroa.0.0.i.i.i, 3
  %_38.i.i.i = icmp samesign ult i64 %_0.sroa.0.0.i.i.i, 1152921504606846976
  br i1 %_38.i.i.i, label %bb18.i.i.i, label %bb3.i.i, !prof !25

bb18.i.i.i:                                       ; preds = %bb3
  %23 = icmp eq i64 %_0.sroa.0.0.i.i.i, 0
  br i1 %23, label %bb19, label %bb3.i.i.i

bb3.i.i.i:                                        ; preds = %bb18.i.i.i
; call __rustc::__rust_no_alloc_shim_is_unstable_v2
  tail call void @_RNvCsfLfy6EI15iL_7___rustc35___rust_no_alloc_shim_is_unstable_v2() #19, !noalias !85
; call __rustc::__rust_alloc
  %24 = tail call noundef align 8 ptr @_RNvCsfLfy6EI15iL_7___rustc12___rust_alloc(i64 noundef range(i64 0, 9223372036854775801) %_33.0.i.i.i, i64 noundef 8) #19, !noalias !85
  %25 = icmp eq ptr %24, null
  br i1 %25, label %bb3.i.i, label %bb3.lr.ph.i.i.i.i.i.i.i

bb3.i.i:                                          ; preds = %bb3.i.i.i, %bb3
  %_4.sroa.4.0.ph.i.i = phi i64 [ 8, %bb3.i.i.i ], [ 0, %bb3 ]
; invoke alloc::raw_vec::handle_error
  invoke void @_RNvNtCslNYArtu3iFV_5alloc7raw_vec12handle_error(i64 noundef %_4.sroa.4.0.ph.i.i, i64 %_33.0.i.i.i) #20
          to label %.noexc14 unwind label %cleanup

.noexc14:                                         ; preds = %bb3.i.i
  unreachable

bb3.lr.ph.i.i.i.i.i.i.i:                          ; preds = %bb3.i.i.i
  %26 = icmp ne ptr %x, null
  tail call void @llvm.assume(i1 %26)
  %min.iters.check75 = icmp eq i64 %_0.sroa.0.0.i.i.i, 1
  br i1 %min.iters.check75, label %bb3.i.i.i.i.i.i.i.preheader, label %vector.ph76

vector.ph76:                                      ; preds = %bb3.lr.ph.i.i.i.i.i.i.i
  %n.vec78 = and i64 %_0.sroa.0.0.i.i.i, 1152921504606846974
  br label %vector.body79

vector.body79:                                    ; preds = %vector.body79, %vector.ph76
  %index80 = phi i64 [ 0, %vector.ph76 ], [ %index.next83, %vector.body79 ]
  %27 = getelementptr inbounds nuw double, ptr %4, i64 %index80
  %28 = getelementptr inbounds nuw double, ptr %x, i64 %index80
  tail call void @llvm.experimental.noalias.scope.decl(metadata !91)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !94)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !96)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !99)
  %wide.load81 = load <2 x double>, ptr %28, align 8, !alias.scope !101, !noalias !102
  %29 = tail call <2 x double> @llvm.cos.v2f64(<2 x double> %wide.load81)
  %wide.load82 = load <2 x double>, ptr %27, align 8, !alias.scope !122, !noalias !123
  %30 = fmul <2 x double> %wide.load82, %29
  %31 = getelementptr inbounds nuw double, ptr %24, i64 %index80
  store <2 x double> %30, ptr %31, align 8, !noalias !124
  %index.next83 = add nuw i64 %index80, 2
  %32 = icmp eq i64 %index.next83, %n.vec78
  br i1 %32, label %middle.block84, label %vector.body79, !llvm.loop !129

middle.block84:                                   ; preds = %vector.body79
  %cmp.n85 = icmp eq i64 %_0.sroa.0.0.i.i.i, %n.vec78
  br i1 %cmp.n85, label %bb19, label %bb3.i.i.i.i.i.i.i.preheader

bb3.i.i.i.i.i.i.i.preheader:                      ; preds = %bb3.lr.ph.i.i.i.i.i.i.i, %middle.block84
  %.ph = phi i64 [ 0, %bb3.lr.ph.i.i.i.i.i.i.i ], [ %n.vec78, %middle.block84 ]
  br label %bb3.i.i.i.i.i.i.i

bb3.i.i.i.i.i.i.i:                                ; preds = %bb3.i.i.i.i.i.i.i.preheader, %bb3.i.i.i.i.i.i.i
  %33 = phi i64 [ %34, %bb3.i.i.i.i.i.i.i ], [ %.ph, %bb3.i.i.i.i.i.i.i.preheader ]
  %34 = add nuw nsw i64 %33, 1
  %_3.i.i.i.i.i.i.i.i.i = getelementptr inbounds nuw double, ptr %4, i64 %33
  %_3.i3.i.i.i.i.i.i.i.i = getelementptr inbounds nuw double, ptr %x, i64 %33
  tail call void @llvm.experimental.noalias.scope.decl(metadata !91)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !94)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !96)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !99)
  %_6.i.i.i.i.i.i.i.i.i = load double, ptr %_3.i3.i.i.i.i.i.i.i.i, align 8, !alias.scope !101, !noalias !102, !noundef !18
  %35 = tail call double @llvm.cos.f64(double %_6.i.i.i.i.i.i.i.i.i)
  %_7.i.i.i.i.i.i.i.i.i = load double, ptr %_3.i.i.i.i.i.i.i.i.i, align 8, !alias.scope !122, !noalias !123, !noundef !18
  %_0.i.i.i.i.i.i.i.i.i = fmul double %_7.i.i.i.i.i.i.i.i.i, %35
  %_3.i.i.i.i.i.i.i.i.i.i = getelementptr inbounds nuw double, ptr %24, i64 %33
  store double %_0.i.i.i.i.i.i.i.i.i, ptr %_3.i.i.i.i.i.i.i.i.i.i, align 8, !noalias !124
  %exitcond.not.i.i.i.i.i.i.i = icmp eq i64 %34, %_0.sroa.0.0.i.i.i
  br i1 %exitcond.not.i.i.i.i.i.i.i, label %bb19, label %bb3.i.i.i.i.i.i.i, !llvm.loop !130

bb19:                                             ; preds = %bb3.i.i.i.i.i.i.i, %middle.block84, %bb18.i.i.i
  %36 = phi ptr [ inttoptr (i64 8 to ptr), %bb18.i.i.i ], [ %24, %middle.block84 ], [ %24, %bb3.i.i.i.i.i.i.i ]
  call void @llvm.lifetime.start.p0(ptr nonnull %p)
  store i64 0, ptr %p, align 8
  %37 = getelementptr inbounds nuw i8, ptr %p, i64 8
  store ptr inttoptr (i64 8 to ptr), ptr %37, align 8
  %38 = getelementptr inbounds nuw i8, ptr %p, i64 16
  store i64 0, ptr %38, align 8
  br i1 %_2941.not, label %bb7, label %bb20

bb21:                                             ; preds = %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit"
  %_63.pre = load ptr, ptr %37, align 8
  %39 = icmp eq i64 %52, 0
  br i1 %39, label %bb24, label %bb8.i.preheader

bb8.i.preheader:                                  ; preds = %bb21
  %xtraiter91 = and i64 %52, 3
  %40 = icmp ult i64 %len.i, 3
  br i1 %40, label %bb8.i.epil.preheader, label %bb8.i.preheader.new

bb8.i.preheader.new:                              ; preds = %bb8.i.preheader
  %unroll_iter = and i64 %52, -4
  br label %bb8.i

bb8.i:                                            ; preds = %bb8.i, %bb8.i.preheader.new
  %i.sroa.0.0.i = phi i64 [ 0, %bb8.i.preheader.new ], [ %_27.i.3, %bb8.i ]
  %acc.sroa.0.0.i = phi double [ -0.000000e+00, %bb8.i.preheader.new ], [ %_0.i1.i.i.3, %bb8.i ]
  %niter = phi i64 [ 0, %bb8.i.preheader.new ], [ %niter.next.3, %bb8.i ]
  %_45.i = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i
  tail call void @llvm.experimental.noalias.scope.decl(metadata !131)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !134)
  %_3.i.i.i = load double, ptr %_45.i, align 8, !alias.scope !137, !noundef !18
  %_0.i.i.i = tail call noundef double @tanh(double noundef %_3.i.i.i) #19, !noalias !137
  %_0.i1.i.i = fadd double %acc.sroa.0.0.i, %_0.i.i.i
  %41 = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i
  %_45.i.1 = getelementptr inbounds nuw i8, ptr %41, i64 8
  tail call void @llvm.experimental.noalias.scope.decl(metadata !138)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !140)
  %_3.i.i.i.1 = load double, ptr %_45.i.1, align 8, !alias.scope !142, !noundef !18
  %_0.i.i.i.1 = tail call noundef double @tanh(double noundef %_3.i.i.i.1) #19, !noalias !142
  %_0.i1.i.i.1 = fadd double %_0.i1.i.i, %_0.i.i.i.1
  %42 = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i
  %_45.i.2 = getelementptr inbounds nuw i8, ptr %42, i64 16
  tail call void @llvm.experimental.noalias.scope.decl(metadata !143)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !145)
  %_3.i.i.i.2 = load double, ptr %_45.i.2, align 8, !alias.scope !147, !noundef !18
  %_0.i.i.i.2 = tail call noundef double @tanh(double noundef %_3.i.i.i.2) #19, !noalias !147
  %_0.i1.i.i.2 = fadd double %_0.i1.i.i.1, %_0.i.i.i.2
  %43 = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i
  %_45.i.3 = getelementptr inbounds nuw i8, ptr %43, i64 24
  tail call void @llvm.experimental.noalias.scope.decl(metadata !148)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !150)
  %_3.i.i.i.3 = load double, ptr %_45.i.3, align 8, !alias.scope !152, !noundef !18
  %_0.i.i.i.3 = tail call noundef double @tanh(double noundef %_3.i.i.i.3) #19, !noalias !152
  %_0.i1.i.i.3 = fadd double %_0.i1.i.i.2, %_0.i.i.i.3
  %_27.i.3 = add nuw i64 %i.sroa.0.0.i, 4
  %niter.next.3 = add i64 %niter, 4
  %niter.ncmp.3 = icmp eq i64 %niter.next.3, %unroll_iter
  br i1 %niter.ncmp.3, label %bb24.loopexit.unr-lcssa, label %bb8.i

bb20:                                             ; preds = %bb19, %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit"
  %_14.i51 = phi ptr [ %_14.i, %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit" ], [ inttoptr (i64 8 to ptr), %bb19 ]
  %len.i = phi i64 [ %52, %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit" ], [ 0, %bb19 ]
  %iter1.sroa.0.044 = phi i64 [ %44, %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit" ], [ 0, %bb19 ]
  %44 = add nuw nsw i64 %iter1.sroa.0.044, 1
  %exitcond48.not = icmp eq i64 %iter1.sroa.0.044, %22
  br i1 %exitcond48.not, label %panic, label %bb22

cleanup2.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp: ; preds = %bb1.i, %panic
  %lpad.loopexit.split-lp87 = landingpad { ptr, i32 }
          cleanup
  tail call void @llvm.experimental.noalias.scope.decl(metadata !153)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !156)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !159)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !162)
  %self1.i.i.i.i1.i = load i64, ptr %p, align 8, !range !12, !alias.scope !165, !noalias !168, !noundef !18
  %45 = icmp eq i64 %self1.i.i.i.i1.i, 0
  br i1 %45, label %bb11, label %bb2.i.i.i2.i

bb2.i.i.i2.i:                                     ; preds = %cleanup2.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp
  %alloc_size.i.i.i.i3.i = shl nuw i64 %self1.i.i.i.i1.i, 3
  %self3.i.i.i.i4.i = load ptr, ptr %37, align 8, !alias.scope !165, !noalias !168, !nonnull !18, !noundef !18
; call __rustc::__rust_dealloc
  tail call void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr noundef nonnull %self3.i.i.i.i4.i, i64 noundef %alloc_size.i.i.i.i3.i, i64 noundef range(i64 1, -9223372036854775807) 8) #19, !noalias !170
  br label %bb11

bb24.loopexit.unr-lcssa:                          ; preds = %bb8.i
  %lcmp.mod92.not = icmp eq i64 %xtraiter91, 0
  br i1 %lcmp.mod92.not, label %bb24, label %bb8.i.epil.preheader

bb8.i.epil.preheader:                             ; preds = %bb24.loopexit.unr-lcssa, %bb8.i.preheader
  %i.sroa.0.0.i.epil.init = phi i64 [ 0, %bb8.i.preheader ], [ %_27.i.3, %bb24.loopexit.unr-lcssa ]
  %acc.sroa.0.0.i.epil.init = phi double [ -0.000000e+00, %bb8.i.preheader ], [ %_0.i1.i.i.3, %bb24.loopexit.unr-lcssa ]
  %lcmp.mod94 = icmp ne i64 %xtraiter91, 0
  tail call void @llvm.assume(i1 %lcmp.mod94)
  br label %bb8.i.epil

bb8.i.epil:                                       ; preds = %bb8.i.epil, %bb8.i.epil.preheader
  %i.sroa.0.0.i.epil = phi i64 [ %_27.i.epil, %bb8.i.epil ], [ %i.sroa.0.0.i.epil.init, %bb8.i.epil.preheader ]
  %acc.sroa.0.0.i.epil = phi double [ %_0.i1.i.i.epil, %bb8.i.epil ], [ %acc.sroa.0.0.i.epil.init, %bb8.i.epil.preheader ]
  %epil.iter = phi i64 [ %epil.iter.next, %bb8.i.epil ], [ 0, %bb8.i.epil.preheader ]
  %_45.i.epil = getelementptr inbounds nuw double, ptr %_63.pre, i64 %i.sroa.0.0.i.epil
  tail call void @llvm.experimental.noalias.scope.decl(metadata !131)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !134)
  %_3.i.i.i.epil = load double, ptr %_45.i.epil, align 8, !alias.scope !137, !noundef !18
  %_0.i.i.i.epil = tail call noundef double @tanh(double noundef %_3.i.i.i.epil) #19, !noalias !137
  %_0.i1.i.i.epil = fadd double %acc.sroa.0.0.i.epil, %_0.i.i.i.epil
  %_27.i.epil = add nuw i64 %i.sroa.0.0.i.epil, 1
  %epil.iter.next = add i64 %epil.iter, 1
  %epil.iter.cmp.not = icmp eq i64 %epil.iter.next, %xtraiter91
  br i1 %epil.iter.cmp.not, label %bb24, label %bb8.i.epil, !llvm.loop !171

bb24:                                             ; preds = %bb24.loopexit.unr-lcssa, %bb8.i.epil, %bb21
  %_0.sroa.0.0.i.ph = phi double [ -0.000000e+00, %bb21 ], [ %_0.i1.i.i.3, %bb24.loopexit.unr-lcssa ], [ %_0.i1.i.i.epil, %bb8.i.epil ]
  %self1.i.i.i.i1.i15.pr = load i64, ptr %p, align 8, !alias.scope !172, !noalias !183
  tail call void @llvm.experimental.noalias.scope.decl(metadata !185)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !186)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !187)
  tail call void @llvm.experimental.noalias.scope.decl(metadata !188)
  %46 = icmp eq i64 %self1.i.i.i.i1.i15.pr, 0
  br i1 %46, label %bb7, label %bb2.i.i.i2.i16

bb2.i.i.i2.i16:                                   ; preds = %bb24
  %alloc_size.i.i.i.i3.i17 = shl nuw i64 %self1.i.i.i.i1.i15.pr, 3
; call __rustc::__rust_dealloc
  tail call void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr noundef nonnull %_63.pre, i64 noundef %alloc_size.i.i.i.i3.i17, i64 noundef range(i64 1, -9223372036854775807) 8) #19, !noalias !189
  br label %bb7

bb11:                                             ; preds = %bb2.i.i.i2.i, %cleanup2.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp
  %47 = icmp eq i64 %_16.sroa.10.0.i, %20
  br i1 %47, label %bb12, label %bb2.i.i.i2.i21

bb2.i.i.i2.i21:                                   ; preds = %bb11
  %alloc_size.i.i.i.i3.i22 = shl nuw nsw i64 %_0.sroa.0.0.i.i.i, 3
; call __rustc::__rust_dealloc
  tail call void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr noundef nonnull %36, i64 noundef %alloc_size.i.i.i.i3.i22, i64 noundef range(i64 1, -9223372036854775807) 8) #19, !noalias !190
  br label %bb12

bb7:                                              ; preds = %bb19, %bb2.i.i.i2.i16, %bb24
  %_0.sroa.0.0.i70 = phi double [ %_0.sroa.0.0.i.ph, %bb24 ], [ %_0.sroa.0.0.i.ph, %bb2.i.i.i2.i16 ], [ -0.000000e+00, %bb19 ]
  call void @llvm.lifetime.end.p0(ptr nonnull %p)
  %48 = icmp eq i64 %_0.sroa.0.0.i.i.i, 0
  br i1 %48, label %bb8, label %bb2.i.i.i2.i26

bb2.i.i.i2.i26:                                   ; preds = %bb7
  %alloc_size.i.i.i.i3.i27 = shl nuw nsw i64 %_0.sroa.0.0.i.i.i, 3
; call __rustc::__rust_dealloc
  tail call void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr noundef nonnull %36, i64 noundef %alloc_size.i.i.i.i3.i27, i64 noundef range(i64 1, -9223372036854775807) 8) #19, !noalias !199
  br label %bb8

bb8:                                              ; preds = %bb2.i.i.i2.i26, %bb7
  %49 = icmp eq i64 %_16.sroa.4.0.i, 0
  br i1 %49, label %bb9, label %bb2.i.i.i2.i31

bb2.i.i.i2.i31:                                   ; preds = %bb8
  %alloc_size.i.i.i.i3.i32 = shl nuw i64 %_16.sroa.4.0.i, 3
; call __rustc::__rust_dealloc
  tail call void @_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc(ptr noundef nonnull %4, i64 noundef %alloc_size.i.i.i.i3.i32, i64 noundef range(i64 1, -9223372036854775807) 8) #19, !noalias !208
  br label %bb9

bb9:                                              ; preds = %bb2.i.i.i2.i31, %bb8
  call void @llvm.lifetime.end.p0(ptr nonnull %v)
  ret double %_0.sroa.0.0.i70

bb22:                                             ; preds = %bb20
  %_21 = getelementptr inbounds nuw double, ptr %36, i64 %iter1.sroa.0.044
  %_20 = load double, ptr %_21, align 8, !noundef !18
  %50 = icmp eq i64 %44, %n
  %iv.rem = select i1 %50, i64 0, i64 %44
  %51 = getelementptr inbounds nuw double, ptr %x, i64 %iv.rem
  %_22 = load double, ptr %51, align 8, !noundef !18
  %_19 = fmul double %_20, %_22
  tail call void @llvm.experimental.noalias.scope.decl(metadata !217)
  %self1.i = load i64, ptr %p, align 8, !range !12, !alias.scope !217, !noundef !18
  %_4.i = icmp eq i64 %len.i, %self1.i
  br i1 %_4.i, label %bb1.i, label %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit"

bb1.i:                                            ; preds = %bb22
; invoke alloc::raw_vec::RawVec<T,A>::grow_one
  invoke fastcc void @"_ZN5alloc7raw_vec19RawVec$LT$T$C$A$GT$8grow_one17h031750ded5c4e25aE"(ptr noalias noundef nonnull align 8 dereferenceable(24) %p)
          to label %"bb1.i._ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit_crit_edge" unwind label %cleanup2.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp

"bb1.i._ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit_crit_edge": ; preds = %bb1.i
  %_14.i.pre = load ptr, ptr %37, align 8, !alias.scope !217
  br label %"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit"

"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit": ; preds = %"bb1.i._ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit_crit_edge", %bb22
  %_14.i = phi ptr [ %_14.i.pre, %"bb1.i._ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E.exit_crit_edge" ], [ %_14.i51, %bb22 ]
  %end.i = getelementptr inbounds nuw double, ptr %_14.i, i64 %len.i
  store double %_19, ptr %end.i, align 8, !noalias !217
  %52 = add i64 %len.i, 1
  store i64 %52, ptr %38, align 8
  %exitcond49.not = icmp eq i64 %44, %n
  br i1 %exitcond49.not, label %bb21, label %bb20

panic:                                            ; preds = %bb20
; invoke core::panicking::panic_bounds_check
  invoke void @_RNvNtCsgEmfK2I1SDS_4core9panicking18panic_bounds_check(i64 noundef %22, i64 noundef %_0.sroa.0.0.i.i.i, ptr noalias noundef readonly align 8 captures(address, read_provenance) dereferenceable(24) @alloc_46075dc626f51044e8c5140564bea0b7) #20
          to label %unreachable unwind label %cleanup2.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp.loopexit.split-lp

unreachable:                                      ; preds = %panic
  unreachable

bb18:                                             ; preds = %bb18.prol.loopexit, %bb18
  %iter.sroa.0.042 = phi i64 [ %62, %bb18 ], [ %iter.sroa.0.042.unr, %bb18.prol.loopexit ]
  %53 = add nuw i64 %iter.sroa.0.042, 1
  %54 = getelementptr inbounds nuw double, ptr %x, i64 %iter.sroa.0.042
  %_8 = load double, ptr %54, align 8, !noundef !18
  %55 = tail call double @llvm.exp.f64(double %_8)
  %_10 = getelementptr inbounds nuw double, ptr %4, i64 %iter.sroa.0.042
  store double %55, ptr %_10, align 8
  %56 = add nuw i64 %iter.sroa.0.042, 2
  %57 = getelementptr inbounds nuw double, ptr %x, i64 %53
  %_8.1 = load double, ptr %57, align 8, !noundef !18
  %58 = tail call double @llvm.exp.f64(double %_8.1)
  %_10.1 = getelementptr inbounds nuw double, ptr %4, i64 %53
  store double %58, ptr %_10.1, align 8
  %59 = add nuw i64 %iter.sroa.0.042, 3
  %60 = getelementptr inbounds nuw double, ptr %x, i64 %56
  %_8.2 = load double, ptr %60, align 8, !noundef !18
  %61 = tail call double @llvm.exp.f64(double %_8.2)
  %_10.2 = getelementptr inbounds nuw double, ptr %4, i64 %56
  store double %61, ptr %_10.2, align 8
  %62 = add nuw i64 %iter.sroa.0.042, 4
  %63 = getelementptr inbounds nuw double, ptr %x, i64 %59
  %_8.3 = load double, ptr %63, align 8, !noundef !18
  %64 = tail call double @llvm.exp.f64(double %_8.3)
  %_10.3 = getelementptr inbounds nuw double, ptr %4, i64 %59
  store double %64, ptr %_10.3, align 8
  %exitcond.not.3 = icmp eq i64 %62, %n
  br i1 %exitcond.not.3, label %bb3, label %bb18, !llvm.loop !220
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
declare void @_RNvCsfLfy6EI15iL_7___rustc35___rust_no_alloc_shim_is_unstable_v2() unnamed_addr #0

; __rustc::__rust_alloc
; Function Attrs: nounwind nonlazybind allockind("alloc,uninitialized,aligned") allocsize(0) uwtable
declare noalias noundef ptr @_RNvCsfLfy6EI15iL_7___rustc12___rust_alloc(i64 noundef, i64 allocalign noundef range(i64 1, -9223372036854775807)) unnamed_addr #10

; __rustc::__rust_alloc_zeroed
; Function Attrs: nounwind nonlazybind allockind("alloc,zeroed,aligned") allocsize(0) uwtable
declare noalias noundef ptr @_RNvCsfLfy6EI15iL_7___rustc19___rust_alloc_zeroed(i64 noundef, i64 allocalign noundef range(i64 1, -9223372036854775807)) unnamed_addr #11

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.usub.sat.i64(i64, i64) #12

; Function Attrs: nounwind nonlazybind uwtable
declare noundef range(i32 0, 10) i32 @rust_eh_personality(i32 noundef, i32 noundef, i64 noundef, ptr noundef, ptr noundef) unnamed_addr #0

; alloc::raw_vec::handle_error
; Function Attrs: cold minsize noreturn nonlazybind optsize uwtable
declare void @_RNvNtCslNYArtu3iFV_5alloc7raw_vec12handle_error(i64 noundef range(i64 0, -9223372036854775807), i64) unnamed_addr #13

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.powi.f64.i32(double, i32) #12

; core::panicking::panic_bounds_check
; Function Attrs: cold minsize noinline noreturn nonlazybind optsize uwtable
declare void @_RNvNtCsgEmfK2I1SDS_4core9panicking18panic_bounds_check(i64 noundef, i64 noundef, ptr noalias noundef readonly align 8 captures(address, read_provenance) dereferenceable(24)) unnamed_addr #14

; Function Attrs: mustprogress nocallback nofree nounwind nonlazybind willreturn memory(errnomem: write) uwtable
declare noundef double @tanh(double noundef) unnamed_addr #15

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.cos.f64(double) #12

; core::panicking::panic_cannot_unwind
; Function Attrs: cold minsize noinline noreturn nounwind nonlazybind optsize uwtable
declare void @_RNvNtCsgEmfK2I1SDS_4core9panicking19panic_cannot_unwind() unnamed_addr #16

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.sin.f64(double) #12

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.exp.f64(double) #12

; Function Attrs: mustprogress nocallback nofree nounwind nonlazybind willreturn memory(errnomem: write) uwtable
declare noundef double @log1p(double noundef) unnamed_addr #15

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: readwrite)
declare void @llvm.experimental.noalias.scope.decl(metadata) #17

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umin.i64(i64, i64) #18

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umax.i64(i64, i64) #18

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.exp.v2f64(<2 x double>) #18

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.cos.v2f64(<2 x double>) #18

attributes #0 = { nounwind nonlazybind uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #1 = { cold noinline nonlazybind uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #2 = { cold nounwind nonlazybind uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #3 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: read, inaccessiblemem: readwrite) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #4 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: read) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #5 = { nofree norecurse nosync nounwind nonlazybind memory(argmem: readwrite) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #6 = { mustprogress nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }
attributes #7 = { mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite) }
attributes #8 = { nounwind nonlazybind allockind("free") uwtable "alloc-family"="__rust_alloc" "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #9 = { nounwind nonlazybind allockind("realloc,aligned") allocsize(3) uwtable "alloc-family"="__rust_alloc" "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #10 = { nounwind nonlazybind allockind("alloc,uninitialized,aligned") allocsize(0) uwtable "alloc-family"="__rust_alloc" "alloc-variant-zeroed"="_RNvCsfLfy6EI15iL_7___rustc19___rust_alloc_zeroed" "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #11 = { nounwind nonlazybind allockind("alloc,zeroed,aligned") allocsize(0) uwtable "alloc-family"="__rust_alloc" "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #12 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #13 = { cold minsize noreturn nonlazybind optsize uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #14 = { cold minsize noinline noreturn nonlazybind optsize uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #15 = { mustprogress nocallback nofree nounwind nonlazybind willreturn memory(errnomem: write) uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #16 = { cold minsize noinline noreturn nounwind nonlazybind optsize uwtable "probe-stack"="inline-asm" "target-cpu"="x86-64" }
attributes #17 = { nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: readwrite) }
attributes #18 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #19 = { nounwind }
attributes #20 = { noreturn }
attributes #21 = { cold noreturn nounwind }
attributes #22 = { cold }
attributes #23 = { cold noinline noreturn nounwind }

!llvm.module.flags = !{!0, !1}
!llvm.ident = !{!2}

!0 = !{i32 8, !"PIC Level", i32 2}
!1 = !{i32 2, !"RtLibUseGOT", i32 1}
!2 = !{!"rustc version 1.95.0 (59807616e 2026-04-14)"}
!3 = !{!4}
!4 = distinct !{!4, !5, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E: %_1"}
!5 = distinct !{!5, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E"}
!6 = !{!7}
!7 = distinct !{!7, !8, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E: %self"}
!8 = distinct !{!8, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E"}
!9 = !{!10}
!10 = distinct !{!10, !11, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E: %self"}
!11 = distinct !{!11, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E"}
!12 = !{i64 0, i64 -9223372036854775808}
!13 = !{!14, !10, !7, !4}
!14 = distinct !{!14, !15, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE: %self"}
!15 = distinct !{!15, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE"}
!16 = !{!17}
!17 = distinct !{!17, !15, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE: %_0"}
!18 = !{}
!19 = !{!10, !7, !4}
!20 = !{!21}
!21 = distinct !{!21, !22, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14grow_amortized17h3fec3f57ab994f2aE: %self"}
!22 = distinct !{!22, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14grow_amortized17h3fec3f57ab994f2aE"}
!23 = !{i64 0, i64 2}
!24 = !{i64 0, i64 -9223372036854775807}
!25 = !{!"branch_weights", i32 2000, i32 2002}
!26 = !{!27}
!27 = distinct !{!27, !28, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE: %self"}
!28 = distinct !{!28, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE"}
!29 = !{!30}
!30 = distinct !{!30, !28, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE: %_0"}
!31 = !{!32}
!32 = distinct !{!32, !33, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h1f2bc10f9d4b1c19E: %elt.0"}
!33 = distinct !{!33, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h1f2bc10f9d4b1c19E"}
!34 = !{!35}
!35 = distinct !{!35, !33, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h1f2bc10f9d4b1c19E: %elt.1"}
!36 = !{!37}
!37 = distinct !{!37, !38, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17h332dc628804fe116E: %_2.0"}
!38 = distinct !{!38, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17h332dc628804fe116E"}
!39 = !{!40}
!40 = distinct !{!40, !38, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17h332dc628804fe116E: %_2.1"}
!41 = !{!37, !32}
!42 = !{!40, !35, !43}
!43 = distinct !{!43, !44, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E: %self"}
!44 = distinct !{!44, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17hbe326254c55b03a4E"}
!45 = !{!40, !35}
!46 = !{!37, !32, !43}
!47 = !{!48, !49}
!48 = distinct !{!48, !38, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17h332dc628804fe116E: %_2.1:It1"}
!49 = distinct !{!49, !33, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h1f2bc10f9d4b1c19E: %elt.1:It1"}
!50 = !{!51, !52, !43}
!51 = distinct !{!51, !38, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17h332dc628804fe116E: %_2.0:It1"}
!52 = distinct !{!52, !33, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h1f2bc10f9d4b1c19E: %elt.0:It1"}
!53 = !{!54, !55}
!54 = distinct !{!54, !38, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17h332dc628804fe116E: %_2.1:It2"}
!55 = distinct !{!55, !33, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h1f2bc10f9d4b1c19E: %elt.1:It2"}
!56 = !{!57, !58, !43}
!57 = distinct !{!57, !38, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17h332dc628804fe116E: %_2.0:It2"}
!58 = distinct !{!58, !33, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h1f2bc10f9d4b1c19E: %elt.0:It2"}
!59 = !{!60, !61}
!60 = distinct !{!60, !38, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17h332dc628804fe116E: %_2.1:It3"}
!61 = distinct !{!61, !33, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h1f2bc10f9d4b1c19E: %elt.1:It3"}
!62 = !{!63, !64, !43}
!63 = distinct !{!63, !38, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17h332dc628804fe116E: %_2.0:It3"}
!64 = distinct !{!64, !33, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h1f2bc10f9d4b1c19E: %elt.0:It3"}
!65 = distinct !{!65, !66}
!66 = !{!"llvm.loop.unroll.disable"}
!67 = !{!68, !70}
!68 = distinct !{!68, !69, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17hff360a4b11b96a83E: %w.0"}
!69 = distinct !{!69, !"_ZN7kernels5chain28_$u7b$$u7b$closure$u7d$$u7d$17hff360a4b11b96a83E"}
!70 = distinct !{!70, !71, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E: %elt.0"}
!71 = distinct !{!71, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17h584ec7888896cb14E"}
!72 = !{!73}
!73 = distinct !{!73, !74, !"_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE: %self"}
!74 = distinct !{!74, !"_ZN4core4iter6traits8iterator8Iterator4fold17h9cd0986d8879a0ddE"}
!75 = !{!76}
!76 = distinct !{!76, !77, !"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE: %_0"}
!77 = distinct !{!77, !"_ZN62_$LT$T$u20$as$u20$alloc..vec..spec_from_elem..SpecFromElem$GT$9from_elem17h13f60e8a0e2a54daE"}
!78 = !{!79, !76}
!79 = distinct !{!79, !80, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$15try_allocate_in17he171d7a6b031e955E: %_0"}
!80 = distinct !{!80, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$15try_allocate_in17he171d7a6b031e955E"}
!81 = distinct !{!81, !82, !83}
!82 = !{!"llvm.loop.isvectorized", i32 1}
!83 = !{!"llvm.loop.unroll.runtime.disable"}
!84 = distinct !{!84, !66}
!85 = !{!86, !88, !90}
!86 = distinct !{!86, !87, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$15try_allocate_in17he171d7a6b031e955E: %_0"}
!87 = distinct !{!87, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$15try_allocate_in17he171d7a6b031e955E"}
!88 = distinct !{!88, !89, !"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE: %_0"}
!89 = distinct !{!89, !"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE"}
!90 = distinct !{!90, !89, !"_ZN111_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$alloc..vec..spec_from_iter_nested..SpecFromIterNested$LT$T$C$I$GT$$GT$9from_iter17hc6c444d85af8219dE: %iterator"}
!91 = !{!92}
!92 = distinct !{!92, !93, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hce021139de155945E: %elt.0"}
!93 = distinct !{!93, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hce021139de155945E"}
!94 = !{!95}
!95 = distinct !{!95, !93, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hce021139de155945E: %elt.1"}
!96 = !{!97}
!97 = distinct !{!97, !98, !"_ZN7kernels7vectors28_$u7b$$u7b$closure$u7d$$u7d$17he6ba8800fcf55ca1E: %_2.0"}
!98 = distinct !{!98, !"_ZN7kernels7vectors28_$u7b$$u7b$closure$u7d$$u7d$17he6ba8800fcf55ca1E"}
!99 = !{!100}
!100 = distinct !{!100, !98, !"_ZN7kernels7vectors28_$u7b$$u7b$closure$u7d$$u7d$17he6ba8800fcf55ca1E: %_2.1"}
!101 = !{!100, !95}
!102 = !{!97, !103, !92, !104, !106, !107, !109, !110, !112, !113, !115, !116, !118, !119, !121, !88, !90}
!103 = distinct !{!103, !93, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hce021139de155945E: %_1"}
!104 = distinct !{!104, !105, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17h7c0570541520e6f8E: %self"}
!105 = distinct !{!105, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17h7c0570541520e6f8E"}
!106 = distinct !{!106, !105, !"_ZN111_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..adapters..zip..ZipImpl$LT$A$C$B$GT$$GT$4fold17h7c0570541520e6f8E: %f"}
!107 = distinct !{!107, !108, !"_ZN102_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h4aa3251e4defc8d9E: %self"}
!108 = distinct !{!108, !"_ZN102_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h4aa3251e4defc8d9E"}
!109 = distinct !{!109, !108, !"_ZN102_$LT$core..iter..adapters..zip..Zip$LT$A$C$B$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17h4aa3251e4defc8d9E: %f"}
!110 = distinct !{!110, !111, !"_ZN102_$LT$core..iter..adapters..map..Map$LT$I$C$F$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17hfcdc36f1cbf528bbE: %self"}
!111 = distinct !{!111, !"_ZN102_$LT$core..iter..adapters..map..Map$LT$I$C$F$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17hfcdc36f1cbf528bbE"}
!112 = distinct !{!112, !111, !"_ZN102_$LT$core..iter..adapters..map..Map$LT$I$C$F$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4fold17hfcdc36f1cbf528bbE: %g"}
!113 = distinct !{!113, !114, !"_ZN4core4iter6traits8iterator8Iterator8for_each17h86ed57308c952bc7E: %self"}
!114 = distinct !{!114, !"_ZN4core4iter6traits8iterator8Iterator8for_each17h86ed57308c952bc7E"}
!115 = distinct !{!115, !114, !"_ZN4core4iter6traits8iterator8Iterator8for_each17h86ed57308c952bc7E: %f"}
!116 = distinct !{!116, !117, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted17h9ae5c002a6156fe8E: %self"}
!117 = distinct !{!117, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted17h9ae5c002a6156fe8E"}
!118 = distinct !{!118, !117, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted17h9ae5c002a6156fe8E: %iterator"}
!119 = distinct !{!119, !120, !"_ZN97_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$alloc..vec..spec_extend..SpecExtend$LT$T$C$I$GT$$GT$11spec_extend17he222c12bd4cdf140E: %self"}
!120 = distinct !{!120, !"_ZN97_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$alloc..vec..spec_extend..SpecExtend$LT$T$C$I$GT$$GT$11spec_extend17he222c12bd4cdf140E"}
!121 = distinct !{!121, !120, !"_ZN97_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$alloc..vec..spec_extend..SpecExtend$LT$T$C$I$GT$$GT$11spec_extend17he222c12bd4cdf140E: %iterator"}
!122 = !{!97, !92}
!123 = !{!100, !103, !95, !104, !106, !107, !109, !110, !112, !113, !115, !116, !118, !119, !121, !88, !90}
!124 = !{!125, !127, !103, !92, !95, !104, !106, !107, !109, !110, !112, !113, !115, !116, !118, !119, !121, !88, !90}
!125 = distinct !{!125, !126, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted28_$u7b$$u7b$closure$u7d$$u7d$17h6afec20967833f8aE: %_1"}
!126 = distinct !{!126, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$14extend_trusted28_$u7b$$u7b$closure$u7d$$u7d$17h6afec20967833f8aE"}
!127 = distinct !{!127, !128, !"_ZN4core4iter6traits8iterator8Iterator8for_each4call28_$u7b$$u7b$closure$u7d$$u7d$17h66ccbaabd6198de0E: %_1"}
!128 = distinct !{!128, !"_ZN4core4iter6traits8iterator8Iterator8for_each4call28_$u7b$$u7b$closure$u7d$$u7d$17h66ccbaabd6198de0E"}
!129 = distinct !{!129, !82, !83}
!130 = distinct !{!130, !83, !82}
!131 = !{!132}
!132 = distinct !{!132, !133, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hcb90a961e929b82aE: %elt"}
!133 = distinct !{!133, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hcb90a961e929b82aE"}
!134 = !{!135}
!135 = distinct !{!135, !136, !"_ZN7kernels7vectors28_$u7b$$u7b$closure$u7d$$u7d$17h194e9a5a5f4d22abE: %v"}
!136 = distinct !{!136, !"_ZN7kernels7vectors28_$u7b$$u7b$closure$u7d$$u7d$17h194e9a5a5f4d22abE"}
!137 = !{!135, !132}
!138 = !{!139}
!139 = distinct !{!139, !133, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hcb90a961e929b82aE: %elt:It1"}
!140 = !{!141}
!141 = distinct !{!141, !136, !"_ZN7kernels7vectors28_$u7b$$u7b$closure$u7d$$u7d$17h194e9a5a5f4d22abE: %v:It1"}
!142 = !{!141, !139}
!143 = !{!144}
!144 = distinct !{!144, !133, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hcb90a961e929b82aE: %elt:It2"}
!145 = !{!146}
!146 = distinct !{!146, !136, !"_ZN7kernels7vectors28_$u7b$$u7b$closure$u7d$$u7d$17h194e9a5a5f4d22abE: %v:It2"}
!147 = !{!146, !144}
!148 = !{!149}
!149 = distinct !{!149, !133, !"_ZN4core4iter8adapters3map8map_fold28_$u7b$$u7b$closure$u7d$$u7d$17hcb90a961e929b82aE: %elt:It3"}
!150 = !{!151}
!151 = distinct !{!151, !136, !"_ZN7kernels7vectors28_$u7b$$u7b$closure$u7d$$u7d$17h194e9a5a5f4d22abE: %v:It3"}
!152 = !{!151, !149}
!153 = !{!154}
!154 = distinct !{!154, !155, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE: %_1"}
!155 = distinct !{!155, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE"}
!156 = !{!157}
!157 = distinct !{!157, !158, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E: %_1"}
!158 = distinct !{!158, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E"}
!159 = !{!160}
!160 = distinct !{!160, !161, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E: %self"}
!161 = distinct !{!161, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E"}
!162 = !{!163}
!163 = distinct !{!163, !164, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E: %self"}
!164 = distinct !{!164, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E"}
!165 = !{!166, !163, !160, !157, !154}
!166 = distinct !{!166, !167, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE: %self"}
!167 = distinct !{!167, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE"}
!168 = !{!169}
!169 = distinct !{!169, !167, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE: %_0"}
!170 = !{!163, !160, !157, !154}
!171 = distinct !{!171, !66}
!172 = !{!173, !175, !177, !179, !181}
!173 = distinct !{!173, !174, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE: %self"}
!174 = distinct !{!174, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE"}
!175 = distinct !{!175, !176, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E: %self"}
!176 = distinct !{!176, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E"}
!177 = distinct !{!177, !178, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E: %self"}
!178 = distinct !{!178, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E"}
!179 = distinct !{!179, !180, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E: %_1"}
!180 = distinct !{!180, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E"}
!181 = distinct !{!181, !182, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE: %_1"}
!182 = distinct !{!182, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE"}
!183 = !{!184}
!184 = distinct !{!184, !174, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$14current_memory17hf6454b6f02259e4cE: %_0"}
!185 = !{!181}
!186 = !{!179}
!187 = !{!177}
!188 = !{!175}
!189 = !{!175, !177, !179, !181}
!190 = !{!191, !193, !195, !197}
!191 = distinct !{!191, !192, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E: %self"}
!192 = distinct !{!192, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E"}
!193 = distinct !{!193, !194, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E: %self"}
!194 = distinct !{!194, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E"}
!195 = distinct !{!195, !196, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E: %_1"}
!196 = distinct !{!196, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E"}
!197 = distinct !{!197, !198, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE: %_1"}
!198 = distinct !{!198, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE"}
!199 = !{!200, !202, !204, !206}
!200 = distinct !{!200, !201, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E: %self"}
!201 = distinct !{!201, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E"}
!202 = distinct !{!202, !203, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E: %self"}
!203 = distinct !{!203, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E"}
!204 = distinct !{!204, !205, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E: %_1"}
!205 = distinct !{!205, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E"}
!206 = distinct !{!206, !207, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE: %_1"}
!207 = distinct !{!207, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE"}
!208 = !{!209, !211, !213, !215}
!209 = distinct !{!209, !210, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E: %self"}
!210 = distinct !{!210, !"_ZN5alloc7raw_vec20RawVecInner$LT$A$GT$10deallocate17h63873cdfbf365515E"}
!211 = distinct !{!211, !212, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E: %self"}
!212 = distinct !{!212, !"_ZN77_$LT$alloc..raw_vec..RawVec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17ha51f0a1d6d35cdb2E"}
!213 = distinct !{!213, !214, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E: %_1"}
!214 = distinct !{!214, !"_ZN4core3ptr54drop_in_place$LT$alloc..raw_vec..RawVec$LT$f64$GT$$GT$17h19ca5c6d87fe79f7E"}
!215 = distinct !{!215, !216, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE: %_1"}
!216 = distinct !{!216, !"_ZN4core3ptr47drop_in_place$LT$alloc..vec..Vec$LT$f64$GT$$GT$17h40d0221ec1920a8bE"}
!217 = !{!218}
!218 = distinct !{!218, !219, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E: %self"}
!219 = distinct !{!219, !"_ZN5alloc3vec16Vec$LT$T$C$A$GT$8push_mut17h3d7c5f5c20026089E"}
!220 = distinct !{!220, !82}
