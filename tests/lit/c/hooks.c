// A function pointer held in a global (an allocator hook, a math hook) is differentiated as
// the one function the global's initializer names, behind a run-time check: once the
// program points the hook elsewhere, the derivative stops with a message naming the hook
// instead of running a function it was not built for.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | not %lli - 2>&1 | %FileCheck %s
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | not %lli - 2>&1 | %FileCheck %s
// CHECK: gradients ok
// CHECK: zymase: @{{.*}} calls the function pointer held in @hooks, which no longer points to @malloc

#include "../test_utils.h"

double __enzyme_autodiff(void *, ...);

struct {
  long calls;
  void *(*alloc)(unsigned long);
  double (*fn)(double);
} hooks = {0, malloc, sin};

void *other_alloc(unsigned long n) { return calloc(1, n); }

// y = sum_i sin(x_i)^2 through a block the hook allocates
double f(const double *x, int n) {
  double *tmp = (double *)hooks.alloc(n * sizeof(double));
  for (int i = 0; i < n; i++)
    tmp[i] = hooks.fn(x[i]);
  double s = 0;
  for (int i = 0; i < n; i++)
    s += tmp[i] * tmp[i];
  free(tmp);
  return s;
}

int main(void) {
  double x[3] = {0.3, -1.1, 2.0}, dx[3] = {0};
  __enzyme_autodiff((void *)f, x, dx, 3);
  for (int i = 0; i < 3; i++)
    APPROX_EQ(dx[i], 2 * sin(x[i]) * cos(x[i]), 1e-13);
  printf("gradients ok\n");
  fflush(stdout);
  hooks.alloc = other_alloc;
  __enzyme_autodiff((void *)f, x, dx, 3);
  printf("not reached\n");
  return 0;
}
