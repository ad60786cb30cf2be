//! The roofline's plain logic (issue 28 part 2): each trusted row's arithmetic intensity
//! (flops per byte by the counting rule, `kernels/ABI.md`), GFLOP/s, whether it is left of the
//! ridge (memory-bound) and its % of the roof above it; and the one-line reading under the chart.
//! `views::roofline` draws it.
use crate::bench::{BenchRow, Ceilings};
use crate::tier::TierKind;
use crate::views::charts::short_kernel_name;

/// One trusted row on the chart (its flops and bytes both counted).
#[derive(Clone, Debug, PartialEq)]
pub struct RoofPoint {
    pub kernel: String,
    pub size: String,
    pub tier: TierKind,
    /// Flops per byte.
    pub intensity: f64,
    pub gflop_s: f64,
    pub gb_s: f64,
    /// Left of the ridge: the read roof is the lower one here.
    pub memory_bound: bool,
    /// Achieved over the roof above its intensity (min of the two roofs), in percent.
    pub pct_of_roof: f64,
}

/// The chart's content: the roofs, their ridge, the points, and the trusted rows that count
/// bytes but no flops (0 flop/byte: memory-bound, off a log axis; `(kernel, tier, % of read)`).
#[derive(Clone, Debug, PartialEq)]
pub struct Roofline {
    pub read_gb_s: f64,
    pub mul_add: f64,
    pub fma: Option<f64>,
    /// Intensity where read × intensity meets the mul+add roof.
    pub ridge: f64,
    pub points: Vec<RoofPoint>,
    pub no_flops: Vec<(String, TierKind, f64)>,
}

/// The roofline of `rows` under `c`; `None` without a read and a mul+add ceiling. Only rows
/// that count (`exclusion() == None`) of the four tiers are used.
pub fn model(rows: &[BenchRow], c: &Ceilings) -> Option<Roofline> {
    let pos = |v: Option<f64>| v.filter(|x| *x > 0.0);
    let (read, mul_add) = (pos(c.read_gb_s)?, pos(c.mul_add_gflop_s)?);
    let ridge = mul_add / read;
    let (mut points, mut no_flops) = (Vec::new(), Vec::new());
    for r in rows
        .iter()
        .filter(|r| r.exclusion().is_none() && r.bytes > 0.0)
    {
        let (Some(tier), Some(m)) = (TierKind::from_key(&r.tier), r.median()) else {
            continue;
        };
        let gb_s = r.bytes / m;
        if r.flops <= 0.0 {
            no_flops.push((r.kernel.clone(), tier, 100.0 * gb_s / read));
            continue;
        }
        let intensity = r.flops / r.bytes;
        let roof = (read * intensity).min(mul_add);
        let gflop_s = r.flops / m;
        points.push(RoofPoint {
            kernel: r.kernel.clone(),
            size: r.size.clone(),
            tier,
            intensity,
            gflop_s,
            gb_s,
            memory_bound: intensity < ridge,
            pct_of_roof: 100.0 * gflop_s / roof,
        });
    }
    let fma = pos(c.fma_gflop_s);
    Some(Roofline {
        read_gb_s: read,
        mul_add,
        fma,
        ridge,
        points,
        no_flops,
    })
}

fn span(pcts: &[f64]) -> String {
    let lo = pcts.iter().copied().fold(f64::MAX, f64::min);
    let hi = pcts.iter().copied().fold(0.0, f64::max);
    if (hi - lo).abs() < 0.5 {
        format!("{hi:.0} %")
    } else {
        format!("{lo:.0}–{hi:.0} %")
    }
}

/// The line under the chart: which work is bound by memory (left of the ridge, or no flops at
/// all) and how close the SIMD tier (else every tier) comes to its roof, from the figures.
pub fn reading(m: &Roofline) -> String {
    let names = |ks: Vec<&String>| {
        let mut v: Vec<String> = Vec::new();
        for k in ks.into_iter().map(|k| short_kernel_name(k)) {
            if !v.contains(&k) {
                v.push(k);
            }
        }
        v.join(", ")
    };
    let pick = |all: Vec<(TierKind, f64)>| {
        let simd: Vec<f64> = all
            .iter()
            .filter(|p| p.0 == TierKind::Simd)
            .map(|p| p.1)
            .collect();
        match simd.is_empty() {
            true => ("every tier", all.iter().map(|p| p.1).collect::<Vec<_>>()),
            false => ("SIMD", simd),
        }
    };
    let mem: Vec<&RoofPoint> = m.points.iter().filter(|p| p.memory_bound).collect();
    let cpu: Vec<&RoofPoint> = m.points.iter().filter(|p| !p.memory_bound).collect();
    let mut kernels: Vec<&String> = mem.iter().map(|p| &p.kernel).collect();
    kernels.extend(m.no_flops.iter().map(|n| &n.0));
    let mut parts = Vec::new();
    if !kernels.is_empty() {
        let all = mem.iter().map(|p| (p.tier, p.pct_of_roof));
        let (who, pcts) = pick(all.chain(m.no_flops.iter().map(|n| (n.1, n.2))).collect());
        parts.push(format!(
            "memory-bound here (left of the ridge at {:.2} flop/byte): {} — {who} reaches {} of the read roof",
            m.ridge,
            names(kernels),
            span(&pcts)
        ));
    }
    if !cpu.is_empty() {
        let (who, pcts) = pick(cpu.iter().map(|p| (p.tier, p.pct_of_roof)).collect());
        let ks = names(cpu.iter().map(|p| &p.kernel).collect());
        parts.push(format!(
            "compute-bound: {ks} — {who} at {} of the mul+add roof",
            span(&pcts)
        ));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kernel: &str, tier: &str, ns: f64, flops: f64, bytes: f64) -> BenchRow {
        let (kernel, size, tier) = (kernel.into(), "64".into(), tier.into());
        let median_ns = Some(ns);
        let agrees = Some(true);
        BenchRow {
            kernel,
            size,
            tier,
            median_ns,
            agrees,
            flops,
            bytes,
            ..BenchRow::default()
        }
    }

    #[test]
    fn points_ridge_bounds_and_percent_of_roof() {
        let c = Ceilings {
            read_gb_s: Some(20.0),
            mul_add_gflop_s: Some(40.0),
            ..Ceilings::default()
        };
        let mut bad = row("dense", "js", 10.0, 100.0, 200.0);
        bad.agrees = Some(false);
        let rows = vec![
            // 0.5 flop/byte, 10 GB/s of a 20 GB/s roof: memory-bound at 50 %.
            row("dense", "simd", 100.0, 500.0, 1000.0),
            // 8 flop/byte, 30 GFLOP/s under the 40 GFLOP/s roof: compute-bound at 75 %.
            row("dense_batch", "simd", 100.0, 3000.0, 375.0),
            row("lif_step", "simd", 100.0, 0.0, 500.0),
            row("stdp", "plain", 100.0, 0.0, 500.0),
            bad,
        ];
        let m = model(&rows, &c).unwrap();
        assert_eq!(m.ridge, 2.0);
        assert_eq!(
            m.points.len(),
            2,
            "the disagreeing row and the plain loop stay out"
        );
        let (a, b) = (&m.points[0], &m.points[1]);
        assert_eq!(
            (a.intensity, a.gb_s, a.memory_bound, a.pct_of_roof),
            (0.5, 10.0, true, 50.0)
        );
        assert_eq!(
            (b.intensity, b.gflop_s, b.memory_bound, b.pct_of_roof),
            (8.0, 30.0, false, 75.0)
        );
        assert_eq!(
            m.no_flops,
            vec![("lif_step".to_string(), TierKind::Simd, 25.0)]
        );
        assert_eq!(
            reading(&m),
            "memory-bound here (left of the ridge at 2.00 flop/byte): dense, LIF — SIMD reaches 25–50 % of the read roof; compute-bound: batched — SIMD at 75 % of the mul+add roof"
        );
    }

    #[test]
    fn no_model_without_both_ceilings_and_every_tier_without_simd() {
        let rows = [row("dense", "js", 100.0, 500.0, 1000.0)];
        let read_only = Ceilings {
            read_gb_s: Some(20.0),
            ..Ceilings::default()
        };
        assert_eq!(model(&rows, &read_only), None);
        assert_eq!(model(&rows, &Ceilings::default()), None);
        let c = Ceilings {
            mul_add_gflop_s: Some(40.0),
            ..read_only
        };
        let m = model(&rows, &c).unwrap();
        assert_eq!(m.fma, None);
        assert!(
            reading(&m).ends_with("every tier reaches 50 % of the read roof"),
            "{}",
            reading(&m)
        );
    }
}
