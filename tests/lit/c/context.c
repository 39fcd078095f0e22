// Enzyme's context API: the shadows of global variables live in a context the program
// makes, reads and zeroes.  Gradients with respect to globals that are only read
// accumulate there; a global pointer gets the shadow of what it points to (another global,
// or a heap block made before the context); integer fields of a shadow are the primal's;
// forward mode takes one tangent per lane of a wider context.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

extern void *__enzyme_context(int);
extern void *__enzyme_shadow(void *, void *, int);
extern void __enzyme_zero_shadows(void *);
extern double __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);
typedef struct { double t0, t1, t2; } Three;
extern Three __enzyme_fwddiff3(void *, ...) __asm__("__enzyme_fwddiff");
extern int enzyme_context, enzyme_const;

double coef[3] = {1.5, -0.5, 2.0};
struct table {
  long n;
  double *vals;
  double bias;
} tab = {3, coef, 0.25};
double *heap;               // set at run time, before the context is made

// p(x) = bias + sum_i vals[i] x^(i+1) + x * sum_k heap[k]^2
double poly(double x) {
  double s = tab.bias, xp = 1;
  for (long i = 0; i < tab.n; i++) {
    xp *= x;
    s += tab.vals[i] * xp;
  }
  double h = 0;
  for (int k = 0; k < 4; k++)
    h += heap[k] * heap[k];
  return s + x * h;
}

int main(void) {
  heap = (double *)malloc(4 * sizeof(double));
  for (int k = 0; k < 4; k++)
    heap[k] = 0.5 * (k + 1);
  double hsum = 0;
  for (int k = 0; k < 4; k++)
    hsum += heap[k] * heap[k];

  void *ctx = __enzyme_context(1);
  struct table *dtab = (struct table *)__enzyme_shadow(ctx, &tab, 0);
  double *dcoef = (double *)__enzyme_shadow(ctx, &coef, 0);
  APPROX_EQ((double)dtab->n, 3.0, 0);                  // an integer field: the primal's
  APPROX_EQ((double)(dtab->vals == dcoef), 1.0, 0);    // a pointer: the target's shadow
  double *dheap = *(double **)__enzyme_shadow(ctx, &heap, 0);
  for (int rep = 1; rep <= 2; rep++) {
    double x = 0.5 * rep;
    __enzyme_zero_shadows(ctx);
    double dx = __enzyme_autodiff((void *)poly, enzyme_context, ctx, x);
    APPROX_EQ(dx, coef[0] + 2 * coef[1] * x + 3 * coef[2] * x * x + hsum, 1e-13);
    APPROX_EQ(dcoef[0], x, 1e-14);
    APPROX_EQ(dcoef[1], x * x, 1e-14);
    APPROX_EQ(dcoef[2], x * x * x, 1e-14);
    APPROX_EQ(dtab->bias, 1.0, 1e-14);
    for (int k = 0; k < 4; k++)
      APPROX_EQ(dheap[k], 2 * x * heap[k], 1e-14);
  }
  // without zeroing, a second gradient adds to the first
  double dx2 = __enzyme_autodiff((void *)poly, enzyme_context, ctx, 1.0);
  APPROX_EQ(dtab->bias, 2.0, 1e-14);
  (void)dx2;

  // forward mode, three lanes: lane 0 perturbs x, lane 1 coef[2], lane 2 heap[0]
  void *ctx3 = __enzyme_context(3);
  ((double *)__enzyme_shadow(ctx3, &coef, 1))[2] = 1.0;
  (*(double **)__enzyme_shadow(ctx3, &heap, 2))[0] = 1.0;
  double x = 0.75;
  Three t = __enzyme_fwddiff3((void *)poly, enzyme_context, ctx3, x, 1.0, 0.0, 0.0);
  APPROX_EQ(t.t0, coef[0] + 2 * coef[1] * x + 3 * coef[2] * x * x + hsum, 1e-13);
  APPROX_EQ(t.t1, x * x * x, 1e-14);
  APPROX_EQ(t.t2, 2 * x * heap[0], 1e-14);
  free(heap);
  return 0;
}
