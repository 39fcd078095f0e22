// C++: a class with a constructor, const and mutating methods, objects on the stack,
// arguments by reference (const and not), a reference out-parameter, and printf from
// <cstdio> (no iostream).  Objects made with new are in new_delete.cpp.
// RUN: %clang++ -std=c++17 -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang++ -std=c++17 -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include <cmath>
#include <cstdio>

#include "../test_utils.h"

extern "C" {
double __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);
}

struct Vec2 {
  double x, y;
};

class Spring {
public:
  Spring(double k, double rest) : k_(k), rest_(rest) {}
  double length(const Vec2 &a, const Vec2 &b) const {
    double dx = a.x - b.x, dy = a.y - b.y;
    return std::sqrt(dx * dx + dy * dy);
  }
  double energy(const Vec2 &a, const Vec2 &b) const {
    double s = length(a, b) - rest_;
    return 0.5 * k_ * s * s;
  }
  void stiffen(const double &factor) { k_ *= factor; }

private:
  double k_, rest_;
};

// a chain of springs over points[0..n), stiffer towards the end
double chain_energy(const Vec2 *points, int n, double k) {
  double e = 0;
  for (int i = 0; i + 1 < n; i++) {
    Spring s(k, 1.0);
    s.stiffen(1.0 + 0.1 * i);
    e += s.energy(points[i], points[i + 1]);
  }
  return e;
}

void add_scaled(double &acc, const double &v, double scale) { acc += scale * v; }

double through_refs(double x) {
  double acc = 0;
  add_scaled(acc, x, 3.0);
  add_scaled(acc, x * x, 0.5);
  return acc * acc;
}

int main() {
  const int n = 4;
  Vec2 pts[n] = {{0, 0}, {1.2, 0.3}, {2.0, 1.5}, {2.5, 3.0}}, dpts[n] = {};
  double k = 2.0;
  double dk = __enzyme_autodiff((void *)chain_energy, enzyme_dup, pts, dpts, enzyme_const, n,
                                enzyme_out, k);
  APPROX_EQ(dk, chain_energy(pts, n, k) / k, 1e-13);  // linear in k
  double h = 1e-6;
  for (int i = 0; i < n; i++) {
    double *c = &pts[i].x, *dc = &dpts[i].x;
    for (int j = 0; j < 2; j++) {
      double keep = c[j];
      c[j] = keep + h;
      double up = chain_energy(pts, n, k);
      c[j] = keep - h;
      double down = chain_energy(pts, n, k);
      c[j] = keep;
      APPROX_EQ(dc[j], (up - down) / (2 * h), 1e-7);
    }
  }

  double x = 0.8, acc = 3 * x + 0.5 * x * x, dacc = 3 + x;
  APPROX_EQ(__enzyme_autodiff((void *)through_refs, x), 2 * acc * dacc, 1e-13);
  APPROX_EQ(__enzyme_fwddiff((void *)through_refs, x, 1.0), 2 * acc * dacc, 1e-13);
  std::printf("classes ok\n");
  return 0;
}
