/* Small C kernels for tests/lang/test_llvm_function.py (compiled at -O0..-O3, see there). */
#include <math.h>
#include <stdlib.h>

/* sum_i sin(x_i) x_i + sqrt(1 + x_i^2) */
double energy(const double *x, long n) {
    double s = 0.0;
    for (long i = 0; i < n; i++)
        s += sin(x[i]) * x[i] + sqrt(1.0 + x[i] * x[i]);
    return s;
}

/* a soft pairwise energy with a scale a (a double loop, a scalar parameter) */
double pairwise(const double *x, double a, long n) {
    double s = 0.0;
    for (long i = 0; i < n; i++)
        for (long j = i + 1; j < n; j++) {
            double d = x[i] - x[j];
            s += a / (1.0 + d * d);
        }
    return s + exp(-a);
}

struct params { double k, c; };

/* y_i = k tanh(x_i) + c y_{i-1}: writes its output, reads a struct through a pointer */
void smooth(const double *x, const struct params *p, double *y, long n) {
    double prev = 0.0;
    for (long i = 0; i < n; i++) {
        prev = p->k * tanh(x[i]) + p->c * prev;
        y[i] = prev;
    }
}

/* y_i = c x_i^2 + y_i (clang vectorises this loop at -O2: <2 x double>) */
void scale(double *y, const double *x, double c, long n) {
    for (long i = 0; i < n; i++)
        y[i] += c * x[i] * x[i];
}

/* a growing heap buffer: malloc, realloc, free */
double buffer(const double *x, long n) {
    long cap = 2, len = 0;
    double *t = malloc(cap * sizeof(double));
    for (long i = 0; i < n; i++) {
        if (len == cap) {
            cap *= 2;
            t = realloc(t, cap * sizeof(double));
        }
        t[len++] = exp(x[i]) * x[(i + 1) % n];
    }
    double s = 0.0;
    for (long i = 0; i < len; i++)
        s += t[i] * t[len - 1 - i];
    free(t);
    return s;
}

/* |A x|^2 for a row-major m x n matrix A (a 2-d array argument, int lengths) */
double normsq(const double *a, const double *x, int m, int n) {
    double s = 0.0;
    for (int i = 0; i < m; i++) {
        double r = 0.0;
        for (int j = 0; j < n; j++)
            r += a[i * n + j] * x[j];
        s += r * r;
    }
    return s;
}
