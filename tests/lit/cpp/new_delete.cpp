// C++ new and delete inside the differentiated function: an object made with new per loop
// iteration and deleted after use, and a virtual call on an object made with new.  At -O2
// clang has removed the heap objects and devirtualised the call; the same program at -O0
// is new_delete_O0.cpp (expected to fail: zymase does not know operator new as an
// allocator, and the vtable constant does not parse), a virtual call whose object is
// chosen at run time is virtual_select.cpp (expected to fail at every level, same parse
// error).
// RUN: %clang++ -std=c++17 -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include <cmath>
#include <cstdio>

#include "../test_utils.h"

extern "C" {
double __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);
}

class Bond {
public:
  Bond(double k, double rest) : k_(k), rest_(rest) {}
  double energy(double a, double b) const {
    double s = std::fabs(a - b) - rest_;
    return 0.5 * k_ * s * s;
  }

private:
  double k_, rest_;
};

struct Potential {
  virtual double at(double r) const = 0;
  virtual ~Potential() {}
};
struct Cubic : Potential {
  double at(double r) const override { return r * r * r; }
};

// bonds between neighbours of xs[0..n), one heap object per bond
double bonds(const double *xs, int n, double k) {
  double e = 0;
  for (int i = 0; i + 1 < n; i++) {
    Bond *b = new Bond(k * (1.0 + 0.1 * i), 0.5);
    e += b->energy(xs[i], xs[i + 1]);
    delete b;
  }
  return e;
}

double virtual_call(double x) {
  Potential *p = new Cubic;
  double v = p->at(3 * x + 0.5 * x * x);
  delete p;
  return v;
}

int main() {
  const int n = 5;
  double xs[n] = {0.0, 1.1, 1.4, 2.9, 3.0}, dxs[n] = {0}, k = 1.5;
  double dk = __enzyme_autodiff((void *)bonds, enzyme_dup, xs, dxs, enzyme_const, n,
                                enzyme_out, k);
  APPROX_EQ(dk, bonds(xs, n, k) / k, 1e-13);
  double h = 1e-6;
  for (int i = 0; i < n; i++) {
    double keep = xs[i];
    xs[i] = keep + h;
    double up = bonds(xs, n, k);
    xs[i] = keep - h;
    double down = bonds(xs, n, k);
    xs[i] = keep;
    APPROX_EQ(dxs[i], (up - down) / (2 * h), 1e-7);
  }

  double x = 0.8, r = 3 * x + 0.5 * x * x, dr = 3 + x;
  APPROX_EQ(__enzyme_autodiff((void *)virtual_call, x), 3 * r * r * dr, 1e-13);
  APPROX_EQ(__enzyme_fwddiff((void *)virtual_call, x, 1.0), 3 * r * r * dr, 1e-13);
  std::printf("new/delete ok\n");
  return 0;
}
