// __enzyme_allocation_like: a program's own allocator (here an arena) declared to return a
// new block whose size is one of its arguments.  Blocks it returns get zeroed shadows like
// malloc's, so values stored in them carry derivatives; reverse and forward mode against
// closed forms, with the allocator kept out of line as Enzyme's plugin keeps it.
// RUN: %clang -std=c11 -O0 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -
// RUN: %clang -std=c11 -O1 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -
// RUN: %clang -std=c11 -O3 %s -S -emit-llvm -o - %newLoadClangEnzyme | %lli -

#include "../test_utils.h"

double __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);

static char arena[1 << 16];
static long used = 0;

void *arena_alloc(long count, long bytes) {
  void *p = &arena[used];
  used += (count * bytes + 15) / 16 * 16;
  return p;
}
void arena_release(void *p) { (void)p; }

void *__enzyme_allocation_like[4] = {(void *)arena_alloc, (void *)1, (void *)"-1",
                                     (void *)arena_release};

// cumulative products of (1 + x_i a) in a block from the arena; returns their sum
double cumprod_sum(const double *x, int n, double a) {
  double *c = (double *)arena_alloc(1, n * sizeof(double));
  double p = 1.0, s = 0.0;
  for (int i = 0; i < n; i++) {
    p *= 1.0 + x[i] * a;
    c[i] = p;
  }
  for (int i = 0; i < n; i++)
    s += c[i] * c[i];
  return s;
}

int main(void) {
  double x[4] = {0.5, -0.25, 1.5, 0.75}, a = 0.8;
  // d/da sum_k P_k^2 = sum_k 2 P_k^2 sum_{i<=k} x_i / (1 + x_i a)
  double want = 0, p = 1, acc = 0;
  for (int k = 0; k < 4; k++) {
    p *= 1 + x[k] * a;
    acc += x[k] / (1 + x[k] * a);
    want += 2 * p * p * acc;
  }
  double dx[4] = {0};
  used = 0;
  double da = __enzyme_autodiff((void *)cumprod_sum, enzyme_dup, x, dx, enzyme_const, 4,
                                enzyme_out, a);
  APPROX_EQ(da, want, 1e-12);
  // d/dx_0 through every product: sum_k 2 P_k^2 a / (1 + x_0 a)
  double want0 = 0;
  p = 1;
  for (int k = 0; k < 4; k++) {
    p *= 1 + x[k] * a;
    want0 += 2 * p * p * a / (1 + x[0] * a);
  }
  APPROX_EQ(dx[0], want0, 1e-12);
  double zero[4] = {0};
  double t = __enzyme_fwddiff((void *)cumprod_sum, enzyme_dup, x, zero, enzyme_const, 4,
                              enzyme_dup, a, 1.0);
  APPROX_EQ(t, want, 1e-12);
  return 0;
}
