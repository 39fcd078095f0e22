// Enzyme's enzyme_function_like attribute (as the plugin stand-in spells it: an annotation)
// on a template: each instance is differentiated like log1p, its own value kept.
// RUN: %clang++ -O0 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -
// RUN: %clang++ -O2 %s -S -emit-llvm -o - %loadClangEnzyme | %lli -

#include "../test_utils.h"

extern "C" double __enzyme_autodiff(void *, ...);
float __enzyme_autodiff_f(void *, ...) asm("__enzyme_autodiff");

template <typename T>
__attribute__((enzyme_function_like("log1p"))) T series_log1p(T a) {
  return a - a * a / 2;
}

template <typename T> T f(T a) { return 2 * series_log1p(a * a); }

int main() {
  double a = 0.5;
  APPROX_EQ(__enzyme_autodiff((void *)f<double>, a), 2 * 2 * a / (1 + a * a), 1e-13);
  float b = 0.25f;
  APPROX_EQ(__enzyme_autodiff_f((void *)f<float>, b), 2 * 2 * b / (1 + b * b), 1e-6);
  return 0;
}
