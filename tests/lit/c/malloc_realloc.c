// malloc, realloc and free inside the differentiated function: a buffer that grows by
// realloc while it is filled with running sums, then is read back and freed (at -O3 the
// loop vectorizer makes <2 x double> code of `scratch`).
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O3 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

double __enzyme_autodiff(void *, ...);

#define N 9

// c_i = sum_{k <= i} sin(x_k), f = sum_i c_i^2
double running_sums(const double *x, int n) {
  int cap = 1;
  double *c = (double *)malloc(cap * sizeof(double));
  for (int i = 0; i < n; i++) {
    if (i == cap) {
      cap *= 2;
      c = (double *)realloc(c, cap * sizeof(double));
    }
    c[i] = (i ? c[i - 1] : 0.0) + sin(x[i]);
  }
  double f = 0;
  for (int i = 0; i < n; i++)
    f += c[i] * c[i];
  free(c);
  return f;
}

// a scratch array per call, scaled by an active scalar
double scratch(double a, const double *x, int n) {
  double *t = (double *)malloc(n * sizeof(double));
  for (int i = 0; i < n; i++)
    t[i] = a * x[i];
  double s = 0;
  for (int i = 0; i < n; i++)
    s += t[i] * t[i];
  free(t);
  return s;  // a^2 |x|^2
}

int main(void) {
  double x[N], dx[N] = {0}, c[N];
  for (int i = 0; i < N; i++)
    x[i] = 0.3 * i - 1.1;
  __enzyme_autodiff((void *)running_sums, enzyme_dup, x, dx, enzyme_const, N);
  for (int i = 0; i < N; i++)
    c[i] = (i ? c[i - 1] : 0.0) + sin(x[i]);
  for (int k = 0; k < N; k++) {
    double tail = 0;  // df/dx_k = cos(x_k) * sum_{i >= k} 2 c_i
    for (int i = k; i < N; i++)
      tail += 2 * c[i];
    APPROX_EQ(dx[k], cos(x[k]) * tail, 1e-13);
  }

  double dx2[N] = {0}, a = 1.7, norm2 = 0;
  double da = __enzyme_autodiff((void *)scratch, enzyme_out, a, enzyme_dup, x, dx2,
                                enzyme_const, N);
  for (int i = 0; i < N; i++)
    norm2 += x[i] * x[i];
  APPROX_EQ(da, 2 * a * norm2, 1e-13);
  for (int i = 0; i < N; i++)
    APPROX_EQ(dx2[i], 2 * a * a * x[i], 1e-13);
  printf("malloc/realloc ok\n");
  return 0;
}
