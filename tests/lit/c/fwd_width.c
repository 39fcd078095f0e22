// enzyme_width in forward mode: N tangents in one call, returned as a struct of N doubles
// (a double argument is followed by its N tangents, a duplicated pointer by N shadow
// pointers); each lane must equal a width-1 call and the closed form.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

typedef struct {
  double d0, d1, d2;
} T3;
typedef struct {
  double d[2];
} T2;

T3 __enzyme_fwddiff3(void *, ...);
T2 __enzyme_fwddiff2(void *, ...);
double __enzyme_fwddiff(void *, ...);

double f(double x, double y) { return x * x * y + sin(y) * exp(x); }

#define N 4
double dot_sq(const double *a, int n) {
  double s = 0;
  for (int i = 0; i < n; i++)
    s += a[i] * a[i] * (i + 1);
  return s;
}

int main(void) {
  double x = 0.6, y = -1.1;
  double fx = 2 * x * y + sin(y) * exp(x), fy = x * x + cos(y) * exp(x);
  // three directions: (1, 0), (0, 1), (0.5, -2)
  T3 t = __enzyme_fwddiff3((void *)f, enzyme_width, 3, x, 1.0, 0.0, 0.5, y, 0.0, 1.0, -2.0);
  APPROX_EQ(t.d0, fx, 1e-13);
  APPROX_EQ(t.d1, fy, 1e-13);
  APPROX_EQ(t.d2, 0.5 * fx - 2 * fy, 1e-13);
  APPROX_EQ(t.d2, __enzyme_fwddiff((void *)f, x, 0.5, y, -2.0), 1e-13);

  double a[N] = {1.0, -2.0, 0.5, 3.0};
  double e0[N] = {1, 0, 0, 0}, e3[N] = {0, 0, 0, 1};
  T2 u = __enzyme_fwddiff2((void *)dot_sq, enzyme_width, 2, enzyme_dup, a, e0, e3,
                           enzyme_const, N);
  APPROX_EQ(u.d[0], 2 * a[0] * 1, 1e-13);
  APPROX_EQ(u.d[1], 2 * a[3] * 4, 1e-13);
  printf("forward width ok\n");
  return 0;
}
