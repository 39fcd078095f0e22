// Structs of doubles passed by pointer: reverse mode with a shadow struct array, forward
// mode with a tangent struct array, and a struct written through an output pointer.  At
// -O2 clang's SLP vectorizer turns the x/y/z arithmetic into <2 x double> operations.
// RUN: %clang -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "../test_utils.h"

void __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);

typedef struct {
  double x, y, z;
} Vec3;

typedef struct {
  Vec3 pos;
  double mass;
} Particle;

#define NP 3

// kinetic-like term plus a pairwise 1/r potential
double energy(const Particle *p, int n) {
  double e = 0;
  for (int i = 0; i < n; i++) {
    const Vec3 *r = &p[i].pos;
    e += 0.5 * p[i].mass * (r->x * r->x + r->y * r->y + r->z * r->z);
    for (int j = i + 1; j < n; j++) {
      double dx = p[i].pos.x - p[j].pos.x, dy = p[i].pos.y - p[j].pos.y,
             dz = p[i].pos.z - p[j].pos.z;
      e += p[i].mass * p[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

void energy_out(const Particle *p, int n, double *out) { *out = energy(p, n); }

// mass-weighted centre, written through a pointer
void centre(const Particle *p, int n, Vec3 *c) {
  double m = 0;
  c->x = c->y = c->z = 0;
  for (int i = 0; i < n; i++) {
    c->x += p[i].mass * p[i].pos.x;
    c->y += p[i].mass * p[i].pos.y;
    c->z += p[i].mass * p[i].pos.z;
    m += p[i].mass;
  }
  c->x /= m;
  c->y /= m;
  c->z /= m;
}

static double *slot(Particle *p, int k) { return (double *)p + k; }

int main(void) {
  Particle p[NP] = {{{0.1, 0.2, 0.3}, 1.0}, {{1.0, -0.5, 0.25}, 2.0}, {{-0.7, 0.9, 1.1}, 0.5}};
  const int nd = NP * 4;  // doubles in the array
  Particle dp[NP] = {0};
  double e = 0, de = 1.0;
  __enzyme_autodiff((void *)energy_out, enzyme_dup, p, dp, enzyme_const, NP, enzyme_dup, &e,
                    &de);
  APPROX_EQ(e, energy(p, NP), 1e-13);

  // every component against central differences
  double h = 1e-6;
  for (int k = 0; k < nd; k++) {
    Particle q[NP];
    for (int i = 0; i < NP; i++)
      q[i] = p[i];
    *slot(q, k) += h;
    double up = energy(q, NP);
    *slot(q, k) -= 2 * h;
    double down = energy(q, NP);
    APPROX_EQ(*slot(dp, k), (up - down) / (2 * h), 1e-7);
  }
  // the mass derivative has a closed form too: |r_0|^2 / 2 + sum_j m_j / |r_0 - r_j|
  double dm0 = 0.5 * (0.01 + 0.04 + 0.09);
  for (int j = 1; j < NP; j++) {
    double dx = p[0].pos.x - p[j].pos.x, dy = p[0].pos.y - p[j].pos.y,
           dz = p[0].pos.z - p[j].pos.z;
    dm0 += p[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
  }
  APPROX_EQ(dp[0].mass, dm0, 1e-13);

  // forward mode: directional derivative along a tangent struct array
  Particle tp[NP];
  for (int k = 0; k < nd; k++)
    *slot(tp, k) = 0.1 * (k + 1) * ((k % 2) ? -1 : 1);
  double dir = __enzyme_fwddiff((void *)energy, enzyme_dup, p, tp, enzyme_const, NP);
  double want = 0;
  for (int k = 0; k < nd; k++)
    want += *slot(dp, k) * *slot(tp, k);
  APPROX_EQ(dir, want, 1e-12);

  // reverse through a struct result: seed the y component of the centre
  Particle dp2[NP] = {0};
  Vec3 c, dc = {0.0, 1.0, 0.0};
  __enzyme_autodiff((void *)centre, enzyme_dup, p, dp2, enzyme_const, NP, enzyme_dup, &c, &dc);
  double M = p[0].mass + p[1].mass + p[2].mass;
  for (int i = 0; i < NP; i++) {
    APPROX_EQ(dp2[i].pos.y, p[i].mass / M, 1e-13);
    APPROX_EQ(dp2[i].pos.x, 0.0, 1e-13);
    APPROX_EQ(dp2[i].mass, (p[i].pos.y - c.y) / M, 1e-13);
  }
  printf("structs ok\n");
  return 0;
}
