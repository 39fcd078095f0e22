//! Rust functions written for Enzyme's ABI, as Enzyme's Rust users did before
//! `std::autodiff`: they declare `__enzyme_autodiff` / `__enzyme_fwddiff` and the activity
//! markers, and call them with a function pointer.  rustc compiles this file to LLVM IR;
//! `python -m zymase opt` replaces every such call with the derivative (see enzyme_demo.py).
#![allow(non_upper_case_globals)]
use std::ffi::c_void;

extern "C" {
    static enzyme_dup: i32;
    static enzyme_const: i32;
    static enzyme_width: i32;
    fn __enzyme_autodiff(f: *const c_void, ...) -> f64;
    fn __enzyme_fwddiff(f: *const c_void, ...) -> f64;
}

/// Pairwise energy of n particles on a line: sum over pairs of a soft repulsion.
#[no_mangle]
pub extern "C" fn pair_energy(x: *const f64, n: usize) -> f64 {
    let xs = unsafe { std::slice::from_raw_parts(x, n) };
    let mut e = 0.0;
    for i in 0..n {
        for j in (i + 1)..n {
            let d = xs[i] - xs[j];
            e += 1.0 / (d * d + 1.0).powi(3) + 0.1 * d.sin();
        }
    }
    e
}

/// Final state of a damped oscillator after `steps` RK4 steps; `y` = (position, velocity).
#[no_mangle]
pub extern "C" fn rk4_final(y: *const f64, k: f64, steps: usize) -> f64 {
    let y0 = unsafe { std::slice::from_raw_parts(y, 2) };
    let f = |p: f64, v: f64| (v, -k * p - 0.1 * v + 0.5 * p.sin());
    let (mut p, mut v) = (y0[0], y0[1]);
    let h = 0.01;
    for _ in 0..steps {
        let (a1, b1) = f(p, v);
        let (a2, b2) = f(p + 0.5 * h * a1, v + 0.5 * h * b1);
        let (a3, b3) = f(p + 0.5 * h * a2, v + 0.5 * h * b2);
        let (a4, b4) = f(p + h * a3, v + h * b3);
        p += h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4);
        v += h / 6.0 * (b1 + 2.0 * b2 + 2.0 * b3 + b4);
    }
    p * p + v
}

/// Gradient of `pair_energy` into `dx` (added to what `dx` holds).
#[no_mangle]
pub extern "C" fn grad_pair_energy(x: *const f64, dx: *mut f64, n: usize) {
    unsafe {
        __enzyme_autodiff(pair_energy as *const c_void, enzyme_dup, x, dx, enzyme_const, n);
    }
}

/// d rk4_final / dk (reverse mode; y's gradient lands in dy).
#[no_mangle]
pub extern "C" fn grad_rk4(y: *const f64, dy: *mut f64, k: f64, steps: usize) -> f64 {
    unsafe { __enzyme_autodiff(rk4_final as *const c_void, enzyme_dup, y, dy, k, enzyme_const, steps) }
}

/// Directional derivative of `pair_energy` along `v` (forward mode).
#[no_mangle]
pub extern "C" fn jvp_pair_energy(x: *const f64, v: *const f64, n: usize) -> f64 {
    unsafe { __enzyme_fwddiff(pair_energy as *const c_void, enzyme_dup, x, v, enzyme_const, n) }
}

#[repr(C)]
pub struct Four {
    pub d: [f64; 4],
}

extern "C" {
    fn __enzyme_fwddiff4(f: *const c_void, ...) -> Four;
}

/// Four directional derivatives of `pair_energy` in one call (enzyme_width 4).
#[no_mangle]
pub extern "C" fn jvp4_pair_energy(x: *const f64, v: *const [*const f64; 4], n: usize) -> Four {
    let v = unsafe { &*v };
    unsafe {
        __enzyme_fwddiff4(pair_energy as *const c_void, enzyme_width, 4usize, enzyme_dup, x,
                          v[0], v[1], v[2], v[3], enzyme_const, n)
    }
}
