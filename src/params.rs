//! Every setting the user can give (URL query, sliders, number fields) is validated here and
//! nowhere else. Bad values never crash the page: they are clamped or replaced by the default,
//! and each change comes back as a notice the page shows.
use crate::tier::TierKind;

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
        }
    }
}

pub const N_RANGE: (u32, u32) = (64, 4096);
pub const AGENTS_RANGE: (u32, u32) = (2, 256);
pub const STEPS_RANGE: (u32, u32) = (1, 32);
pub const DRIVE_RANGE: (f32, f32) = (0.0, 200.0);
/// Neurons per agent: the agent network's input width.
pub const PER_AGENT_RANGE: (u32, u32) = (4, 256);

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
                // Switches read elsewhere (debug and benchmark hooks).
                "debug" | "bench" => {}
                _ => notes.push(format!("unknown parameter {key:?} ignored")),
            }
        }
        s.fix_shape(&mut notes);
        (s, notes)
    }

    #[cfg_attr(not(test), allow(dead_code))]
    pub fn from_query(query: &str) -> (Settings, Vec<String>) {
        let q = query.strip_prefix('?').unwrap_or(query);
        let pairs: Vec<(&str, &str)> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        Settings::from_pairs(pairs)
    }

    /// Makes `n` a multiple of `agents` with 4..=256 neurons per agent and 64..=4096 in all;
    /// the agent count (already in 2..=256) is kept, `n` moves to the nearest shape that fits.
    pub fn fix_shape(&mut self, notes: &mut Vec<String>) {
        let a = self.agents;
        let mut per = (self.n / a).clamp(PER_AGENT_RANGE.0, PER_AGENT_RANGE.1);
        if per * a < N_RANGE.0 {
            per = N_RANGE.0.div_ceil(a);
        }
        if per * a > N_RANGE.1 {
            per = N_RANGE.1 / a;
        }
        let n = per * a;
        if n != self.n {
            notes.push(format!(
                "n={} does not split into {a} agents of {}..={} neurons within {}..={}; using n={n}",
                self.n, PER_AGENT_RANGE.0, PER_AGENT_RANGE.1, N_RANGE.0, N_RANGE.1
            ));
            self.n = n;
        }
    }

    pub fn per_agent(&self) -> u32 {
        self.n / self.agents
    }

    /// The query string that reproduces these settings (for the address bar and share links).
    pub fn to_query(&self) -> String {
        let mut q = format!(
            "?tier={}&n={}&agents={}&seed={}&steps={}&drive={}&stdp={}",
            self.tier.key(),
            self.n,
            self.agents,
            self.seed,
            self.steps,
            self.drive_hz as u32,
            if self.stdp { "on" } else { "off" }
        );
        if self.simd_off {
            q.push_str("&simd=off");
        }
        q
    }
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
        assert_eq!(notes.len(), 6, "{notes:?}");
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
    fn every_parsed_shape_is_valid() {
        for n in [0, 1, 63, 64, 100, 2047, 4096, 5000, u32::MAX] {
            for a in [0, 1, 2, 3, 7, 64, 255, 256, 1000] {
                let (s, _) = Settings::from_query(&format!("n={n}&agents={a}"));
                assert!(s.n % s.agents == 0, "{n} {a} -> {s:?}");
                assert!((N_RANGE.0..=N_RANGE.1).contains(&s.n), "{s:?}");
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
}
