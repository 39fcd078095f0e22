//! Rust kernels with a C ABI, differentiated from Python by zymase (`from_python.py`).
//!
//! Nothing here knows about differentiation: these are ordinary `extern "C"` functions over
//! raw pointers and lengths, as one would expose to C or to Python through ctypes.  zymase
//! reads the LLVM IR rustc emits for them (`--emit=llvm-ir`).

use std::slice;

/// The energy of a chain of n particles on a line: springs of stiffness `k` and rest length 1
/// between neighbours, and a soft repulsion between every pair.
#[no_mangle]
pub extern "C" fn chain_energy(x: *const f64, n: usize, k: f64) -> f64 {
    let x = unsafe { slice::from_raw_parts(x, n) };
    let springs: f64 = x.windows(2).map(|w| 0.5 * k * (w[1] - w[0] - 1.0).powi(2)).sum();
    let mut repulsion = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let d = x[j] - x[i];
            repulsion += (-d * d).exp();
        }
    }
    springs + repulsion
}

/// `steps` steps of classic RK4 for a damped, driven pendulum, in place on y = (angle,
/// angular velocity); p = (gravity / length, damping, drive amplitude).
#[no_mangle]
pub extern "C" fn pendulum_rk4(y: *mut f64, p: *const f64, h: f64, steps: usize) {
    let y = unsafe { slice::from_raw_parts_mut(y, 2) };
    let p = unsafe { slice::from_raw_parts(p, 3) };
    let f = |t: f64, q: f64, w: f64| (w, -p[0] * q.sin() - p[1] * w + p[2] * (0.7 * t).cos());
    let mut t = 0.0;
    for _ in 0..steps {
        let (q, w) = (y[0], y[1]);
        let (a1, b1) = f(t, q, w);
        let (a2, b2) = f(t + 0.5 * h, q + 0.5 * h * a1, w + 0.5 * h * b1);
        let (a3, b3) = f(t + 0.5 * h, q + 0.5 * h * a2, w + 0.5 * h * b2);
        let (a4, b4) = f(t + h, q + h * a3, w + h * b3);
        y[0] = q + h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4);
        y[1] = w + h / 6.0 * (b1 + 2.0 * b2 + 2.0 * b3 + b4);
        t += h;
    }
}

/// A smoothing penalty that allocates: a moving average of width 3 into a `Vec`, the
/// differences of that into another (grown by `push`), then their log-sum-exp.
#[no_mangle]
pub extern "C" fn smoothness(x: *const f64, n: usize) -> f64 {
    let x = unsafe { slice::from_raw_parts(x, n) };
    let avg: Vec<f64> = x.windows(3).map(|w| (w[0] + w[1] + w[2]) / 3.0).collect();
    let mut diffs = Vec::new();
    for i in 1..avg.len() {
        diffs.push(avg[i] - avg[i - 1]);
    }
    let m = diffs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    m + diffs.iter().map(|d| (d - m).exp()).sum::<f64>().ln()
}
