// __enzyme_function_like: a function differentiated like a named math function (its own
// value is the primal's; its derivative is the named function's).  Here a truncated series
// stands in for log1p and a polynomial for atan2: the derivatives must be exactly those of
// log1p and atan2, not of the series, in both modes and whether or not clang inlines.
// RUN: %clang -std=c11 -O0 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -
// RUN: %clang -std=c11 -O2 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -
// RUN: %clang -std=c11 -O3 %s -S -emit-llvm -o - %newLoadClangEnzyme | %lli -

#include "../test_utils.h"

double __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);
typedef struct { double dy, dx; } Pair;
Pair __enzyme_autodiff2(void *, ...) __asm__("__enzyme_autodiff");

double series_log1p(double a) { return a - a * a / 2 + a * a * a / 3; }
double poly_atan2(double y, double x) { return y * x; }

void *__enzyme_function_like[2] = {(void *)series_log1p, "log1p"};
void *__enzyme_function_like2[2] = {(void *)poly_atan2, "atan2"};

double f(double a) { return 3.0 * series_log1p(a * a) + a; }
double g(double y, double x) { return poly_atan2(y, x) * 2.0; }

int main(void) {
  double a = 0.75;
  double want = 3.0 * 2 * a / (1 + a * a) + 1.0;
  APPROX_EQ(__enzyme_autodiff((void *)f, a), want, 1e-13);
  APPROX_EQ(__enzyme_fwddiff((void *)f, a, 1.0), want, 1e-13);
  double y = 0.5, x = -1.5, r2 = x * x + y * y;
  Pair d = __enzyme_autodiff2((void *)g, y, x);
  APPROX_EQ(d.dy, 2.0 * x / r2, 1e-13);
  APPROX_EQ(d.dx, -2.0 * y / r2, 1e-13);
  APPROX_EQ(__enzyme_fwddiff((void *)g, y, 1.0, x, 0.0), 2.0 * x / r2, 1e-13);
  // the primal is the function's own
  APPROX_EQ(f(a), 3.0 * series_log1p(a * a) + a, 0);
  return 0;
}
