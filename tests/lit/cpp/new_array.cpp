// `new double[n]` (operator new[]) inside the differentiated function: an allocation with a
// shadow; at -O2 clang turns the copy loop into a memcpy into the new array.
// RUN: %clang++ -std=c++17 -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang++ -std=c++17 -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include <cstdio>

#include "../test_utils.h"

extern "C" double __enzyme_autodiff(void *, ...);

// the polynomial sum_i c_i x^i, evaluated from a copy of c made with new[]
double poly(const double *c, int n, double x) {
  double *q = new double[n];
  for (int i = 0; i < n; i++)
    q[i] = c[i];
  double s = 0;
  for (int i = n - 1; i >= 0; --i)
    s = s * x + q[i];
  delete[] q;
  return s;
}

int main() {
  double c[3] = {1.0, 2.0, -0.5}, dc[3] = {0, 0, 0}, x = 3.0;
  double dx = __enzyme_autodiff((void *)poly, enzyme_dup, c, dc, enzyme_const, 3, enzyme_out, x);
  APPROX_EQ(dx, 2.0 - 2 * 0.5 * x, 1e-13);
  APPROX_EQ(dc[0], 1.0, 1e-13);
  APPROX_EQ(dc[1], x, 1e-13);
  APPROX_EQ(dc[2], x * x, 1e-13);
  std::printf("new[] ok\n");
  return 0;
}
