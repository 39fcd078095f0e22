// Mutable globals written inside the differentiated function get an implicit shadow: a
// state vector written by one out-of-line function and read by another, a struct field
// reached through a constant offset, a memset, and a hint call (__enzyme_set_fixed_point)
// that changes nothing.  Reverse and forward mode against closed forms; the primal's
// writes to the globals must happen as in the plain program.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O1 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O3 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"
#include <string.h>

void __enzyme_autodiff(void *, ...);
double __enzyme_autodiff_d(void *, ...) __asm__("__enzyme_autodiff");
double __enzyme_fwddiff(void *, ...);
void __enzyme_set_fixed_point(double, long, void *, ...);

#define N 3

static double state[N];
struct stats {
  long count;
  double scale, last;
} st = {0, 2.0, 0.0};
int calls = 0;

__attribute__((noinline)) static void advance(const double *x) {
  for (int i = 0; i < N; i++)
    state[i] = x[i] * x[(i + 1) % N];
}

__attribute__((noinline)) static double readout(void) {
  double s = 0;
  for (int i = 0; i < N; i++)
    s += state[i] * state[i];
  return s;
}

// loss = st.scale * sum_i (x_i x_{i+1})^2 + st.last^2 with st.last = x_0 + x_2
static double loss(const double *x) {
  memset(state, 0, sizeof(state));
  __enzyme_set_fixed_point(1e-12, 10, (void *)0, state, (long)sizeof(state));
  advance(x);
  st.count += 1;
  st.last = x[0] + x[2];
  calls++;
  return st.scale * readout() + st.last * st.last;
}

// the same through a scalar: its derivative comes back as the call's result
static double sq(double a) {
  st.last = a * a;
  return st.last * 3.0;
}

int main(void) {
  double x[N] = {0.5, -1.25, 2.0};
  double grad[N];
  for (int i = 0; i < N; i++) {
    int p = (i + N - 1) % N, q = (i + 1) % N;
    // d/dx_i of (x_p x_i)^2 + (x_i x_q)^2, times scale; plus 2 last d last/dx_i
    grad[i] = 2.0 * (2 * x[p] * x[p] * x[i] + 2 * x[i] * x[q] * x[q]);
    if (i == 0 || i == 2)
      grad[i] += 2 * (x[0] + x[2]);
  }
  for (int rep = 0; rep < 2; rep++) {
    double dx[N] = {0};
    __enzyme_autodiff((void *)loss, enzyme_dup, x, dx);
    for (int i = 0; i < N; i++)
      APPROX_EQ(dx[i], grad[i], 1e-12);
    // the primal ran: its writes to the globals are there
    APPROX_EQ(state[0], x[0] * x[1], 1e-15);
    APPROX_EQ(st.last, x[0] + x[2], 1e-15);
  }
  APPROX_EQ((double)calls, 2.0, 0);
  APPROX_EQ((double)st.count, 2.0, 0);
  for (int i = 0; i < N; i++) {
    double v[N] = {0};
    v[i] = 1.0;
    double t = __enzyme_fwddiff((void *)loss, enzyme_dup, x, v);
    APPROX_EQ(t, grad[i], 1e-12);
  }
  APPROX_EQ((double)calls, 2.0 + N, 0);
  APPROX_EQ(__enzyme_autodiff_d((void *)sq, 1.5), 9.0, 1e-13);
  APPROX_EQ(st.last, 2.25, 1e-15);
  APPROX_EQ(__enzyme_fwddiff((void *)sq, 1.5, 1.0), 9.0, 1e-13);
  return 0;
}
