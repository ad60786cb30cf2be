//! The headline: what one frame of *this* simulation costs in each tier, measured in this
//! page, and what SIMD buys over the fastest plain JS. A plain model: the controller feeds it
//! timed frames (`record`), the headline view shows `summary()`.
pub mod view;
use crate::tiers::tier::TierKind;
use crate::util::fmt::fmt_ms;
use crate::util::stats::{quantile, sorted_finite};

/// Frames timed per tier before the figure is shown, after the warm-up.
pub const SAMPLES: usize = 7;
/// Frames run and thrown away first, so every engine has tiered the code up.
pub const WARMUP: usize = 3;

/// The median and the spread (quartiles, min–max) of one tier's timed frames, ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    pub median_ms: f64,
    pub p25_ms: f64,
    pub p75_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    pub samples: usize,
}

impl Timing {
    pub fn of(samples: &[f64]) -> Option<Timing> {
        let s = sorted_finite(samples);
        if s.is_empty() {
            return None;
        }
        Some(Timing {
            median_ms: quantile(&s, 0.5),
            p25_ms: quantile(&s, 0.25),
            p75_ms: quantile(&s, 0.75),
            min_ms: s[0],
            max_ms: s[s.len() - 1],
            samples: s.len(),
        })
    }
}

/// What the headline shows: per tier its timing (in tier order), the shape that was
/// measured, and whether the measurement is still going.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Headline {
    pub tiers: Vec<(TierKind, Timing)>,
    /// N, agents and simulation steps per frame of the measured run.
    pub shape: (u32, u32, u32),
    /// `Some((done, total))` while tiers are being measured.
    pub measuring: Option<(usize, usize)>,
    /// The running tier and its threads when the run is on k ≥ 2 threads: that tier's frames
    /// are its threads' time; every other tier times a copy of the run's start on one thread.
    pub threads: Option<(TierKind, u32)>,
}

impl Headline {
    pub fn timing(&self, kind: TierKind) -> Option<Timing> {
        self.tiers.iter().find(|(k, _)| *k == kind).map(|(_, t)| *t)
    }

    /// The comparison the page leads with: the fastest SIMD tier against JS; where no SIMD
    /// tier runs (an old engine, `?simd=off`), the fallback's own story: scalar wasm against JS.
    /// `(fast tier, slow tier, ratio of medians, ratio range from the interquartile ranges)`.
    /// While tiers are still being measured, only a SIMD tier leads: a scalar-vs-JS figure
    /// shown before the SIMD tiers are timed would tell the wrong story.
    pub fn lead(&self) -> Option<(TierKind, TierKind, f64, (f64, f64))> {
        let js = self.timing(TierKind::Js)?;
        let simd_timed = [TierKind::Relaxed, TierKind::Simd]
            .into_iter()
            .any(|k| self.timing(k).is_some());
        if self.measuring.is_some() && !simd_timed {
            return None;
        }
        // Any SIMD tier leads over scalar; between the SIMD tiers, the faster one.
        let simd = [TierKind::Relaxed, TierKind::Simd]
            .into_iter()
            .filter_map(|k| self.timing(k).map(|t| (k, t)))
            .min_by(|a, b| a.1.median_ms.total_cmp(&b.1.median_ms));
        let fast = simd.or_else(|| self.timing(TierKind::Scalar).map(|t| (TierKind::Scalar, t)))?;
        let (kind, t) = fast;
        if t.median_ms <= 0.0 || t.p25_ms <= 0.0 {
            return None;
        }
        Some((
            kind,
            TierKind::Js,
            js.median_ms / t.median_ms,
            (js.p25_ms / t.p75_ms, js.p75_ms / t.p25_ms),
        ))
    }

    /// One line for a screen reader and for the page's title attribute.
    pub fn sentence(&self) -> String {
        let per_tier: Vec<String> = TierKind::ALL
            .into_iter()
            .filter_map(|k| {
                self.timing(k)
                    .map(|t| format!("{} {}", short(k), fmt_ms(t.median_ms)))
            })
            .collect();
        let (n, agents, steps) = self.shape;
        let mut s = format!(
            "{} per frame of this simulation (N = {n}, {agents} agents, {steps} steps{})",
            per_tier.join(" · "),
            match self.threads {
                Some((kind, k)) => format!("; {} on {k} threads", short(kind)),
                None => String::new(),
            }
        );
        if let Some((fast, slow, r, (lo, hi))) = self.lead() {
            s.push_str(&format!(
                " → {} is {r:.1}× {} (median of {SAMPLES}; {lo:.1}–{hi:.1}× between the quartiles)",
                short(fast),
                short(slow)
            ));
        }
        s
    }
}

/// The tier's name in the headline.
pub fn short(k: TierKind) -> &'static str {
    match k {
        TierKind::Js => "JS",
        TierKind::Scalar => "scalar",
        TierKind::Simd => "SIMD",
        TierKind::Relaxed => "relaxed SIMD",
    }
}

/// The measurement in progress: which tiers are left, and the frames timed so far.
#[derive(Debug)]
pub struct Probe {
    pub queue: Vec<TierKind>,
    pub samples: Vec<f64>,
    pub warmup_left: usize,
    pub result: Headline,
    pub total: usize,
}

impl Probe {
    /// Measures `tiers` (in this order) for a run of this shape.
    pub fn new(tiers: Vec<TierKind>, shape: (u32, u32, u32)) -> Probe {
        let total = tiers.len();
        let mut queue = tiers;
        queue.reverse();
        Probe {
            queue,
            samples: Vec::new(),
            warmup_left: WARMUP,
            result: Headline {
                tiers: Vec::new(),
                shape,
                measuring: Some((0, total)),
                threads: None,
            },
            total,
        }
    }

    /// The tier being measured now.
    pub fn current(&self) -> Option<TierKind> {
        self.queue.last().copied()
    }

    /// One timed frame of the current tier; `None` for a frame that failed (the tier is
    /// dropped from the headline). Returns whether the whole probe is done.
    pub fn record(&mut self, ms: Option<f64>) -> bool {
        let Some(kind) = self.current() else {
            return true;
        };
        match ms {
            None => self.next(None),
            Some(_) if self.warmup_left > 0 => self.warmup_left -= 1,
            Some(ms) => {
                self.samples.push(ms);
                if self.samples.len() >= SAMPLES {
                    let t = Timing::of(&self.samples);
                    self.next(t.map(|t| (kind, t)));
                }
            }
        }
        self.queue.is_empty()
    }

    fn next(&mut self, done: Option<(TierKind, Timing)>) {
        self.queue.pop();
        if let Some(d) = done {
            self.result.tiers.push(d);
            self.result
                .tiers
                .sort_by_key(|(k, _)| TierKind::ALL.iter().position(|x| x == k));
        }
        self.samples.clear();
        self.warmup_left = WARMUP;
        self.result.measuring =
            (!self.queue.is_empty()).then(|| (self.total - self.queue.len(), self.total));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A timing whose quartiles are `lo` and `hi` (min and max a little beyond).
    fn t(median: f64, lo: f64, hi: f64) -> Timing {
        Timing {
            median_ms: median,
            p25_ms: lo,
            p75_ms: hi,
            min_ms: lo * 0.9,
            max_ms: hi * 1.1,
            samples: SAMPLES,
        }
    }

    #[test]
    fn timing_is_the_median_and_the_range_of_finite_samples() {
        let x = Timing::of(&[5.0, 1.0, f64::NAN, 3.0, 9.0]).expect("finite samples");
        assert_eq!(
            (x.median_ms, x.min_ms, x.max_ms, x.samples),
            (4.0, 1.0, 9.0, 4)
        );
        assert_eq!(Timing::of(&[]), None);
        assert_eq!(Timing::of(&[f64::INFINITY]), None);
    }

    #[test]
    fn the_lead_is_the_fastest_simd_tier_against_js_with_the_spread() {
        let h = Headline {
            tiers: vec![
                (TierKind::Js, t(30.0, 28.0, 33.0)),
                (TierKind::Scalar, t(12.0, 11.0, 13.0)),
                (TierKind::Simd, t(5.0, 4.0, 6.0)),
                (TierKind::Relaxed, t(6.0, 5.5, 7.0)),
            ],
            shape: (1024, 16, 10),
            measuring: None,
            threads: None,
        };
        let (fast, slow, r, (lo, hi)) = h.lead().expect("a lead");
        assert_eq!((fast, slow), (TierKind::Simd, TierKind::Js));
        assert!((r - 6.0).abs() < 1e-12);
        assert!((lo - 28.0 / 6.0).abs() < 1e-12 && (hi - 33.0 / 4.0).abs() < 1e-12);
        let s = h.sentence();
        assert!(s.contains("SIMD 5.0 ms") && s.contains("JS 30 ms"), "{s}");
        assert!(s.contains("SIMD is 6.0× JS"), "{s}");
    }

    #[test]
    fn without_simd_the_fallback_tells_its_own_story() {
        let h = Headline {
            tiers: vec![
                (TierKind::Js, t(30.0, 28.0, 33.0)),
                (TierKind::Scalar, t(15.0, 14.0, 16.0)),
            ],
            ..Headline::default()
        };
        let (fast, _, r, _) = h.lead().expect("scalar vs JS");
        assert_eq!(fast, TierKind::Scalar);
        assert!((r - 2.0).abs() < 1e-12);
        // A slower SIMD tier still leads: the question is what SIMD buys, not which is fastest.
        let mut h2 = h.clone();
        h2.tiers.push((TierKind::Simd, t(20.0, 19.0, 21.0)));
        assert_eq!(h2.lead().map(|l| l.0), Some(TierKind::Simd));
        assert_eq!(
            Headline::default().lead(),
            None,
            "no JS figure, no comparison"
        );
    }

    #[test]
    fn a_probe_warms_up_then_times_each_tier_in_turn() {
        let mut p = Probe::new(vec![TierKind::Js, TierKind::Simd], (256, 4, 10));
        assert_eq!(p.current(), Some(TierKind::Js));
        for _ in 0..WARMUP {
            assert!(!p.record(Some(1000.0)), "warm-up frames are not kept");
        }
        for i in 0..SAMPLES {
            assert!(!p.record(Some(10.0 + i as f64)));
        }
        assert_eq!(p.current(), Some(TierKind::Simd));
        assert_eq!(p.result.measuring, Some((1, 2)));
        assert_eq!(
            p.result.timing(TierKind::Js).map(|t| t.median_ms),
            Some(13.0)
        );
        // A tier whose frame fails is dropped, and the probe ends.
        assert!(p.record(None));
        assert_eq!(p.result.timing(TierKind::Simd), None);
        assert_eq!(p.result.measuring, None);
    }
}
