// In-place updates of an array: sweeps that overwrite values later reads depend on, so the
// reverse pass must see the values as they were when they were read.  The gradient is
// checked against central differences, and the primal array after the call against a
// plain run.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O1 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O3 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

void __enzyme_autodiff(void *, ...);

#define N 8

// Gauss-Seidel-like sweeps: u[i] uses the new u[i-1] and the old u[i+1]
void sweep(double *u, int n, int steps) {
  for (int s = 0; s < steps; s++)
    for (int i = 1; i < n - 1; i++)
      u[i] = 0.25 * u[i - 1] + 0.5 * sin(u[i]) + 0.25 * u[i + 1] * u[i];
}

// the loss of the array after the sweeps, written through out
void loss(double *u, int n, int steps, double *out) {
  sweep(u, n, steps);
  double s = 0;
  for (int i = 0; i < n; i++)
    s += u[i] * u[i] * (i + 1);
  *out = s;
}

// in-place scaling by a running maximum
void rescale(double *u, int n) {
  double m = 0;
  for (int i = 0; i < n; i++) {
    m = fmax(m, fabs(u[i]));
    u[i] = u[i] / (1 + m);
  }
}

static double run_loss(const double *u0, int steps) {
  double u[N], out;
  for (int i = 0; i < N; i++)
    u[i] = u0[i];
  loss(u, N, steps, &out);
  return out;
}

int main(void) {
  double u0[N], u[N], du[N] = {0}, out = 0, dout = 1.0;
  for (int i = 0; i < N; i++)
    u0[i] = u[i] = 0.4 + 0.3 * sin(1.3 * i);
  const int steps = 3;
  __enzyme_autodiff((void *)loss, enzyme_dup, u, du, enzyme_const, N, enzyme_const, steps,
                    enzyme_dup, &out, &dout);

  double ref[N];
  for (int i = 0; i < N; i++)
    ref[i] = u0[i];
  sweep(ref, N, steps);
  for (int i = 0; i < N; i++)
    APPROX_EQ(u[i], ref[i], 1e-15);  // the primal update happened in place
  APPROX_EQ(out, run_loss(u0, steps), 1e-15);

  double h = 1e-6;
  for (int k = 0; k < N; k++) {
    double up[N], down[N];
    for (int i = 0; i < N; i++)
      up[i] = down[i] = u0[i];
    up[k] += h;
    down[k] -= h;
    APPROX_EQ(du[k], (run_loss(up, steps) - run_loss(down, steps)) / (2 * h), 1e-7);
  }

  // rescale: seed every output with 1 and compare with differences of sum(u)
  double v[N], dv[N];
  for (int i = 0; i < N; i++) {
    v[i] = (i % 3 == 1 ? -1.0 : 1.0) * (0.5 + i);
    dv[i] = 1.0;
  }
  double v0[N];
  for (int i = 0; i < N; i++)
    v0[i] = v[i];
  __enzyme_autodiff((void *)rescale, enzyme_dup, v, dv, enzyme_const, N);
  for (int k = 0; k < N; k++) {
    double up[N], down[N], su = 0, sd = 0;
    for (int i = 0; i < N; i++)
      up[i] = down[i] = v0[i];
    up[k] += h;
    down[k] -= h;
    rescale(up, N);
    rescale(down, N);
    for (int i = 0; i < N; i++) {
      su += up[i];
      sd += down[i];
    }
    APPROX_EQ(dv[k], (su - sd) / (2 * h), 1e-7);
  }
  printf("in-place ok\n");
  return 0;
}
