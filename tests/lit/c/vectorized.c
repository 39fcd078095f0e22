// XFAIL: *
// structs.c at -O2 with clang's SLP vectorizer on: the x/y/z arithmetic becomes
// <2 x double> code, which zymase refuses ("zymase cannot differentiate the instruction
// `insertelement`").  Enzyme's own tests compile at -O2/-O3 with the vectorizers on, so
// this is a gap many of them meet.  Remove the XFAIL line when this passes.
// RUN: %clang -O2 %s -S -emit-llvm -o - | %opt - %OPloadEnzyme %enzyme -S | %lli -

#include "structs.c"
