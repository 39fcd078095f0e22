//! Small Rust kernels for tests/lang/test_llvm_function.py (compiled at opt-level 0..3, see there).
use std::slice;

/// sum_i x_i^3 sin(x_i) + exp(x_i / 2): a slice, bounds-checked indexing, powi, sin, exp
#[no_mangle]
pub extern "C" fn energy(x: *const f64, n: usize) -> f64 {
    let x = unsafe { slice::from_raw_parts(x, n) };
    let mut s = 0.0;
    for i in 0..n {
        s += x[i].powi(3) * x[i].sin() + (0.5 * x[i]).exp();
    }
    s
}

/// iterators: zip, skip, windows, map, sum
#[no_mangle]
pub extern "C" fn chain(x: *const f64, n: usize) -> f64 {
    let x = unsafe { slice::from_raw_parts(x, n) };
    x.iter().zip(x.iter().skip(1)).map(|(a, b)| (a - b).powi(2)).sum::<f64>()
        + x.windows(3).map(|w| w[0] * w[1] * w[2]).sum::<f64>()
}

/// a Vec allocated inside (vec![0.0; n]), one collected from an iterator, one grown by push
#[no_mangle]
pub extern "C" fn vectors(x: *const f64, n: usize) -> f64 {
    let x = unsafe { slice::from_raw_parts(x, n) };
    let mut v = vec![0.0; n];
    for i in 0..n {
        v[i] = x[i].exp();
    }
    let w: Vec<f64> = v.iter().zip(x).map(|(a, b)| a * b.cos()).collect();
    let mut p: Vec<f64> = Vec::new();
    for i in 0..n {
        p.push(w[i] * x[(i + 1) % n]);
    }
    p.iter().map(|v| v.tanh()).sum()
}

/// entries picked by an index array (a bounds check that can fail: a panic)
#[no_mangle]
pub extern "C" fn gather(x: *const f64, idx: *const i64, n: usize, m: usize) -> f64 {
    let x = unsafe { slice::from_raw_parts(x, n) };
    let idx = unsafe { slice::from_raw_parts(idx, m) };
    let mut s = 0.0;
    for &k in idx {
        s += x[k as usize] * x[k as usize].ln_1p();
    }
    s
}

/// `steps` RK4 steps of the pendulum q'' = -k sin q, in place on y = (q, p)
#[no_mangle]
pub extern "C" fn rk4(y: *mut f64, k: f64, h: f64, steps: usize) {
    let y = unsafe { slice::from_raw_parts_mut(y, 2) };
    let f = |q: f64, p: f64| (p, -k * q.sin());
    for _ in 0..steps {
        let (q, p) = (y[0], y[1]);
        let (a1, b1) = f(q, p);
        let (a2, b2) = f(q + 0.5 * h * a1, p + 0.5 * h * b1);
        let (a3, b3) = f(q + 0.5 * h * a2, p + 0.5 * h * b2);
        let (a4, b4) = f(q + h * a3, p + h * b3);
        y[0] = q + h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4);
        y[1] = p + h / 6.0 * (b1 + 2.0 * b2 + 2.0 * b3 + b4);
    }
}
