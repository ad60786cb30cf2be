//! Kernel forms (kernels/ABI.md "Kernel forms"; issue 28 part 3): which form — `lanes` (the
//! SIMD source) or `loop` (the plain loop) — each SIMD module of this page runs LIF, STDP,
//! efficiency and block sums in. The fastest differs by CPU and engine, so at load a worker
//! times both forms of each kernel in its own copies of the modules (`calibrate` in
//! kernels/js/bench/bench.js, at most 150 ms in all, off the frame loop) and the page selects
//! the winners in its own instances; `?variant=stdp:loop` selects a form without timing it, for
//! comparing by hand. The model (`FormsState`) is plain; `calibrate` is the worker I/O.
use crate::runtime::params::Settings;
use crate::tiers::tier::TierKind;
use crate::util::worker::{self, WorkerEvent, WorkerSlot};
use sasi_kernels::dispatch::{form_index, form_name, VARIANTS, VARIANT_KERNELS};
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// One kernel's choice, as the calibration reports it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct FormChoice {
    /// "lanes" or "loop".
    pub form: String,
    /// "timing" (the faster form), "tie" (within the tie, the module's own form), "override"
    /// (the URL's), "budget" (not timed: the calibration ran out of its time).
    pub by: String,
    /// The slower form's median over the faster one's (timed choices only).
    #[serde(default)]
    pub ratio: Option<f64>,
}

/// What the calibration worker posts (bench-protocol.js).
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CalibrationMsg {
    Ready,
    /// Which modules loaded (the calibration reports the ones it could not load by omission).
    Tiers {},
    Calibrated {
        forms: BTreeMap<TierKind, BTreeMap<String, FormChoice>>,
        elapsed_ms: f64,
    },
    Error {
        message: String,
    },
}

/// The calibration's outcome: per tier, kernel → choice, and its time.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibrated {
    pub forms: BTreeMap<TierKind, BTreeMap<String, FormChoice>>,
    pub elapsed_ms: f64,
}

/// The forms on the page: what was chosen, and what the page's own module instances report
/// running (read back from them with `variant_form`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormsState {
    pub chosen: BTreeMap<TierKind, BTreeMap<String, FormChoice>>,
    /// Per tier, the form index of each kernel (`VARIANT_KERNELS` order) its instance runs.
    pub running: BTreeMap<TierKind, [u32; VARIANTS]>,
    pub elapsed_ms: Option<f64>,
    /// Why there is no choice (the calibration failed), or that it is under way.
    pub note: Option<String>,
}

impl FormsState {
    pub fn calibrating() -> FormsState {
        FormsState {
            note: Some("calibrating…".into()),
            ..FormsState::default()
        }
    }

    /// Per tier, the forms to select (`VARIANT_KERNELS` order): each choice's form.
    pub fn selections(&self) -> BTreeMap<TierKind, [Option<u32>; VARIANTS]> {
        self.chosen
            .iter()
            .map(|(k, m)| {
                let mut sel = [None; VARIANTS];
                for (i, kernel) in VARIANT_KERNELS.iter().enumerate() {
                    sel[i] = m
                        .get(*kernel)
                        .and_then(|c| form_index(i, &c.form))
                        .map(|f| f as u32);
                }
                (*k, sel)
            })
            .collect()
    }

    /// One line per tier for the panel: "WASM SIMD128: LIF lanes (2.4× faster), STDP loop
    /// (1.7×), efficiency lanes (tie), block sums lanes (not timed)".
    pub fn describe(&self) -> Vec<String> {
        self.running
            .iter()
            .map(|(k, forms)| {
                let parts: Vec<String> = VARIANT_KERNELS
                    .iter()
                    .zip(forms)
                    .enumerate()
                    .map(|(i, (kernel, f))| {
                        let name = form_name(i, *f as usize).unwrap_or("?");
                        let why = match self.chosen.get(k).and_then(|m| m.get(*kernel)) {
                            Some(c) => match (c.by.as_str(), c.ratio) {
                                ("timing", Some(r)) => format!(" ({r:.2}× faster)"),
                                ("tie", _) => " (tie: the module's own)".into(),
                                ("override", _) => " (from the URL)".into(),
                                ("budget", _) => " (not timed: over the time budget)".into(),
                                _ => String::new(),
                            },
                            None => " (not calibrated)".into(),
                        };
                        format!("{kernel} {name}{why}")
                    })
                    .collect();
                format!("{}: {}", k.label(), parts.join(", "))
            })
            .collect()
    }

    /// The forms for a benchmark run (`RunRequest::forms`): tier → kernel → form name, as the
    /// page's instances run them, so the rows measure what the page runs.
    pub fn for_request(&self) -> BTreeMap<TierKind, BTreeMap<String, String>> {
        self.running
            .iter()
            .map(|(k, forms)| {
                let m = VARIANT_KERNELS
                    .iter()
                    .zip(forms)
                    .enumerate()
                    .filter_map(|(i, (kernel, f))| {
                        Some((kernel.to_string(), form_name(i, *f as usize)?.to_string()))
                    })
                    .collect();
                (*k, m)
            })
            .collect()
    }
}

thread_local! {
    /// The calibration's worker while it runs.
    static WORKER: WorkerSlot<CalibrationMsg> = const { WorkerSlot::new() };
    /// What the page's instances run, once selected (read by the benchmark's requests).
    static RUNNING: RefCell<BTreeMap<TierKind, BTreeMap<String, String>>> = const { RefCell::new(BTreeMap::new()) };
}

/// Remembers what the page's instances run, for the benchmark's requests.
pub fn set_running(state: &FormsState) {
    RUNNING.with(|r| *r.borrow_mut() = state.for_request());
}

/// What the page's instances run (empty before the calibration), for a benchmark request.
pub fn running() -> BTreeMap<TierKind, BTreeMap<String, String>> {
    RUNNING.with(|r| r.borrow().clone())
}

/// The calibration request: the SIMD modules (and the scalar one, whose model set-up builds
/// the app's network), and the URL's forms.
fn request(settings: &Settings) -> serde_json::Value {
    let mut modules = serde_json::Map::new();
    modules.insert("scalar".into(), TierKind::Scalar.url().into());
    if !settings.simd_off {
        for k in [TierKind::Simd, TierKind::Relaxed] {
            modules.insert(k.key().into(), k.url().into());
        }
    }
    let all: serde_json::Map<String, serde_json::Value> = VARIANT_KERNELS
        .iter()
        .zip(settings.forms)
        .enumerate()
        .filter_map(|(i, (kernel, f))| {
            Some((
                kernel.to_string(),
                form_name(i, usize::from(f?))?.to_string().into(),
            ))
        })
        .collect();
    serde_json::json!({ "type": "calibrate", "modules": modules, "overrides": { "all": all } })
}

/// What hears the calibration's outcome, once.
type OnCalibrated = Box<dyn FnOnce(Result<Calibrated, String>)>;

/// Starts the calibration; `on_done` gets its outcome once (its picks, or why there are none).
pub fn calibrate(settings: &Settings, on_done: impl FnOnce(Result<Calibrated, String>) + 'static) {
    let done: Rc<RefCell<Option<OnCalibrated>>> = Rc::new(RefCell::new(Some(Box::new(on_done))));
    let finish = {
        let done = Rc::clone(&done);
        move |r: Result<Calibrated, String>| {
            WORKER.with(WorkerSlot::stop);
            let f = done.borrow_mut().take();
            if let Some(f) = f {
                f(r);
            }
        }
    };
    let started = worker::to_js(&request(settings)).and_then(|request| {
        WORKER.with(|slot| {
            slot.start(
                "js/bench/bench-worker.js",
                "the calibration worker",
                &request,
                move |ev| match ev {
                    WorkerEvent::Message(CalibrationMsg::Calibrated { forms, elapsed_ms }) => {
                        finish(Ok(Calibrated { forms, elapsed_ms }))
                    }
                    WorkerEvent::Message(CalibrationMsg::Error { message }) => finish(Err(message)),
                    WorkerEvent::Message(_) => {}
                    WorkerEvent::Failed(why) => finish(Err(why)),
                },
            )
        })
    });
    if let Err(e) = started {
        let f = done.borrow_mut().take();
        if let Some(f) = f {
            f(Err(e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(form: &str, by: &str, ratio: Option<f64>) -> FormChoice {
        FormChoice {
            form: form.into(),
            by: by.into(),
            ratio,
        }
    }

    #[test]
    fn the_worker_s_picks_become_selections_and_a_description_of_what_runs() {
        let msg: CalibrationMsg = serde_json::from_str(
            r#"{"type":"calibrated","elapsed_ms":120.5,"forms":{"simd":{"lif_step":{"form":"lanes","by":"timing","ratio":2.4},"stdp":{"form":"loop","by":"timing","ratio":1.7},"efficiency":{"form":"lanes","by":"tie","ratio":1.02},"block_sums":{"form":"loop","by":"override"},"dense_batch":{"form":"shuffle","by":"timing","ratio":1.6}}}}"#,
        )
        .expect("a calibrated message");
        let CalibrationMsg::Calibrated { forms, elapsed_ms } = msg else {
            panic!("calibrated")
        };
        let st = FormsState {
            chosen: forms,
            running: [(TierKind::Simd, [0, 1, 0, 1, 1])].into_iter().collect(),
            elapsed_ms: Some(elapsed_ms),
            note: None,
        };
        assert_eq!(
            st.selections()[&TierKind::Simd],
            [Some(0), Some(1), Some(0), Some(1), Some(1)]
        );
        assert_eq!(
            st.describe(),
            ["WASM SIMD128: lif_step lanes (2.40× faster), stdp loop (1.70× faster), efficiency lanes (tie: the module's own), block_sums loop (from the URL), dense_batch shuffle (1.60× faster)"]
        );
        assert_eq!(st.for_request()[&TierKind::Simd]["stdp"], "loop");
        assert_eq!(st.for_request()[&TierKind::Simd]["dense_batch"], "shuffle");
        assert_eq!(choice("loop", "timing", None).form, "loop");
    }

    #[test]
    fn the_request_names_the_modules_and_the_url_s_forms() {
        let s = Settings {
            forms: [None, Some(1), None, None, Some(1)],
            ..Settings::default()
        };
        let r = request(&s);
        assert_eq!(r["type"], "calibrate");
        assert_eq!(
            r["overrides"]["all"],
            serde_json::json!({"stdp": "loop", "dense_batch": "shuffle"})
        );
        assert!(r["modules"]["simd"].is_string() && r["modules"]["scalar"].is_string());
        let off = request(&Settings {
            simd_off: true,
            ..Settings::default()
        });
        assert!(
            off["modules"].get("simd").is_none(),
            "?simd=off: no SIMD module to calibrate"
        );
    }
}
