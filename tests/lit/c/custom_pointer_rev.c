// A program's own gradient of a function with pointer parameters
// (__enzyme_register_gradient_f = {f, f_aug, f_rev}): f_aug runs in the forward sweep with
// each pointer followed by its shadow and returns a tape; f_rev gets the same arguments and
// the tape in the adjoint sweep and adds the adjoints into the shadows.  Each is called once
// per gradient, and their numbers are the ones used (the tape holds a closed form that f's
// iteration only approximates).
// RUN: %clang -std=c11 -O0 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -
// RUN: %clang -std=c11 -O2 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -

#include "../test_utils.h"

double __enzyme_autodiff(void *, ...);

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

int augs = 0, revs = 0;
void *norm_aug(const double *x, double *dx, int n, double *out, double *dout) {
  augs++;
  double *tape = (double *)malloc(sizeof(double));
  double s = 0;
  for (int i = 0; i < n; i++)
    s += x[i] * x[i];
  *tape = sqrt(s);
  return tape;
}
void norm_rev(const double *x, double *dx, int n, double *out, double *dout, void *tape) {
  revs++;
  double r = *(double *)tape;
  for (int i = 0; i < n; i++)
    dx[i] += *dout * x[i] / r;
  *dout = 0;
  free(tape);
}

void *__enzyme_register_gradient_norm[] = {(void *)norm, (void *)norm_aug, (void *)norm_rev};

double scaled_norm(double a, const double *x) {
  double v[3] = {a * x[0], x[1], a + x[2]}, r;
  norm(v, 3, &r);
  return 2 * r * a;
}

int main(void) {
  double x[3] = {0.5, -1.25, 2.0}, dx[3] = {0, 0, 0}, a = 1.5;
  double v[3] = {a * x[0], x[1], a + x[2]};
  double r = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  double da = __enzyme_autodiff((void *)scaled_norm, a, enzyme_dup, x, dx);
  APPROX_EQ(da, 2 * r + 2 * a * (v[0] * x[0] + v[2]) / r, 1e-13);
  APPROX_EQ(dx[0], 2 * a * v[0] * a / r, 1e-13);
  APPROX_EQ(dx[1], 2 * a * v[1] / r, 1e-13);
  APPROX_EQ(dx[2], 2 * a * v[2] / r, 1e-13);
  APPROX_EQ((double)augs, 1.0, 0);
  APPROX_EQ((double)revs, 1.0, 0);
  return 0;
}
