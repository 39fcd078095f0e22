// Loops in reverse mode with explicit activity markers: a plain loop, nested loops, a loop
// carrying a product, and a loop whose trip count depends on the data.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O1 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O3 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

double __enzyme_autodiff(void *, ...);

#define N 5

// sum_i w_i x_i^2
double weighted_norm(const double *x, const double *w, int n) {
  double s = 0;
  for (int i = 0; i < n; i++)
    s += w[i] * x[i] * x[i];
  return s;
}

// x^T A x, two nested loops
double quad_form(const double *A, const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double row = 0;
    for (int j = 0; j < n; j++)
      row += A[i * n + j] * x[j];
    s += x[i] * row;
  }
  return s;
}

// prod_i (1 + x_i t)
double running_product(const double *x, int n, double t) {
  double p = 1;
  for (int i = 0; i < n; i++)
    p *= 1 + x[i] * t;
  return p;
}

// adds x^2 until the sum passes limit: k terms, derivative 2 k x
double until(double x, double limit) {
  double s = 0;
  while (s < limit)
    s += x * x;
  return s;
}

int main(void) {
  double x[N] = {0.5, -1.25, 2.0, 0.75, -0.3}, w[N] = {1, 2, 3, 4, 5};
  double A[N * N];
  for (int i = 0; i < N * N; i++)
    A[i] = 0.1 * (i % 7) - 0.2 * (i % 3);

  double dx[N] = {0};
  __enzyme_autodiff((void *)weighted_norm, enzyme_dup, x, dx, enzyme_const, w,
                    enzyme_const, N);
  for (int i = 0; i < N; i++)
    APPROX_EQ(dx[i], 2 * w[i] * x[i], 1e-13);

  double dA[N * N] = {0}, dx2[N] = {0};
  __enzyme_autodiff((void *)quad_form, enzyme_dup, A, dA, enzyme_dup, x, dx2,
                    enzyme_const, N);
  for (int i = 0; i < N; i++) {
    double g = 0;  // ((A + A^T) x)_i
    for (int j = 0; j < N; j++)
      g += (A[i * N + j] + A[j * N + i]) * x[j];
    APPROX_EQ(dx2[i], g, 1e-13);
    for (int j = 0; j < N; j++)
      APPROX_EQ(dA[i * N + j], x[i] * x[j], 1e-13);
  }

  double t = 0.7, dx3[N] = {0};
  double dt = __enzyme_autodiff((void *)running_product, enzyme_dup, x, dx3,
                                enzyme_const, N, enzyme_out, t);
  double want_dt = 0;
  for (int i = 0; i < N; i++) {
    double others = 1;
    for (int k = 0; k < N; k++)
      if (k != i)
        others *= 1 + x[k] * t;
    want_dt += x[i] * others;
    APPROX_EQ(dx3[i], t * others, 1e-13);
  }
  APPROX_EQ(dt, want_dt, 1e-13);

  // 1.5^2 = 2.25 per step: 5 steps pass 10, so d/dx = 2 * 5 * 1.5
  double du = __enzyme_autodiff((void *)until, enzyme_out, 1.5, enzyme_const, 10.0);
  APPROX_EQ(du, 15.0, 1e-13);
  printf("loops ok\n");
  return 0;
}
