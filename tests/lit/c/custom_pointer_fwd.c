// A program's own forward derivative of a function with pointer parameters
// (__enzyme_register_derivative_f = {f, f_fwd}): f_fwd takes each pointer followed by its
// shadow and writes the tangents of what f writes.  The call of f stays (it computes the
// primal); f_fwd is called once per derivative call, and its tangents are the ones used
// (here it also counts, and it knows a closed form f's loop only approximates).
// RUN: %clang -std=c11 -O0 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -
// RUN: %clang -std=c11 -O2 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -

#include "../test_utils.h"

double __enzyme_fwddiff(void *, ...);

// out = sqrt(x . x), by Newton's iteration for the square root
void norm(const double *x, int n, double *out) {
  double s = 0;
  for (int i = 0; i < n; i++)
    s += x[i] * x[i];
  double r = s > 1 ? s : 1;
  for (int k = 0; k < 60; k++)
    r = 0.5 * (r + s / r);
  *out = r;
}

int calls = 0;
void norm_fwd(const double *x, const double *dx, int n, double *out, double *dout) {
  calls++;
  double s = 0, ds = 0;
  for (int i = 0; i < n; i++) {
    s += x[i] * x[i];
    ds += 2 * x[i] * dx[i];
  }
  *out = sqrt(s);
  *dout = ds / (2 * sqrt(s));
}

void *__enzyme_register_derivative_norm[] = {(void *)norm, (void *)norm_fwd};

double scaled_norm(double a, const double *x) {
  double v[3] = {a * x[0], x[1], a + x[2]}, r;
  norm(v, 3, &r);
  return 2 * r;
}

int main(void) {
  double x[3] = {0.5, -1.25, 2.0}, zero[3] = {0, 0, 0}, a = 1.5;
  double v[3] = {a * x[0], x[1], a + x[2]};
  double r = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  double t = __enzyme_fwddiff((void *)scaled_norm, a, 1.0, x, zero);
  APPROX_EQ(t, 2 * (v[0] * x[0] + v[2]) / r, 1e-13);
  APPROX_EQ((double)calls, 1.0, 0);
  double e1[3] = {0, 1, 0};
  t = __enzyme_fwddiff((void *)scaled_norm, a, 0.0, x, e1);
  APPROX_EQ(t, 2 * v[1] / r, 1e-13);
  APPROX_EQ((double)calls, 2.0, 0);
  return 0;
}
