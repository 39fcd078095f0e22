/* Loops clang -O3 vectorises for x86-64 (SSE2, two doubles a vector); zymase scalarises them
   before differentiating (tests/unit/test_scalarize.py).  vector.ll is this file compiled by
   clang 22 (pip install ziglang):

     python -m ziglang cc -S -emit-llvm -O3 -g0 -fno-sanitize=undefined \
         -target x86_64-linux-gnu -mcpu=x86_64 vector.c -o vector.ll
*/
#include <math.h>

/* a dot product whose reduction the pragma lets clang reorder: vector phis, llvm.fmuladd.v2f64,
   an interleaved (unrolled) pair of accumulators, llvm.vector.reduce.fadd */
double dot(const double *x, const double *y, long n) {
    double s = 0;
#pragma clang loop vectorize(enable)
    for (long i = 0; i < n; i++)
        s += x[i] * y[i];
    return s;
}

/* y = a x + sqrt(|y|): vector loads and stores, a broadcast shuffle, fabs and sqrt */
void axpy(double *y, const double *x, double a, long n) {
    for (long i = 0; i < n; i++)
        y[i] = a * x[i] + sqrt(fabs(y[i]));
}

/* max of the squares: llvm.maxnum.v2f64, llvm.vector.reduce.fmax, an fcmp uno whose <2 x i1>
   is bitcast to i2 */
double maxsq(const double *x, long n) {
    double m = 0;
    for (long i = 0; i < n; i++)
        m = fmax(m, x[i] * x[i]);
    return m;
}

/* a leaky ReLU: vector fcmp and select */
void leaky(double *y, const double *x, long n) {
    for (long i = 0; i < n; i++)
        y[i] = x[i] > 0 ? x[i] : 0.1 * x[i];
}

/* z = w² for complex numbers stored interleaved: <4 x double> loads split by shufflevector
   into real and imaginary parts, and interleaved again */
void csquare(double *z, const double *w, long n) {
    for (long i = 0; i < n; i++) {
        double a = w[2 * i], b = w[2 * i + 1];
        z[2 * i] = a * a - b * b;
        z[2 * i + 1] = 2 * a * b;
    }
}

/* a float input summed in double: vector fpext */
double fsum(const float *x, double c, long n) {
    double s = 0;
#pragma clang loop vectorize(enable)
    for (long i = 0; i < n; i++)
        s += c * (double)x[i] * (double)x[i];
    return s;
}

/* straight-line code the SLP vectoriser packs: a rotation by angle t, then a quadratic
   energy of the rotated pair (insertelement, shufflevector, extractelement) */
double rotate(double *restrict q, const double *restrict p, double t) {
    double c = cos(t), s = sin(t);
    q[0] = c * p[0] - s * p[1];
    q[1] = s * p[0] + c * p[1];
    q[2] = c * p[2] - s * p[3];
    q[3] = s * p[2] + c * p[3];
    return q[0] * q[1] + q[2] * q[3];
}
