//! Newton step for the power-weight area equations: a grounded graph
//! Laplacian solve per connected component (crate-internal).

/// Solves the dense system `m · x = rhs` (row-major `k × k`) in place by
/// Gaussian elimination with partial pivoting. Returns `false` (leaving
/// `rhs` unspecified) if a pivot is smaller than `tiny` in magnitude.
fn gauss_solve(m: &mut [f64], rhs: &mut [f64], k: usize, tiny: f64) -> bool {
    for col in 0..k {
        let mut piv = col;
        for r in col + 1..k {
            if m[r * k + col].abs() > m[piv * k + col].abs() {
                piv = r;
            }
        }
        let p = m[piv * k + col].abs();
        if p.is_nan() || p <= tiny {
            return false;
        }
        if piv != col {
            for c in 0..k {
                m.swap(piv * k + c, col * k + c);
            }
            rhs.swap(piv, col);
        }
        let d = m[col * k + col];
        for r in col + 1..k {
            let f = m[r * k + col] / d;
            if f != 0.0 {
                for c in col..k {
                    m[r * k + c] -= f * m[col * k + c];
                }
                rhs[r] -= f * rhs[col];
            }
        }
    }
    for col in (0..k).rev() {
        let mut s = rhs[col];
        for c in col + 1..k {
            s -= m[col * k + c] * rhs[c];
        }
        rhs[col] = s / m[col * k + col];
    }
    true
}

fn find(parent: &mut [usize], mut a: usize) -> usize {
    while parent[a] != a {
        parent[a] = parent[parent[a]];
        a = parent[a];
    }
    a
}

/// Newton direction `δ` for `H δ = r`, where `H` is the weighted graph
/// Laplacian with symmetric, non-negative couplings `g` (row-major `n × n`,
/// diagonal ignored) and `r` the area residuals.
///
/// `H` is singular on each connected component (adding a constant to all
/// weights of a component changes nothing), so the first node of every
/// component is grounded (`δ = 0`). Isolated nodes get `δ = 0`. If a
/// component's system is numerically singular, the Jacobi step
/// `δ_i = r_i / H_ii` is used for it instead.
pub(crate) fn newton_direction(g: &[f64], r: &[f64], n: usize, coupling_eps: f64) -> Vec<f64> {
    let mut uf: Vec<usize> = (0..n).collect();
    for i in 0..n {
        for j in i + 1..n {
            if g[i * n + j] > coupling_eps {
                let (a, b) = (find(&mut uf, i), find(&mut uf, j));
                if a != b {
                    uf[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let diag: Vec<f64> = (0..n)
        .map(|i| (0..n).filter(|&j| j != i).map(|j| g[i * n + j]).sum())
        .collect();
    let mut delta = vec![0.0; n];
    let roots: Vec<usize> = (0..n).map(|i| find(&mut uf, i)).collect();
    for root in 0..n {
        if roots[root] != root {
            continue;
        }
        // Members other than the grounded root (the smallest index).
        let members: Vec<usize> = (root + 1..n).filter(|&i| roots[i] == root).collect();
        let k = members.len();
        if k == 0 {
            continue;
        }
        let mut m = vec![0.0; k * k];
        let mut rhs: Vec<f64> = members.iter().map(|&i| r[i]).collect();
        for (a, &i) in members.iter().enumerate() {
            m[a * k + a] = diag[i];
            for (b, &j) in members.iter().enumerate() {
                if a != b {
                    m[a * k + b] = -g[i * n + j];
                }
            }
        }
        let scale = members.iter().map(|&i| diag[i]).fold(0.0, f64::max);
        if gauss_solve(&mut m, &mut rhs, k, scale * 1e-12) {
            for (a, &i) in members.iter().enumerate() {
                delta[i] = rhs[a];
            }
        } else {
            for &i in std::iter::once(&root).chain(members.iter()) {
                if diag[i] > 0.0 {
                    delta[i] = r[i] / diag[i];
                }
            }
        }
    }
    delta
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn gauss_solves_small_system() {
        let mut m = vec![2.0, 1.0, 1.0, 3.0];
        let mut rhs = vec![3.0, 5.0];
        assert!(gauss_solve(&mut m, &mut rhs, 2, 1e-15));
        assert!((rhs[0] - 0.8).abs() < 1e-12 && (rhs[1] - 1.4).abs() < 1e-12);
        let mut sing = vec![1.0, 2.0, 2.0, 4.0];
        assert!(!gauss_solve(&mut sing, &mut [1.0, 1.0], 2, 1e-12));
    }

    #[test]
    fn laplacian_step_reproduces_residual() {
        // Path graph 0 - 1 - 2 plus isolated node 3.
        let n = 4;
        let mut g = vec![0.0; n * n];
        for &(i, j, w) in &[(0, 1, 0.5), (1, 2, 2.0)] {
            g[i * n + j] = w;
            g[j * n + i] = w;
        }
        let r = [-1.0, 3.0, -2.0, 7.0]; // sums to 0 on the component {0,1,2}
        let d = newton_direction(&g, &r, n, 1e-12);
        assert_eq!(d[0], 0.0);
        assert_eq!(d[3], 0.0);
        // H δ must equal r on the component.
        for i in 0..3 {
            let hd: f64 = (0..3)
                .filter(|&j| j != i)
                .map(|j| g[i * n + j] * (d[i] - d[j]))
                .sum();
            assert!((hd - r[i]).abs() < 1e-12, "row {i}: {hd} vs {}", r[i]);
        }
    }
}
