//! Plain helpers the charts share: names and formats for people (kernels, sizes, speedups),
//! the ticks of log, speedup and linear axes, and the maps from values to pixels.
use crate::util::fmt::group_digits;

/// A kernel's name for people: "sigmoid", "batched dense", "LIF step".
pub fn kernel_name(kernel: &str) -> String {
    match kernel {
        "dense" => "dense (matrix × vector)".into(),
        "dense_batch" => "batched dense".into(),
        "lif_step" => "LIF step".into(),
        "stdp" => "STDP".into(),
        "efficiency" => "mesh efficiency".into(),
        // The same kernels on 16-bit weights (kernels/ABI.md "Weight storage").
        k if k.ends_with("_bf16") => format!("{} (bf16)", kernel_name(&k[..k.len() - 5])),
        k => k.trim_start_matches("activation_").replace('_', " "),
    }
}

/// A kernel's name where space is short: "dense", "batched", "LIF".
pub fn short_kernel_name(kernel: &str) -> String {
    match kernel {
        "dense" => "dense".into(),
        "dense_batch" => "batched".into(),
        "lif_step" => "LIF".into(),
        "efficiency" => "efficiency".into(),
        k if k.ends_with("_bf16") => format!("{} bf16", short_kernel_name(&k[..k.len() - 5])),
        k => kernel_name(k),
    }
}

/// A size for people: "256x256" → "256×256", "65536" → "65 536".
pub fn size_name(size: &str) -> String {
    if size.contains('x') {
        return size.replace('x', "×");
    }
    match size.parse::<u64>() {
        Ok(n) if n >= 10_000 => group_digits(n, '\u{2009}'),
        _ => size.to_string(),
    }
}

/// A speedup: "0.5×", "5.2×", "27×".
pub fn fmt_speedup(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}×")
    } else {
        format!("{x:.1}×")
    }
}

/// A tick of the speedup axis (a power of two): "0.125×", "0.25×", "1×", "32×".
pub fn fmt_speedup_tick(t: f64) -> String {
    let s = format!("{t:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}×")
}

/// Ticks of a log axis over `lo..hi`: 1, 2, 5 × powers of ten when the range is under three
/// decades, powers of ten otherwise.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let decades = (hi / lo).log10();
    let mults: &[f64] = if decades < 3.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let mut out = Vec::new();
    let mut p = 10f64.powf(lo.log10().floor());
    while p <= hi * 1.0001 {
        for m in mults {
            let t = p * m;
            if t >= lo * 0.9999 && t <= hi * 1.0001 {
                out.push(t);
            }
        }
        p *= 10.0;
    }
    out
}

/// Ticks of a speedup axis over `lo..hi`: powers of two (0.25×, 0.5×, 1×, 2×, 4×, …).
pub fn speedup_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut t = 2f64.powf(lo.log2().ceil());
    while t <= hi * 1.0001 {
        out.push(t);
        t *= 2.0;
    }
    out
}

/// Ticks of a linear axis from 0 to `hi`: 4–8 steps of 1, 2 or 5 × a power of ten.
pub fn linear_ticks(hi: f64) -> Vec<f64> {
    if !(hi > 0.0 && hi.is_finite()) {
        return vec![0.0];
    }
    let raw = hi / 5.0;
    let p = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| hi / s <= 8.0)
        .unwrap_or(10.0 * p);
    (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= hi * 1.0001)
        .collect()
}

/// Maps a value on a log axis `lo..hi` onto pixels `a..b`.
pub(crate) fn log_map(v: f64, lo: f64, hi: f64, a: f64, b: f64) -> f64 {
    a + (b - a) * (v.ln() - lo.ln()) / (hi.ln() - lo.ln())
}

pub(crate) fn lin_map(v: f64, lo: f64, hi: f64, a: f64, b: f64) -> f64 {
    a + (b - a) * (v - lo) / (hi - lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_are_1_2_5_on_short_ranges_and_decades_on_long_ones() {
        assert_eq!(log_ticks(150.0, 3000.0), vec![200.0, 500.0, 1000.0, 2000.0]);
        assert_eq!(log_ticks(5.0, 2e6), vec![10.0, 100.0, 1e3, 1e4, 1e5, 1e6]);
        assert!(log_ticks(0.0, 10.0).is_empty());
        assert!(log_ticks(10.0, 10.0).is_empty());
        assert!(log_ticks(f64::NAN, 10.0).is_empty());
    }

    #[test]
    fn speedup_ticks_are_powers_of_two_inside_the_range() {
        assert_eq!(speedup_ticks(0.7, 20.0), vec![1.0, 2.0, 4.0, 8.0, 16.0]);
        assert_eq!(speedup_ticks(0.3, 1.5), vec![0.5, 1.0]);
    }

    #[test]
    fn linear_ticks_take_nice_steps() {
        assert_eq!(linear_ticks(20.0), vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(
            linear_ticks(270.0),
            vec![0.0, 50.0, 100.0, 150.0, 200.0, 250.0]
        );
        assert_eq!(linear_ticks(0.0), vec![0.0]);
    }

    #[test]
    fn human_units_on_the_axes() {
        assert_eq!(fmt_speedup(5.23), "5.2×");
        assert_eq!(fmt_speedup(27.4), "27×");
        assert_eq!(fmt_speedup_tick(0.25), "0.25×");
        assert_eq!(fmt_speedup_tick(0.125), "0.125×");
        assert_eq!(fmt_speedup_tick(4.0), "4×");
        assert_eq!(kernel_name("activation_sigmoid"), "sigmoid");
        assert_eq!(kernel_name("lif_step"), "LIF step");
        assert_eq!(kernel_name("lif_step_bf16"), "LIF step (bf16)");
        assert_eq!(short_kernel_name("live_step_bf16"), "live step bf16");
        assert_eq!(size_name("256x256"), "256×256");
        assert_eq!(size_name("65536"), "65\u{2009}536");
        assert_eq!(size_name("1024"), "1024");
    }
}
