// enzyme_dupnoneed: an output whose primal values the caller does not need, only its
// shadow, in reverse mode (the shadow seeds the adjoint) and in forward mode (the shadow
// receives the tangent); and enzyme_dup on the same calls for comparison.
// RUN: %clang -O1 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O3 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

void __enzyme_autodiff(void *, ...);
void __enzyme_fwddiff(void *, ...);

#define N 6

// out[0] = mean(x), out[1] = sum (x_i - mean)^2
void stats(const double *x, int n, double *out) {
  double m = 0;
  for (int i = 0; i < n; i++)
    m += x[i];
  m /= n;
  double v = 0;
  for (int i = 0; i < n; i++)
    v += (x[i] - m) * (x[i] - m);
  out[0] = m;
  out[1] = v;
}

int main(void) {
  double x[N] = {1.0, -0.5, 2.25, 0.0, 3.5, -1.75}, m = 0;
  for (int i = 0; i < N; i++)
    m += x[i];
  m /= N;

  // reverse: d(out . w)/dx with w = (1, 0.5)
  double dx[N] = {0}, out[2] = {0, 0}, dout[2] = {1.0, 0.5};
  __enzyme_autodiff((void *)stats, enzyme_dup, x, dx, enzyme_const, N, enzyme_dupnoneed, out,
                    dout);
  for (int i = 0; i < N; i++)
    APPROX_EQ(dx[i], 1.0 / N + 0.5 * 2 * (x[i] - m), 1e-13);

  double dx2[N] = {0}, out2[2] = {0, 0}, dout2[2] = {1.0, 0.5};
  __enzyme_autodiff((void *)stats, enzyme_dup, x, dx2, enzyme_const, N, enzyme_dup, out2,
                    dout2);
  for (int i = 0; i < N; i++)
    APPROX_EQ(dx2[i], dx[i], 1e-15);
  APPROX_EQ(out2[0], m, 1e-15);  // enzyme_dup: the primal output was written

  // forward: tangent of out along tx
  double tx[N] = {0.5, 1.0, -1.0, 2.0, 0.0, 0.25}, tm = 0, tv = 0;
  for (int i = 0; i < N; i++)
    tm += tx[i] / N;
  for (int i = 0; i < N; i++)
    tv += 2 * (x[i] - m) * tx[i];
  double o1[2] = {0, 0}, t1[2] = {0, 0}, o2[2] = {0, 0}, t2[2] = {0, 0};
  __enzyme_fwddiff((void *)stats, enzyme_dup, x, tx, enzyme_const, N, enzyme_dupnoneed, o1, t1);
  APPROX_EQ(t1[0], tm, 1e-13);
  APPROX_EQ(t1[1], tv, 1e-13);
  __enzyme_fwddiff((void *)stats, enzyme_dup, x, tx, enzyme_const, N, enzyme_dup, o2, t2);
  APPROX_EQ(t2[0], tm, 1e-13);
  APPROX_EQ(t2[1], tv, 1e-13);
  double v = 0;
  for (int i = 0; i < N; i++)
    v += (x[i] - m) * (x[i] - m);
  APPROX_EQ(o2[1], v, 1e-13);
  printf("dupnoneed ok\n");
  return 0;
}
