// libm in both modes, with type-based defaults (a double argument is active in reverse
// mode and dual in forward mode): sin, cos, exp, pow, sqrt, log, tanh, fabs, fmax, fmin,
// each derivative against its closed form on both sides of the kinks of fabs and fmax.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O1 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O3 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

double __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);
float __enzyme_autodiff_f(void *, float);
float __enzyme_fwddiff_f(void *, float, float);

typedef struct {
  double dx, dy;
} Pair;
Pair __enzyme_autodiff_pair(void *, ...);

double f(double x) {
  return sin(x) + cos(2 * x) + exp(0.3 * x) + pow(x, 2.5) + sqrt(x) + log(x) + tanh(x) +
         fabs(x - 2.0) + fmax(x, 1.7) + fmin(3 * x, 4.0);
}

double df(double x) {
  double th = tanh(x);
  return cos(x) - 2 * sin(2 * x) + 0.3 * exp(0.3 * x) + 2.5 * pow(x, 1.5) +
         0.5 / sqrt(x) + 1 / x + (1 - th * th) + (x > 2.0 ? 1.0 : -1.0) +
         (x > 1.7 ? 1.0 : 0.0) + (3 * x < 4.0 ? 3.0 : 0.0);
}

// pow and fmax with both arguments active
double g(double x, double y) { return pow(x, y) + fmax(x * y, y); }

float h(float x) { return sqrtf(x) * expf(-x) + powf(x, 3.0f); }

int main(void) {
  const double xs[] = {0.4, 1.3, 2.4, 3.1};
  for (int i = 0; i < 4; i++) {
    double x = xs[i];
    APPROX_EQ(__enzyme_autodiff((void *)f, x), df(x), 1e-13);
    APPROX_EQ(__enzyme_fwddiff((void *)f, x, 1.0), df(x), 1e-13);
    APPROX_EQ(__enzyme_fwddiff((void *)f, x, -0.5), -0.5 * df(x), 1e-13);
  }

  // g at x y > y (x > 1) and at x y < y (x < 1)
  const double gx[] = {1.5, 0.6}, gy = 1.8;
  for (int i = 0; i < 2; i++) {
    double x = gx[i], y = gy;
    double gdx = y * pow(x, y - 1) + (x > 1 ? y : 0.0);
    double gdy = pow(x, y) * log(x) + (x > 1 ? x : 1.0);
    Pair p = __enzyme_autodiff_pair((void *)g, x, y);
    APPROX_EQ(p.dx, gdx, 1e-13);
    APPROX_EQ(p.dy, gdy, 1e-13);
    APPROX_EQ(__enzyme_fwddiff((void *)g, x, 1.0, y, 0.0), gdx, 1e-13);
    APPROX_EQ(__enzyme_fwddiff((void *)g, x, 0.0, y, 1.0), gdy, 1e-13);
  }

  float x = 0.7f;
  double want = 0.5 / sqrt(0.7) * exp(-0.7) - sqrt(0.7) * exp(-0.7) + 3 * 0.7 * 0.7;
  APPROX_EQ(__enzyme_autodiff_f((void *)h, x), want, 1e-5);
  APPROX_EQ(__enzyme_fwddiff_f((void *)h, x, 1.0f), want, 1e-5);
  printf("libm ok\n");
  return 0;
}
