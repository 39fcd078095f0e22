; ModuleID = 'kernels.c'
source_filename = "kernels.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux5.10.0-gnu2.31.0"

; Function Attrs: nofree norecurse nounwind memory(argmem: read, errnomem: write) uwtable
define double @energy(ptr noundef readonly captures(none) %0, i64 noundef %1) local_unnamed_addr #0 {
  %3 = icmp sgt i64 %1, 0
  br i1 %3, label %4, label %22

4:                                                ; preds = %2
  %5 = and i64 %1, 1
  %6 = icmp eq i64 %1, 1
  br i1 %6, label %11, label %7

7:                                                ; preds = %4
  %8 = and i64 %1, 9223372036854775806
  br label %24

9:                                                ; preds = %24
  %10 = icmp eq i64 %5, 0
  br i1 %10, label %22, label %11

11:                                               ; preds = %9, %4
  %12 = phi i64 [ 0, %4 ], [ %43, %9 ]
  %13 = phi double [ 0.000000e+00, %4 ], [ %42, %9 ]
  %14 = icmp ne i64 %5, 0
  tail call void @llvm.assume(i1 %14)
  %15 = getelementptr inbounds nuw double, ptr %0, i64 %12
  %16 = load double, ptr %15, align 8, !tbaa !10
  %17 = tail call double @sin(double noundef %16) #12, !tbaa !6
  %18 = tail call double @llvm.fmuladd.f64(double %16, double %16, double 1.000000e+00)
  %19 = tail call double @llvm.sqrt.f64(double %18)
  %20 = tail call double @llvm.fmuladd.f64(double %17, double %16, double %19)
  %21 = fadd double %13, %20
  br label %22

22:                                               ; preds = %11, %9, %2
  %23 = phi double [ 0.000000e+00, %2 ], [ %42, %9 ], [ %21, %11 ]
  ret double %23

24:                                               ; preds = %24, %7
  %25 = phi i64 [ 0, %7 ], [ %43, %24 ]
  %26 = phi double [ 0.000000e+00, %7 ], [ %42, %24 ]
  %27 = phi i64 [ 0, %7 ], [ %44, %24 ]
  %28 = getelementptr inbounds nuw double, ptr %0, i64 %25
  %29 = load double, ptr %28, align 8, !tbaa !10
  %30 = tail call double @sin(double noundef %29) #12, !tbaa !6
  %31 = tail call double @llvm.fmuladd.f64(double %29, double %29, double 1.000000e+00)
  %32 = tail call double @llvm.sqrt.f64(double %31)
  %33 = tail call double @llvm.fmuladd.f64(double %30, double %29, double %32)
  %34 = fadd double %26, %33
  %35 = getelementptr inbounds nuw double, ptr %0, i64 %25
  %36 = getelementptr inbounds nuw i8, ptr %35, i64 8
  %37 = load double, ptr %36, align 8, !tbaa !10
  %38 = tail call double @sin(double noundef %37) #12, !tbaa !6
  %39 = tail call double @llvm.fmuladd.f64(double %37, double %37, double 1.000000e+00)
  %40 = tail call double @llvm.sqrt.f64(double %39)
  %41 = tail call double @llvm.fmuladd.f64(double %38, double %37, double %40)
  %42 = fadd double %34, %41
  %43 = add nuw nsw i64 %25, 2
  %44 = add i64 %27, 2
  %45 = icmp eq i64 %44, %8
  br i1 %45, label %9, label %24, !llvm.loop !12
}

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(errnomem: write)
declare double @sin(double noundef) local_unnamed_addr #1

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fmuladd.f64(double, double, double) #2

; Function Attrs: nofree norecurse nounwind memory(argmem: read, errnomem: write) uwtable
define double @pairwise(ptr noundef readonly captures(none) %0, double noundef %1, i64 noundef %2) local_unnamed_addr #0 {
  %4 = icmp sgt i64 %2, 0
  br i1 %4, label %5, label %10

5:                                                ; preds = %3
  %6 = add nsw i64 %2, -2
  br label %15

7:                                                ; preds = %34, %39, %15
  %8 = phi double [ %16, %15 ], [ %35, %34 ], [ %54, %39 ]
  %9 = icmp eq i64 %18, %2
  br i1 %9, label %10, label %15, !llvm.loop !14

10:                                               ; preds = %7, %3
  %11 = phi double [ 0.000000e+00, %3 ], [ %8, %7 ]
  %12 = fneg double %1
  %13 = tail call double @exp(double noundef %12) #12, !tbaa !6
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
  br i1 %56, label %7, label %39, !llvm.loop !15
}

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(errnomem: write)
declare double @exp(double noundef) local_unnamed_addr #1

; Function Attrs: nofree norecurse nounwind memory(argmem: readwrite, errnomem: write) uwtable
define void @smooth(ptr noundef readonly captures(none) %0, ptr noundef readonly captures(none) %1, ptr noundef writeonly captures(none) %2, i64 noundef %3) local_unnamed_addr #3 {
  %5 = icmp sgt i64 %3, 0
  br i1 %5, label %6, label %26

6:                                                ; preds = %4
  %7 = getelementptr inbounds nuw i8, ptr %1, i64 8
  %8 = and i64 %3, 1
  %9 = icmp eq i64 %3, 1
  br i1 %9, label %14, label %10

10:                                               ; preds = %6
  %11 = and i64 %3, 9223372036854775806
  br label %27

12:                                               ; preds = %27
  %13 = icmp eq i64 %8, 0
  br i1 %13, label %26, label %14

14:                                               ; preds = %12, %6
  %15 = phi i64 [ 0, %6 ], [ %48, %12 ]
  %16 = phi double [ 0.000000e+00, %6 ], [ %46, %12 ]
  %17 = icmp ne i64 %8, 0
  tail call void @llvm.assume(i1 %17)
  %18 = load double, ptr %1, align 8, !tbaa !16
  %19 = getelementptr inbounds nuw double, ptr %0, i64 %15
  %20 = load double, ptr %19, align 8, !tbaa !10
  %21 = tail call double @tanh(double noundef %20) #12, !tbaa !6
  %22 = load double, ptr %7, align 8, !tbaa !18
  %23 = fmul double %16, %22
  %24 = tail call double @llvm.fmuladd.f64(double %18, double %21, double %23)
  %25 = getelementptr inbounds nuw double, ptr %2, i64 %15
  store double %24, ptr %25, align 8, !tbaa !10
  br label %26

26:                                               ; preds = %14, %12, %4
  ret void

27:                                               ; preds = %27, %10
  %28 = phi i64 [ 0, %10 ], [ %48, %27 ]
  %29 = phi double [ 0.000000e+00, %10 ], [ %46, %27 ]
  %30 = phi i64 [ 0, %10 ], [ %49, %27 ]
  %31 = load double, ptr %1, align 8, !tbaa !16
  %32 = getelementptr inbounds nuw double, ptr %0, i64 %28
  %33 = load double, ptr %32, align 8, !tbaa !10
  %34 = tail call double @tanh(double noundef %33) #12, !tbaa !6
  %35 = load double, ptr %7, align 8, !tbaa !18
  %36 = fmul double %29, %35
  %37 = tail call double @llvm.fmuladd.f64(double %31, double %34, double %36)
  %38 = getelementptr inbounds nuw double, ptr %2, i64 %28
  store double %37, ptr %38, align 8, !tbaa !10
  %39 = or disjoint i64 %28, 1
  %40 = load double, ptr %1, align 8, !tbaa !16
  %41 = getelementptr inbounds nuw double, ptr %0, i64 %39
  %42 = load double, ptr %41, align 8, !tbaa !10
  %43 = tail call double @tanh(double noundef %42) #12, !tbaa !6
  %44 = load double, ptr %7, align 8, !tbaa !18
  %45 = fmul double %37, %44
  %46 = tail call double @llvm.fmuladd.f64(double %40, double %43, double %45)
  %47 = getelementptr inbounds nuw double, ptr %2, i64 %39
  store double %46, ptr %47, align 8, !tbaa !10
  %48 = add nuw nsw i64 %28, 2
  %49 = add i64 %30, 2
  %50 = icmp eq i64 %49, %11
  br i1 %50, label %12, label %27, !llvm.loop !19
}

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(errnomem: write)
declare double @tanh(double noundef) local_unnamed_addr #1

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: readwrite) uwtable
define void @scale(ptr noundef captures(none) %0, ptr noundef readonly captures(none) %1, double noundef %2, i64 noundef %3) local_unnamed_addr #4 {
  %5 = icmp sgt i64 %3, 0
  br i1 %5, label %6, label %53

6:                                                ; preds = %4
  %7 = icmp ult i64 %3, 4
  br i1 %7, label %37, label %8

8:                                                ; preds = %6
  %9 = shl i64 %3, 3
  %10 = getelementptr i8, ptr %0, i64 %9
  %11 = getelementptr i8, ptr %1, i64 %9
  %12 = icmp ult ptr %0, %11
  %13 = icmp ult ptr %1, %10
  %14 = and i1 %12, %13
  br i1 %14, label %37, label %15

15:                                               ; preds = %8
  %16 = and i64 %3, 9223372036854775804
  %17 = insertelement <2 x double> poison, double %2, i64 0
  %18 = shufflevector <2 x double> %17, <2 x double> poison, <2 x i32> zeroinitializer
  br label %19

19:                                               ; preds = %19, %15
  %20 = phi i64 [ 0, %15 ], [ %33, %19 ]
  %21 = getelementptr inbounds nuw double, ptr %1, i64 %20
  %22 = getelementptr inbounds nuw i8, ptr %21, i64 16
  %23 = load <2 x double>, ptr %21, align 8, !tbaa !10, !alias.scope !20
  %24 = load <2 x double>, ptr %22, align 8, !tbaa !10, !alias.scope !20
  %25 = fmul <2 x double> %18, %23
  %26 = fmul <2 x double> %18, %24
  %27 = getelementptr inbounds nuw double, ptr %0, i64 %20
  %28 = getelementptr inbounds nuw i8, ptr %27, i64 16
  %29 = load <2 x double>, ptr %27, align 8, !tbaa !10, !alias.scope !23, !noalias !20
  %30 = load <2 x double>, ptr %28, align 8, !tbaa !10, !alias.scope !23, !noalias !20
  %31 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %25, <2 x double> %23, <2 x double> %29)
  %32 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %26, <2 x double> %24, <2 x double> %30)
  store <2 x double> %31, ptr %27, align 8, !tbaa !10, !alias.scope !23, !noalias !20
  store <2 x double> %32, ptr %28, align 8, !tbaa !10, !alias.scope !23, !noalias !20
  %33 = add nuw i64 %20, 4
  %34 = icmp eq i64 %33, %16
  br i1 %34, label %35, label %19, !llvm.loop !25

35:                                               ; preds = %19
  %36 = icmp eq i64 %3, %16
  br i1 %36, label %53, label %37

37:                                               ; preds = %8, %6, %35
  %38 = phi i64 [ 0, %8 ], [ 0, %6 ], [ %16, %35 ]
  %39 = or disjoint i64 %38, 1
  %40 = and i64 %3, 1
  %41 = icmp eq i64 %40, 0
  br i1 %41, label %50, label %42

42:                                               ; preds = %37
  %43 = getelementptr inbounds nuw double, ptr %1, i64 %38
  %44 = load double, ptr %43, align 8, !tbaa !10
  %45 = fmul double %2, %44
  %46 = getelementptr inbounds nuw double, ptr %0, i64 %38
  %47 = load double, ptr %46, align 8, !tbaa !10
  %48 = tail call double @llvm.fmuladd.f64(double %45, double %44, double %47)
  store double %48, ptr %46, align 8, !tbaa !10
  %49 = or disjoint i64 %38, 1
  br label %50

50:                                               ; preds = %42, %37
  %51 = phi i64 [ %38, %37 ], [ %49, %42 ]
  %52 = icmp eq i64 %3, %39
  br i1 %52, label %53, label %54

53:                                               ; preds = %50, %54, %35, %4
  ret void

54:                                               ; preds = %50, %54
  %55 = phi i64 [ %69, %54 ], [ %51, %50 ]
  %56 = getelementptr inbounds nuw double, ptr %1, i64 %55
  %57 = load double, ptr %56, align 8, !tbaa !10
  %58 = fmul double %2, %57
  %59 = getelementptr inbounds nuw double, ptr %0, i64 %55
  %60 = load double, ptr %59, align 8, !tbaa !10
  %61 = tail call double @llvm.fmuladd.f64(double %58, double %57, double %60)
  store double %61, ptr %59, align 8, !tbaa !10
  %62 = add nuw nsw i64 %55, 1
  %63 = getelementptr inbounds nuw double, ptr %1, i64 %62
  %64 = load double, ptr %63, align 8, !tbaa !10
  %65 = fmul double %2, %64
  %66 = getelementptr inbounds nuw double, ptr %0, i64 %62
  %67 = load double, ptr %66, align 8, !tbaa !10
  %68 = tail call double @llvm.fmuladd.f64(double %65, double %64, double %67)
  store double %68, ptr %66, align 8, !tbaa !10
  %69 = add nuw nsw i64 %55, 2
  %70 = icmp eq i64 %69, %3
  br i1 %70, label %53, label %54, !llvm.loop !28
}

; Function Attrs: nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define double @buffer(ptr noundef readonly captures(none) %0, i64 noundef %1) local_unnamed_addr #5 {
  %3 = tail call noalias dereferenceable_or_null(16) ptr @malloc(i64 noundef 16) #13
  %4 = icmp sgt i64 %1, 0
  br i1 %4, label %5, label %72

5:                                                ; preds = %2
  %6 = icmp eq i64 %1, 1
  br i1 %6, label %14, label %7

7:                                                ; preds = %5
  %8 = add nsw i64 %1, -2
  br label %32

9:                                                ; preds = %41
  %10 = icmp eq i64 %47, %42
  br i1 %10, label %11, label %14

11:                                               ; preds = %9
  %12 = shl i64 %47, 4
  %13 = tail call ptr @realloc(ptr noundef nonnull %43, i64 noundef %12) #14
  br label %14

14:                                               ; preds = %5, %9, %11
  %15 = phi i64 [ %47, %11 ], [ %47, %9 ], [ 0, %5 ]
  %16 = phi ptr [ %13, %11 ], [ %43, %9 ], [ %3, %5 ]
  %17 = getelementptr inbounds nuw double, ptr %0, i64 %15
  %18 = load double, ptr %17, align 8, !tbaa !10
  %19 = tail call double @exp(double noundef %18) #12, !tbaa !6
  %20 = add nuw nsw i64 %15, 1
  %21 = icmp eq i64 %20, %1
  %22 = select i1 %21, i64 0, i64 %20
  %23 = getelementptr inbounds nuw double, ptr %0, i64 %22
  %24 = load double, ptr %23, align 8, !tbaa !10
  %25 = fmul double %19, %24
  %26 = getelementptr inbounds nuw double, ptr %16, i64 %15
  store double %25, ptr %26, align 8, !tbaa !10
  %27 = getelementptr double, ptr %16, i64 %1
  %28 = and i64 %1, 3
  %29 = icmp ult i64 %1, 4
  br i1 %29, label %55, label %30

30:                                               ; preds = %14
  %31 = and i64 %1, 9223372036854775804
  br label %75

32:                                               ; preds = %7, %41
  %33 = phi i64 [ %47, %41 ], [ 0, %7 ]
  %34 = phi ptr [ %43, %41 ], [ %3, %7 ]
  %35 = phi i64 [ %42, %41 ], [ 2, %7 ]
  %36 = icmp eq i64 %33, %35
  br i1 %36, label %37, label %41

37:                                               ; preds = %32
  %38 = shl nuw nsw i64 %33, 1
  %39 = shl i64 %33, 4
  %40 = tail call ptr @realloc(ptr noundef %34, i64 noundef %39) #14
  br label %41

41:                                               ; preds = %37, %32
  %42 = phi i64 [ %38, %37 ], [ %35, %32 ]
  %43 = phi ptr [ %40, %37 ], [ %34, %32 ]
  %44 = getelementptr inbounds nuw double, ptr %0, i64 %33
  %45 = load double, ptr %44, align 8, !tbaa !10
  %46 = tail call double @exp(double noundef %45) #12, !tbaa !6
  %47 = add nuw nsw i64 %33, 1
  %48 = getelementptr inbounds nuw double, ptr %0, i64 %47
  %49 = load double, ptr %48, align 8, !tbaa !10
  %50 = fmul double %46, %49
  %51 = getelementptr inbounds nuw double, ptr %43, i64 %33
  store double %50, ptr %51, align 8, !tbaa !10
  %52 = icmp eq i64 %33, %8
  br i1 %52, label %9, label %32, !llvm.loop !29

53:                                               ; preds = %75
  %54 = icmp eq i64 %28, 0
  br i1 %54, label %72, label %55

55:                                               ; preds = %53, %14
  %56 = phi i64 [ 0, %14 ], [ %106, %53 ]
  %57 = phi double [ 0.000000e+00, %14 ], [ %105, %53 ]
  %58 = icmp ne i64 %28, 0
  tail call void @llvm.assume(i1 %58)
  br label %59

59:                                               ; preds = %59, %55
  %60 = phi i64 [ %56, %55 ], [ %69, %59 ]
  %61 = phi double [ %57, %55 ], [ %68, %59 ]
  %62 = phi i64 [ 0, %55 ], [ %70, %59 ]
  %63 = getelementptr inbounds nuw double, ptr %16, i64 %60
  %64 = load double, ptr %63, align 8, !tbaa !10
  %65 = xor i64 %60, -1
  %66 = getelementptr double, ptr %27, i64 %65
  %67 = load double, ptr %66, align 8, !tbaa !10
  %68 = tail call double @llvm.fmuladd.f64(double %64, double %67, double %61)
  %69 = add nuw nsw i64 %60, 1
  %70 = add i64 %62, 1
  %71 = icmp eq i64 %70, %28
  br i1 %71, label %72, label %59, !llvm.loop !31

72:                                               ; preds = %53, %59, %2
  %73 = phi ptr [ %3, %2 ], [ %16, %59 ], [ %16, %53 ]
  %74 = phi double [ 0.000000e+00, %2 ], [ %105, %53 ], [ %68, %59 ]
  tail call void @free(ptr noundef %73) #12
  ret double %74

75:                                               ; preds = %75, %30
  %76 = phi i64 [ 0, %30 ], [ %106, %75 ]
  %77 = phi double [ 0.000000e+00, %30 ], [ %105, %75 ]
  %78 = phi i64 [ 0, %30 ], [ %107, %75 ]
  %79 = getelementptr inbounds nuw double, ptr %16, i64 %76
  %80 = load double, ptr %79, align 8, !tbaa !10
  %81 = xor i64 %76, -1
  %82 = getelementptr double, ptr %27, i64 %81
  %83 = load double, ptr %82, align 8, !tbaa !10
  %84 = tail call double @llvm.fmuladd.f64(double %80, double %83, double %77)
  %85 = getelementptr inbounds nuw double, ptr %16, i64 %76
  %86 = getelementptr inbounds nuw i8, ptr %85, i64 8
  %87 = load double, ptr %86, align 8, !tbaa !10
  %88 = xor i64 %76, -2
  %89 = getelementptr double, ptr %27, i64 %88
  %90 = load double, ptr %89, align 8, !tbaa !10
  %91 = tail call double @llvm.fmuladd.f64(double %87, double %90, double %84)
  %92 = getelementptr inbounds nuw double, ptr %16, i64 %76
  %93 = getelementptr inbounds nuw i8, ptr %92, i64 16
  %94 = load double, ptr %93, align 8, !tbaa !10
  %95 = xor i64 %76, -3
  %96 = getelementptr double, ptr %27, i64 %95
  %97 = load double, ptr %96, align 8, !tbaa !10
  %98 = tail call double @llvm.fmuladd.f64(double %94, double %97, double %91)
  %99 = getelementptr inbounds nuw double, ptr %16, i64 %76
  %100 = getelementptr inbounds nuw i8, ptr %99, i64 24
  %101 = load double, ptr %100, align 8, !tbaa !10
  %102 = xor i64 %76, -4
  %103 = getelementptr double, ptr %27, i64 %102
  %104 = load double, ptr %103, align 8, !tbaa !10
  %105 = tail call double @llvm.fmuladd.f64(double %101, double %104, double %98)
  %106 = add nuw nsw i64 %76, 4
  %107 = add i64 %78, 4
  %108 = icmp eq i64 %107, %31
  br i1 %108, label %53, label %75, !llvm.loop !33
}

; Function Attrs: mustprogress nofree nounwind willreturn allockind("alloc,uninitialized") allocsize(0) memory(inaccessiblemem: readwrite)
declare noalias noundef ptr @malloc(i64 noundef) local_unnamed_addr #6

; Function Attrs: mustprogress nounwind willreturn allockind("realloc") allocsize(1) memory(argmem: readwrite, inaccessiblemem: readwrite)
declare noalias noundef ptr @realloc(ptr allocptr noundef captures(none), i64 noundef) local_unnamed_addr #7

; Function Attrs: mustprogress nounwind willreturn allockind("free") memory(argmem: readwrite, inaccessiblemem: readwrite)
declare void @free(ptr allocptr noundef captures(none)) local_unnamed_addr #8

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: read) uwtable
define double @normsq(ptr noundef readonly captures(none) %0, ptr noundef readonly captures(none) %1, i32 noundef %2, i32 noundef %3) local_unnamed_addr #9 {
  %5 = icmp sgt i32 %2, 0
  br i1 %5, label %6, label %21

6:                                                ; preds = %4
  %7 = icmp sgt i32 %3, 0
  %8 = zext i32 %3 to i64
  %9 = zext nneg i32 %2 to i64
  %10 = and i64 %8, 3
  %11 = icmp ult i32 %3, 4
  %12 = and i64 %8, 2147483644
  %13 = icmp eq i64 %10, 0
  %14 = icmp ne i64 %10, 0
  br label %15

15:                                               ; preds = %6, %39
  %16 = phi i64 [ 0, %6 ], [ %42, %39 ]
  %17 = phi double [ 0.000000e+00, %6 ], [ %41, %39 ]
  br i1 %7, label %18, label %39

18:                                               ; preds = %15
  %19 = mul nuw nsw i64 %16, %8
  %20 = getelementptr inbounds nuw double, ptr %0, i64 %19
  br i1 %11, label %24, label %44

21:                                               ; preds = %39, %4
  %22 = phi double [ 0.000000e+00, %4 ], [ %41, %39 ]
  ret double %22

23:                                               ; preds = %44
  br i1 %13, label %39, label %24

24:                                               ; preds = %23, %18
  %25 = phi i64 [ 0, %18 ], [ %71, %23 ]
  %26 = phi double [ 0.000000e+00, %18 ], [ %70, %23 ]
  tail call void @llvm.assume(i1 %14)
  br label %27

27:                                               ; preds = %27, %24
  %28 = phi i64 [ %25, %24 ], [ %36, %27 ]
  %29 = phi double [ %26, %24 ], [ %35, %27 ]
  %30 = phi i64 [ 0, %24 ], [ %37, %27 ]
  %31 = getelementptr inbounds nuw double, ptr %20, i64 %28
  %32 = load double, ptr %31, align 8, !tbaa !10
  %33 = getelementptr inbounds nuw double, ptr %1, i64 %28
  %34 = load double, ptr %33, align 8, !tbaa !10
  %35 = tail call double @llvm.fmuladd.f64(double %32, double %34, double %29)
  %36 = add nuw nsw i64 %28, 1
  %37 = add i64 %30, 1
  %38 = icmp eq i64 %37, %10
  br i1 %38, label %39, label %27, !llvm.loop !34

39:                                               ; preds = %23, %27, %15
  %40 = phi double [ 0.000000e+00, %15 ], [ %70, %23 ], [ %35, %27 ]
  %41 = tail call double @llvm.fmuladd.f64(double %40, double %40, double %17)
  %42 = add nuw nsw i64 %16, 1
  %43 = icmp eq i64 %42, %9
  br i1 %43, label %21, label %15, !llvm.loop !35

44:                                               ; preds = %18, %44
  %45 = phi i64 [ %71, %44 ], [ 0, %18 ]
  %46 = phi double [ %70, %44 ], [ 0.000000e+00, %18 ]
  %47 = phi i64 [ %72, %44 ], [ 0, %18 ]
  %48 = getelementptr inbounds nuw double, ptr %20, i64 %45
  %49 = load double, ptr %48, align 8, !tbaa !10
  %50 = getelementptr inbounds nuw double, ptr %1, i64 %45
  %51 = load double, ptr %50, align 8, !tbaa !10
  %52 = tail call double @llvm.fmuladd.f64(double %49, double %51, double %46)
  %53 = or disjoint i64 %45, 1
  %54 = getelementptr inbounds nuw double, ptr %20, i64 %53
  %55 = load double, ptr %54, align 8, !tbaa !10
  %56 = getelementptr inbounds nuw double, ptr %1, i64 %53
  %57 = load double, ptr %56, align 8, !tbaa !10
  %58 = tail call double @llvm.fmuladd.f64(double %55, double %57, double %52)
  %59 = or disjoint i64 %45, 2
  %60 = getelementptr inbounds nuw double, ptr %20, i64 %59
  %61 = load double, ptr %60, align 8, !tbaa !10
  %62 = getelementptr inbounds nuw double, ptr %1, i64 %59
  %63 = load double, ptr %62, align 8, !tbaa !10
  %64 = tail call double @llvm.fmuladd.f64(double %61, double %63, double %58)
  %65 = or disjoint i64 %45, 3
  %66 = getelementptr inbounds nuw double, ptr %20, i64 %65
  %67 = load double, ptr %66, align 8, !tbaa !10
  %68 = getelementptr inbounds nuw double, ptr %1, i64 %65
  %69 = load double, ptr %68, align 8, !tbaa !10
  %70 = tail call double @llvm.fmuladd.f64(double %67, double %69, double %64)
  %71 = add nuw nsw i64 %45, 4
  %72 = add i64 %47, 4
  %73 = icmp eq i64 %72, %12
  br i1 %73, label %23, label %44, !llvm.loop !36
}

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.sqrt.f64(double) #10

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #11

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.fmuladd.v2f64(<2 x double>, <2 x double>, <2 x double>) #10

attributes #0 = { nofree norecurse nounwind memory(argmem: read, errnomem: write) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nounwind willreturn memory(errnomem: write) "frame-pointer"="all" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #2 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #3 = { nofree norecurse nounwind memory(argmem: readwrite, errnomem: write) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #4 = { nofree norecurse nosync nounwind memory(argmem: readwrite) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #5 = { nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #6 = { mustprogress nofree nounwind willreturn allockind("alloc,uninitialized") allocsize(0) memory(inaccessiblemem: readwrite) "alloc-family"="malloc" "frame-pointer"="all" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #7 = { mustprogress nounwind willreturn allockind("realloc") allocsize(1) memory(argmem: readwrite, inaccessiblemem: readwrite) "alloc-family"="malloc" "frame-pointer"="all" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #8 = { mustprogress nounwind willreturn allockind("free") memory(argmem: readwrite, inaccessiblemem: readwrite) "alloc-family"="malloc" "frame-pointer"="all" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #9 = { nofree norecurse nosync nounwind memory(argmem: read) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #10 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #11 = { nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }
attributes #12 = { nounwind }
attributes #13 = { nounwind allocsize(0) }
attributes #14 = { nounwind allocsize(1) }

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
!13 = !{!"llvm.loop.mustprogress"}
!14 = distinct !{!14, !13}
!15 = distinct !{!15, !13}
!16 = !{!17, !11, i64 0}
!17 = !{!"params", !11, i64 0, !11, i64 8}
!18 = !{!17, !11, i64 8}
!19 = distinct !{!19, !13}
!20 = !{!21}
!21 = distinct !{!21, !22}
!22 = distinct !{!22, !"LVerDomain"}
!23 = !{!24}
!24 = distinct !{!24, !22}
!25 = distinct !{!25, !13, !26, !27}
!26 = !{!"llvm.loop.isvectorized", i32 1}
!27 = !{!"llvm.loop.unroll.runtime.disable"}
!28 = distinct !{!28, !13, !26}
!29 = distinct !{!29, !13, !30}
!30 = !{!"llvm.loop.peeled.count", i32 1}
!31 = distinct !{!31, !32}
!32 = !{!"llvm.loop.unroll.disable"}
!33 = distinct !{!33, !13}
!34 = distinct !{!34, !32}
!35 = distinct !{!35, !13}
!36 = distinct !{!36, !13}
