// A global the differentiated function writes by name gets an implicit shadow; a pointer
// argument into the same global would reach its memory without that shadow (the gradient
// would be wrong), so the program stops with a message naming the global instead.
// RUN: %clang -O1 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | not %lli - 2>&1 | %FileCheck %s
// CHECK: zymase: the call of @__enzyme_autodiff in @main: an argument points into @g, which @f also writes by name

#include "../test_utils.h"

void __enzyme_autodiff(void *, ...);

double g[2];

double f(double *p) {
  g[1] = p[0] * p[0];
  return g[1] + p[1];
}

int main(void) {
  double x[2] = {3.0, 1.0}, dx[2] = {0, 0};
  __enzyme_autodiff((void *)f, x, dx);      // fine: x is not g
  APPROX_EQ(dx[0], 6.0, 1e-13);
  APPROX_EQ(dx[1], 1.0, 1e-13);
  double dg[2] = {0, 0};
  g[0] = 3.0;
  __enzyme_autodiff((void *)f, g, dg);      // p aliases g: refused at run time
  printf("not reached\n");
  return 0;
}
