/* Loops clang -O3 vectorises with masked loads, stores and gathers when it compiles for
   AVX-512; zymase scalarises them before differentiating (tests/unit/test_scalarize.py).
   masked.ll is this file compiled by clang 22 (pip install ziglang) for skylake-avx512, with
   the functions' target-cpu and target-features attributes then removed so that any x86-64
   runs it (LLVM's code generator scalarises the masked operations itself):

     python -m ziglang cc -S -emit-llvm -O3 -g0 -fno-sanitize=undefined \
         -target x86_64-linux-gnu -mcpu=skylake_avx512 masked.c -o masked.ll
     sed -E -i 's/ "target-(cpu|features)"="[^"]*"//g' masked.ll
*/

/* y[i] = x[i]² where c[i] is set: llvm.masked.load / llvm.masked.store */
void sqwhere(double *y, const double *x, const int *c, long n) {
    for (long i = 0; i < n; i++)
        if (c[i])
            y[i] = x[i] * x[i];
}

/* Σ w[i] x[idx[i]]²: llvm.masked.gather */
double gathered(const double *x, const double *w, const int *idx, long n) {
    double s = 0;
#pragma clang loop vectorize(enable)
    for (long i = 0; i < n; i++)
        s += w[i] * x[idx[i]] * x[idx[i]];
    return s;
}
