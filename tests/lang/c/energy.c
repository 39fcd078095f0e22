#include <math.h>

/* sum_i sin(x[i]) * x[i] */
double f(double *x, long n) {
    double s = 0.0;
    for (long i = 0; i < n; i++)
        s += sin(x[i]) * x[i];
    return s;
}

/* a soft pairwise energy with a scale a: sum_{i<j} a / (1 + (x[i] - x[j])^2) + exp(-a) */
double g(double *x, double a, long n) {
    double s = 0.0;
    for (long i = 0; i < n; i++)
        for (long j = i + 1; j < n; j++) {
            double d = x[i] - x[j];
            s += a / (1.0 + d * d);
        }
    return s + exp(-a);
}

/* y[i] = tanh(x[i]) * c (void, writes through y) */
void h(const double *x, double *y, double c, long n) {
    for (long i = 0; i < n; i++)
        y[i] = tanh(x[i]) * c;
}
