// Several active float arguments in reverse mode: the call returns their adjoints as a
// struct, in parameter order, both with type-based defaults and with explicit enzyme_out /
// enzyme_const markers, for double and mixed float/double parameters; forward mode with
// several dual arguments gives the directional derivative.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

typedef struct {
  double dx, dy, dz;
} Grad3;
typedef struct {
  double dx, dz;
} Grad2;
typedef struct {
  float da;
  double db;
} GradFD;

Grad3 __enzyme_autodiff3(void *, ...);
Grad2 __enzyme_autodiff2(void *, ...);
GradFD __enzyme_autodiff_fd(void *, float, double, int);
double __enzyme_fwddiff(void *, ...);

double f(double x, double y, double z) { return x * y * z + sin(x * y) + z * z / y; }

double mixed(float a, double b, int k) { return (double)a * a * b + k * b * b; }

int main(void) {
  double x = 0.9, y = 1.7, z = -0.4;
  double fx = y * z + y * cos(x * y);
  double fy = x * z + x * cos(x * y) - z * z / (y * y);
  double fz = x * y + 2 * z / y;

  Grad3 g = __enzyme_autodiff3((void *)f, x, y, z);
  APPROX_EQ(g.dx, fx, 1e-13);
  APPROX_EQ(g.dy, fy, 1e-13);
  APPROX_EQ(g.dz, fz, 1e-13);

  Grad3 g2 = __enzyme_autodiff3((void *)f, enzyme_out, x, enzyme_out, y, enzyme_out, z);
  APPROX_EQ(g2.dx, fx, 1e-13);
  APPROX_EQ(g2.dy, fy, 1e-13);
  APPROX_EQ(g2.dz, fz, 1e-13);

  Grad2 g3 = __enzyme_autodiff2((void *)f, enzyme_out, x, enzyme_const, y, enzyme_out, z);
  APPROX_EQ(g3.dx, fx, 1e-13);
  APPROX_EQ(g3.dz, fz, 1e-13);

  // {float, double}: the float adjoint at offset 0, the double one at offset 8
  float a = 1.25f;
  double b = -0.75;
  GradFD h = __enzyme_autodiff_fd((void *)mixed, a, b, 3);
  APPROX_EQ(h.da, 2.0 * 1.25 * b, 1e-6);
  APPROX_EQ(h.db, 1.25 * 1.25 + 3 * 2 * b, 1e-13);

  // forward: tangent along (1, -2, 0.5)
  double t = __enzyme_fwddiff((void *)f, x, 1.0, y, -2.0, z, 0.5);
  APPROX_EQ(t, fx - 2 * fy + 0.5 * fz, 1e-13);
  double t2 = __enzyme_fwddiff((void *)f, enzyme_const, x, y, 1.0, enzyme_const, z);
  APPROX_EQ(t2, fy, 1e-13);
  printf("several active arguments ok\n");
  return 0;
}
