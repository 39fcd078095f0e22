// C++ kernels for tests/lang/test_llvm_function.py: templates, a class, references,
// new/delete, std::vector, statics, and code that may throw (invokes with cleanups).
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

template <class T> static T sq(T v) { return v * v; }

struct Spring {
    double k, rest;
    double energy(const double &a, const double &b) const { return 0.5 * k * sq(a - b - rest); }
};

// a function-local static (initialised once, under a guard: __cxa_guard_acquire and an
// atomic load) and a template's static member
template <class T> struct Table { static T scale; };
template <class T> T Table<T>::scale = T(2);
static double coefficient() { static double c = std::sqrt(3.0); return c; }

extern "C" double statics(const double *x, long n) {
    double s = 0;
    for (long i = 0; i < n; i++) s += Table<double>::scale * coefficient() * std::sin(x[i]);
    return s;
}

// a chain of springs of stiffness k, through a temporary array made with new[]
extern "C" double springs(const double *x, double k, long n) {
    if (n > 1000000) throw std::length_error("too many springs");
    Spring s{k, 0.1};
    double *e = new double[n];
    for (long i = 0; i + 1 < n; i++) e[i] = s.energy(x[i + 1], x[i]);
    e[n - 1] = std::cos(x[n - 1]);
    double total = 0;
    for (long i = 0; i < n; i++) total += e[i];
    delete[] e;
    return total;
}

// std::vector grown by push_back (operator new, copies, operator delete)
extern "C" double vectors(const double *x, long n) {
    std::vector<double> v;
    for (long i = 0; i < n; i++) v.push_back(std::tanh(x[i]) * x[(i + 1) % n]);
    return std::accumulate(v.begin(), v.end(), 0.0, [](double a, double b) { return a + sq(b); });
}
