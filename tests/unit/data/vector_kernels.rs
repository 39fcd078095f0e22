//! Rust loops rustc -O3 vectorises (x86-64, SSE2), differentiated by zymase after it
//! scalarises them (tests/unit/test_scalarize.py).  vector_kernels.ll is this file compiled by
//! rustc 1.95:
//!
//!     rustc --edition=2021 --crate-type=lib --emit=llvm-ir -C opt-level=3 -C panic=abort \
//!         vector_kernels.rs -o vector_kernels.ll

/// y = a x + y²: a vectorised map with a runtime alias check
#[no_mangle]
pub unsafe extern "C" fn axpy_sq(y: *mut f64, x: *const f64, a: f64, n: usize) {
    let y = core::slice::from_raw_parts_mut(y, n);
    let x = core::slice::from_raw_parts(x, n);
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = a * *xi + *yi * *yi;
    }
}

/// max |s x_i|: f64::max (llvm.maxnum) in a vectorised reduction
#[no_mangle]
pub unsafe extern "C" fn max_abs(x: *const f64, s: f64, n: usize) -> f64 {
    let x = core::slice::from_raw_parts(x, n);
    x.iter().fold(0.0f64, |m, &v| m.max((s * v).abs()))
}

/// A damped oscillator (state [f64; 2]) stepped by Heun's method: straight-line code the SLP
/// vectoriser packs into <2 x double>
#[no_mangle]
pub unsafe extern "C" fn heun(y0: *const f64, k: f64, steps: usize) -> f64 {
    let mut y = [*y0, *y0.add(1)];
    let h = 0.01;
    let f = |y: [f64; 2]| [y[1], -k * y[0] - 0.1 * y[1]];
    for _ in 0..steps {
        let a = f(y);
        let p = [y[0] + h * a[0], y[1] + h * a[1]];
        let b = f(p);
        y = [y[0] + 0.5 * h * (a[0] + b[0]), y[1] + 0.5 * h * (a[1] + b[1])];
    }
    y[0] * y[0] + y[1] * y[1]
}

/// Σ x_i y_i over i32 weights converted to f64, integer lanes alongside float ones
#[no_mangle]
pub unsafe extern "C" fn weighted(x: *mut f64, w: *const i32, n: usize) {
    let x = core::slice::from_raw_parts_mut(x, n);
    let w = core::slice::from_raw_parts(w, n);
    for (xi, wi) in x.iter_mut().zip(w) {
        *xi = *xi * (*wi as f64) + (*wi * 2) as f64;
    }
}
