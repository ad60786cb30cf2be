//! f64 references the tests check every tier against.
use crate::ops::activation::Activation;

pub fn activation(act: Activation, x: f64) -> f64 {
    match act {
        Activation::Identity => x,
        Activation::Relu => {
            if x < 0.0 {
                0.0
            } else {
                x
            }
        }
        Activation::LeakyRelu => {
            if x < 0.0 {
                0.01 * x
            } else {
                x
            }
        }
        Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
        Activation::Tanh => x.tanh(),
        Activation::Gelu => {
            if x == f64::NEG_INFINITY {
                return 0.0;
            }
            let c = (2.0 / std::f64::consts::PI).sqrt();
            0.5 * x * (1.0 + (c * (x + 0.044715 * x * x * x)).tanh())
        }
    }
}

/// `act(W·x + b)` in f64, and per output the bound `Σ|w·x| + |b|` used to scale tolerances.
pub fn dense(
    w: &[f32],
    x: &[f32],
    b: &[f32],
    m: usize,
    n: usize,
    act: Activation,
) -> (Vec<f64>, Vec<f64>) {
    let mut y = Vec::with_capacity(m);
    let mut mag = Vec::with_capacity(m);
    for i in 0..m {
        let mut s = b[i] as f64;
        let mut a = (b[i] as f64).abs();
        for j in 0..n {
            s += w[i * n + j] as f64 * x[j] as f64;
            a += (w[i * n + j] as f64 * x[j] as f64).abs();
        }
        y.push(activation(act, s));
        mag.push(a);
    }
    (y, mag)
}

/// Global efficiency by a plain queue BFS from every node over the bit matrix's edges.
pub fn efficiency(adj: &[u32], n: usize, wpr: usize) -> f64 {
    if n < 2 {
        return 0.0;
    }
    let has = |i: usize, j: usize| adj[i * wpr + j / 32] >> (j % 32) & 1 == 1;
    let mut total = 0.0;
    let mut dist = vec![usize::MAX; n];
    let mut queue = std::collections::VecDeque::new();
    for s in 0..n {
        dist.fill(usize::MAX);
        dist[s] = 0;
        queue.push_back(s);
        while let Some(u) = queue.pop_front() {
            for v in 0..n {
                if has(u, v) && dist[v] == usize::MAX {
                    dist[v] = dist[u] + 1;
                    queue.push_back(v);
                }
            }
        }
        for (t, &d) in dist.iter().enumerate() {
            if t != s && d != usize::MAX {
                total += 1.0 / d as f64;
            }
        }
    }
    total / (n as f64 * (n as f64 - 1.0))
}
