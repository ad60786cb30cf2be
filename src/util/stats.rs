//! The statistics the page computes from its samples: sorted finite samples, quantiles
//! interpolated between neighbours, and the median as the 0.5 quantile — one definition for
//! the headline's timings and the targets' ratios.

/// The finite samples, ascending (NaN and infinities are no measurement).
pub fn sorted_finite(xs: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The `q` quantile (0 to 1) of ascending samples, interpolated between neighbours.
/// Contract: `sorted` is ascending and not empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    match sorted.get(i + 1) {
        Some(next) => sorted[i] + frac * (next - sorted[i]),
        None => sorted[i],
    }
}

/// The median of the finite samples (between the middle two for an even count); `None` when
/// there is none.
pub fn median(xs: &[f64]) -> Option<f64> {
    let v = sorted_finite(xs);
    (!v.is_empty()).then(|| quantile(&v, 0.5))
}

/// Median, 25th and 75th percentile of the finite samples; `None` when there is none.
pub fn spread(xs: &[f64]) -> Option<Spread> {
    let v = sorted_finite(xs);
    (!v.is_empty()).then(|| Spread {
        median: quantile(&v, 0.5),
        p25: quantile(&v, 0.25),
        p75: quantile(&v, 0.75),
    })
}

/// A median with its interquartile range.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub p25: f64,
    pub p75: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_the_median_and_quartiles_of_the_finite_samples() {
        let s = spread(&[5.0, 1.0, f64::NAN, 3.0, 2.0, 4.0]).expect("samples");
        assert_eq!((s.median, s.p25, s.p75), (3.0, 2.0, 4.0));
        assert_eq!(spread(&[f64::INFINITY]), None);
    }

    #[test]
    fn median_of_odd_even_and_bad() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
    }

    #[test]
    fn quantiles_interpolate() {
        let s = sorted_finite(&[4.0, f64::INFINITY, 1.0, 3.0, 2.0]);
        assert_eq!(s, [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(quantile(&s, 0.0), 1.0);
        assert_eq!(quantile(&s, 0.25), 1.75);
        assert_eq!(quantile(&s, 1.0), 4.0);
        assert_eq!(quantile(&[7.0], 0.75), 7.0);
    }
}
