//! The roofline's plain logic (issue 28 part 2): each trusted row's arithmetic intensity
//! (flops per byte by the counting rule, `kernels/ABI.md`), GFLOP/s, whether it is left of the
//! ridge (memory-bound) and its % of the roof above it; and the one-line reading under the chart.
//! `views::roofline` draws it.
use crate::features::bench::{BenchRow, Ceilings};
use crate::tiers::tier::TierKind;
use crate::ui::charts::{kernel_name, short_kernel_name, size_name};

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
/// bytes but no flops (0 flop/byte: memory-bound, off a log axis; their % is of the read roof).
#[derive(Clone, Debug, PartialEq)]
pub struct Roofline {
    pub read_gb_s: f64,
    pub mul_add: f64,
    pub fma: Option<f64>,
    /// Intensity where read × intensity meets the mul+add roof.
    pub ridge: f64,
    pub points: Vec<RoofPoint>,
    pub no_flops: Vec<RoofPoint>,
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
        let (gb_s, intensity, gflop_s) = (r.bytes / m, r.flops / r.bytes, r.flops / m);
        let p = RoofPoint {
            kernel: r.kernel.clone(),
            size: r.size.clone(),
            tier,
            intensity,
            gflop_s,
            gb_s,
            memory_bound: intensity < ridge,
            // With no flops counted: achieved bandwidth over the read roof.
            pct_of_roof: match r.flops > 0.0 {
                true => 100.0 * gflop_s / (read * intensity).min(mul_add),
                false => 100.0 * gb_s / read,
            },
        };
        match r.flops > 0.0 {
            true => points.push(p),
            false => no_flops.push(p),
        }
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

/// "75 % (batched 64×32×32)", or "0 % (efficiency 256) to 417 % (relu 65 536)": the lowest
/// and highest % of the roof among the SIMD points of `ps` (every tier's where SIMD has none).
fn extremes(ps: &[&RoofPoint]) -> (&'static str, String, f64) {
    let simd: Vec<&RoofPoint> = ps
        .iter()
        .copied()
        .filter(|p| p.tier == TierKind::Simd)
        .collect();
    let (who, ps) = if simd.is_empty() {
        ("every tier", ps.to_vec())
    } else {
        ("SIMD", simd)
    };
    let by = |a: &&&RoofPoint, b: &&&RoofPoint| a.pct_of_roof.total_cmp(&b.pct_of_roof);
    let (lo, hi) = (ps.iter().min_by(by), ps.iter().max_by(by));
    let one = |p: &RoofPoint| {
        let size = size_name(&p.size);
        format!(
            "{:.0} % ({} {size})",
            p.pct_of_roof,
            short_kernel_name(&p.kernel)
        )
    };
    match (lo, hi) {
        (Some(lo), Some(hi)) if hi.pct_of_roof - lo.pct_of_roof >= 0.5 => {
            (who, format!("{} to {}", one(lo), one(hi)), hi.pct_of_roof)
        }
        (_, Some(hi)) => (who, one(hi), hi.pct_of_roof),
        _ => (who, String::new(), 0.0),
    }
}

/// The line under the chart: which work is bound by memory (left of the ridge, or no flops
/// counted at all) and how close the SIMD tier (else every tier) comes to its roof.
pub fn reading(m: &Roofline) -> String {
    let names = |ps: &[&RoofPoint]| {
        let mut v: Vec<String> = Vec::new();
        for k in ps.iter().map(|p| short_kernel_name(&p.kernel)) {
            if !v.contains(&k) {
                v.push(k);
            }
        }
        v.join(", ")
    };
    let mem: Vec<&RoofPoint> = m
        .points
        .iter()
        .chain(&m.no_flops)
        .filter(|p| p.memory_bound)
        .collect();
    let cpu: Vec<&RoofPoint> = m.points.iter().filter(|p| !p.memory_bound).collect();
    let mut parts = Vec::new();
    if !mem.is_empty() {
        let (who, span, hi) = extremes(&mem);
        let cache = if hi > 100.0 {
            " (over 100 %: its data sat in a cache)"
        } else {
            ""
        };
        parts.push(format!(
            "memory-bound here (left of the ridge at {:.2} flop/byte, or no flops counted): {} — {who} reaches {span} of the read roof{cache}",
            m.ridge,
            names(&mem)
        ));
    }
    if !cpu.is_empty() {
        let (who, span, _) = extremes(&cpu);
        parts.push(format!(
            "compute-bound: {} — {who} at {span} of the mul+add roof",
            names(&cpu)
        ));
    }
    parts.join("; ")
}

/// The reading under the sweep and the headline: what one step of the live run achieves
/// against this engine's read roof, from the benchmark's `live_step` rows (the app's run,
/// timed frame by frame as the page runs it), largest N first, SIMD tier (else the first tier
/// measured); then the roofline's own reading. `None` before a run has ceilings and rows.
pub fn live_reading(m: &Roofline) -> Option<String> {
    let live: Vec<&RoofPoint> = m
        .points
        .iter()
        .chain(&m.no_flops)
        .filter(|p| p.kernel == "live_step")
        .collect();
    let largest = live.iter().filter_map(|p| p.size.parse::<u32>().ok()).max();
    let general = reading(m);
    let Some(n) = largest else {
        return (!general.is_empty()).then_some(general);
    };
    let at_n: Vec<&&RoofPoint> = live.iter().filter(|p| p.size == n.to_string()).collect();
    let p = at_n
        .iter()
        .find(|p| p.tier == TierKind::Simd)
        .or_else(|| at_n.first())?;
    let rest = if general.is_empty() {
        String::new()
    } else {
        format!(" By kernel, {general}.")
    };
    let pct = 100.0 * p.gb_s / m.read_gb_s;
    Some(format!(
        "One step of the live run at N = {n} ({}) moves {:.1} GB/s by the counting rule: {pct:.0} % of this engine's read roof ({:.1} GB/s), {}.{rest}",
        p.tier.label(),
        p.gb_s,
        m.read_gb_s,
        pace(pct),
    ))
}

/// What a share of the read roof says about a step's pace.
fn pace(pct: f64) -> String {
    if pct >= 60.0 {
        "bound by memory bandwidth: more SIMD lanes cannot make it faster, fewer bytes or more cores can".into()
    } else {
        "not bound by bandwidth: its time goes to latency (each STDP update walks one column of the weights, a cache line per synapse) and to the calls".into()
    }
}

/// The chart's aria-label: what it plots, the roofs and the ridge, how many of `labelled.1`
/// kernel sizes got a label (`labelled.0`), and the rows that are off it (no flops counted).
pub fn describe(m: &Roofline, labelled: (usize, usize)) -> String {
    let names = |ps: &[RoofPoint]| {
        let set: std::collections::BTreeSet<String> =
            ps.iter().map(|p| kernel_name(&p.kernel)).collect();
        set.into_iter().collect::<Vec<_>>().join(", ")
    };
    let fma = m
        .fma
        .map(|f| format!(", fma {f:.1} GFLOP/s"))
        .unwrap_or_default();
    let (shown, groups) = labelled;
    let left_out = match shown < groups {
        true => {
            format!("; {shown} of {groups} kernel sizes labelled, the others' labels would overlap")
        }
        false => String::new(),
    };
    let off = match m.no_flops.is_empty() {
        true => String::new(),
        false => format!(
            "; off the chart (no flops counted, memory-bound): {}",
            names(&m.no_flops)
        ),
    };
    format!(
        "Roofline chart, log-log: GFLOP/s against flops per byte of {} ({} points, one per size and tier); roofs: read {:.1} GB/s × intensity, mul+add {:.1} GFLOP/s{fma}; ridge at {:.2} flop/byte{left_out}{off}",
        names(&m.points), m.points.len(), m.read_gb_s, m.mul_add, m.ridge
    )
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
    fn the_live_reading_gives_a_live_step_s_share_of_the_read_roof() {
        let c = Ceilings {
            read_gb_s: Some(30.0),
            mul_add_gflop_s: Some(60.0),
            ..Ceilings::default()
        };
        let sized = |mut r: BenchRow, size: &str| {
            r.size = size.into();
            r
        };
        // 3 GB/s (10 % of the roof) at N = 4096 in SIMD; N = 1024 and the JS tier are not read.
        let rows = [
            sized(row("live_step", "simd", 1000.0, 0.0, 3000.0), "4096"),
            sized(row("live_step", "js", 1000.0, 0.0, 9000.0), "4096"),
            sized(row("live_step", "simd", 1000.0, 0.0, 27000.0), "1024"),
            row("dense", "simd", 100.0, 400.0, 400.0),
        ];
        let m = model(&rows, &c).expect("ceilings");
        let text = live_reading(&m).expect("a live step");
        assert!(
            text.starts_with("One step of the live run at N = 4096 (WASM SIMD128) moves 3.0 GB/s"),
            "{text}"
        );
        assert!(
            text.contains("10 % of this engine's read roof (30.0 GB/s), not bound by bandwidth"),
            "{text}"
        );
        assert!(
            text.contains("By kernel, "),
            "the roofline's own reading follows: {text}"
        );
        // At 90 % of the roof the step is bound by bandwidth.
        let fast = [sized(
            row("live_step", "simd", 1000.0, 0.0, 27000.0),
            "2048",
        )];
        let text = live_reading(&model(&fast, &c).expect("ceilings")).expect("a live step");
        assert!(
            text.contains("90 % of this engine's read roof (30.0 GB/s), bound by memory bandwidth"),
            "{text}"
        );
        // No live step: the roofline's reading alone; nothing at all: none.
        let dense = [row("dense", "simd", 100.0, 400.0, 400.0)];
        assert_eq!(
            live_reading(&model(&dense, &c).expect("ceilings")),
            Some(reading(&model(&dense, &c).expect("ceilings")))
        );
        assert_eq!(live_reading(&model(&[], &c).expect("ceilings")), None);
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
        let n = &m.no_flops;
        assert_eq!(n.len(), 1, "{n:?}");
        assert_eq!(
            (n[0].tier, n[0].gb_s, n[0].memory_bound),
            (TierKind::Simd, 5.0, true)
        );
        assert_eq!(n[0].pct_of_roof, 25.0, "5 GB/s of the 20 GB/s read roof");
        assert_eq!(
            reading(&m),
            "memory-bound here (left of the ridge at 2.00 flop/byte, or no flops counted): dense, LIF — \
             SIMD reaches 25 % (LIF 64) to 50 % (dense 64) of the read roof; \
             compute-bound: batched — SIMD at 75 % (batched 64) of the mul+add roof"
        );
        assert_eq!(
            describe(&m, (1, 2)),
            "Roofline chart, log-log: GFLOP/s against flops per byte of batched dense, \
             dense (matrix × vector) (2 points, one per size and tier); roofs: read 20.0 GB/s × \
             intensity, mul+add 40.0 GFLOP/s; ridge at 2.00 flop/byte; 1 of 2 kernel sizes \
             labelled, the others' labels would overlap; off the chart (no flops counted, \
             memory-bound): LIF step"
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
        let r = reading(&m);
        assert!(
            r.ends_with("every tier reaches 50 % (dense 64) of the read roof"),
            "{r}"
        );
        // Over 100 %: a case whose data fit in a cache outruns the read roof, and it says so.
        let fast = [row("activation_relu", "simd", 10.0, 0.0, 1000.0)];
        let r = reading(&model(&fast, &c).unwrap());
        let end =
            "SIMD reaches 500 % (relu 64) of the read roof (over 100 %: its data sat in a cache)";
        assert!(r.ends_with(end), "{r}");
    }
}
