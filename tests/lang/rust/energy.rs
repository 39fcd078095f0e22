//! One Rust kernel compiled at opt-level 0..3 (tests/lang/test_llvm_function.py): the
//! derivative must not depend on how rustc optimised it.
use std::slice;

/// sum_i x_i^3 sin(x_i) + exp(x_i / 2) + (x_i - x_{i-1})^2: a slice, bounds-checked
/// indexing, powi, sin, exp, an iterator
#[no_mangle]
pub extern "C" fn energy(x: *const f64, n: usize) -> f64 {
    let x = unsafe { slice::from_raw_parts(x, n) };
    let mut s = 0.0;
    for i in 0..n {
        s += x[i].powi(3) * x[i].sin() + (0.5 * x[i]).exp();
    }
    s + x.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum::<f64>()
}
