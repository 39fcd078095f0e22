; ModuleID = 'energy.c'
source_filename = "energy.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux5.10.0-gnu2.31.0"

; Function Attrs: nofree norecurse nounwind memory(argmem: read, errnomem: write) uwtable
define double @f(ptr noundef readonly captures(none) %0, i64 noundef %1) local_unnamed_addr #0 {
  %3 = icmp sgt i64 %1, 0
  br i1 %3, label %4, label %26

4:                                                ; preds = %2
  %5 = and i64 %1, 3
  %6 = icmp ult i64 %1, 4
  br i1 %6, label %11, label %7

7:                                                ; preds = %4
  %8 = and i64 %1, 9223372036854775804
  br label %28

9:                                                ; preds = %28
  %10 = icmp eq i64 %5, 0
  br i1 %10, label %26, label %11

11:                                               ; preds = %9, %4
  %12 = phi i64 [ 0, %4 ], [ %51, %9 ]
  %13 = phi double [ 0.000000e+00, %4 ], [ %50, %9 ]
  %14 = icmp ne i64 %5, 0
  tail call void @llvm.assume(i1 %14)
  br label %15

15:                                               ; preds = %15, %11
  %16 = phi i64 [ %23, %15 ], [ %12, %11 ]
  %17 = phi double [ %22, %15 ], [ %13, %11 ]
  %18 = phi i64 [ %24, %15 ], [ 0, %11 ]
  %19 = getelementptr inbounds nuw double, ptr %0, i64 %16
  %20 = load double, ptr %19, align 8, !tbaa !10
  %21 = tail call double @sin(double noundef %20) #5, !tbaa !6
  %22 = tail call double @llvm.fmuladd.f64(double %21, double %20, double %17)
  %23 = add nuw nsw i64 %16, 1
  %24 = add i64 %18, 1
  %25 = icmp eq i64 %24, %5
  br i1 %25, label %26, label %15, !llvm.loop !12

26:                                               ; preds = %9, %15, %2
  %27 = phi double [ 0.000000e+00, %2 ], [ %50, %9 ], [ %22, %15 ]
  ret double %27

28:                                               ; preds = %28, %7
  %29 = phi i64 [ 0, %7 ], [ %51, %28 ]
  %30 = phi double [ 0.000000e+00, %7 ], [ %50, %28 ]
  %31 = phi i64 [ 0, %7 ], [ %52, %28 ]
  %32 = getelementptr inbounds nuw double, ptr %0, i64 %29
  %33 = load double, ptr %32, align 8, !tbaa !10
  %34 = tail call double @sin(double noundef %33) #5, !tbaa !6
  %35 = tail call double @llvm.fmuladd.f64(double %34, double %33, double %30)
  %36 = getelementptr inbounds nuw double, ptr %0, i64 %29
  %37 = getelementptr inbounds nuw i8, ptr %36, i64 8
  %38 = load double, ptr %37, align 8, !tbaa !10
  %39 = tail call double @sin(double noundef %38) #5, !tbaa !6
  %40 = tail call double @llvm.fmuladd.f64(double %39, double %38, double %35)
  %41 = getelementptr inbounds nuw double, ptr %0, i64 %29
  %42 = getelementptr inbounds nuw i8, ptr %41, i64 16
  %43 = load double, ptr %42, align 8, !tbaa !10
  %44 = tail call double @sin(double noundef %43) #5, !tbaa !6
  %45 = tail call double @llvm.fmuladd.f64(double %44, double %43, double %40)
  %46 = getelementptr inbounds nuw double, ptr %0, i64 %29
  %47 = getelementptr inbounds nuw i8, ptr %46, i64 24
  %48 = load double, ptr %47, align 8, !tbaa !10
  %49 = tail call double @sin(double noundef %48) #5, !tbaa !6
  %50 = tail call double @llvm.fmuladd.f64(double %49, double %48, double %45)
  %51 = add nuw nsw i64 %29, 4
  %52 = add i64 %31, 4
  %53 = icmp eq i64 %52, %8
  br i1 %53, label %9, label %28, !llvm.loop !14
}

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(errnomem: write)
declare double @sin(double noundef) local_unnamed_addr #1

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fmuladd.f64(double, double, double) #2

; Function Attrs: nofree norecurse nounwind memory(argmem: read, errnomem: write) uwtable
define double @g(ptr noundef readonly captures(none) %0, double noundef %1, i64 noundef %2) local_unnamed_addr #0 {
  %4 = icmp sgt i64 %2, 0
  br i1 %4, label %5, label %10

5:                                                ; preds = %3
  %6 = add nsw i64 %2, -2
  br label %15

7:                                                ; preds = %34, %39, %15
  %8 = phi double [ %16, %15 ], [ %35, %34 ], [ %54, %39 ]
  %9 = icmp eq i64 %18, %2
  br i1 %9, label %10, label %15, !llvm.loop !16

10:                                               ; preds = %7, %3
  %11 = phi double [ 0.000000e+00, %3 ], [ %8, %7 ]
  %12 = fneg double %1
  %13 = tail call double @exp(double noundef %12) #5, !tbaa !6
  %14 = fadd double %11, %13
  ret double %14

15:                                               ; preds = %5, %7
  %16 = phi double [ %8, %7 ], [ 0.000000e+00, %5 ]
  %17 = phi i64 [ %18, %7 ], [ 0, %5 ]
  %18 = add nuw nsw i64 %17, 1
  %19 = icmp slt i64 %18, %2
  br i1 %19, label %20, label %7

20:                                               ; preds = %15
  %21 = getelementptr inbounds nuw double, ptr %0, i64 %17
  %22 = load double, ptr %21, align 8, !tbaa !10
  %23 = sub nsw i64 %17, %2
  %24 = and i64 %23, 1
  %25 = icmp eq i64 %24, 0
  br i1 %25, label %26, label %34

26:                                               ; preds = %20
  %27 = getelementptr inbounds nuw double, ptr %0, i64 %18
  %28 = load double, ptr %27, align 8, !tbaa !10
  %29 = fsub double %22, %28
  %30 = tail call double @llvm.fmuladd.f64(double %29, double %29, double 1.000000e+00)
  %31 = fdiv double %1, %30
  %32 = fadd double %16, %31
  %33 = add nuw nsw i64 %17, 2
  br label %34

34:                                               ; preds = %26, %20
  %35 = phi double [ poison, %20 ], [ %32, %26 ]
  %36 = phi double [ %16, %20 ], [ %32, %26 ]
  %37 = phi i64 [ %18, %20 ], [ %33, %26 ]
  %38 = icmp eq i64 %6, %17
  br i1 %38, label %7, label %39

39:                                               ; preds = %34, %39
  %40 = phi double [ %54, %39 ], [ %36, %34 ]
  %41 = phi i64 [ %55, %39 ], [ %37, %34 ]
  %42 = getelementptr inbounds nuw double, ptr %0, i64 %41
  %43 = load double, ptr %42, align 8, !tbaa !10
  %44 = fsub double %22, %43
  %45 = tail call double @llvm.fmuladd.f64(double %44, double %44, double 1.000000e+00)
  %46 = fdiv double %1, %45
  %47 = fadd double %40, %46
  %48 = getelementptr inbounds nuw double, ptr %0, i64 %41
  %49 = getelementptr inbounds nuw i8, ptr %48, i64 8
  %50 = load double, ptr %49, align 8, !tbaa !10
  %51 = fsub double %22, %50
  %52 = tail call double @llvm.fmuladd.f64(double %51, double %51, double 1.000000e+00)
  %53 = fdiv double %1, %52
  %54 = fadd double %47, %53
  %55 = add nuw nsw i64 %41, 2
  %56 = icmp eq i64 %55, %2
  br i1 %56, label %7, label %39, !llvm.loop !17
}

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(errnomem: write)
declare double @exp(double noundef) local_unnamed_addr #1

; Function Attrs: nofree norecurse nounwind memory(argmem: readwrite, errnomem: write) uwtable
define void @h(ptr noundef readonly captures(none) %0, ptr noundef writeonly captures(none) %1, double noundef %2, i64 noundef %3) local_unnamed_addr #3 {
  %5 = icmp sgt i64 %3, 0
  br i1 %5, label %6, label %27

6:                                                ; preds = %4
  %7 = and i64 %3, 3
  %8 = icmp ult i64 %3, 4
  br i1 %8, label %13, label %9

9:                                                ; preds = %6
  %10 = and i64 %3, 9223372036854775804
  br label %28

11:                                               ; preds = %28
  %12 = icmp eq i64 %7, 0
  br i1 %12, label %27, label %13

13:                                               ; preds = %11, %6
  %14 = phi i64 [ 0, %6 ], [ %54, %11 ]
  %15 = icmp ne i64 %7, 0
  tail call void @llvm.assume(i1 %15)
  br label %16

16:                                               ; preds = %16, %13
  %17 = phi i64 [ %24, %16 ], [ %14, %13 ]
  %18 = phi i64 [ %25, %16 ], [ 0, %13 ]
  %19 = getelementptr inbounds nuw double, ptr %0, i64 %17
  %20 = load double, ptr %19, align 8, !tbaa !10
  %21 = tail call double @tanh(double noundef %20) #5, !tbaa !6
  %22 = fmul double %2, %21
  %23 = getelementptr inbounds nuw double, ptr %1, i64 %17
  store double %22, ptr %23, align 8, !tbaa !10
  %24 = add nuw nsw i64 %17, 1
  %25 = add i64 %18, 1
  %26 = icmp eq i64 %25, %7
  br i1 %26, label %27, label %16, !llvm.loop !18

27:                                               ; preds = %11, %16, %4
  ret void

28:                                               ; preds = %28, %9
  %29 = phi i64 [ 0, %9 ], [ %54, %28 ]
  %30 = phi i64 [ 0, %9 ], [ %55, %28 ]
  %31 = getelementptr inbounds nuw double, ptr %0, i64 %29
  %32 = load double, ptr %31, align 8, !tbaa !10
  %33 = tail call double @tanh(double noundef %32) #5, !tbaa !6
  %34 = fmul double %2, %33
  %35 = getelementptr inbounds nuw double, ptr %1, i64 %29
  store double %34, ptr %35, align 8, !tbaa !10
  %36 = or disjoint i64 %29, 1
  %37 = getelementptr inbounds nuw double, ptr %0, i64 %36
  %38 = load double, ptr %37, align 8, !tbaa !10
  %39 = tail call double @tanh(double noundef %38) #5, !tbaa !6
  %40 = fmul double %2, %39
  %41 = getelementptr inbounds nuw double, ptr %1, i64 %36
  store double %40, ptr %41, align 8, !tbaa !10
  %42 = or disjoint i64 %29, 2
  %43 = getelementptr inbounds nuw double, ptr %0, i64 %42
  %44 = load double, ptr %43, align 8, !tbaa !10
  %45 = tail call double @tanh(double noundef %44) #5, !tbaa !6
  %46 = fmul double %2, %45
  %47 = getelementptr inbounds nuw double, ptr %1, i64 %42
  store double %46, ptr %47, align 8, !tbaa !10
  %48 = or disjoint i64 %29, 3
  %49 = getelementptr inbounds nuw double, ptr %0, i64 %48
  %50 = load double, ptr %49, align 8, !tbaa !10
  %51 = tail call double @tanh(double noundef %50) #5, !tbaa !6
  %52 = fmul double %2, %51
  %53 = getelementptr inbounds nuw double, ptr %1, i64 %48
  store double %52, ptr %53, align 8, !tbaa !10
  %54 = add nuw nsw i64 %29, 4
  %55 = add i64 %30, 4
  %56 = icmp eq i64 %55, %10
  br i1 %56, label %11, label %28, !llvm.loop !19
}

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(errnomem: write)
declare double @tanh(double noundef) local_unnamed_addr #1

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #4

attributes #0 = { nofree norecurse nounwind memory(argmem: read, errnomem: write) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nounwind willreturn memory(errnomem: write) "frame-pointer"="all" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #2 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #3 = { nofree norecurse nounwind memory(argmem: readwrite, errnomem: write) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #4 = { nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }
attributes #5 = { nounwind }

!llvm.module.flags = !{!0, !1, !2, !3, !4}
!llvm.ident = !{!5}
!llvm.errno.tbaa = !{!6}

!0 = !{i32 7, !"Dwarf Version", i32 4}
!1 = !{i32 1, !"wchar_size", i32 4}
!2 = !{i32 8, !"PIC Level", i32 2}
!3 = !{i32 7, !"uwtable", i32 2}
!4 = !{i32 7, !"frame-pointer", i32 2}
!5 = !{!"clang version 22.1.8"}
!6 = !{!7, !7, i64 0}
!7 = !{!"int", !8, i64 0}
!8 = !{!"omnipotent char", !9, i64 0}
!9 = !{!"Simple C/C++ TBAA"}
!10 = !{!11, !11, i64 0}
!11 = !{!"double", !8, i64 0}
!12 = distinct !{!12, !13}
!13 = !{!"llvm.loop.unroll.disable"}
!14 = distinct !{!14, !15}
!15 = !{!"llvm.loop.mustprogress"}
!16 = distinct !{!16, !15}
!17 = distinct !{!17, !15}
!18 = distinct !{!18, !13}
!19 = distinct !{!19, !15}
