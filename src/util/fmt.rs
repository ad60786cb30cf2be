//! How the page writes numbers: one place for every unit format the views, the models and the
//! exports share, so two panels never write the same quantity two ways. The unit is chosen by
//! one rule (`scale`); each format keeps its own decimals, since the texts are read by the e2e
//! tests and pinned below.

/// Steps of a count, largest first.
const COUNT_STEPS: [(f64, &str); 3] = [(1e9, " G"), (1e6, " M"), (1e3, " k")];
/// Steps of a time given in nanoseconds, largest first.
const TIME_NS_STEPS: [(f64, &str); 3] = [(1e9, " s"), (1e6, " ms"), (1e3, " µs")];

/// `x` divided by the largest step it reaches, and that step's unit; `x` itself and `base`
/// when it reaches none (also for NaN).
fn scale(x: f64, steps: &[(f64, &'static str)], base: &'static str) -> (f64, &'static str) {
    steps
        .iter()
        .find(|(k, _)| x >= *k)
        .map_or((x, base), |(k, u)| (x / k, u))
}

/// `x` in the unit `scale` picks, with `digits(value, unit)` decimals.
fn scaled(
    x: f64,
    steps: &[(f64, &'static str)],
    base: &'static str,
    digits: impl Fn(f64, &str) -> usize,
) -> String {
    let (v, unit) = scale(x, steps, base);
    let d = digits(v, unit);
    format!("{v:.d$}{unit}")
}

/// An axis label's decimals: none from 10 up or when whole, else one ("2", "2.5", "25").
fn trimmed(v: f64, _unit: &str) -> usize {
    if v >= 10.0 || (v - v.round()).abs() < 1e-9 {
        0
    } else {
        1
    }
}

/// A rate or count for a figure: "183.6 k", "2.50 M", "950".
pub fn fmt_count(v: f64) -> String {
    scaled(v, &COUNT_STEPS, "", |_, unit| match unit {
        "" => 0,
        " k" => 1,
        _ => 2,
    })
}

/// A count for an axis, trimmed: "500", "2 k", "1 M", "10 G".
pub fn fmt_work(x: f64) -> String {
    scaled(x, &COUNT_STEPS, "", trimmed)
}

/// A measured time from nanoseconds: "950 ns", "12.3 µs", "2.50 ms" — never seconds, so a long
/// case still compares with a short one at a glance. Under 1 ns with two decimals, so the lower
/// end of `bench::MEDIAN_RANGE_NS` never prints as "0 ns".
pub fn fmt_ns(ns: f64) -> String {
    scaled(ns, &TIME_NS_STEPS[1..], " ns", |v, unit| match unit {
        " ms" => 2,
        " µs" => 1,
        _ if v >= 1.0 => 0,
        _ => 2,
    })
}

/// A time in nanoseconds for an axis, trimmed: "200 ns", "1 µs", "2.5 ms", "1 s".
pub fn fmt_time_ns(ns: f64) -> String {
    scaled(ns, &TIME_NS_STEPS, " ns", trimmed)
}

/// Milliseconds with sensible digits: 0.42 ms, 4.2 ms, 42 ms ("–" when not finite).
pub fn fmt_ms(ms: f64) -> String {
    if !ms.is_finite() {
        "–".into()
    } else if ms < 1.0 {
        format!("{ms:.2} ms")
    } else if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// Bytes in MiB, written "MB" as the page does everywhere: "58.0 MB".
pub fn fmt_bytes(b: f64) -> String {
    format!("{:.1} MB", b / (1024.0 * 1024.0))
}

/// A percentage with sensible precision: "0.4 %", "4 %", "12 %".
pub fn fmt_pct(p: f64) -> String {
    if p < 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

/// A count with thousands separators: "183,567".
pub fn fmt_thousands(n: usize) -> String {
    group_digits(n as u64, ',')
}

/// `n` with `sep` between groups of three digits: (65536, ' ') → "65 536".
pub fn group_digits(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A number of 1 ms steps as simulated time: "50 ms", "0.5 s", "2 s".
pub fn fmt_sim(steps: usize) -> String {
    if steps < 1000 {
        format!("{steps} ms")
    } else if steps.is_multiple_of(1000) {
        format!("{} s", steps / 1000)
    } else {
        format!("{:.1} s", steps as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(fmt_count(950.0), "950");
        assert_eq!(fmt_count(183_567.0), "183.6 k");
        assert_eq!(fmt_count(2_500_000.0), "2.50 M");
        assert_eq!(fmt_count(3.2e9), "3.20 G");
        assert_eq!(fmt_work(500.0), "500");
        assert_eq!(fmt_work(2e3), "2 k");
        assert_eq!(fmt_work(2.5e3), "2.5 k");
        assert_eq!(fmt_work(1e6), "1 M");
        assert_eq!(fmt_work(1e10), "10 G");
        assert_eq!(fmt_thousands(0), "0");
        assert_eq!(fmt_thousands(999), "999");
        assert_eq!(fmt_thousands(1000), "1,000");
        assert_eq!(fmt_thousands(16_777_067), "16,777,067");
    }

    #[test]
    fn times() {
        assert_eq!(fmt_ns(950.0), "950 ns");
        assert_eq!(fmt_ns(12_345.0), "12.3 µs");
        assert_eq!(fmt_ns(2_500_000.0), "2.50 ms");
        assert_eq!(
            fmt_ns(*crate::features::bench::MEDIAN_RANGE_NS.start()),
            "0.01 ns",
            "never 0 ns in range"
        );
        assert_eq!(
            fmt_ns(*crate::features::bench::MEDIAN_RANGE_NS.end()),
            "100000.00 ms"
        );
        assert_eq!(fmt_time_ns(200.0), "200 ns");
        assert_eq!(fmt_time_ns(1000.0), "1 µs");
        assert_eq!(fmt_time_ns(2.5e6), "2.5 ms");
        assert_eq!(fmt_time_ns(1e9), "1 s");
        assert_eq!(fmt_ms(0.421), "0.42 ms");
        assert_eq!(fmt_ms(4.21), "4.2 ms");
        assert_eq!(fmt_ms(42.1), "42 ms");
        assert_eq!(fmt_ms(f64::NAN), "–");
    }

    #[test]
    fn bytes_and_percentages() {
        assert_eq!(fmt_bytes(58.0 * 1024.0 * 1024.0), "58.0 MB");
        assert_eq!(fmt_bytes(0.0), "0.0 MB");
        assert_eq!(fmt_pct(0.42), "0.4 %");
        assert_eq!(fmt_pct(12.4), "12 %");
    }

    #[test]
    fn simulated_spans_read_as_time() {
        assert_eq!(fmt_sim(50), "50 ms");
        assert_eq!(fmt_sim(2000), "2 s");
        assert_eq!(fmt_sim(500), "500 ms");
        assert_eq!(fmt_sim(1500), "1.5 s");
    }
}
