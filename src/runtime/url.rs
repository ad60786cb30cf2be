//! The address bar: settings in, settings out, so a demo state is a link. Every parameter goes
//! through the one validator (`Settings::from_pairs`), `debug` and `bench` included, and the
//! address bar is rewritten from `Settings::to_query` of [`running_settings`] alone: what the
//! page runs is what its URL says.
use crate::runtime::params::{RaceSide, Settings};
use crate::tiers::tier::TierKind;
use crate::util::browser::window;
use wasm_bindgen::JsValue;

/// The settings that describe what runs now — the one source of the address bar and of the
/// controls (`Controller::tick` derives them after every frame and shows them when they
/// change). `main`: the main simulation's settings; `active`: the tier it runs in, after any
/// fallback (`?tier=relaxed&simd=off` runs scalar, so the URL says scalar); `race`: the race
/// running now, its pair and the settings it was started with.
///
/// Contract: loading the page from the answer's query runs the same thing. While a race runs,
/// its run (N, agents, seed, drive, STDP: [`Settings::same_run`]) is the one written, so a
/// reload races the same network and shows the same spike hashes at the same checkpoints;
/// `race` is written exactly while a race runs, whatever the page was opened with.
pub fn running_settings(
    main: &Settings,
    active: TierKind,
    race: Option<((RaceSide, RaceSide), &Settings)>,
) -> Settings {
    let mut s = match race {
        Some((_, raced)) => main.with_run_of(raced),
        None => main.clone(),
    };
    s.tier = active;
    s.race = race.map(|(pair, _)| pair);
    s
}

/// The URL query as decoded pairs.
pub fn url_pairs() -> Vec<(String, String)> {
    let search = window().location().search().unwrap_or_default();
    let mut out = Vec::new();
    if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) {
        if let Ok(Some(iter)) = js_sys::try_iter(&params) {
            for entry in iter.flatten() {
                let pair = js_sys::Array::from(&entry);
                out.push((
                    pair.get(0).as_string().unwrap_or_default(),
                    pair.get(1).as_string().unwrap_or_default(),
                ));
            }
        }
    }
    out
}

/// The address bar through the validator: the settings and one notice per changed value.
pub fn url_settings() -> (Settings, Vec<String>) {
    let pairs = url_pairs();
    Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// Keeps the address bar in step with the settings, so a demo state can be shared by link.
/// The query is `s.to_query()` and nothing else (every setting, `debug` and `bench` included,
/// is in `Settings`); the `#fragment` is kept.
pub fn write_url(s: &Settings) {
    let hash = window().location().hash().unwrap_or_default();
    let url = format!("{}{hash}", s.to_query());
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Settings {
        let (s, notes) = Settings::from_query(q);
        assert!(notes.is_empty(), "{q}: {notes:?}");
        s
    }

    #[test]
    fn the_tier_written_is_the_one_that_runs() {
        // `?tier=relaxed&simd=off` falls back to scalar; every later write says scalar, and a
        // setting changed afterwards (STDP, steps) does not bring the wish back.
        let main = parse("tier=relaxed&simd=off&n=512&agents=16");
        for changed in [
            main.clone(),
            Settings {
                stdp: false,
                ..main.clone()
            },
            Settings {
                steps: 9,
                ..main.clone()
            },
        ] {
            let s = running_settings(&changed, TierKind::Scalar, None);
            assert_eq!(s.tier, TierKind::Scalar);
            assert!(
                s.to_query().starts_with("?tier=scalar&"),
                "{}",
                s.to_query()
            );
            assert!(s.simd_off, "the fallback is still forced");
            assert_eq!(
                Settings::from_query(&s.to_query()).0,
                s,
                "a reload runs the same"
            );
        }
    }

    #[test]
    fn race_is_written_exactly_while_one_runs() {
        // `?race=simd,js&simd=off`: the race cannot start, so neither it nor the wished tier
        // is written.
        let main = parse("race=simd,js&simd=off&tier=simd");
        let s = running_settings(&main, TierKind::Scalar, None);
        assert_eq!((s.tier, s.race), (TierKind::Scalar, None));
        assert!(!s.to_query().contains("race="), "{}", s.to_query());

        let pair = (RaceSide::one(TierKind::Scalar), RaceSide::one(TierKind::Js));
        let s = running_settings(&main, TierKind::Scalar, Some((pair, &main)));
        assert_eq!(s.race, Some(pair));
        assert!(
            s.to_query().ends_with("&race=scalar,js"),
            "{}",
            s.to_query()
        );
    }

    #[test]
    fn while_a_race_runs_the_url_is_its_run() {
        let raced = parse("n=2048&seed=7&drive=30&stdp=on");
        // The main simulation's settings moved on (another N, seed, drive, STDP, steps).
        let main = parse("n=1024&seed=99&drive=50&stdp=off&steps=9&debug=on");
        let pair = (
            RaceSide::one(TierKind::Simd),
            RaceSide {
                tier: TierKind::Simd,
                threads: 2,
            },
        );
        let s = running_settings(&main, TierKind::Simd, Some((pair, &raced)));
        assert!(s.same_run(&raced), "{s:?}");
        assert_eq!((s.n, s.seed, s.drive_hz, s.stdp), (2048, 7, 30.0, true));
        // What does not change the race's spikes stays the page's.
        assert_eq!((s.steps, s.debug), (9, true));
        let reloaded = Settings::from_query(&s.to_query()).0;
        assert!(reloaded.same_run(&raced) && reloaded.race == Some(pair));
        // Once it stops, the main simulation's settings are written again.
        let after = running_settings(&main, TierKind::Simd, None);
        assert_eq!((after.n, after.seed, after.race), (1024, 99, None));
    }
}
