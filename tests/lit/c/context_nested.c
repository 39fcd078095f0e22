// Forward mode over reverse mode with Enzyme's context API: the gradient keeps the
// adjoints of the globals in a context of its own; the forward derivative of that gradient
// takes the globals' tangents from another context.  Second derivatives with respect to x
// and to the coefficients held in a global array, against closed forms.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

extern void *__enzyme_context(int);
extern void *__enzyme_shadow(void *, void *, int);
extern void __enzyme_zero_shadows(void *);
extern double __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);
extern int enzyme_context;

double w[3] = {0.5, -1.0, 2.0};

double f(double x) { return w[0] * x + w[1] * x * x + w[2] * x * x * x; }

// f'(x), and (through the inner context) the gradient with respect to w, summed
double df(double x) {
  void *inner = __enzyme_context(1);
  double d = __enzyme_autodiff((void *)f, enzyme_context, inner, x);
  double *dw = (double *)__enzyme_shadow(inner, &w, 0);
  return d + 0.0 * dw[0];
}

// sum_k d f / d w_k = x + x^2 + x^3, read from the inner context
double dwsum(double x) {
  void *inner = __enzyme_context(1);
  __enzyme_autodiff((void *)f, enzyme_context, inner, x);
  double *dw = (double *)__enzyme_shadow(inner, &w, 0);
  return dw[0] + dw[1] + dw[2];
}

int main(void) {
  double x = 1.25;
  APPROX_EQ(df(x), w[0] + 2 * w[1] * x + 3 * w[2] * x * x, 1e-13);
  APPROX_EQ(dwsum(x), x + x * x + x * x * x, 1e-13);
  void *outer = __enzyme_context(1);
  double *tw = (double *)__enzyme_shadow(outer, &w, 0);
  __enzyme_zero_shadows(outer);
  APPROX_EQ(__enzyme_fwddiff((void *)df, enzyme_context, outer, x, 1.0),
            2 * w[1] + 6 * w[2] * x, 1e-12);
  for (int k = 0; k < 3; k++) {
    __enzyme_zero_shadows(outer);
    tw[k] = 1.0;
    double want = k == 0 ? 1.0 : k == 1 ? 2 * x : 3 * x * x;
    APPROX_EQ(__enzyme_fwddiff((void *)df, enzyme_context, outer, x, 0.0), want, 1e-12);
  }
  // d/dx of sum_k df/dw_k = 1 + 2x + 3x^2 (the adjoints of w in the inner context have
  // tangents too)
  __enzyme_zero_shadows(outer);
  APPROX_EQ(__enzyme_fwddiff((void *)dwsum, enzyme_context, outer, x, 1.0),
            1 + 2 * x + 3 * x * x, 1e-12);
  return 0;
}
