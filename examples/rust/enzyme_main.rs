//! Calls the derivatives `python -m zymase opt` built into enzyme_kernels.o and checks each
//! against central finite differences of the primal (and forward against reverse).
//! Built and run by enzyme_demo.py; exits non-zero on any mismatch.
use std::process::exit;

#[repr(C)]
pub struct Four {
    pub d: [f64; 4],
}

extern "C" {
    fn pair_energy(x: *const f64, n: usize) -> f64;
    fn rk4_final(y: *const f64, k: f64, steps: usize) -> f64;
    fn grad_pair_energy(x: *const f64, dx: *mut f64, n: usize);
    fn grad_rk4(y: *const f64, dy: *mut f64, k: f64, steps: usize) -> f64;
    fn jvp_pair_energy(x: *const f64, v: *const f64, n: usize) -> f64;
    fn jvp4_pair_energy(x: *const f64, v: *const [*const f64; 4], n: usize) -> Four;
}

fn check(what: &str, got: f64, want: f64, tol: f64, against: &str) -> bool {
    let err = (got - want).abs() / want.abs().max(1e-3);
    let ok = err <= tol;
    println!("  {:<28} zymase {:>+.12e}   {} {:>+.12e}   rel.err {:.1e} {}",
             what, got, against, want, err, if ok { "ok" } else { "MISMATCH" });
    ok
}

fn main() {
    let n = 64;
    let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin() * 3.0 + i as f64 * 0.1).collect();
    let mut dx = vec![0.0; n];
    let mut ok = true;
    unsafe { grad_pair_energy(x.as_ptr(), dx.as_mut_ptr(), n) };
    println!("pair energy, n = {n}: reverse-mode gradient (__enzyme_autodiff)");
    let h = 1e-6;
    for &j in &[0usize, 17, 63] {
        let mut xp = x.clone();
        xp[j] += h;
        let mut xm = x.clone();
        xm[j] -= h;
        let fd = unsafe { (pair_energy(xp.as_ptr(), n) - pair_energy(xm.as_ptr(), n)) / (2.0 * h) };
        ok &= check(&format!("dE/dx[{j}]"), dx[j], fd, 1e-6, "finite diff.");
    }
    // forward mode, one direction and four at once; <grad, v> must agree
    let dirs: Vec<Vec<f64>> = (0..4).map(|k| (0..n).map(|i| ((i * (k + 2)) as f64).cos()).collect()).collect();
    let t = unsafe { jvp_pair_energy(x.as_ptr(), dirs[0].as_ptr(), n) };
    let dot: f64 = dx.iter().zip(&dirs[0]).map(|(a, b)| a * b).sum();
    println!("pair energy: forward mode (__enzyme_fwddiff) against reverse, <grad, v>");
    ok &= check("jvp(v0)", t, dot, 1e-12, "<grad, v>  ");
    let ptrs = [dirs[0].as_ptr(), dirs[1].as_ptr(), dirs[2].as_ptr(), dirs[3].as_ptr()];
    let four = unsafe { jvp4_pair_energy(x.as_ptr(), &ptrs, n) };
    for k in 0..4 {
        let dot: f64 = dx.iter().zip(&dirs[k]).map(|(a, b)| a * b).sum();
        ok &= check(&format!("enzyme_width 4, lane {k}"), four.d[k], dot, 1e-12, "<grad, v>  ");
    }
    let y = [1.0, 0.0];
    let mut dy = [0.0, 0.0];
    let (k, steps) = (2.0, 1000);
    let dk = unsafe { grad_rk4(y.as_ptr(), dy.as_mut_ptr(), k, steps) };
    println!("RK4 oscillator, {steps} steps: gradient in k (active scalar) and y0 (duplicated)");
    let fdk = unsafe { (rk4_final(y.as_ptr(), k + h, steps) - rk4_final(y.as_ptr(), k - h, steps)) / (2.0 * h) };
    ok &= check("d/dk", dk, fdk, 1e-6, "finite diff.");
    for j in 0..2 {
        let mut yp = y;
        yp[j] += h;
        let mut ym = y;
        ym[j] -= h;
        let fd = unsafe { (rk4_final(yp.as_ptr(), k, steps) - rk4_final(ym.as_ptr(), k, steps)) / (2.0 * h) };
        ok &= check(&format!("d/dy0[{j}]"), dy[j], fd, 1e-6, "finite diff.");
    }
    if !ok {
        eprintln!("derivative check FAILED");
        exit(1);
    }
    println!("all derivatives agree with finite differences");
}
