// C++: function and class templates instantiated for float and double, lambdas called
// inside the differentiated function (capturing by value and by reference), and a template
// entry point declared with C++ linkage, as in Enzyme's documentation.  (A class holding a
// new[] array is in new_array.cpp, expected to fail.)
// RUN: %clang++ -std=c++17 -O0 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -
// RUN: %clang++ -std=c++17 -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include <cmath>
#include <cstdio>

#include "../test_utils.h"

template <typename Ret, typename... Args> Ret __enzyme_autodiff(Args...);
template <typename Ret, typename... Args> Ret __enzyme_fwddiff(Args...);

template <typename T> class Poly {
public:
  explicit Poly(int n) : n_(n < 8 ? n : 8) {}
  T &operator[](int i) { return c_[i]; }
  T operator()(T x) const {  // Horner
    T s = 0;
    for (int i = n_ - 1; i >= 0; --i)
      s = s * x + c_[i];
    return s;
  }

private:
  T c_[8];
  int n_;
};

// p(x)^2 for coefficients coef[0..n)
template <typename T> T poly_sq(const T *coef, int n, T x) {
  Poly<T> p(n);
  for (int i = 0; i < n; i++)
    p[i] = coef[i];
  auto square = [](T v) { return v * v; };
  return square(p(x));
}

// a lambda capturing a scale by value and an accumulator by reference
template <typename T> T smooth_max(const T *v, int n, T beta) {
  T acc = 0;
  auto add = [&acc, beta](T e) { acc += std::exp(beta * e); };
  for (int i = 0; i < n; i++)
    add(v[i]);
  return std::log(acc) / beta;
}

int main() {
  const int n = 4;
  double c[n] = {0.5, -1.0, 0.25, 0.125}, dc[n] = {0, 0, 0, 0}, x = 1.3;
  double p = 0, dp = 0;
  for (int i = n - 1; i >= 0; --i) {
    dp = dp * x + p;
    p = p * x + c[i];
  }
  double dx = __enzyme_autodiff<double>((void *)poly_sq<double>, enzyme_dup, c, dc,
                                        enzyme_const, n, enzyme_out, x);
  APPROX_EQ(dx, 2 * p * dp, 1e-13);
  for (int i = 0; i < n; i++)
    APPROX_EQ(dc[i], 2 * p * std::pow(x, i), 1e-13);

  float cf[n] = {0.5f, -1.0f, 0.25f, 0.125f}, dcf[n] = {0, 0, 0, 0};
  float dxf = __enzyme_autodiff<float>((void *)poly_sq<float>, enzyme_dup, cf, dcf,
                                       enzyme_const, n, enzyme_out, 1.3f);
  APPROX_EQ(dxf, 2 * p * dp, 1e-5);
  APPROX_EQ(__enzyme_fwddiff<double>((void *)poly_sq<double>, enzyme_const, c, enzyme_const, n,
                                     x, 1.0),
            2 * p * dp, 1e-13);

  double v[n] = {0.3, -0.2, 1.1, 0.7}, dv[n] = {0, 0, 0, 0}, beta = 2.5, z = 0;
  for (int i = 0; i < n; i++)
    z += std::exp(beta * v[i]);
  __enzyme_autodiff<double>((void *)smooth_max<double>, enzyme_dup, v, dv, enzyme_const, n,
                            enzyme_const, beta);
  for (int i = 0; i < n; i++)  // the softmax weights
    APPROX_EQ(dv[i], std::exp(beta * v[i]) / z, 1e-13);
  std::printf("templates ok\n");
  return 0;
}
