// A global the differentiated function writes, holding a pointer the program set before
// the call: an implicit (zeroed) shadow of the global would give that pointer a null
// shadow, so the derivative is refused by name, pointing to Enzyme's context API.
// RUN: %clang -O1 %s -S -emit-llvm -o - | not %opt - %OPloadEnzyme %enzyme -S 2>&1 | %FileCheck %s
// CHECK: error: zymase cannot differentiate @f: it writes the global @st and reads a pointer from it
// CHECK: help: keep the shadows in an Enzyme context

double __enzyme_autodiff(void *, ...);

struct {
  double *p;
  double s;
} st;

double f(double x) {
  st.s = x * x;
  return st.p[0] * x + st.s;
}

int main(void) {
  double v = 3.0;
  st.p = &v;
  return (int)__enzyme_autodiff((void *)f, 2.0);
}
