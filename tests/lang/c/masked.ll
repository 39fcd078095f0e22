; ModuleID = 'masked.c'
source_filename = "masked.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux5.10.0-gnu2.31.0"

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: readwrite) uwtable
define void @sqwhere(ptr noundef writeonly captures(none) %0, ptr noundef readonly captures(none) %1, ptr noundef readonly captures(none) %2, i64 noundef %3) local_unnamed_addr #0 {
  %5 = icmp sgt i64 %3, 0
  br i1 %5, label %6, label %97

6:                                                ; preds = %4
  %7 = icmp ult i64 %3, 4
  br i1 %7, label %78, label %8

8:                                                ; preds = %6
  %9 = shl i64 %3, 3
  %10 = getelementptr i8, ptr %0, i64 %9
  %11 = shl i64 %3, 2
  %12 = getelementptr i8, ptr %2, i64 %11
  %13 = getelementptr i8, ptr %1, i64 %9
  %14 = icmp ult ptr %0, %12
  %15 = icmp ult ptr %2, %10
  %16 = and i1 %14, %15
  %17 = icmp ult ptr %0, %13
  %18 = icmp ult ptr %1, %10
  %19 = and i1 %17, %18
  %20 = or i1 %16, %19
  br i1 %20, label %78, label %21

21:                                               ; preds = %8
  %22 = icmp ult i64 %3, 16
  br i1 %22, label %62, label %23

23:                                               ; preds = %21
  %24 = and i64 %3, 12
  %25 = and i64 %3, 9223372036854775792
  br label %26

26:                                               ; preds = %26, %23
  %27 = phi i64 [ 0, %23 ], [ %56, %26 ]
  %28 = getelementptr inbounds nuw i32, ptr %2, i64 %27
  %29 = getelementptr inbounds nuw i8, ptr %28, i64 16
  %30 = getelementptr inbounds nuw i8, ptr %28, i64 32
  %31 = getelementptr inbounds nuw i8, ptr %28, i64 48
  %32 = load <4 x i32>, ptr %28, align 4, !tbaa !6, !alias.scope !10
  %33 = load <4 x i32>, ptr %29, align 4, !tbaa !6, !alias.scope !10
  %34 = load <4 x i32>, ptr %30, align 4, !tbaa !6, !alias.scope !10
  %35 = load <4 x i32>, ptr %31, align 4, !tbaa !6, !alias.scope !10
  %36 = icmp ne <4 x i32> %32, zeroinitializer
  %37 = icmp ne <4 x i32> %33, zeroinitializer
  %38 = icmp ne <4 x i32> %34, zeroinitializer
  %39 = icmp ne <4 x i32> %35, zeroinitializer
  %40 = getelementptr double, ptr %1, i64 %27
  %41 = getelementptr i8, ptr %40, i64 32
  %42 = getelementptr i8, ptr %40, i64 64
  %43 = getelementptr i8, ptr %40, i64 96
  %44 = tail call <4 x double> @llvm.masked.load.v4f64.p0(ptr align 8 %40, <4 x i1> %36, <4 x double> poison), !tbaa !13, !alias.scope !15
  %45 = tail call <4 x double> @llvm.masked.load.v4f64.p0(ptr align 8 %41, <4 x i1> %37, <4 x double> poison), !tbaa !13, !alias.scope !15
  %46 = tail call <4 x double> @llvm.masked.load.v4f64.p0(ptr align 8 %42, <4 x i1> %38, <4 x double> poison), !tbaa !13, !alias.scope !15
  %47 = tail call <4 x double> @llvm.masked.load.v4f64.p0(ptr align 8 %43, <4 x i1> %39, <4 x double> poison), !tbaa !13, !alias.scope !15
  %48 = fmul <4 x double> %44, %44
  %49 = fmul <4 x double> %45, %45
  %50 = fmul <4 x double> %46, %46
  %51 = fmul <4 x double> %47, %47
  %52 = getelementptr double, ptr %0, i64 %27
  %53 = getelementptr i8, ptr %52, i64 32
  %54 = getelementptr i8, ptr %52, i64 64
  %55 = getelementptr i8, ptr %52, i64 96
  tail call void @llvm.masked.store.v4f64.p0(<4 x double> %48, ptr align 8 %52, <4 x i1> %36), !tbaa !13, !alias.scope !17, !noalias !19
  tail call void @llvm.masked.store.v4f64.p0(<4 x double> %49, ptr align 8 %53, <4 x i1> %37), !tbaa !13, !alias.scope !17, !noalias !19
  tail call void @llvm.masked.store.v4f64.p0(<4 x double> %50, ptr align 8 %54, <4 x i1> %38), !tbaa !13, !alias.scope !17, !noalias !19
  tail call void @llvm.masked.store.v4f64.p0(<4 x double> %51, ptr align 8 %55, <4 x i1> %39), !tbaa !13, !alias.scope !17, !noalias !19
  %56 = add nuw i64 %27, 16
  %57 = icmp eq i64 %56, %25
  br i1 %57, label %58, label %26, !llvm.loop !20

58:                                               ; preds = %26
  %59 = icmp eq i64 %3, %25
  br i1 %59, label %97, label %60

60:                                               ; preds = %58
  %61 = icmp eq i64 %24, 0
  br i1 %61, label %78, label %62, !prof !24

62:                                               ; preds = %21, %60
  %63 = phi i64 [ %25, %60 ], [ 0, %21 ]
  %64 = and i64 %3, 9223372036854775804
  br label %65

65:                                               ; preds = %65, %62
  %66 = phi i64 [ %63, %62 ], [ %74, %65 ]
  %67 = getelementptr inbounds nuw i32, ptr %2, i64 %66
  %68 = load <4 x i32>, ptr %67, align 4, !tbaa !6, !alias.scope !10
  %69 = icmp ne <4 x i32> %68, zeroinitializer
  %70 = getelementptr double, ptr %1, i64 %66
  %71 = tail call <4 x double> @llvm.masked.load.v4f64.p0(ptr align 8 %70, <4 x i1> %69, <4 x double> poison), !tbaa !13, !alias.scope !15
  %72 = fmul <4 x double> %71, %71
  %73 = getelementptr double, ptr %0, i64 %66
  tail call void @llvm.masked.store.v4f64.p0(<4 x double> %72, ptr align 8 %73, <4 x i1> %69), !tbaa !13, !alias.scope !17, !noalias !19
  %74 = add nuw i64 %66, 4
  %75 = icmp eq i64 %74, %64
  br i1 %75, label %76, label %65, !llvm.loop !25

76:                                               ; preds = %65
  %77 = icmp eq i64 %3, %64
  br i1 %77, label %97, label %78

78:                                               ; preds = %8, %6, %60, %76
  %79 = phi i64 [ 0, %6 ], [ 0, %8 ], [ %25, %60 ], [ %64, %76 ]
  %80 = or disjoint i64 %79, 1
  %81 = and i64 %3, 1
  %82 = icmp eq i64 %81, 0
  br i1 %82, label %94, label %83

83:                                               ; preds = %78
  %84 = getelementptr inbounds nuw i32, ptr %2, i64 %79
  %85 = load i32, ptr %84, align 4, !tbaa !6
  %86 = icmp eq i32 %85, 0
  br i1 %86, label %92, label %87

87:                                               ; preds = %83
  %88 = getelementptr inbounds nuw double, ptr %1, i64 %79
  %89 = load double, ptr %88, align 8, !tbaa !13
  %90 = fmul double %89, %89
  %91 = getelementptr inbounds nuw double, ptr %0, i64 %79
  store double %90, ptr %91, align 8, !tbaa !13
  br label %92

92:                                               ; preds = %87, %83
  %93 = or disjoint i64 %79, 1
  br label %94

94:                                               ; preds = %92, %78
  %95 = phi i64 [ %79, %78 ], [ %93, %92 ]
  %96 = icmp eq i64 %3, %80
  br i1 %96, label %97, label %98

97:                                               ; preds = %94, %118, %58, %76, %4
  ret void

98:                                               ; preds = %94, %118
  %99 = phi i64 [ %119, %118 ], [ %95, %94 ]
  %100 = getelementptr inbounds nuw i32, ptr %2, i64 %99
  %101 = load i32, ptr %100, align 4, !tbaa !6
  %102 = icmp eq i32 %101, 0
  br i1 %102, label %108, label %103

103:                                              ; preds = %98
  %104 = getelementptr inbounds nuw double, ptr %1, i64 %99
  %105 = load double, ptr %104, align 8, !tbaa !13
  %106 = fmul double %105, %105
  %107 = getelementptr inbounds nuw double, ptr %0, i64 %99
  store double %106, ptr %107, align 8, !tbaa !13
  br label %108

108:                                              ; preds = %98, %103
  %109 = add nuw nsw i64 %99, 1
  %110 = getelementptr inbounds nuw i32, ptr %2, i64 %109
  %111 = load i32, ptr %110, align 4, !tbaa !6
  %112 = icmp eq i32 %111, 0
  br i1 %112, label %118, label %113

113:                                              ; preds = %108
  %114 = getelementptr inbounds nuw double, ptr %1, i64 %109
  %115 = load double, ptr %114, align 8, !tbaa !13
  %116 = fmul double %115, %115
  %117 = getelementptr inbounds nuw double, ptr %0, i64 %109
  store double %116, ptr %117, align 8, !tbaa !13
  br label %118

118:                                              ; preds = %113, %108
  %119 = add nuw nsw i64 %99, 2
  %120 = icmp eq i64 %119, %3
  br i1 %120, label %97, label %98, !llvm.loop !26
}

; Function Attrs: nofree norecurse nosync nounwind memory(argmem: read) uwtable
define double @gathered(ptr noundef readonly captures(none) %0, ptr noundef readonly captures(none) %1, ptr noundef readonly captures(none) %2, i64 noundef %3) local_unnamed_addr #1 {
  %5 = icmp sgt i64 %3, 0
  br i1 %5, label %6, label %90

6:                                                ; preds = %4
  %7 = icmp ult i64 %3, 4
  br i1 %7, label %87, label %8

8:                                                ; preds = %6
  %9 = icmp ult i64 %3, 16
  br i1 %9, label %65, label %10

10:                                               ; preds = %8
  %11 = and i64 %3, 12
  %12 = and i64 %3, 9223372036854775792
  br label %13

13:                                               ; preds = %13, %10
  %14 = phi i64 [ 0, %10 ], [ %55, %13 ]
  %15 = phi <4 x double> [ <double 0.000000e+00, double -0.000000e+00, double -0.000000e+00, double -0.000000e+00>, %10 ], [ %51, %13 ]
  %16 = phi <4 x double> [ splat (double -0.000000e+00), %10 ], [ %52, %13 ]
  %17 = phi <4 x double> [ splat (double -0.000000e+00), %10 ], [ %53, %13 ]
  %18 = phi <4 x double> [ splat (double -0.000000e+00), %10 ], [ %54, %13 ]
  %19 = getelementptr inbounds nuw double, ptr %1, i64 %14
  %20 = getelementptr inbounds nuw i8, ptr %19, i64 32
  %21 = getelementptr inbounds nuw i8, ptr %19, i64 64
  %22 = getelementptr inbounds nuw i8, ptr %19, i64 96
  %23 = load <4 x double>, ptr %19, align 8, !tbaa !13
  %24 = load <4 x double>, ptr %20, align 8, !tbaa !13
  %25 = load <4 x double>, ptr %21, align 8, !tbaa !13
  %26 = load <4 x double>, ptr %22, align 8, !tbaa !13
  %27 = getelementptr inbounds nuw i32, ptr %2, i64 %14
  %28 = getelementptr inbounds nuw i8, ptr %27, i64 16
  %29 = getelementptr inbounds nuw i8, ptr %27, i64 32
  %30 = getelementptr inbounds nuw i8, ptr %27, i64 48
  %31 = load <4 x i32>, ptr %27, align 4, !tbaa !6
  %32 = load <4 x i32>, ptr %28, align 4, !tbaa !6
  %33 = load <4 x i32>, ptr %29, align 4, !tbaa !6
  %34 = load <4 x i32>, ptr %30, align 4, !tbaa !6
  %35 = sext <4 x i32> %31 to <4 x i64>
  %36 = sext <4 x i32> %32 to <4 x i64>
  %37 = sext <4 x i32> %33 to <4 x i64>
  %38 = sext <4 x i32> %34 to <4 x i64>
  %39 = getelementptr inbounds double, ptr %0, <4 x i64> %35
  %40 = getelementptr inbounds double, ptr %0, <4 x i64> %36
  %41 = getelementptr inbounds double, ptr %0, <4 x i64> %37
  %42 = getelementptr inbounds double, ptr %0, <4 x i64> %38
  %43 = tail call <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr> align 8 %39, <4 x i1> splat (i1 true), <4 x double> poison), !tbaa !13
  %44 = tail call <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr> align 8 %40, <4 x i1> splat (i1 true), <4 x double> poison), !tbaa !13
  %45 = tail call <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr> align 8 %41, <4 x i1> splat (i1 true), <4 x double> poison), !tbaa !13
  %46 = tail call <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr> align 8 %42, <4 x i1> splat (i1 true), <4 x double> poison), !tbaa !13
  %47 = fmul <4 x double> %23, %43
  %48 = fmul <4 x double> %24, %44
  %49 = fmul <4 x double> %25, %45
  %50 = fmul <4 x double> %26, %46
  %51 = tail call <4 x double> @llvm.fmuladd.v4f64(<4 x double> %47, <4 x double> %43, <4 x double> %15)
  %52 = tail call <4 x double> @llvm.fmuladd.v4f64(<4 x double> %48, <4 x double> %44, <4 x double> %16)
  %53 = tail call <4 x double> @llvm.fmuladd.v4f64(<4 x double> %49, <4 x double> %45, <4 x double> %17)
  %54 = tail call <4 x double> @llvm.fmuladd.v4f64(<4 x double> %50, <4 x double> %46, <4 x double> %18)
  %55 = add nuw i64 %14, 16
  %56 = icmp eq i64 %55, %12
  br i1 %56, label %57, label %13, !llvm.loop !27

57:                                               ; preds = %13
  %58 = fadd <4 x double> %52, %51
  %59 = fadd <4 x double> %53, %58
  %60 = fadd <4 x double> %54, %59
  %61 = tail call double @llvm.vector.reduce.fadd.v4f64(double -0.000000e+00, <4 x double> %60)
  %62 = icmp eq i64 %3, %12
  br i1 %62, label %90, label %63

63:                                               ; preds = %57
  %64 = icmp eq i64 %11, 0
  br i1 %64, label %87, label %65, !prof !24

65:                                               ; preds = %8, %63
  %66 = phi i64 [ %12, %63 ], [ 0, %8 ]
  %67 = phi double [ %61, %63 ], [ 0.000000e+00, %8 ]
  %68 = and i64 %3, 9223372036854775804
  %69 = insertelement <4 x double> <double poison, double -0.000000e+00, double -0.000000e+00, double -0.000000e+00>, double %67, i64 0
  br label %70

70:                                               ; preds = %70, %65
  %71 = phi i64 [ %66, %65 ], [ %82, %70 ]
  %72 = phi <4 x double> [ %69, %65 ], [ %81, %70 ]
  %73 = getelementptr inbounds nuw double, ptr %1, i64 %71
  %74 = load <4 x double>, ptr %73, align 8, !tbaa !13
  %75 = getelementptr inbounds nuw i32, ptr %2, i64 %71
  %76 = load <4 x i32>, ptr %75, align 4, !tbaa !6
  %77 = sext <4 x i32> %76 to <4 x i64>
  %78 = getelementptr inbounds double, ptr %0, <4 x i64> %77
  %79 = tail call <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr> align 8 %78, <4 x i1> splat (i1 true), <4 x double> poison), !tbaa !13
  %80 = fmul <4 x double> %74, %79
  %81 = tail call <4 x double> @llvm.fmuladd.v4f64(<4 x double> %80, <4 x double> %79, <4 x double> %72)
  %82 = add nuw i64 %71, 4
  %83 = icmp eq i64 %82, %68
  br i1 %83, label %84, label %70, !llvm.loop !28

84:                                               ; preds = %70
  %85 = tail call double @llvm.vector.reduce.fadd.v4f64(double -0.000000e+00, <4 x double> %81)
  %86 = icmp eq i64 %3, %68
  br i1 %86, label %90, label %87

87:                                               ; preds = %6, %63, %84
  %88 = phi i64 [ 0, %6 ], [ %12, %63 ], [ %68, %84 ]
  %89 = phi double [ 0.000000e+00, %6 ], [ %61, %63 ], [ %85, %84 ]
  br label %92

90:                                               ; preds = %92, %57, %84, %4
  %91 = phi double [ 0.000000e+00, %4 ], [ %85, %84 ], [ %61, %57 ], [ %103, %92 ]
  ret double %91

92:                                               ; preds = %87, %92
  %93 = phi i64 [ %104, %92 ], [ %88, %87 ]
  %94 = phi double [ %103, %92 ], [ %89, %87 ]
  %95 = getelementptr inbounds nuw double, ptr %1, i64 %93
  %96 = load double, ptr %95, align 8, !tbaa !13
  %97 = getelementptr inbounds nuw i32, ptr %2, i64 %93
  %98 = load i32, ptr %97, align 4, !tbaa !6
  %99 = sext i32 %98 to i64
  %100 = getelementptr inbounds double, ptr %0, i64 %99
  %101 = load double, ptr %100, align 8, !tbaa !13
  %102 = fmul double %96, %101
  %103 = tail call double @llvm.fmuladd.f64(double %102, double %101, double %94)
  %104 = add nuw nsw i64 %93, 1
  %105 = icmp eq i64 %104, %3
  br i1 %105, label %90, label %92, !llvm.loop !29
}

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.fmuladd.f64(double, double, double) #2

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: read)
declare <4 x double> @llvm.masked.load.v4f64.p0(ptr captures(none), <4 x i1>, <4 x double>) #3

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: write)
declare void @llvm.masked.store.v4f64.p0(<4 x double>, ptr captures(none), <4 x i1>) #4

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(read)
declare <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr>, <4 x i1>, <4 x double>) #5

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare <4 x double> @llvm.fmuladd.v4f64(<4 x double>, <4 x double>, <4 x double>) #6

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare double @llvm.vector.reduce.fadd.v4f64(double, <4 x double>) #7

attributes #0 = { nofree norecurse nosync nounwind memory(argmem: readwrite) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "tune-cpu"="generic" }
attributes #1 = { nofree norecurse nosync nounwind memory(argmem: read) uwtable "frame-pointer"="all" "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "tune-cpu"="generic" }
attributes #2 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #3 = { nocallback nofree nosync nounwind willreturn memory(argmem: read) }
attributes #4 = { nocallback nofree nosync nounwind willreturn memory(argmem: write) }
attributes #5 = { nocallback nofree nosync nounwind willreturn memory(read) }
attributes #6 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #7 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

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
!10 = !{!11}
!11 = distinct !{!11, !12}
!12 = distinct !{!12, !"LVerDomain"}
!13 = !{!14, !14, i64 0}
!14 = !{!"double", !8, i64 0}
!15 = !{!16}
!16 = distinct !{!16, !12}
!17 = !{!18}
!18 = distinct !{!18, !12}
!19 = !{!11, !16}
!20 = distinct !{!20, !21, !22, !23}
!21 = !{!"llvm.loop.mustprogress"}
!22 = !{!"llvm.loop.isvectorized", i32 1}
!23 = !{!"llvm.loop.unroll.runtime.disable"}
!24 = !{!"branch_weights", i32 4, i32 12}
!25 = distinct !{!25, !21, !22, !23}
!26 = distinct !{!26, !21, !22}
!27 = distinct !{!27, !21, !22, !23}
!28 = distinct !{!28, !21, !22, !23}
!29 = distinct !{!29, !21, !23, !22}
