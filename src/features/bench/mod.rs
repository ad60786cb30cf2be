//! The benchmark run: a Web Worker (`js/bench-worker.js`, the same harness `make bench` uses)
//! times every kernel in every tier while the animation keeps running; this module starts it,
//! turns its messages into Rust values and arranges the results for the table and charts.
pub mod panel;
pub mod roofline;
pub mod roofline_view;
pub mod run;
pub mod table;
pub mod threads_table;
use crate::tiers::tier::TierKind;
use crate::util::fmt::{fmt_count, fmt_ns, fmt_pct};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A figure that is not finite (NaN, ±∞ — JSON would have made it `null`) reads as `None`.
fn finite<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.filter(|x| x.is_finite()))
}

/// A field the harness may send as `null` (or leave out): read as its default.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One timed kernel × size × tier, as the harness reports it. Every statistic is optional: a
/// case that failed comes as `{kernel, size, tier, median_ns: null, error, agrees: false}`,
/// and a non-finite figure (NaN, ±∞, or `null`) reads as `None`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BenchRow {
    #[serde(deserialize_with = "null_as_default")]
    pub kernel: String,
    #[serde(deserialize_with = "null_as_default")]
    pub size: String,
    /// js, scalar, simd, relaxed — or `plain` (the plain-JS loop check, never a baseline).
    #[serde(deserialize_with = "null_as_default")]
    pub tier: String,
    #[serde(deserialize_with = "finite")]
    pub median_ns: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub p25_ns: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub p75_ns: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub min_ns: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub max_ns: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub p90_ns: Option<f64>,
    #[serde(deserialize_with = "null_as_default")]
    pub runs: f64,
    /// Calls timed together in one batch (a batch lasts at least 200 timer ticks).
    #[serde(deserialize_with = "finite")]
    pub calls_per_batch: Option<f64>,
    /// Warm-up rounds before timing; `settled == Some(false)`: the cap came first.
    #[serde(deserialize_with = "finite")]
    pub warmup_rounds: Option<f64>,
    pub settled: Option<bool>,
    #[serde(deserialize_with = "null_as_default")]
    pub ops: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub op_unit: String,
    #[serde(deserialize_with = "null_as_default")]
    pub flops: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub bytes: f64,
    pub agrees: Option<bool>,
    /// Largest difference from the reference, and the tolerance it was held to.
    #[serde(deserialize_with = "finite")]
    pub max_diff: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub tolerance: Option<f64>,
    pub checked_against: Option<String>,
    /// Why the case failed (then there is no median).
    pub error: Option<String>,
}

/// The times a median per call can take, in ns, for measured and imported medians alike
/// (`BenchRow::median`, `compare::parse_run`). Below: shorter than a hundredth of a nanosecond,
/// far under one clock cycle of any CPU, while every timed case calls into a kernel across a
/// function boundary. Above: longer than 100 s per call, while the harness stops warming a case
/// after a few seconds and times batches of whole calls, so no measured case can take that long.
/// A figure outside is not a measurement (a typo, a unit mix-up, a hostile file) and is left out
/// rather than shown as "0 ns" or as a 300-digit number.
pub const MEDIAN_RANGE_NS: std::ops::RangeInclusive<f64> = 0.01..=1e11;

/// A median that is a time a call can take: finite and in `MEDIAN_RANGE_NS`.
pub fn median_in_range(x: f64) -> bool {
    MEDIAN_RANGE_NS.contains(&x)
}

impl BenchRow {
    /// The median, when it is a measurement (finite and in `MEDIAN_RANGE_NS`).
    pub fn median(&self) -> Option<f64> {
        self.median_ns.filter(|m| median_in_range(*m))
    }

    /// Half the interquartile range relative to the median, in percent: "±4 %".
    pub fn spread_pct(&self) -> Option<f64> {
        let (lo, hi, med) = (self.p25_ns?, self.p75_ns?, self.median()?);
        (lo.is_finite() && hi.is_finite() && hi >= lo).then(|| (hi - lo) / 2.0 / med * 100.0)
    }

    /// The warm-up hit its cap before two successive round medians agreed.
    pub fn not_settled(&self) -> bool {
        self.settled == Some(false)
    }

    /// One of the four tiers of the table (not the plain-loop check).
    pub fn is_table_tier(&self) -> bool {
        TIERS.contains(&self.tier.as_str())
    }

    /// Why this row cannot count toward a target, if it cannot.
    pub fn exclusion(&self) -> Option<Exclusion> {
        if self.error.is_some() {
            Some(Exclusion::Error)
        } else if self.median().is_none() {
            Some(Exclusion::NoMedian)
        } else {
            match self.agrees {
                Some(true) => None,
                Some(false) => Some(Exclusion::Disagrees),
                None => Some(Exclusion::Unchecked),
            }
        }
    }

    /// The cell's first line: "5.9 µs ±4 %", or the error.
    pub fn time_text(&self) -> String {
        match (&self.error, self.median()) {
            (Some(e), _) => format!("error: {e}"),
            (None, Some(m)) => match self.spread_pct() {
                Some(s) => format!("{} ±{}", fmt_ns(m), fmt_pct(s)),
                None => fmt_ns(m),
            },
            (None, None) => "no valid median".into(),
        }
    }

    /// How the figure was obtained, for the cell's tooltip.
    pub fn method_text(&self) -> String {
        let mut parts = Vec::new();
        if self.runs > 0.0 {
            let k = self
                .calls_per_batch
                .map(|k| format!(" of {k:.0} calls"))
                .unwrap_or_default();
            parts.push(format!("median of {:.0} batches{k}", self.runs));
        }
        if let (Some(lo), Some(hi)) = (self.p25_ns, self.p75_ns) {
            parts.push(format!("p25–p75 {}–{}", fmt_ns(lo), fmt_ns(hi)));
        }
        if let Some(w) = self.warmup_rounds {
            let how = match self.settled {
                Some(true) => "settled",
                Some(false) => "NOT settled (cap reached)",
                None => "settling not reported",
            };
            parts.push(format!("warm-up {w:.0} rounds, {how}"));
        }
        match (self.agrees, self.max_diff, self.tolerance) {
            (Some(a), Some(d), Some(t)) => parts.push(format!(
                "output {} {}: max diff {d:.3e}, tolerance {t:.3e}",
                if a { "agrees with" } else { "DISAGREES with" },
                self.checked_against.as_deref().unwrap_or("the reference")
            )),
            (Some(false), _, _) => parts.push("output disagrees".into()),
            _ => {}
        }
        if let Some(e) = &self.error {
            parts.push(format!("error: {e}"));
        }
        parts.join("; ")
    }
}

/// Why a kernel line does not count toward a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exclusion {
    /// A tier's case threw (no median).
    Error,
    /// A tier's output differs from the reference beyond the tolerance.
    Disagrees,
    /// The harness did not report an output check.
    Unchecked,
    /// No finite, positive median.
    NoMedian,
}

impl fmt::Display for Exclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Exclusion::Error => "error",
            Exclusion::Disagrees => "output disagrees",
            Exclusion::Unchecked => "output not checked",
            Exclusion::NoMedian => "no valid median",
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TierLoad {
    pub ok: bool,
    pub reason: Option<String>,
    pub load_ms: f64,
}

/// A rate's quartiles (p25, p75), as the harness reports them beside a median.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Spread {
    #[serde(deserialize_with = "null_as_default")]
    pub p25: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub p75: f64,
}

/// This engine's ceilings, measured by the worker before the cases with the cases' own
/// protocol (`kernels/js/bench/bench.js`, `measureCeilings`): single-thread read bandwidth of a SIMD
/// sum over a buffer far past the last-level cache, mul+add (SIMD module) and fused
/// multiply-add (relaxed module) throughput, and each tier's time for a near-empty kernel
/// call. A ceiling that could not be measured is `None`, with the reason under `errors`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ceilings {
    #[serde(deserialize_with = "finite")]
    pub read_gb_s: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub mul_add_gflop_s: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub fma_gflop_s: Option<f64>,
    #[serde(deserialize_with = "null_as_default")]
    pub call_ns: BTreeMap<String, f64>,
    #[serde(deserialize_with = "null_as_default")]
    pub spread: BTreeMap<String, Spread>,
    /// Which module each ceiling was read from (`read`, `mul_add`, `fma` → tier).
    #[serde(deserialize_with = "null_as_default")]
    pub tiers: BTreeMap<String, String>,
    #[serde(deserialize_with = "null_as_default")]
    pub read_bytes: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub mul_add_iters: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub errors: BTreeMap<String, String>,
    /// Every probe's timing row, as the harness sent it.
    #[serde(deserialize_with = "null_as_default")]
    pub probes: Vec<serde_json::Value>,
}

impl Ceilings {
    /// One ceiling as "33.5 GB/s (32.6–34.7)": the median and its quartiles, or "–".
    fn rate(&self, key: &str, v: Option<f64>, unit: &str) -> String {
        match v.filter(|v| *v > 0.0) {
            Some(v) => match self.spread.get(key) {
                Some(s) => format!("{v:.1} {unit} ({:.1}–{:.1})", s.p25, s.p75),
                None => format!("{v:.1} {unit}"),
            },
            None => "–".into(),
        }
    }
    /// "read 33.5 GB/s (32.6–34.7) · mul+add … · fma … · call 36 ns": medians, (p25–p75).
    pub fn describe(&self) -> String {
        let tier = |k: &str| {
            self.tiers
                .get(k)
                .map(|t| format!(" [{t}]"))
                .unwrap_or_default()
        };
        let call = self
            .tiers
            .get("read")
            .and_then(|t| {
                self.call_ns
                    .get(t)
                    .map(|ns| format!(" · call {ns:.0} ns [{t}]"))
            })
            .unwrap_or_default();
        format!(
            "read {}{} · mul+add {}{} · fma {}{}{call}",
            self.rate("read_gb_s", self.read_gb_s, "GB/s"),
            tier("read"),
            self.rate("mul_add_gflop_s", self.mul_add_gflop_s, "GFLOP/s"),
            tier("mul_add"),
            self.rate("fma_gflop_s", self.fma_gflop_s, "GFLOP/s"),
            tier("fma"),
        )
    }
}

/// What a row achieved by the counting rule (`kernels/ABI.md`, "Counting rule"): its bytes and
/// flops per call over its median, as `{gb_s, gflop_s}` (each `null` where there is nothing
/// to divide), as `kernels/js/bench/bench.js` `achieved` computes it.
pub fn achieved(r: &BenchRow) -> serde_json::Value {
    let m = r.median();
    let per = |x: f64| m.filter(|_| x > 0.0).map(|m| x / m);
    serde_json::json!({ "gb_s": per(r.bytes), "gflop_s": per(r.flops) })
}

/// Messages from the worker (see `kernels/js/bench/bench-worker.js`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum WorkerMsg {
    /// The worker's script loaded and runs (its first message).
    Ready,
    Tiers {
        status: BTreeMap<TierKind, TierLoad>,
    },
    Progress {
        kernel: String,
        size: String,
        tier: String,
        done: u32,
        total: u32,
    },
    Row {
        row: Box<BenchRow>,
    },
    /// This engine's ceilings, measured before the cases (and repeated in `Done`).
    Ceilings {
        #[serde(default, deserialize_with = "null_as_default")]
        ceilings: Box<Ceilings>,
    },
    /// Bytes of the worker's own wasm memories (after loading its tiers, and at the end).
    Memory {
        #[serde(default, deserialize_with = "null_as_default")]
        bytes: f64,
        #[serde(default)]
        modules: BTreeMap<String, f64>,
    },
    Done {
        #[serde(default)]
        rows: Vec<BenchRow>,
        #[serde(default)]
        env: serde_json::Value,
        #[serde(default)]
        memory_bytes: Option<f64>,
        #[serde(default)]
        ceilings: Option<Box<Ceilings>>,
        /// The forms each wasm tier ran the kernels with forms in.
        #[serde(default)]
        forms: serde_json::Value,
        /// The thread scaling, when the run asked for it (`RunRequest::threads`).
        #[serde(default)]
        thread_scaling: Option<ThreadScaling>,
    },
    Cancelled,
    Error {
        message: String,
    },
}

/// The tiers' keys in the rows' `tier` field, in table order.
pub const TIERS: [&str; 4] = [
    TierKind::Js.key(),
    TierKind::Scalar.key(),
    TierKind::Simd.key(),
    TierKind::Relaxed.key(),
];

/// What the page asks the worker to run (see `kernels/js/bench/bench-worker.js`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename = "run")]
pub struct RunRequest {
    pub set: String,
    /// Module URLs; a tier left out (`None`) is reported "switched off for this run".
    pub modules: BTreeMap<TierKind, Option<&'static str>>,
    #[serde(rename = "jsUrl")]
    pub js_url: &'static str,
    /// The kernel forms the page's own modules run (`tiers::forms`), so the rows measure
    /// them; left out before the page's calibration, and the worker calibrates itself.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub forms: BTreeMap<TierKind, BTreeMap<String, String>>,
    /// After the cases, the thread scaling (`kernels/js/bench/threads.js`: each case split
    /// over 1…k workers that own their slice; issue 29), as `make bench` records it.
    pub threads: bool,
}

/// The thread scaling of a run (`kernels/js/bench/threads.js` `threadScaling`), as the worker
/// reports it: per case the median call at each thread count and the speed-up over one
/// thread, or why it could not run (`error`: no cross-origin isolation, no SIMD module).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ThreadScaling {
    pub threads_available: u32,
    pub isolated: bool,
    pub error: Option<String>,
    pub cases: Vec<ScalingCase>,
}

/// One case of [`ThreadScaling`]: `by_k` and `speedup` keyed by the thread count ("1", "2", …).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ScalingCase {
    pub case: String,
    pub kernel: String,
    pub size: String,
    pub by_k: BTreeMap<String, ScalingPoint>,
    pub speedup: BTreeMap<String, f64>,
    /// The live step only: whether every thread count ran the same spikes as one thread.
    pub identical_spikes: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ScalingPoint {
    pub median_ns: f64,
    pub p25_ns: Option<f64>,
    pub p75_ns: Option<f64>,
    /// Why this thread count has no time (a thread's error, or the time bound).
    pub error: Option<String>,
    /// The k threads' wasm memories once set up, summed (bytes).
    pub memory_bytes: Option<f64>,
    /// The live step only: the most it can gain at this count with its columns split as they
    /// are (`threads.js` `balance`: the run's spikes ÷ the busiest part's), on any machine.
    pub stdp_balance_ceiling: Option<f64>,
}

impl ScalingCase {
    /// The thread counts measured, ascending.
    pub fn threads(&self) -> Vec<u32> {
        let mut k: Vec<u32> = self.by_k.keys().filter_map(|k| k.parse().ok()).collect();
        k.sort_unstable();
        k
    }

    /// The speed-up at `k` threads over one thread (one thread's median ÷ k's), with the
    /// range k's quartiles give it (one's median ÷ k's p75, ÷ k's p25); `None` where either
    /// count has no time.
    pub fn speedup_at(&self, k: u32) -> Option<(f64, Option<(f64, f64)>)> {
        let time = |p: &ScalingPoint| Some(p.median_ns).filter(|t| t.is_finite() && *t > 0.0);
        let one = time(self.by_k.get("1")?)?;
        let at = self.by_k.get(&k.to_string())?;
        let q = |v: Option<f64>| v.filter(|t| t.is_finite() && *t > 0.0);
        let range = q(at.p75_ns)
            .zip(q(at.p25_ns))
            .map(|(p75, p25)| (one / p75, one / p25));
        Some((one / time(at)?, range))
    }
}

impl RunRequest {
    pub fn new(set: &str, simd_off: bool) -> RunRequest {
        let modules = [TierKind::Scalar, TierKind::Simd, TierKind::Relaxed]
            .into_iter()
            .map(|k| (k, (k == TierKind::Scalar || !simd_off).then(|| k.url())))
            .collect();
        RunRequest {
            set: set.to_string(),
            modules,
            js_url: TierKind::Js.url(),
            forms: BTreeMap::new(),
            threads: false,
        }
    }
}

/// Where the benchmark figures came from: the size set and whether the page's animation was
/// running while the worker measured (it competes for the same cores).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BenchSource {
    /// "quick" or "full".
    pub set: String,
    /// Playing and visible when the run started.
    pub animation_at_start: bool,
    /// The animation was paused or resumed while the run went on.
    pub animation_changed: bool,
}

impl BenchSource {
    pub fn describe(&self) -> String {
        let state = if self.animation_at_start {
            "running"
        } else {
            "paused"
        };
        let changed = if self.animation_changed {
            " at the start (changed during the run)"
        } else {
            ""
        };
        format!("{} set, animation {state}{changed}", self.set)
    }
}

/// One line of the results table: a kernel at a size, every tier's row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultLine {
    pub kernel: String,
    pub size: String,
    pub by_tier: BTreeMap<String, BenchRow>,
}

impl ResultLine {
    pub fn label(&self) -> String {
        format!("{} {}", self.kernel, self.size)
    }
    pub fn median(&self, tier: &str) -> Option<f64> {
        self.by_tier.get(tier).and_then(BenchRow::median)
    }
    /// How many times faster `fast` is than `slow` (ratio of medians), whatever the outputs.
    pub fn speedup(&self, fast: &str, slow: &str) -> Option<f64> {
        Some(self.median(slow)? / self.median(fast)?)
    }
    /// The speedup only when both rows are measured and both outputs agree with their
    /// reference. `None`: a tier is absent (not run here); `Some(Err)`: why it does not count.
    /// The speedup's range from the two rows' quartiles: (slow p25 / fast p75, slow p75 /
    /// fast p25) — how far the ratio can move given the spread of the timed batches.
    pub fn speedup_range(&self, fast: &str, slow: &str) -> Option<(f64, f64)> {
        let (f, s) = (self.by_tier.get(fast)?, self.by_tier.get(slow)?);
        let q = |x: Option<f64>| x.filter(|v| v.is_finite() && *v > 0.0);
        let (f25, f75, s25, s75) = (q(f.p25_ns)?, q(f.p75_ns)?, q(s.p25_ns)?, q(s.p75_ns)?);
        Some((s25 / f75, s75 / f25))
    }

    pub fn trusted_speedup(&self, fast: &str, slow: &str) -> Option<Result<f64, Exclusion>> {
        let (f, s) = (self.by_tier.get(fast)?, self.by_tier.get(slow)?);
        let worst = [f.exclusion(), s.exclusion()].into_iter().flatten().min();
        Some(match worst {
            Some(why) => Err(why),
            None => self.speedup(fast, slow).ok_or(Exclusion::NoMedian),
        })
    }
}

/// Groups the four tiers' rows by kernel and size, keeping the harness's order; rows of other
/// tiers (the `plain` loop check) are left out.
pub fn group(rows: &[BenchRow]) -> Vec<ResultLine> {
    let mut out: Vec<ResultLine> = Vec::new();
    for r in rows.iter().filter(|r| r.is_table_tier()) {
        match out
            .iter_mut()
            .find(|l| l.kernel == r.kernel && l.size == r.size)
        {
            Some(l) => {
                l.by_tier.insert(r.tier.clone(), r.clone());
            }
            None => {
                let mut by_tier = BTreeMap::new();
                by_tier.insert(r.tier.clone(), r.clone());
                out.push(ResultLine {
                    kernel: r.kernel.clone(),
                    size: r.size.clone(),
                    by_tier,
                });
            }
        }
    }
    out
}

/// The SIMD/JS figures a target may use, and the lines left out with the reason.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpeedupSample {
    /// (kernel label, SIMD/JS ratio) for lines where both outputs agree.
    pub ratios: Vec<(String, f64)>,
    /// (kernel label, low, high): the ratio's range between the quartiles, where known.
    pub ranges: Vec<(String, f64, f64)>,
    /// (kernel label, why) for lines with both tiers present that do not count.
    pub excluded: Vec<(String, Exclusion)>,
}

/// SIMD/JS speedup per kernel line for the targets table: a line counts only when the SIMD
/// and the JS row both have a median and both outputs agree.
pub fn simd_vs_js(lines: &[ResultLine]) -> SpeedupSample {
    let mut s = SpeedupSample::default();
    for l in lines {
        match l.trusted_speedup("simd", "js") {
            Some(Ok(r)) => {
                if let Some((lo, hi)) = l.speedup_range("simd", "js") {
                    s.ranges.push((l.label(), lo, hi));
                }
                s.ratios.push((l.label(), r))
            }
            Some(Err(why)) => s.excluded.push((l.label(), why)),
            None => {}
        }
    }
    s
}

/// Throughput of a row: GFLOP/s where FLOPs are counted, else ops/s in the kernel's unit.
pub fn fmt_throughput(r: &BenchRow) -> String {
    let Some(m) = r.median() else {
        return "–".into();
    };
    if r.flops > 0.0 {
        format!("{:.2} GFLOP/s", r.flops / m)
    } else if r.ops > 0.0 {
        let unit = if r.op_unit.is_empty() {
            "ops"
        } else {
            r.op_unit.as_str()
        };
        format!("{} {unit}/s", fmt_count(r.ops * 1e9 / m))
    } else {
        "–".into()
    }
}

fn csv_num(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

fn csv_bool(x: Option<bool>) -> String {
    x.map(|a| a.to_string()).unwrap_or_default()
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub const CSV_HEADER: &str = "kernel,size,tier,median_ns,p25_ns,p75_ns,min_ns,max_ns,p90_ns,runs,calls_per_batch,warmup_rounds,settled,ops,op_unit,flops,bytes,agrees,max_diff,tolerance,error";

/// The last run as CSV: one line per kernel × size × tier (the plain-loop check included when
/// the run had it); an empty field is a figure the harness did not give.
pub fn to_csv(rows: &[BenchRow]) -> String {
    let mut s = format!("{CSV_HEADER}\n");
    for r in rows {
        let fields = [
            csv_text(&r.kernel),
            csv_text(&r.size),
            csv_text(&r.tier),
            csv_num(r.median_ns),
            csv_num(r.p25_ns),
            csv_num(r.p75_ns),
            csv_num(r.min_ns),
            csv_num(r.max_ns),
            csv_num(r.p90_ns),
            csv_num(Some(r.runs)),
            csv_num(r.calls_per_batch),
            csv_num(r.warmup_rounds),
            csv_bool(r.settled),
            csv_num(Some(r.ops)),
            csv_text(&r.op_unit),
            csv_num(Some(r.flops)),
            csv_num(Some(r.bytes)),
            csv_bool(r.agrees),
            csv_num(r.max_diff),
            csv_num(r.tolerance),
            csv_text(r.error.as_deref().unwrap_or("")),
        ];
        s.push_str(&fields.join(","));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kernel: &str, size: &str, tier: &str, median_ns: f64) -> BenchRow {
        BenchRow {
            kernel: kernel.into(),
            size: size.into(),
            tier: tier.into(),
            median_ns: Some(median_ns),
            agrees: Some(true),
            ..BenchRow::default()
        }
    }

    #[test]
    fn parses_worker_messages() {
        let m: WorkerMsg = serde_json::from_str(r#"{"type":"progress","kernel":"dense","size":"256x256","tier":"simd","done":3,"total":40}"#).unwrap();
        assert_eq!(
            m,
            WorkerMsg::Progress {
                kernel: "dense".into(),
                size: "256x256".into(),
                tier: "simd".into(),
                done: 3,
                total: 40
            }
        );
        let m: WorkerMsg = serde_json::from_str(r#"{"type":"row","row":{"kernel":"lif_step","size":"1024","tier":"js","median_ns":1500.5,"agrees":true,"extra":1}}"#).unwrap();
        match m {
            WorkerMsg::Row { row } => {
                assert_eq!((row.median(), row.agrees), (Some(1500.5), Some(true)));
                assert_eq!(row.settled, None, "an older harness without the field");
                assert!(!row.not_settled());
            }
            other => panic!("{other:?}"),
        }
        let m: WorkerMsg = serde_json::from_str(
            r#"{"type":"tiers","status":{"simd":{"ok":false,"reason":"404","load_ms":0}}}"#,
        )
        .unwrap();
        assert!(
            matches!(m, WorkerMsg::Tiers { ref status } if status[&TierKind::Simd].reason.as_deref() == Some("404"))
        );
        assert!(serde_json::from_str::<WorkerMsg>(r#"{"type":"nonsense"}"#).is_err());
    }

    #[test]
    fn parses_a_full_row_with_spread_and_warmup() {
        let m: WorkerMsg = serde_json::from_str(
            r#"{"type":"row","row":{"kernel":"dense","size":"256x256","tier":"simd",
            "median_ns":5900,"p25_ns":5700,"p75_ns":6172,"min_ns":5600,"max_ns":7000,"p90_ns":6500,
            "runs":7,"calls_per_batch":340,"batch_ms":2.0,"settled":false,"warmup_rounds":40,
            "warmup_ms":1500,"ops":0,"op_unit":"","flops":131072,"bytes":0,"agrees":true,
            "max_diff":1e-7,"tolerance":2e-6,"checked_against":"f64 reference"}}"#,
        )
        .unwrap();
        let WorkerMsg::Row { row } = m else {
            panic!("{m:?}")
        };
        assert_eq!(
            (row.p25_ns, row.p75_ns, row.settled),
            (Some(5700.0), Some(6172.0), Some(false))
        );
        assert_eq!(
            (row.calls_per_batch, row.warmup_rounds),
            (Some(340.0), Some(40.0))
        );
        assert_eq!((row.max_diff, row.tolerance), (Some(1e-7), Some(2e-6)));
        assert!(row.not_settled());
        assert_eq!(
            row.time_text(),
            "5.9 µs ±4 %",
            "(6172 − 5700) / 2 / 5900 = 4 %"
        );
        assert!(row.method_text().contains("NOT settled"));
        assert_eq!(row.exclusion(), None);
    }

    #[test]
    fn an_error_row_with_a_null_median_survives_row_and_done() {
        let err = r#"{"kernel":"stdp","size":"4096","tier":"relaxed","median_ns":null,"error":"stdp_update returned error -3","agrees":false}"#;
        let m: WorkerMsg = serde_json::from_str(&format!(r#"{{"type":"row","row":{err}}}"#))
            .expect("a row with median_ns: null parses");
        let WorkerMsg::Row { row } = m else {
            panic!("{m:?}")
        };
        assert_eq!(row.median_ns, None);
        assert_eq!(row.median(), None);
        assert_eq!(row.error.as_deref(), Some("stdp_update returned error -3"));
        assert_eq!(row.exclusion(), Some(Exclusion::Error));
        assert_eq!(row.time_text(), "error: stdp_update returned error -3");
        assert_eq!(fmt_throughput(&row), "–");

        let done = format!(
            r#"{{"type":"done","rows":[
              {{"kernel":"stdp","size":"4096","tier":"js","median_ns":9.0e6,"agrees":true,"max_diff":null}},
              {err},
              {{"kernel":"stdp","size":"4096","tier":"plain","median_ns":8.0e6,"agrees":true}}
            ],"summary":{{"results":[]}},"env":{{"set":"quick"}},"tiers":{{}},"memory_bytes":1234}}"#
        );
        let m: WorkerMsg = serde_json::from_str(&done).expect("done with an error row parses");
        let WorkerMsg::Done {
            rows, memory_bytes, ..
        } = m
        else {
            panic!("{m:?}")
        };
        assert_eq!(rows.len(), 3, "no row is dropped");
        assert_eq!(memory_bytes, Some(1234.0));
        let lines = group(&rows);
        assert_eq!(lines.len(), 1);
        assert_eq!(
            lines[0].by_tier.keys().collect::<Vec<_>>(),
            ["js", "relaxed"],
            "the plain-loop check stays out of the table"
        );
        assert_eq!(lines[0].median("js"), Some(9.0e6));
        assert_eq!(lines[0].median("relaxed"), None);
        let csv = to_csv(&rows);
        assert!(
            csv.lines()
                .nth(2)
                .unwrap()
                .starts_with("stdp,4096,relaxed,,"),
            "{csv}"
        );
        assert!(csv
            .lines()
            .nth(2)
            .unwrap()
            .ends_with(",false,,,stdp_update returned error -3"));
    }

    #[test]
    fn memory_and_done_without_memory() {
        let m: WorkerMsg = serde_json::from_str(
            r#"{"type":"memory","bytes":3000,"modules":{"scalar":1000,"simd":2000}}"#,
        )
        .unwrap();
        assert!(
            matches!(m, WorkerMsg::Memory { bytes, ref modules } if bytes == 3000.0 && modules["simd"] == 2000.0)
        );
        let m: WorkerMsg = serde_json::from_str(r#"{"type":"done","rows":[]}"#).unwrap();
        assert!(matches!(
            m,
            WorkerMsg::Done {
                memory_bytes: None,
                ..
            }
        ));
    }

    #[test]
    fn speedup_at_a_thread_count_with_its_range_or_none_without_times() {
        let c: ScalingCase = serde_json::from_str(
            r#"{"case":"matvec","by_k":{"1":{"median_ns":400},"2":{"median_ns":200,"p25_ns":160,"p75_ns":250},
            "3":{"error":"thread 2: did not finish"},"4":{"median_ns":100}}}"#,
        )
        .unwrap();
        assert_eq!(c.speedup_at(1), Some((1.0, None)));
        assert_eq!(c.speedup_at(2), Some((2.0, Some((1.6, 2.5)))));
        assert_eq!(c.speedup_at(3), None, "a count that failed has no speed-up");
        assert_eq!(
            c.by_k["3"].error.as_deref(),
            Some("thread 2: did not finish")
        );
        assert_eq!(c.speedup_at(4), Some((4.0, None)));
        assert_eq!(c.speedup_at(5), None, "not measured");
        let no_one: ScalingCase =
            serde_json::from_str(r#"{"by_k":{"1":{"error":"x"},"2":{"median_ns":200}}}"#).unwrap();
        assert_eq!(no_one.speedup_at(2), None, "no base to compare with");
    }

    #[test]
    fn done_carries_the_thread_scaling() {
        let m: WorkerMsg = serde_json::from_str(
            r#"{"type":"done","rows":[],"thread_scaling":{"threads_available":2,"isolated":true,
            "cases":[{"case":"live_step","kernel":"live_step","size":"4096","by_k":{"1":{"median_ns":2.1e6},
            "2":{"median_ns":1.6e6,"p25_ns":1.5e6,"stdp_balance_ceiling":1.41}},"speedup":{"1":1,"2":1.31},"identical_spikes":true}]}}"#,
        )
        .unwrap();
        let WorkerMsg::Done {
            thread_scaling: Some(t),
            ..
        } = m
        else {
            panic!("{m:?}")
        };
        assert_eq!(t.cases[0].threads(), vec![1, 2]);
        assert_eq!(t.cases[0].identical_spikes, Some(true));
        assert_eq!(t.cases[0].by_k["2"].p25_ns, Some(1.5e6));
        assert_eq!(t.cases[0].by_k["2"].stdp_balance_ceiling, Some(1.41));
        assert_eq!(t.cases[0].by_k["1"].stdp_balance_ceiling, None);
        let none: WorkerMsg =
            serde_json::from_str(r#"{"type":"done","rows":[],"thread_scaling":null}"#).unwrap();
        assert!(matches!(
            none,
            WorkerMsg::Done {
                thread_scaling: None,
                ..
            }
        ));
        let why: WorkerMsg = serde_json::from_str(r#"{"type":"done","thread_scaling":{"isolated":false,"error":"not cross-origin isolated: no SharedArrayBuffer"}}"#).unwrap();
        assert!(matches!(
            why,
            WorkerMsg::Done {
                thread_scaling: Some(ThreadScaling { error: Some(_), .. }),
                ..
            }
        ));
    }

    #[test]
    fn ceilings_message_and_done_with_ceilings() {
        let c = r#"{"read_gb_s":33.48,"mul_add_gflop_s":43.4,"fma_gflop_s":null,
            "call_ns":{"js":837,"simd":35.6},"spread":{"read_gb_s":{"p25":32.6,"p75":34.66},
            "mul_add_gflop_s":{"p25":43.19,"p75":43.61}},"tiers":{"read":"simd","mul_add":"simd"},
            "read_bytes":134217728,"mul_add_iters":8192,"errors":{"fma_gflop_s":"no relaxed tier here"},
            "probes":[{"probe":"read","tier":"simd","median_ns":4000000}]}"#;
        let m: WorkerMsg =
            serde_json::from_str(&format!(r#"{{"type":"ceilings","ceilings":{c}}}"#)).unwrap();
        let WorkerMsg::Ceilings { ceilings } = m else {
            panic!("{m:?}")
        };
        assert_eq!(ceilings.read_gb_s, Some(33.48));
        assert_eq!(ceilings.fma_gflop_s, None);
        assert_eq!(ceilings.spread["read_gb_s"].p75, 34.66);
        assert_eq!(
            ceilings.describe(),
            "read 33.5 GB/s (32.6–34.7) [simd] · mul+add 43.4 GFLOP/s (43.2–43.6) [simd] · fma – · call 36 ns [simd]"
        );
        let m: WorkerMsg =
            serde_json::from_str(&format!(r#"{{"type":"done","rows":[],"ceilings":{c}}}"#))
                .unwrap();
        assert!(
            matches!(m, WorkerMsg::Done { ceilings: Some(ref k), .. } if k.mul_add_gflop_s == Some(43.4))
        );
        let m: WorkerMsg = serde_json::from_str(r#"{"type":"done","ceilings":null}"#).unwrap();
        assert!(matches!(m, WorkerMsg::Done { ceilings: None, .. }));
        // Round trip: what the exported JSON carries reads back the same.
        let back: Ceilings =
            serde_json::from_str(&serde_json::to_string(&ceilings).unwrap()).unwrap();
        assert_eq!(back, *ceilings);
    }

    #[test]
    fn achieved_by_the_counting_rule() {
        let mut r = row("dense", "256x256", "simd", 1000.0);
        r.bytes = 4000.0;
        r.flops = 2000.0;
        assert_eq!(
            achieved(&r),
            serde_json::json!({"gb_s": 4.0, "gflop_s": 2.0})
        );
        r.flops = 0.0;
        r.median_ns = None;
        assert_eq!(
            achieved(&r),
            serde_json::json!({"gb_s": null, "gflop_s": null})
        );
    }

    #[test]
    fn groups_and_speedups() {
        let rows = vec![
            row("dense", "256x256", "js", 800.0),
            row("dense", "256x256", "simd", 100.0),
            row("dense", "256x256", "scalar", 400.0),
            row("lif_step", "1024", "js", 300.0),
            row("lif_step", "1024", "simd", 0.0),
        ];
        let lines = group(&rows);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].speedup("simd", "js"), Some(8.0));
        assert_eq!(lines[0].speedup("simd", "scalar"), Some(4.0));
        assert_eq!(lines[0].speedup("relaxed", "simd"), None, "missing tier");
        assert_eq!(
            lines[1].speedup("simd", "js"),
            None,
            "a zero median is not a measurement"
        );
        // Out of `MEDIAN_RANGE_NS`: not a measurement either (the same bounds as an import).
        for bad in [5e-324, 0.009, 1.1e11, f64::MAX] {
            let odd = group(&[row("dense", "8", "js", bad)]);
            assert_eq!(odd[0].median("js"), None, "{bad:e}");
        }
        let edges = group(&[
            row("dense", "8", "js", 0.01),
            row("dense", "8", "simd", 1e11),
        ]);
        assert_eq!(edges[0].median("js"), Some(0.01), "the bounds are in range");
        assert_eq!(edges[0].median("simd"), Some(1e11));
        let s = simd_vs_js(&lines);
        assert_eq!(s.ratios, vec![("dense 256x256".to_string(), 8.0)]);
        assert_eq!(
            s.excluded,
            vec![("lif_step 1024".to_string(), Exclusion::NoMedian)]
        );
    }

    #[test]
    fn a_tier_whose_output_disagrees_never_counts() {
        let mut bad_simd = row("stdp", "1024", "simd", 10.0);
        bad_simd.agrees = Some(false);
        let mut bad_js = row("dense", "64x64", "js", 900.0);
        bad_js.agrees = Some(false);
        let failed = BenchRow {
            kernel: "efficiency".into(),
            size: "256".into(),
            tier: "simd".into(),
            error: Some("trap".into()),
            agrees: Some(false),
            ..BenchRow::default()
        };
        let mut unchecked = row("lif_step", "1024", "simd", 50.0);
        unchecked.agrees = None;
        let rows = vec![
            row("stdp", "1024", "js", 1000.0),
            bad_simd,
            bad_js,
            row("dense", "64x64", "simd", 100.0),
            row("efficiency", "256", "js", 800.0),
            failed,
            row("lif_step", "1024", "js", 500.0),
            unchecked,
            row("activation_relu", "4096", "js", 400.0),
            row("activation_relu", "4096", "simd", 100.0),
            // SIMD not run at all (unavailable): neither counted nor "excluded".
            row("activation_tanh", "4096", "js", 400.0),
        ];
        let s = simd_vs_js(&group(&rows));
        assert_eq!(s.ratios, vec![("activation_relu 4096".to_string(), 4.0)]);
        assert_eq!(
            s.excluded,
            vec![
                ("stdp 1024".to_string(), Exclusion::Disagrees),
                ("dense 64x64".to_string(), Exclusion::Disagrees),
                ("efficiency 256".to_string(), Exclusion::Error),
                ("lif_step 1024".to_string(), Exclusion::Unchecked),
            ]
        );
        // The table's plain ratio still shows, the trusted one does not.
        let lines = group(&rows);
        assert_eq!(lines[0].speedup("simd", "js"), Some(100.0));
        assert_eq!(
            lines[0].trusted_speedup("simd", "js"),
            Some(Err(Exclusion::Disagrees))
        );
    }

    #[test]
    fn source_describes_set_and_animation() {
        let mut s = BenchSource {
            set: "quick".into(),
            animation_at_start: true,
            animation_changed: false,
        };
        assert_eq!(s.describe(), "quick set, animation running");
        s.set = "full".into();
        s.animation_at_start = false;
        assert_eq!(s.describe(), "full set, animation paused");
        s.animation_changed = true;
        assert_eq!(
            s.describe(),
            "full set, animation paused at the start (changed during the run)"
        );
    }

    #[test]
    fn formats() {
        let mut r = row("dense", "256x256", "simd", 1000.0);
        r.flops = 131072.0;
        assert_eq!(fmt_throughput(&r), "131.07 GFLOP/s");
        assert_eq!(r.time_text(), "1.0 µs", "no quartiles, no spread");
        let mut odd = row("a,b", "1", "js", 5.0);
        odd.error = Some("say \"no\", twice".into());
        let csv = to_csv(&[r, odd]);
        assert_eq!(csv.lines().count(), 3);
        assert_eq!(csv.lines().next(), Some(CSV_HEADER));
        assert_eq!(
            CSV_HEADER.split(',').count(),
            csv.lines().nth(1).unwrap().split(',').count()
        );
        assert!(csv
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("dense,256x256,simd,1000,"));
        let third = csv.lines().nth(2).unwrap();
        assert!(third.starts_with("\"a,b\",1,js,5,"), "{third}");
        assert!(third.ends_with(",\"say \"\"no\"\", twice\""), "{third}");
    }

    #[test]
    fn the_run_request_names_every_module_and_switches_simd_off() {
        let on = serde_json::to_value(RunRequest::new("quick", false)).unwrap();
        assert_eq!(on["type"], "run");
        assert_eq!(on["set"], "quick");
        assert_eq!(on["jsUrl"], TierKind::Js.url());
        assert_eq!(on["modules"]["relaxed"], TierKind::Relaxed.url());
        let off = serde_json::to_value(RunRequest::new("full", true)).unwrap();
        assert_eq!(off["modules"]["scalar"], TierKind::Scalar.url());
        assert!(off["modules"]["simd"].is_null() && off["modules"]["relaxed"].is_null());
    }

    #[test]
    fn a_null_figure_reads_as_none_and_a_number_is_kept() {
        // serde-wasm-bindgen hands NaN over as a number; JSON as null. Both are "no figure".
        let row: BenchRow = serde_json::from_value(serde_json::json!({
            "kernel": "dense", "size": "8", "tier": "js", "median_ns": null, "max_diff": 1.5
        }))
        .unwrap();
        assert_eq!((row.median_ns, row.max_diff), (None, Some(1.5)));
    }
}
