// Recursion: a recursive function of a float argument (type-based defaults: the float is
// active in reverse mode and dual in forward mode, the int is constant), and a doubly
// recursive double function checked against central differences.  The float entry points
// are declared with their parameters, as a variadic call would promote a float to double.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

float __enzyme_autodiff(void *, float, int);
float __enzyme_fwddiff(void *, float, float, int);
double __enzyme_autodiff_d(void *, ...);
double __enzyme_fwddiff_d(void *, ...);

// x^n by recursion
float power_rec(float x, int n) {
  if (n == 0)
    return 1.0f;
  return x * power_rec(x, n - 1);
}

// two recursive calls per level
double tree(double x, int n) {
  if (n <= 0)
    return x;
  return sin(tree(x, n - 1)) + 0.5 * tree(x * x, n - 2);
}

int main(void) {
  float x = 1.5f;
  // d/dx x^5 = 5 x^4 = 25.3125, exact in float
  float g = __enzyme_autodiff((void *)power_rec, x, 5);
  APPROX_EQ(g, 25.3125, 1e-6);
  float t = __enzyme_fwddiff((void *)power_rec, x, 1.0f, 5);
  APPROX_EQ(t, 25.3125, 1e-6);
  float t2 = __enzyme_fwddiff((void *)power_rec, x, 2.0f, 3);  // 3 x^2 * 2
  APPROX_EQ(t2, 13.5, 1e-6);

  double y = 0.8, h = 1e-6;
  double fd = (tree(y + h, 4) - tree(y - h, 4)) / (2 * h);
  double gr = __enzyme_autodiff_d((void *)tree, y, 4);
  double tg = __enzyme_fwddiff_d((void *)tree, y, 1.0, 4);
  APPROX_EQ(gr, fd, 1e-7);
  APPROX_EQ(tg, fd, 1e-7);
  APPROX_EQ(gr, tg, 1e-13);
  printf("recursion ok\n");
  return 0;
}
