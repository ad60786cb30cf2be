//! Every setting the user can give (URL query, sliders, number fields) is validated here and
//! nowhere else. Bad values never crash the page: they are clamped or replaced by the default,
//! and each change comes back as a notice the page shows.
//!
//! Every URL parameter the app reads goes through [`Settings::from_pairs`], `debug` and
//! `bench` included, and [`Settings::to_query`] writes every field back, so for any settings the
//! validator can produce, parse → encode → parse is the identity (property-tested below).
use crate::tiers::tier::TierKind;

/// Which benchmark set `?bench=` starts when the page loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BenchSet {
    Quick,
    Full,
}

impl BenchSet {
    pub const ALL: [BenchSet; 2] = [BenchSet::Quick, BenchSet::Full];

    /// The URL value, and the set name the benchmark worker takes ("quick", "full").
    pub fn key(self) -> &'static str {
        match self {
            BenchSet::Quick => "quick",
            BenchSet::Full => "full",
        }
    }

    pub fn from_key(s: &str) -> Option<BenchSet> {
        BenchSet::ALL.into_iter().find(|b| b.key() == s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The tier the user asked for (the app falls back if it is unavailable).
    pub tier: TierKind,
    /// Neurons in the population.
    pub n: u32,
    /// Agents on the mesh; each owns `n / agents` consecutive neurons.
    pub agents: u32,
    pub seed: u32,
    /// Simulation steps (1 ms each) per animation frame.
    pub steps: u32,
    /// External Poisson drive per neuron, in Hz.
    pub drive_hz: f32,
    pub stdp: bool,
    /// `?simd=off`: run as if the browser lacked SIMD.
    pub simd_off: bool,
    /// `?debug=on`: show the hidden debug switches (a Rust panic, a NaN in the state).
    pub debug: bool,
    /// `?bench=quick|full`: start that benchmark set once the tiers have loaded.
    pub bench: Option<BenchSet>,
    /// `?race=simd,js`: race these two sides once the tiers have loaded
    /// (`src/features/race/mod.rs`); a side may run on threads (`?race=simd,simd:2`).
    pub race: Option<(RaceSide, RaceSide)>,
    /// `?sweep=on`: run the "largest N at 60 fps" sweep once the page measures its frames.
    pub sweep: bool,
    /// `?variant=stdp:loop,lif_step:lanes`: the form each kernel with forms runs in, by its
    /// index in `sasi_kernels::dispatch::VARIANT_KERNELS` (a form index into `FORMS`), instead
    /// of the page's calibration; `None`: the calibration picks.
    pub forms: [Option<u8>; sasi_kernels::dispatch::VARIANTS],
    /// `?weights=bf16`: how the N² synaptic weights are stored, in every tier alike
    /// (`kernels/ABI.md` "Weight storage"). A structural setting, as N is: a change reseeds.
    pub weights: WeightStorage,
    /// `?threads=k`: the live simulation's threads. 1 runs it on the page's own thread; k ≥ 2
    /// runs it in k workers that each own a part of the network (`runtime/live_threads.rs`),
    /// when the page can (a wasm tier, `SharedArrayBuffer`), else on one thread
    /// with the reason. A structural setting, as N is: a change starts the run again.
    pub threads: u32,
}

/// One side of a race: a tier, on the page's own thread or on k threads (`simd:2` in the URL;
/// the JS tier runs on one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RaceSide {
    pub tier: TierKind,
    pub threads: u32,
}

impl RaceSide {
    pub const fn one(tier: TierKind) -> RaceSide {
        RaceSide { tier, threads: 1 }
    }

    /// The URL value and `<option value>`: `simd`, or `simd:2` on two threads.
    pub fn key(self) -> String {
        if self.threads > 1 {
            format!("{}:{}", self.tier.key(), self.threads)
        } else {
            self.tier.key().to_string()
        }
    }

    /// `tier` or `tier:k` with k in [`THREADS_RANGE`]; not the JS tier on threads.
    pub fn from_key(s: &str) -> Option<RaceSide> {
        let (tier, threads) = match s.trim().split_once(':') {
            Some((t, k)) => (t, k.trim().parse::<u32>().ok()?),
            None => (s, 1),
        };
        let tier = TierKind::from_key(tier.trim())?;
        let ok = (THREADS_RANGE.0..=THREADS_RANGE.1).contains(&threads)
            && (threads == 1 || tier != TierKind::Js);
        ok.then_some(RaceSide { tier, threads })
    }

    /// "WASM SIMD128", or "WASM SIMD128 × 2 threads".
    pub fn label(self) -> String {
        if self.threads > 1 {
            format!("{} × {} threads", self.tier.label(), self.threads)
        } else {
            self.tier.label().to_string()
        }
    }
}

impl std::fmt::Display for RaceSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// How the synaptic weights are stored: f32, or bfloat16 (16-bit, half the bytes; rounded to
/// nearest even at every store, `sasi_kernels::ops::weight`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WeightStorage {
    #[default]
    F32,
    Bf16,
}

impl WeightStorage {
    pub const ALL: [WeightStorage; 2] = [WeightStorage::F32, WeightStorage::Bf16];

    pub fn key(self) -> &'static str {
        match self {
            WeightStorage::F32 => "f32",
            WeightStorage::Bf16 => "bf16",
        }
    }

    pub fn from_key(k: &str) -> Option<WeightStorage> {
        Self::ALL.into_iter().find(|w| w.key() == k)
    }

    /// Bytes per stored weight.
    pub fn bytes(self) -> u32 {
        match self {
            WeightStorage::F32 => 4,
            WeightStorage::Bf16 => 2,
        }
    }

    /// The largest N this storage allows: the N² weights stay within 128 MiB (f32 at N = 4096
    /// is 64 MiB, bf16 at N = 8192 is 128 MiB; f32 at 8192 would be 256 MiB, the kernel
    /// modules' largest single allocation and past the page's memory target).
    pub fn max_n(self) -> u32 {
        match self {
            WeightStorage::F32 => 4096,
            WeightStorage::Bf16 => 8192,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            tier: TierKind::Simd,
            n: 2048,
            agents: 64,
            seed: 7,
            steps: 4,
            drive_hz: 30.0,
            stdp: true,
            simd_off: false,
            debug: false,
            bench: None,
            race: None,
            sweep: false,
            forms: [None; sasi_kernels::dispatch::VARIANTS],
            weights: WeightStorage::F32,
            threads: 1,
        }
    }
}

/// Every N some storage allows; [`WeightStorage::max_n`] is the bound of each.
pub const N_RANGE: (u32, u32) = (64, 8192);
pub const AGENTS_RANGE: (u32, u32) = (2, 256);
pub const STEPS_RANGE: (u32, u32) = (1, 32);
pub const DRIVE_RANGE: (f32, f32) = (0.0, 200.0);
/// Neurons per agent: the agent network's input width.
pub const PER_AGENT_RANGE: (u32, u32) = (4, 256);
/// The live simulation's threads (the page offers 1 up to the cores the browser reports).
pub const THREADS_RANGE: (u32, u32) = (1, 16);

fn parse_u32(
    key: &str,
    raw: &str,
    (lo, hi): (u32, u32),
    default: u32,
    notes: &mut Vec<String>,
) -> u32 {
    match raw.trim().parse::<f64>() {
        // A negative count or seed is not a small value, it is not a value: use the default.
        Ok(v) if v < 0.0 => {
            notes.push(format!(
                "{key}={raw} is negative; using the default {default}"
            ));
            default
        }
        Ok(v) if v.is_finite() => {
            let r = v.round();
            let c = r.clamp(lo as f64, hi as f64) as u32;
            if r != v || c as f64 != r {
                notes.push(format!(
                    "{key}={raw} is outside {lo}..={hi} or not whole; using {c}"
                ));
            }
            c
        }
        _ => {
            notes.push(format!(
                "{key}={raw:?} is not a number; using the default {default}"
            ));
            default
        }
    }
}

fn parse_bool(key: &str, raw: &str, default: bool, notes: &mut Vec<String>) -> bool {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "true" | "yes" => true,
        "0" | "off" | "false" | "no" => false,
        _ => {
            notes.push(format!(
                "{key}={raw:?} is not on/off; using {}",
                if default { "on" } else { "off" }
            ));
            default
        }
    }
}

fn parse_debug(raw: &str, notes: &mut Vec<String>) -> bool {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "true" | "yes" => true,
        "0" | "off" | "false" | "no" => false,
        // Any other word switched the debug buttons on before the validator saw this key
        // (`?debug=panic` in the tests); keep that, and say what the URL now reads.
        v if !v.is_empty() => {
            notes.push(format!("debug={raw:?} is not on/off; using on"));
            true
        }
        _ => {
            notes.push("debug has no value (on/off); using off".to_string());
            false
        }
    }
}

fn parse_bench(raw: &str, notes: &mut Vec<String>) -> Option<BenchSet> {
    let v = raw.trim().to_ascii_lowercase();
    match BenchSet::from_key(&v) {
        Some(b) => Some(b),
        None if matches!(v.as_str(), "0" | "off" | "no" | "none") => None,
        None => {
            notes.push(format!(
                "bench={raw:?} is not quick or full; no benchmark is started"
            ));
            None
        }
    }
}

/// `race=simd,js`: two different known tiers, comma-separated; anything else is no race.
/// `stdp:loop,lif_step:lanes`: kernel:form pairs; an unknown kernel or form is a notice and
/// is left to the calibration.
fn parse_forms(
    raw: &str,
    notes: &mut Vec<String>,
) -> [Option<u8>; sasi_kernels::dispatch::VARIANTS] {
    use sasi_kernels::dispatch::{form_index, FORMS, VARIANT_KERNELS};
    let mut out = [None; sasi_kernels::dispatch::VARIANTS];
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let pair = part.split_once(':').and_then(|(k, f)| {
            let k = VARIANT_KERNELS.iter().position(|x| *x == k.trim())?;
            let f = form_index(k, &f.trim().to_ascii_lowercase())?;
            Some((k, f as u8))
        });
        match pair {
            Some((k, f)) => out[k] = Some(f),
            None => {
                let pairs: Vec<String> = VARIANT_KERNELS
                    .iter()
                    .zip(FORMS)
                    .map(|(k, f)| format!("{k}:{}", f.join("|")))
                    .collect();
                notes.push(format!(
                    "variant={part:?} is not kernel:form ({}); the calibration picks",
                    pairs.join(", ")
                ))
            }
        }
    }
    out
}

fn parse_race(raw: &str, notes: &mut Vec<String>) -> Option<(RaceSide, RaceSide)> {
    let v = raw.trim().to_ascii_lowercase();
    if matches!(v.as_str(), "0" | "off" | "no" | "none") {
        return None;
    }
    let pair = v
        .split_once(',')
        .and_then(|(a, b)| Some((RaceSide::from_key(a)?, RaceSide::from_key(b)?)));
    match pair {
        Some((a, b)) if a != b => Some((a, b)),
        _ => {
            notes.push(format!(
                "race={raw:?} is not two different tiers (e.g. simd,js, or simd,simd:2 for threads); no race is started"
            ));
            None
        }
    }
}

impl Settings {
    /// Reads a URL query (`?tier=simd&n=2048...`, leading `?` optional, already %-decoded
    /// pairs). Returns the settings and one notice per value that was changed or ignored.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut notes = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (key, raw) in pairs {
            if seen.iter().any(|k| k == key) {
                notes.push(format!(
                    "{key} is given more than once; the first value is used"
                ));
                continue;
            }
            seen.push(key.to_string());
            match key {
                "tier" => match TierKind::from_key(raw.trim()) {
                    Some(t) => s.tier = t,
                    None => notes.push(format!(
                        "tier={raw:?} is unknown (js, scalar, simd, relaxed); using simd"
                    )),
                },
                "n" => s.n = parse_u32("n", raw, N_RANGE, s.n, &mut notes),
                "agents" => s.agents = parse_u32("agents", raw, AGENTS_RANGE, s.agents, &mut notes),
                "seed" => s.seed = parse_u32("seed", raw, (0, u32::MAX), s.seed, &mut notes),
                "steps" => s.steps = parse_u32("steps", raw, STEPS_RANGE, s.steps, &mut notes),
                "drive" => {
                    s.drive_hz = parse_u32(
                        "drive",
                        raw,
                        (DRIVE_RANGE.0 as u32, DRIVE_RANGE.1 as u32),
                        s.drive_hz as u32,
                        &mut notes,
                    ) as f32
                }
                "stdp" => s.stdp = parse_bool("stdp", raw, s.stdp, &mut notes),
                "simd" => s.simd_off = !parse_bool("simd", raw, true, &mut notes),
                "debug" => s.debug = parse_debug(raw, &mut notes),
                "bench" => s.bench = parse_bench(raw, &mut notes),
                "race" => s.race = parse_race(raw, &mut notes),
                "sweep" => s.sweep = parse_bool("sweep", raw, false, &mut notes),
                "variant" => s.forms = parse_forms(raw, &mut notes),
                "weights" => match WeightStorage::from_key(raw.trim()) {
                    Some(w) => s.weights = w,
                    None => {
                        notes.push(format!("weights={raw:?} is unknown (f32, bf16); using f32"))
                    }
                },
                "threads" => {
                    s.threads = parse_u32("threads", raw, THREADS_RANGE, s.threads, &mut notes)
                }
                _ => notes.push(format!("unknown parameter {key:?} ignored")),
            }
        }
        s.fix_shape(&mut notes);
        (s, notes)
    }

    /// A raw query string (`?a=1&b=%20x`, leading `?` optional), %-decoded and `+` read as a
    /// space as `URLSearchParams` does, then [`Settings::from_pairs`]. A `#fragment` ends it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn from_query(query: &str) -> (Settings, Vec<String>) {
        let q = query.strip_prefix('?').unwrap_or(query);
        let q = q.split_once('#').map_or(q, |(q, _)| q);
        let pairs: Vec<(String, String)> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// Makes `n` a multiple of `agents` with 4..=256 neurons per agent and 64..=the storage's
    /// `max_n` in all (4096 with f32 weights, 8192 with bf16); the agent count (already in
    /// 2..=256) is kept, `n` moves to the nearest shape that fits.
    pub fn fix_shape(&mut self, notes: &mut Vec<String>) {
        let max_n = self.weights.max_n();
        if self.n > max_n {
            notes.push(format!(
                "n={} needs 16-bit weights (weights=bf16): its {}² f32 weights would be {} MB; using n={max_n}",
                self.n,
                self.n,
                u64::from(self.n) * u64::from(self.n) * 4 / 1_000_000
            ));
            self.n = max_n;
        }
        let a = self.agents;
        let mut per = (self.n / a).clamp(PER_AGENT_RANGE.0, PER_AGENT_RANGE.1);
        if per * a < N_RANGE.0 {
            per = N_RANGE.0.div_ceil(a);
        }
        if per * a > max_n {
            per = max_n / a;
        }
        let n = per * a;
        if n != self.n {
            notes.push(format!(
                "n={} does not split into {a} agents of {}..={} neurons within {}..={max_n}; using n={n}",
                self.n, PER_AGENT_RANGE.0, PER_AGENT_RANGE.1, N_RANGE.0
            ));
            self.n = n;
        }
    }

    pub fn per_agent(&self) -> u32 {
        self.n / self.agents
    }

    /// Whether two settings describe the same run: the same seeded network (`n`, `agents`,
    /// `seed`) stepped with the same drive and plasticity (`drive_hz`, `stdp`), so it gives the
    /// same spikes at the same steps in any tier. `steps` is left out: it sets how many steps a
    /// frame runs, not what a step computes (and a race's sides run by time budget instead).
    pub fn same_run(&self, other: &Settings) -> bool {
        self.n == other.n
            && self.agents == other.agents
            && self.seed == other.seed
            && self.drive_hz == other.drive_hz
            && self.stdp == other.stdp
            && self.weights == other.weights
    }

    /// These settings with the run of `run` (the fields [`Settings::same_run`] compares) and
    /// everything else of `self`.
    pub fn with_run_of(&self, run: &Settings) -> Settings {
        Settings {
            n: run.n,
            agents: run.agents,
            seed: run.seed,
            drive_hz: run.drive_hz,
            stdp: run.stdp,
            weights: run.weights,
            ..self.clone()
        }
    }

    /// Every setting as (key, value) URL pairs, in a fixed order; `simd`, `debug` and `bench`
    /// only when they differ from the default. Values are digits and lower-case words, so
    /// they need no %-encoding.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let on_off = |b: bool| if b { "on" } else { "off" }.to_string();
        let mut p = vec![
            ("tier", self.tier.key().to_string()),
            ("n", self.n.to_string()),
            ("agents", self.agents.to_string()),
            ("seed", self.seed.to_string()),
            ("steps", self.steps.to_string()),
            // The validator only produces whole Hz (`drive` is read as a whole number).
            ("drive", format!("{}", self.drive_hz.round() as u32)),
            ("stdp", on_off(self.stdp)),
        ];
        if self.simd_off {
            p.push(("simd", "off".into()));
        }
        if self.debug {
            p.push(("debug", "on".into()));
        }
        if let Some(b) = self.bench {
            p.push(("bench", b.key().into()));
        }
        if let Some((a, b)) = self.race {
            p.push(("race", format!("{},{}", a.key(), b.key())));
        }
        if self.sweep {
            p.push(("sweep", "on".into()));
        }
        let forms: Vec<String> = self
            .forms
            .iter()
            .zip(sasi_kernels::dispatch::VARIANT_KERNELS)
            .enumerate()
            .filter_map(|(i, (f, k))| {
                let name = sasi_kernels::dispatch::form_name(i, usize::from((*f)?))?;
                Some(format!("{k}:{name}"))
            })
            .collect();
        if !forms.is_empty() {
            p.push(("variant", forms.join(",")));
        }
        if self.weights != WeightStorage::F32 {
            p.push(("weights", self.weights.key().into()));
        }
        if self.threads != 1 {
            p.push(("threads", self.threads.to_string()));
        }
        p
    }

    /// The query string that reproduces these settings (for the address bar and share links):
    /// `Settings::from_pairs` of it gives back exactly `self` for any settings it produced.
    pub fn to_query(&self) -> String {
        let pairs: Vec<String> = self
            .to_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("?{}", pairs.join("&"))
    }

    /// Whether these are settings the validator can produce (every range and the shape
    /// hold), i.e. the ones `to_query` round-trips.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn is_valid(&self) -> bool {
        let in_range = |v: u32, (lo, hi): (u32, u32)| (lo..=hi).contains(&v);
        in_range(self.n, (N_RANGE.0, self.weights.max_n()))
            && in_range(self.agents, AGENTS_RANGE)
            && self.n.is_multiple_of(self.agents)
            && in_range(self.per_agent(), PER_AGENT_RANGE)
            && in_range(self.steps, STEPS_RANGE)
            && (DRIVE_RANGE.0..=DRIVE_RANGE.1).contains(&self.drive_hz)
            && self.drive_hz.fract() == 0.0
            && self.race.is_none_or(|(a, b)| {
                a != b
                    && [a, b]
                        .iter()
                        .all(|x| RaceSide::from_key(&x.key()) == Some(*x))
            })
            && self.forms.iter().flatten().all(|&f| usize::from(f) < 2)
            && in_range(self.threads, THREADS_RANGE)
    }
}

/// `%XX` and `+` as `URLSearchParams` reads them; a bad escape stays as it is, bytes that are
/// not UTF-8 become U+FFFD.
#[cfg_attr(not(test), allow(dead_code))]
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_query() {
        let (s, notes) = Settings::from_query("");
        assert_eq!(s, Settings::default());
        assert!(notes.is_empty());
    }

    #[test]
    fn full_query_round_trips() {
        let (s, notes) = Settings::from_query(
            "?tier=relaxed&n=1024&agents=32&seed=9&steps=2&drive=50&stdp=off&simd=off",
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            (s.tier, s.n, s.agents, s.seed, s.steps, s.drive_hz, s.stdp, s.simd_off),
            (TierKind::Relaxed, 1024, 32, 9, 2, 50.0, false, true)
        );
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
    }

    #[test]
    fn bad_values_are_replaced_with_notices() {
        let (s, notes) = Settings::from_query("?n=-5&tier=gpu");
        assert_eq!(s, Settings::default(), "both replaced by their defaults");
        assert!(
            notes.iter().any(|n| n.contains("tier=\"gpu\"")),
            "{notes:?}"
        );
        assert!(notes.iter().any(|n| n.starts_with("n=-5")), "{notes:?}");
    }

    #[test]
    fn huge_empty_nonnumeric_duplicate_unknown() {
        let (s, notes) =
            Settings::from_query("n=1000000000&steps=&seed=abc&agents=8&agents=99&color=red");
        assert_eq!(s.n, 2048, "8 agents × 256 neurons is the largest shape");
        assert_eq!(s.steps, 4);
        assert_eq!(s.seed, 7);
        assert_eq!(s.agents, 8);
        // n: clamped to 8192, then to f32's 4096, then to 8 agents × 256.
        assert_eq!(notes.len(), 7, "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("more than once")));
        assert!(notes
            .iter()
            .any(|n| n.contains("unknown parameter \"color\"")));
    }

    #[test]
    fn n_becomes_a_multiple_of_agents() {
        let (s, notes) = Settings::from_query("n=1000&agents=64");
        assert_eq!((s.n, s.agents), (960, 64));
        assert_eq!(notes.len(), 1);
        let (s, _) = Settings::from_query("n=64&agents=256");
        assert_eq!(
            (s.n, s.agents),
            (1024, 256),
            "256 agents need at least 4 neurons each"
        );
        assert!(s.n % s.agents == 0 && s.per_agent() >= 4);
    }

    #[test]
    fn n_8192_needs_bf16_weights() {
        let (s, notes) = Settings::from_query("n=8192&agents=64&weights=bf16");
        assert_eq!((s.n, s.weights), (8192, WeightStorage::Bf16));
        assert!(notes.is_empty() && s.is_valid(), "{notes:?}");
        assert_eq!(
            s.to_query(),
            "?tier=simd&n=8192&agents=64&seed=7&steps=4&drive=30&stdp=on&weights=bf16"
        );
        let (s, notes) = Settings::from_query("n=8192&agents=64");
        assert_eq!((s.n, s.weights), (4096, WeightStorage::F32));
        assert!(notes[0].contains("weights=bf16"), "{notes:?}");
        let (s, notes) = Settings::from_query("weights=f16");
        assert_eq!(s.weights, WeightStorage::F32);
        assert!(notes[0].contains("f32, bf16"), "{notes:?}");
        // A different storage is a different run (its spikes differ).
        let bf16 = Settings {
            weights: WeightStorage::Bf16,
            ..Settings::default()
        };
        assert!(!bf16.same_run(&Settings::default()));
    }

    #[test]
    fn every_parsed_shape_is_valid() {
        for n in [0, 1, 63, 64, 100, 2047, 4096, 5000, 8192, 9000, u32::MAX] {
            for (a, w) in [0, 1, 2, 3, 7, 64, 255, 256, 1000]
                .into_iter()
                .flat_map(|a| [(a, "f32"), (a, "bf16")])
            {
                let (s, _) = Settings::from_query(&format!("n={n}&agents={a}&weights={w}"));
                assert!(s.n % s.agents == 0, "{n} {a} -> {s:?}");
                assert!((N_RANGE.0..=s.weights.max_n()).contains(&s.n), "{s:?}");
                assert!(
                    (AGENTS_RANGE.0..=AGENTS_RANGE.1).contains(&s.agents),
                    "{s:?}"
                );
                assert!(
                    (PER_AGENT_RANGE.0..=PER_AGENT_RANGE.1).contains(&s.per_agent()),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn debug_and_bench_go_through_the_validator() {
        let (s, notes) = Settings::from_query("?debug=1&bench=full");
        assert!(notes.is_empty(), "{notes:?}");
        assert!(s.debug);
        assert_eq!(s.bench, Some(BenchSet::Full));
        assert!(
            s.to_query().ends_with("&debug=on&bench=full"),
            "{}",
            s.to_query()
        );
        assert_eq!(Settings::from_query(&s.to_query()), (s, vec![]));

        for (q, debug, noted) in [
            ("debug=on", true, false),
            ("debug=TRUE", true, false),
            ("debug=panic", true, true),
            ("debug=off", false, false),
            ("debug=0", false, false),
            ("debug=", false, true),
            ("debug", false, true),
        ] {
            let (s, notes) = Settings::from_query(q);
            assert_eq!(
                (s.debug, !notes.is_empty()),
                (debug, noted),
                "{q}: {notes:?}"
            );
        }
        for (q, bench, noted) in [
            ("bench=quick", Some(BenchSet::Quick), false),
            (" bench= Full ", None, true),
            ("bench=FULL", Some(BenchSet::Full), false),
            ("bench=off", None, false),
            ("bench=", None, true),
            ("bench=slow", None, true),
        ] {
            let (s, notes) = Settings::from_query(q);
            assert_eq!(
                (s.bench, !notes.is_empty()),
                (bench, noted),
                "{q}: {notes:?}"
            );
        }
    }

    #[test]
    fn race_and_sweep_go_through_the_validator() {
        let (s, notes) = Settings::from_query("?race=simd,js&sweep=on");
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            s.race,
            Some((RaceSide::one(TierKind::Simd), RaceSide::one(TierKind::Js)))
        );
        assert!(s.sweep);
        assert!(
            s.to_query().ends_with("&race=simd,js&sweep=on"),
            "{}",
            s.to_query()
        );
        assert_eq!(Settings::from_query(&s.to_query()), (s, vec![]));
        for (q, race, noted) in [
            (
                "race=relaxed,scalar",
                Some((
                    RaceSide::one(TierKind::Relaxed),
                    RaceSide::one(TierKind::Scalar),
                )),
                false,
            ),
            (
                "race=JS, SIMD",
                Some((RaceSide::one(TierKind::Js), RaceSide::one(TierKind::Simd))),
                false,
            ),
            (
                "race=simd,simd:2",
                Some((
                    RaceSide::one(TierKind::Simd),
                    RaceSide {
                        tier: TierKind::Simd,
                        threads: 2,
                    },
                )),
                false,
            ),
            ("race=simd:1,simd", None, true),
            ("race=js:2,simd", None, true),
            ("race=simd:0,js", None, true),
            ("race=simd:99,js", None, true),
            ("race=off", None, false),
            ("race=js,js", None, true),
            ("race=simd", None, true),
            ("race=simd,gpu", None, true),
            ("race=simd,js,scalar", None, true),
            ("race=", None, true),
        ] {
            let (s, notes) = Settings::from_query(q);
            assert_eq!((s.race, !notes.is_empty()), (race, noted), "{q}: {notes:?}");
        }
        let (s, notes) = Settings::from_query("sweep=maybe");
        assert!(!s.sweep && notes.len() == 1, "{notes:?}");
    }

    #[test]
    fn an_encoded_ampersand_cannot_smuggle_a_parameter() {
        // The case: `bench` used to be written back undecoded, as `bench=quick&tier=js`.
        let (s, notes) = Settings::from_query("?bench=quick%26tier%3Djs");
        assert_eq!(s.bench, None);
        assert_eq!(
            s.tier,
            TierKind::Simd,
            "tier=js is part of the bench value, not a key"
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("quick&tier=js"), "{notes:?}");
        let q = s.to_query();
        assert!(
            !q.contains("bench") && q.matches("tier=").count() == 1,
            "{q}"
        );
        assert_eq!(Settings::from_query(&q), (s, vec![]));
    }

    #[test]
    fn query_decoding_and_fragments() {
        let (s, notes) = Settings::from_query("?n=1024&agents=%33%32#tier=js");
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!((s.n, s.agents, s.tier), (1024, 32, TierKind::Simd));
        assert_eq!(percent_decode("a+b%20c%2"), "a b c%2");
        assert_eq!(percent_decode("%zz%e2%82%ac%ff"), "%zz€\u{fffd}");
    }

    #[test]
    fn the_same_run_is_the_network_the_drive_and_the_plasticity() {
        let base = Settings::default();
        for (changed, same) in [
            (
                Settings {
                    n: 1024,
                    ..base.clone()
                },
                false,
            ),
            (
                Settings {
                    agents: 32,
                    ..base.clone()
                },
                false,
            ),
            (
                Settings {
                    weights: WeightStorage::Bf16,
                    ..base.clone()
                },
                false,
            ),
            (
                Settings {
                    seed: 99,
                    ..base.clone()
                },
                false,
            ),
            (
                Settings {
                    drive_hz: 31.0,
                    ..base.clone()
                },
                false,
            ),
            (
                Settings {
                    stdp: false,
                    ..base.clone()
                },
                false,
            ),
            (
                Settings {
                    steps: 9,
                    ..base.clone()
                },
                true,
            ),
            (
                Settings {
                    tier: TierKind::Js,
                    ..base.clone()
                },
                true,
            ),
            (
                Settings {
                    debug: true,
                    race: Some((RaceSide::one(TierKind::Simd), RaceSide::one(TierKind::Js))),
                    ..base.clone()
                },
                true,
            ),
        ] {
            assert_eq!(base.same_run(&changed), same, "{changed:?}");
            assert_eq!(changed.same_run(&base), same, "symmetric: {changed:?}");
            let mixed = base.with_run_of(&changed);
            assert!(mixed.same_run(&changed), "{mixed:?}");
            assert_eq!(
                (mixed.steps, mixed.tier, mixed.debug),
                (base.steps, base.tier, base.debug)
            );
        }
    }

    #[test]
    fn to_query_names_every_field() {
        let s = Settings {
            tier: TierKind::Js,
            n: 100,
            agents: 25,
            seed: u32::MAX,
            steps: 32,
            drive_hz: 200.0,
            stdp: false,
            simd_off: true,
            debug: true,
            bench: Some(BenchSet::Quick),
            race: Some((RaceSide::one(TierKind::Simd), RaceSide::one(TierKind::Js))),
            sweep: true,
            forms: [None, Some(1), None, Some(0), Some(1)],
            weights: WeightStorage::Bf16,
            threads: 3,
        };
        assert!(s.is_valid());
        assert_eq!(
            s.to_query(),
            "?tier=js&n=100&agents=25&seed=4294967295&steps=32&drive=200&stdp=off&simd=off&debug=on&bench=quick&race=simd,js&sweep=on&variant=stdp:loop,block_sums:lanes,dense_batch:shuffle&weights=bf16&threads=3"
        );
        assert_eq!(Settings::from_query(&s.to_query()), (s, vec![]));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod round_trip {
    use super::*;
    use proptest::prelude::*;

    /// Any settings the validator can produce: every range, and n = agents × a neuron count
    /// per agent that fits both 4..=256 and 64..=the storage's max_n in all.
    fn valid_settings() -> impl Strategy<Value = Settings> {
        (
            prop::sample::select(TierKind::ALL.to_vec()),
            AGENTS_RANGE.0..=AGENTS_RANGE.1,
            any::<u32>(),
            any::<u32>(),
            STEPS_RANGE.0..=STEPS_RANGE.1,
            (DRIVE_RANGE.0 as u32)..=(DRIVE_RANGE.1 as u32),
            any::<(bool, bool, bool)>(),
            (
                prop::option::of(prop::sample::select(BenchSet::ALL.to_vec())),
                prop::option::of((0usize..4, 0usize..4, 1u32..=3, 1u32..=3)),
                any::<bool>(),
                prop::array::uniform5(prop::option::of(0u8..2)),
                prop::sample::select(WeightStorage::ALL.to_vec()),
                THREADS_RANGE.0..=THREADS_RANGE.1,
            ),
        )
            .prop_map(
                |(
                    tier,
                    agents,
                    pick,
                    seed,
                    steps,
                    drive,
                    (stdp, simd_off, debug),
                    (bench, race, sweep, forms, weights, threads),
                )| {
                    // Two different sides; the JS tier on one thread.
                    let side = |t: usize, k: u32| RaceSide {
                        tier: TierKind::ALL[t],
                        threads: if TierKind::ALL[t] == TierKind::Js {
                            1
                        } else {
                            k
                        },
                    };
                    let race = race
                        .map(|(a, b, ka, kb)| (side(a, ka), side(b, kb)))
                        .filter(|(a, b)| a != b);
                    let lo = PER_AGENT_RANGE.0.max(N_RANGE.0.div_ceil(agents));
                    let hi = PER_AGENT_RANGE.1.min(weights.max_n() / agents);
                    let per = lo + pick % (hi - lo + 1);
                    Settings {
                        tier,
                        n: per * agents,
                        agents,
                        seed,
                        steps,
                        drive_hz: drive as f32,
                        stdp,
                        simd_off,
                        debug,
                        bench,
                        race,
                        sweep,
                        forms,
                        weights,
                        threads,
                    }
                },
            )
    }

    const KEYS: [&str; 17] = [
        "tier", "n", "agents", "seed", "steps", "drive", "stdp", "simd", "debug", "bench", "race",
        "sweep", "color", "", "variant", "weights", "threads",
    ];
    const WORDS: [&str; 24] = [
        "on",
        "off",
        "yes",
        "no",
        "quick",
        "full",
        "js",
        "scalar",
        "simd",
        "relaxed",
        "gpu",
        "NaN",
        "inf",
        "-inf",
        "1e9",
        "-0",
        "simd,js",
        "js,js",
        "relaxed, scalar",
        "simd,gpu",
        "simd,simd:2",
        "relaxed:3,js",
        "bf16",
        "f32",
    ];

    fn garbage_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
        let key = prop_oneof![
            3 => prop::sample::select(KEYS.to_vec()).prop_map(String::from),
            1 => ".{0,8}",
        ];
        let value = prop_oneof![
            prop::sample::select(WORDS.to_vec()).prop_map(String::from),
            "-?[0-9]{0,12}(\\.[0-9]{0,4})?(e-?[0-9]{1,3})?",
            any::<f64>().prop_map(|f| f.to_string()),
            any::<u64>().prop_map(|u| u.to_string()),
            ".{0,16}",
            "[ %&=+#?]{0,6}",
        ];
        prop::collection::vec((key, value), 0..14)
    }

    fn reparse(s: &Settings) -> (Settings, Vec<String>) {
        let pairs = s.to_pairs();
        Settings::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn encode_then_parse_is_the_identity(s in valid_settings()) {
            prop_assert!(s.is_valid(), "{:?}", s);
            prop_assert_eq!(reparse(&s), (s.clone(), vec![]));
            prop_assert_eq!(Settings::from_query(&s.to_query()), (s, vec![]));
        }

        #[test]
        fn garbage_never_panics_and_what_it_gives_round_trips(pairs in garbage_pairs()) {
            let (s, _notes) = Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            prop_assert!(s.is_valid(), "{:?} from {:?}", s, pairs);
            prop_assert_eq!(reparse(&s), (s.clone(), vec![]));
            // parse → encode → parse → encode: the query is a fixed point after one round.
            let q = s.to_query();
            let (again, notes) = Settings::from_query(&q);
            prop_assert!(notes.is_empty(), "{:?}", notes);
            prop_assert_eq!(again.to_query(), q);
        }

        #[test]
        fn raw_query_strings_never_panic(q in "[?a-z0-9=&%#+. -]{0,60}") {
            let (s, _) = Settings::from_query(&q);
            prop_assert!(s.is_valid());
            prop_assert_eq!(Settings::from_query(&s.to_query()), (s, vec![]));
        }
    }
}
