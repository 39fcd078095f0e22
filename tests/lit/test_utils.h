/* Helpers for zymase's lit programs (tests/lit/c, tests/lit/cpp).
 *
 * The programs are written against Enzyme's C ABI: they declare __enzyme_autodiff /
 * __enzyme_fwddiff themselves and pass the marker globals below; `python -m zymase opt`
 * lowers those calls and `python -m zymase lli` runs main.  A failed check prints the two
 * values and aborts, so the RUN pipeline exits non-zero. */
#ifndef ZYMASE_LIT_TEST_UTILS_H
#define ZYMASE_LIT_TEST_UTILS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif
extern int enzyme_dup, enzyme_const, enzyme_out, enzyme_dupnoneed, enzyme_width;
#ifdef __cplusplus
}
#endif

/* |got - want| <= tol * max(1, |want|); a NaN never passes. */
#define APPROX_EQ(got, want, tol)                                              \
  do {                                                                         \
    double got_ = (double)(got), want_ = (double)(want);                       \
    double scale_ = fabs(want_) > 1.0 ? fabs(want_) : 1.0;                     \
    if (!(fabs(got_ - want_) <= (tol) * scale_)) {                             \
      fprintf(stderr,                                                          \
              "%s:%d: APPROX_EQ failed: %s = %.17g, expected %s = %.17g "      \
              "(tolerance %g)\n",                                              \
              __FILE__, __LINE__, #got, got_, #want, want_, (double)(tol));    \
      abort();                                                                 \
    }                                                                          \
  } while (0)

#endif
