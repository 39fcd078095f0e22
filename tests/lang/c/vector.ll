; ModuleID = 'vector.c'
source_filename = "vector.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux5.10.0-gnu2.31.0"

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: read) uwtable
define double @dot(ptr noundef readonly captures(none) %0, ptr noundef readonly captures(none) %1, i64 noundef %2) local_unnamed_addr #0 {
  %4 = icmp sgt i64 %2, 0
  br i1 %4, label %5, label %32

5:                                                ; preds = %3
  %6 = icmp ult i64 %2, 4
  br i1 %6, label %29, label %7

7:                                                ; preds = %5
  %8 = and i64 %2, 9223372036854775804
  br label %9

9:                                                ; preds = %9, %7
  %10 = phi i64 [ 0, %7 ], [ %23, %9 ]
  %11 = phi <2 x double> [ <double 0.000000e+00, double -0.000000e+00>, %7 ], [ %21, %9 ]
  %12 = phi <2 x double> [ splat (double -0.000000e+00), %7 ], [ %22, %9 ]
  %13 = getelementptr inbounds nuw double, ptr %0, i64 %10
  %14 = getelementptr inbounds nuw i8, ptr %13, i64 16
  %15 = load <2 x double>, ptr %13, align 8, !tbaa !10
  %16 = load <2 x double>, ptr %14, align 8, !tbaa !10
  %17 = getelementptr inbounds nuw double, ptr %1, i64 %10
  %18 = getelementptr inbounds nuw i8, ptr %17, i64 16
  %19 = load <2 x double>, ptr %17, align 8, !tbaa !10
  %20 = load <2 x double>, ptr %18, align 8, !tbaa !10
  %21 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %15, <2 x double> %19, <2 x double> %11)
  %22 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %16, <2 x double> %20, <2 x double> %12)
  %23 = add nuw i64 %10, 4
  %24 = icmp eq i64 %23, %8
  br i1 %24, label %25, label %9, !llvm.loop !12

25:                                               ; preds = %9
  %26 = fadd <2 x double> %22, %21
  %27 = tail call double @llvm.vector.reduce.fadd.v2f64(double -0.000000e+00, <2 x double> %26)
  %28 = icmp eq i64 %2, %8
  br i1 %28, label %32, label %29

29:                                               ; preds = %5, %25
  %30 = phi i64 [ 0, %5 ], [ %8, %25 ]
  %31 = phi double [ 0.000000e+00, %5 ], [ %27, %25 ]
  br label %34

32:                                               ; preds = %34, %25, %3
  %33 = phi double [ 0.000000e+00, %3 ], [ %27, %25 ], [ %41, %34 ]
  ret double %33

34:                                               ; preds = %29, %34
  %35 = phi i64 [ %42, %34 ], [ %30, %29 ]
  %36 = phi double [ %41, %34 ], [ %31, %29 ]
  %37 = getelementptr inbounds nuw double, ptr %0, i64 %35
  %38 = load double, ptr %37, align 8, !tbaa !10
  %39 = getelementptr inbounds nuw double, ptr %1, i64 %35
  %40 = load double, ptr %39, align 8, !tbaa !10
  %41 = tail call double @llvm.fmuladd.f64(double %38, double %40, double %36)
  %42 = add nuw nsw i64 %35, 1
  %43 = icmp eq i64 %42, %2
  br i1 %43, label %32, label %34, !llvm.loop !16
}

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fmuladd.f64(double, double, double) #1

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: readwrite) uwtable
define void @axpy(ptr noundef captures(none) %0, ptr noundef readonly captures(none) %1, double noundef %2, i64 noundef %3) local_unnamed_addr #2 {
  %5 = icmp sgt i64 %3, 0
  br i1 %5, label %6, label %49

6:                                                ; preds = %4
  %7 = icmp eq i64 %3, 1
  br i1 %7, label %32, label %8

8:                                                ; preds = %6
  %9 = shl i64 %3, 3
  %10 = getelementptr i8, ptr %0, i64 %9
  %11 = getelementptr i8, ptr %1, i64 %9
  %12 = icmp ult ptr %0, %11
  %13 = icmp ult ptr %1, %10
  %14 = and i1 %12, %13
  br i1 %14, label %32, label %15

15:                                               ; preds = %8
  %16 = and i64 %3, 9223372036854775806
  %17 = insertelement <2 x double> poison, double %2, i64 0
  %18 = shufflevector <2 x double> %17, <2 x double> poison, <2 x i32> zeroinitializer
  br label %19

19:                                               ; preds = %19, %15
  %20 = phi i64 [ 0, %15 ], [ %28, %19 ]
  %21 = getelementptr inbounds nuw double, ptr %1, i64 %20
  %22 = load <2 x double>, ptr %21, align 8, !tbaa !10, !alias.scope !17
  %23 = getelementptr inbounds nuw double, ptr %0, i64 %20
  %24 = load <2 x double>, ptr %23, align 8, !tbaa !10, !alias.scope !20, !noalias !17
  %25 = tail call <2 x double> @llvm.fabs.v2f64(<2 x double> %24)
  %26 = tail call <2 x double> @llvm.sqrt.v2f64(<2 x double> %25)
  %27 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %18, <2 x double> %22, <2 x double> %26)
  store <2 x double> %27, ptr %23, align 8, !tbaa !10, !alias.scope !20, !noalias !17
  %28 = add nuw i64 %20, 2
  %29 = icmp eq i64 %28, %16
  br i1 %29, label %30, label %19, !llvm.loop !22

30:                                               ; preds = %19
  %31 = icmp eq i64 %3, %16
  br i1 %31, label %49, label %32

32:                                               ; preds = %8, %6, %30
  %33 = phi i64 [ 0, %8 ], [ 0, %6 ], [ %16, %30 ]
  %34 = or disjoint i64 %33, 1
  %35 = and i64 %3, 1
  %36 = icmp eq i64 %35, 0
  br i1 %36, label %46, label %37

37:                                               ; preds = %32
  %38 = getelementptr inbounds nuw double, ptr %1, i64 %33
  %39 = load double, ptr %38, align 8, !tbaa !10
  %40 = getelementptr inbounds nuw double, ptr %0, i64 %33
  %41 = load double, ptr %40, align 8, !tbaa !10
  %42 = tail call double @llvm.fabs.f64(double %41)
  %43 = tail call double @llvm.sqrt.f64(double %42)
  %44 = tail call double @llvm.fmuladd.f64(double %2, double %39, double %43)
  store double %44, ptr %40, align 8, !tbaa !10
  %45 = or disjoint i64 %33, 1
  br label %46

46:                                               ; preds = %37, %32
  %47 = phi i64 [ %33, %32 ], [ %45, %37 ]
  %48 = icmp eq i64 %3, %34
  br i1 %48, label %49, label %50

49:                                               ; preds = %46, %50, %30, %4
  ret void

50:                                               ; preds = %46, %50
  %51 = phi i64 [ %67, %50 ], [ %47, %46 ]
  %52 = getelementptr inbounds nuw double, ptr %1, i64 %51
  %53 = load double, ptr %52, align 8, !tbaa !10
  %54 = getelementptr inbounds nuw double, ptr %0, i64 %51
  %55 = load double, ptr %54, align 8, !tbaa !10
  %56 = tail call double @llvm.fabs.f64(double %55)
  %57 = tail call double @llvm.sqrt.f64(double %56)
  %58 = tail call double @llvm.fmuladd.f64(double %2, double %53, double %57)
  store double %58, ptr %54, align 8, !tbaa !10
  %59 = add nuw nsw i64 %51, 1
  %60 = getelementptr inbounds nuw double, ptr %1, i64 %59
  %61 = load double, ptr %60, align 8, !tbaa !10
  %62 = getelementptr inbounds nuw double, ptr %0, i64 %59
  %63 = load double, ptr %62, align 8, !tbaa !10
  %64 = tail call double @llvm.fabs.f64(double %63)
  %65 = tail call double @llvm.sqrt.f64(double %64)
  %66 = tail call double @llvm.fmuladd.f64(double %2, double %61, double %65)
  store double %66, ptr %62, align 8, !tbaa !10
  %67 = add nuw nsw i64 %51, 2
  %68 = icmp eq i64 %67, %3
  br i1 %68, label %49, label %50, !llvm.loop !23
}

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fabs.f64(double) #1

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: read) uwtable
define double @maxsq(ptr noundef readonly captures(none) %0, i64 noundef %1) local_unnamed_addr #0 {
  %3 = icmp sgt i64 %1, 0
  br i1 %3, label %4, label %38

4:                                                ; preds = %2
  %5 = icmp ult i64 %1, 4
  br i1 %5, label %35, label %6

6:                                                ; preds = %4
  %7 = and i64 %1, 9223372036854775804
  br label %8

8:                                                ; preds = %8, %6
  %9 = phi i64 [ 0, %6 ], [ %20, %8 ]
  %10 = phi <2 x double> [ zeroinitializer, %6 ], [ %18, %8 ]
  %11 = phi <2 x double> [ zeroinitializer, %6 ], [ %19, %8 ]
  %12 = getelementptr inbounds nuw double, ptr %0, i64 %9
  %13 = getelementptr inbounds nuw i8, ptr %12, i64 16
  %14 = load <2 x double>, ptr %12, align 8, !tbaa !10
  %15 = load <2 x double>, ptr %13, align 8, !tbaa !10
  %16 = fmul <2 x double> %14, %14
  %17 = fmul <2 x double> %15, %15
  %18 = tail call <2 x double> @llvm.maxnum.v2f64(<2 x double> %10, <2 x double> %16)
  %19 = tail call <2 x double> @llvm.maxnum.v2f64(<2 x double> %11, <2 x double> %17)
  %20 = add nuw i64 %9, 4
  %21 = fcmp uno <2 x double> %16, %17
  %22 = freeze <2 x i1> %21
  %23 = bitcast <2 x i1> %22 to i2
  %24 = icmp ne i2 %23, 0
  %25 = icmp eq i64 %20, %7
  %26 = or i1 %24, %25
  br i1 %26, label %27, label %8, !llvm.loop !24

27:                                               ; preds = %8
  %28 = select i1 %24, <2 x double> %10, <2 x double> %18
  %29 = select i1 %24, <2 x double> %11, <2 x double> %19
  %30 = select i1 %24, i64 %9, i64 %7
  %31 = tail call <2 x double> @llvm.maxnum.v2f64(<2 x double> %28, <2 x double> %29)
  %32 = tail call double @llvm.vector.reduce.fmax.v2f64(<2 x double> %31)
  %33 = icmp ne i64 %1, %7
  %34 = or i1 %33, %24
  br i1 %34, label %35, label %38

35:                                               ; preds = %4, %27
  %36 = phi i64 [ 0, %4 ], [ %30, %27 ]
  %37 = phi double [ 0.000000e+00, %4 ], [ %32, %27 ]
  br label %40

38:                                               ; preds = %40, %27, %2
  %39 = phi double [ 0.000000e+00, %2 ], [ %32, %27 ], [ %46, %40 ]
  ret double %39

40:                                               ; preds = %35, %40
  %41 = phi i64 [ %47, %40 ], [ %36, %35 ]
  %42 = phi double [ %46, %40 ], [ %37, %35 ]
  %43 = getelementptr inbounds nuw double, ptr %0, i64 %41
  %44 = load double, ptr %43, align 8, !tbaa !10
  %45 = fmul double %44, %44
  %46 = tail call double @llvm.maxnum.f64(double %42, double %45)
  %47 = add nuw nsw i64 %41, 1
  %48 = icmp eq i64 %47, %1
  br i1 %48, label %38, label %40, !llvm.loop !25
}

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.maxnum.f64(double, double) #1

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: readwrite) uwtable
define void @leaky(ptr noundef writeonly captures(none) %0, ptr noundef readonly captures(none) %1, i64 noundef %2) local_unnamed_addr #2 {
  %4 = icmp sgt i64 %2, 0
  br i1 %4, label %5, label %48

5:                                                ; preds = %3
  %6 = ptrtoint ptr %0 to i64
  %7 = ptrtoint ptr %1 to i64
  %8 = icmp ult i64 %2, 4
  %9 = sub i64 %6, %7
  %10 = icmp ult i64 %9, 32
  %11 = or i1 %8, %10
  br i1 %11, label %32, label %12

12:                                               ; preds = %5
  %13 = and i64 %2, 9223372036854775804
  br label %14

14:                                               ; preds = %14, %12
  %15 = phi i64 [ 0, %12 ], [ %28, %14 ]
  %16 = getelementptr inbounds nuw double, ptr %1, i64 %15
  %17 = getelementptr inbounds nuw i8, ptr %16, i64 16
  %18 = load <2 x double>, ptr %16, align 8, !tbaa !10
  %19 = load <2 x double>, ptr %17, align 8, !tbaa !10
  %20 = fcmp ogt <2 x double> %18, zeroinitializer
  %21 = fcmp ogt <2 x double> %19, zeroinitializer
  %22 = fmul <2 x double> %18, splat (double 1.000000e-01)
  %23 = fmul <2 x double> %19, splat (double 1.000000e-01)
  %24 = select <2 x i1> %20, <2 x double> %18, <2 x double> %22
  %25 = select <2 x i1> %21, <2 x double> %19, <2 x double> %23
  %26 = getelementptr inbounds nuw double, ptr %0, i64 %15
  %27 = getelementptr inbounds nuw i8, ptr %26, i64 16
  store <2 x double> %24, ptr %26, align 8, !tbaa !10
  store <2 x double> %25, ptr %27, align 8, !tbaa !10
  %28 = add nuw i64 %15, 4
  %29 = icmp eq i64 %28, %13
  br i1 %29, label %30, label %14, !llvm.loop !26

30:                                               ; preds = %14
  %31 = icmp eq i64 %2, %13
  br i1 %31, label %48, label %32

32:                                               ; preds = %5, %30
  %33 = phi i64 [ 0, %5 ], [ %13, %30 ]
  %34 = or disjoint i64 %33, 1
  %35 = and i64 %2, 1
  %36 = icmp eq i64 %35, 0
  br i1 %36, label %45, label %37

37:                                               ; preds = %32
  %38 = getelementptr inbounds nuw double, ptr %1, i64 %33
  %39 = load double, ptr %38, align 8, !tbaa !10
  %40 = fcmp ogt double %39, 0.000000e+00
  %41 = fmul double %39, 1.000000e-01
  %42 = select i1 %40, double %39, double %41
  %43 = getelementptr inbounds nuw double, ptr %0, i64 %33
  store double %42, ptr %43, align 8, !tbaa !10
  %44 = or disjoint i64 %33, 1
  br label %45

45:                                               ; preds = %37, %32
  %46 = phi i64 [ %33, %32 ], [ %44, %37 ]
  %47 = icmp eq i64 %2, %34
  br i1 %47, label %48, label %49

48:                                               ; preds = %45, %49, %30, %3
  ret void

49:                                               ; preds = %45, %49
  %50 = phi i64 [ %64, %49 ], [ %46, %45 ]
  %51 = getelementptr inbounds nuw double, ptr %1, i64 %50
  %52 = load double, ptr %51, align 8, !tbaa !10
  %53 = fcmp ogt double %52, 0.000000e+00
  %54 = fmul double %52, 1.000000e-01
  %55 = select i1 %53, double %52, double %54
  %56 = getelementptr inbounds nuw double, ptr %0, i64 %50
  store double %55, ptr %56, align 8, !tbaa !10
  %57 = add nuw nsw i64 %50, 1
  %58 = getelementptr inbounds nuw double, ptr %1, i64 %57
  %59 = load double, ptr %58, align 8, !tbaa !10
  %60 = fcmp ogt double %59, 0.000000e+00
  %61 = fmul double %59, 1.000000e-01
  %62 = select i1 %60, double %59, double %61
  %63 = getelementptr inbounds nuw double, ptr %0, i64 %57
  store double %62, ptr %63, align 8, !tbaa !10
  %64 = add nuw nsw i64 %50, 2
  %65 = icmp eq i64 %64, %2
  br i1 %65, label %48, label %49, !llvm.loop !27
}

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: readwrite) uwtable
define void @csquare(ptr noundef writeonly captures(none) %0, ptr noundef readonly captures(none) %1, i64 noundef %2) local_unnamed_addr #2 {
  %4 = icmp sgt i64 %2, 0
  br i1 %4, label %5, label %36

5:                                                ; preds = %3
  %6 = icmp ult i64 %2, 4
  br i1 %6, label %34, label %7

7:                                                ; preds = %5
  %8 = shl i64 %2, 4
  %9 = getelementptr i8, ptr %0, i64 %8
  %10 = getelementptr i8, ptr %1, i64 %8
  %11 = icmp ult ptr %0, %10
  %12 = icmp ult ptr %1, %9
  %13 = and i1 %11, %12
  br i1 %13, label %34, label %14

14:                                               ; preds = %7
  %15 = and i64 %2, 9223372036854775806
  br label %16

16:                                               ; preds = %16, %14
  %17 = phi i64 [ 0, %14 ], [ %30, %16 ]
  %18 = shl nuw nsw i64 %17, 1
  %19 = getelementptr inbounds nuw double, ptr %1, i64 %18
  %20 = load <4 x double>, ptr %19, align 8, !tbaa !10, !alias.scope !28
  %21 = shufflevector <4 x double> %20, <4 x double> poison, <2 x i32> <i32 0, i32 2>
  %22 = shufflevector <4 x double> %20, <4 x double> poison, <2 x i32> <i32 1, i32 3>
  %23 = fneg <2 x double> %22
  %24 = fmul <2 x double> %22, %23
  %25 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %21, <2 x double> %21, <2 x double> %24)
  %26 = getelementptr inbounds nuw double, ptr %0, i64 %18
  %27 = fmul <2 x double> %21, splat (double 2.000000e+00)
  %28 = fmul <2 x double> %27, %22
  %29 = shufflevector <2 x double> %25, <2 x double> %28, <4 x i32> <i32 0, i32 2, i32 1, i32 3>
  store <4 x double> %29, ptr %26, align 8, !tbaa !10, !alias.scope !31, !noalias !28
  %30 = add nuw i64 %17, 2
  %31 = icmp eq i64 %30, %15
  br i1 %31, label %32, label %16, !llvm.loop !33

32:                                               ; preds = %16
  %33 = icmp eq i64 %2, %15
  br i1 %33, label %36, label %34

34:                                               ; preds = %7, %5, %32
  %35 = phi i64 [ 0, %7 ], [ 0, %5 ], [ %15, %32 ]
  br label %37

36:                                               ; preds = %37, %32, %3
  ret void

37:                                               ; preds = %34, %37
  %38 = phi i64 [ %52, %37 ], [ %35, %34 ]
  %39 = shl nuw nsw i64 %38, 1
  %40 = getelementptr inbounds nuw double, ptr %1, i64 %39
  %41 = load double, ptr %40, align 8, !tbaa !10
  %42 = or disjoint i64 %39, 1
  %43 = getelementptr inbounds nuw double, ptr %1, i64 %42
  %44 = load double, ptr %43, align 8, !tbaa !10
  %45 = fneg double %44
  %46 = fmul double %44, %45
  %47 = tail call double @llvm.fmuladd.f64(double %41, double %41, double %46)
  %48 = getelementptr inbounds nuw double, ptr %0, i64 %39
  store double %47, ptr %48, align 8, !tbaa !10
  %49 = fmul double %41, 2.000000e+00
  %50 = fmul double %49, %44
  %51 = getelementptr inbounds nuw double, ptr %0, i64 %42
  store double %50, ptr %51, align 8, !tbaa !10
  %52 = add nuw nsw i64 %38, 1
  %53 = icmp eq i64 %52, %2
  br i1 %53, label %36, label %37, !llvm.loop !34
}

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: read) uwtable
define double @fsum(ptr noundef readonly captures(none) %0, double noundef %1, i64 noundef %2) local_unnamed_addr #0 {
  %4 = icmp sgt i64 %2, 0
  br i1 %4, label %5, label %34

5:                                                ; preds = %3
  %6 = icmp ult i64 %2, 4
  br i1 %6, label %31, label %7

7:                                                ; preds = %5
  %8 = and i64 %2, 9223372036854775804
  %9 = insertelement <2 x double> poison, double %1, i64 0
  %10 = shufflevector <2 x double> %9, <2 x double> poison, <2 x i32> zeroinitializer
  br label %11

11:                                               ; preds = %11, %7
  %12 = phi i64 [ 0, %7 ], [ %25, %11 ]
  %13 = phi <2 x double> [ <double 0.000000e+00, double -0.000000e+00>, %7 ], [ %23, %11 ]
  %14 = phi <2 x double> [ splat (double -0.000000e+00), %7 ], [ %24, %11 ]
  %15 = getelementptr inbounds nuw float, ptr %0, i64 %12
  %16 = getelementptr inbounds nuw i8, ptr %15, i64 8
  %17 = load <2 x float>, ptr %15, align 4, !tbaa !35
  %18 = load <2 x float>, ptr %16, align 4, !tbaa !35
  %19 = fpext <2 x float> %17 to <2 x double>
  %20 = fpext <2 x float> %18 to <2 x double>
  %21 = fmul <2 x double> %10, %19
  %22 = fmul <2 x double> %10, %20
  %23 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %21, <2 x double> %19, <2 x double> %13)
  %24 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %22, <2 x double> %20, <2 x double> %14)
  %25 = add nuw i64 %12, 4
  %26 = icmp eq i64 %25, %8
  br i1 %26, label %27, label %11, !llvm.loop !37

27:                                               ; preds = %11
  %28 = fadd <2 x double> %24, %23
  %29 = tail call double @llvm.vector.reduce.fadd.v2f64(double -0.000000e+00, <2 x double> %28)
  %30 = icmp eq i64 %2, %8
  br i1 %30, label %34, label %31

31:                                               ; preds = %5, %27
  %32 = phi i64 [ 0, %5 ], [ %8, %27 ]
  %33 = phi double [ 0.000000e+00, %5 ], [ %29, %27 ]
  br label %36

34:                                               ; preds = %36, %27, %3
  %35 = phi double [ 0.000000e+00, %3 ], [ %29, %27 ], [ %43, %36 ]
  ret double %35

36:                                               ; preds = %31, %36
  %37 = phi i64 [ %44, %36 ], [ %32, %31 ]
  %38 = phi double [ %43, %36 ], [ %33, %31 ]
  %39 = getelementptr inbounds nuw float, ptr %0, i64 %37
  %40 = load float, ptr %39, align 4, !tbaa !35
  %41 = fpext float %40 to double
  %42 = fmul double %1, %41
  %43 = tail call double @llvm.fmuladd.f64(double %42, double %41, double %38)
  %44 = add nuw nsw i64 %37, 1
  %45 = icmp eq i64 %44, %2
  br i1 %45, label %34, label %36, !llvm.loop !38
}

; Function Attrs: mustprogress nofree norecurse nounwind willreturn memory(argmem: readwrite, errnomem: write) uwtable
define double @rotate(ptr noalias noundef writeonly captures(none) initializes((0, 32)) %0, ptr noalias noundef readonly captures(none) %1, double noundef %2) local_unnamed_addr #3 {
  %4 = tail call double @cos(double noundef %2) #7, !tbaa !6
  %5 = tail call double @sin(double noundef %2) #7, !tbaa !6
  %6 = load double, ptr %1, align 8, !tbaa !10
  %7 = getelementptr inbounds nuw i8, ptr %1, i64 8
  %8 = load double, ptr %7, align 8, !tbaa !10
  %9 = fneg double %8
  %10 = insertelement <2 x double> poison, double %5, i64 0
  %11 = insertelement <2 x double> %10, double %4, i64 1
  %12 = insertelement <2 x double> poison, double %9, i64 0
  %13 = insertelement <2 x double> %12, double %8, i64 1
  %14 = fmul <2 x double> %11, %13
  %15 = shufflevector <2 x double> %11, <2 x double> poison, <2 x i32> <i32 1, i32 0>
  %16 = insertelement <2 x double> poison, double %6, i64 0
  %17 = shufflevector <2 x double> %16, <2 x double> poison, <2 x i32> zeroinitializer
  %18 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %15, <2 x double> %17, <2 x double> %14)
  store <2 x double> %18, ptr %0, align 8, !tbaa !10
  %19 = getelementptr inbounds nuw i8, ptr %1, i64 16
  %20 = load double, ptr %19, align 8, !tbaa !10
  %21 = getelementptr inbounds nuw i8, ptr %1, i64 24
  %22 = load double, ptr %21, align 8, !tbaa !10
  %23 = fneg double %22
  %24 = getelementptr inbounds nuw i8, ptr %0, i64 16
  %25 = insertelement <2 x double> poison, double %23, i64 0
  %26 = insertelement <2 x double> %25, double %22, i64 1
  %27 = fmul <2 x double> %11, %26
  %28 = insertelement <2 x double> poison, double %20, i64 0
  %29 = shufflevector <2 x double> %28, <2 x double> poison, <2 x i32> zeroinitializer
  %30 = tail call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %15, <2 x double> %29, <2 x double> %27)
  store <2 x double> %30, ptr %24, align 8, !tbaa !10
  %31 = shufflevector <2 x double> %30, <2 x double> poison, <2 x i32> <i32 1, i32 poison>
  %32 = fmul <2 x double> %30, %31
  %33 = extractelement <2 x double> %32, i64 0
  %34 = extractelement <2 x double> %18, i64 0
  %35 = extractelement <2 x double> %18, i64 1
  %36 = tail call double @llvm.fmuladd.f64(double %34, double %35, double %33)
  ret double %36
}

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(errnomem: write)
declare double @cos(double noundef) local_unnamed_addr #4

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(errnomem: write)
declare double @sin(double noundef) local_unnamed_addr #4

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.sqrt.f64(double) #5

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.fmuladd.v2f64(<2 x double>, <2 x double>, <2 x double>) #5

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.vector.reduce.fadd.v2f64(double, <2 x double>) #6

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.fabs.v2f64(<2 x double>) #5

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.sqrt.v2f64(<2 x double>) #5

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <2 x double> @llvm.maxnum.v2f64(<2 x double>, <2 x double>) #5

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.vector.reduce.fmax.v2f64(<2 x double>) #6

attributes #0 = { nofree norecurse nosync nounwind memory(argmem: read) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #2 = { nofree norecurse nosync nounwind memory(argmem: readwrite) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #3 = { mustprogress nofree norecurse nounwind willreturn memory(argmem: readwrite, errnomem: write) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #4 = { mustprogress nocallback nofree nounwind willreturn memory(errnomem: write) "frame-pointer"="all" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+64bit,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,+slow-incdec,+sse,+sse2,+vzeroupper,+x87,-16bit-mode,-32bit-mode,-adx,-aes,-allow-light-256-bit,-amx-avx512,-amx-bf16,-amx-complex,-amx-fp16,-amx-fp8,-amx-int8,-amx-movrs,-amx-tf32,-amx-tile,-avx,-avx10.1,-avx10.2,-avx2,-avx512bf16,-avx512bitalg,-avx512bw,-avx512cd,-avx512dq,-avx512f,-avx512fp16,-avx512ifma,-avx512vbmi,-avx512vbmi2,-avx512vl,-avx512vnni,-avx512vp2intersect,-avx512vpopcntdq,-avxifma,-avxneconvert,-avxvnni,-avxvnniint16,-avxvnniint8,-bmi,-bmi2,-branch-hint,-branchfusion,-ccmp,-cf,-cldemote,-clflushopt,-clwb,-clzero,-cmpccxadd,-crc32,-cx16,-egpr,-enqcmd,-ermsb,-f16c,-false-deps-getmant,-false-deps-lzcnt-tzcnt,-false-deps-mulc,-false-deps-mullq,-false-deps-perm,-false-deps-popcnt,-false-deps-range,-fast-11bytenop,-fast-15bytenop,-fast-7bytenop,-fast-bextr,-fast-dpwssd,-fast-gather,-fast-hops,-fast-imm16,-fast-lzcnt,-fast-movbe,-fast-scalar-fsqrt,-fast-scalar-shift-masks,-fast-shld-rotate,-fast-variable-crosslane-shuffle,-fast-variable-perlane-shuffle,-fast-vector-fsqrt,-fast-vector-shift-masks,-faster-shift-than-shuffle,-fma,-fma4,-fsgsbase,-fsrm,-gfni,-harden-sls-ijmp,-harden-sls-ret,-hreset,-idivl-to-divb,-inline-asm-use-gpr32,-invpcid,-kl,-lea-sp,-lea-uses-ag,-lvi-cfi,-lvi-load-hardening,-lwp,-lzcnt,-movbe,-movdir64b,-movdiri,-movrs,-mwaitx,-ndd,-nf,-no-bypass-delay,-no-bypass-delay-blend,-no-bypass-delay-mov,-no-bypass-delay-shuffle,-pad-short-functions,-pclmul,-pconfig,-pku,-popcnt,-ppx,-prefer-128-bit,-prefer-256-bit,-prefer-legacy-setcc,-prefer-mask-registers,-prefer-movmsk-over-vtest,-prefer-no-gather,-prefer-no-scatter,-prefetchi,-prfchw,-ptwrite,-push2pop2,-raoint,-rdpid,-rdpru,-rdrnd,-rdseed,-retpoline,-retpoline-external-thunk,-retpoline-indirect-branches,-retpoline-indirect-calls,-rtm,-sahf,-sbb-dep-breaking,-serialize,-seses,-sgx,-sha,-sha512,-shstk,-slow-lea,-slow-pmaddwd,-slow-pmulld,-slow-pmullq,-slow-shld,-slow-two-mem-ops,-slow-unaligned-mem-16,-slow-unaligned-mem-32,-sm3,-sm4,-sse-unaligned-mem,-sse3,-sse4.1,-sse4.2,-sse4a,-ssse3,-tagged-globals,-tbm,-tsxldtrk,-tuning-fast-imm-vector-shift,-uintr,-use-glm-div-sqrt-costs,-use-slm-arith-costs,-usermsr,-vaes,-vpclmulqdq,-waitpkg,-wbnoinvd,-widekl,-xop,-xsave,-xsavec,-xsaveopt,-xsaves,-zu" "tune-cpu"="generic" }
attributes #5 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #6 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }
attributes #7 = { nounwind }

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
!12 = distinct !{!12, !13, !14, !15}
!13 = !{!"llvm.loop.mustprogress"}
!14 = !{!"llvm.loop.isvectorized", i32 1}
!15 = !{!"llvm.loop.unroll.runtime.disable"}
!16 = distinct !{!16, !13, !15, !14}
!17 = !{!18}
!18 = distinct !{!18, !19}
!19 = distinct !{!19, !"LVerDomain"}
!20 = !{!21}
!21 = distinct !{!21, !19}
!22 = distinct !{!22, !13, !14, !15}
!23 = distinct !{!23, !13, !14}
!24 = distinct !{!24, !13, !14, !15}
!25 = distinct !{!25, !13, !15, !14}
!26 = distinct !{!26, !13, !14, !15}
!27 = distinct !{!27, !13, !14}
!28 = !{!29}
!29 = distinct !{!29, !30}
!30 = distinct !{!30, !"LVerDomain"}
!31 = !{!32}
!32 = distinct !{!32, !30}
!33 = distinct !{!33, !13, !14, !15}
!34 = distinct !{!34, !13, !14}
!35 = !{!36, !36, i64 0}
!36 = !{!"float", !8, i64 0}
!37 = distinct !{!37, !13, !14, !15}
!38 = distinct !{!38, !13, !15, !14}
