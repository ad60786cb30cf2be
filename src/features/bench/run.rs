//! The page's benchmark run: its state (`BenchState`, a plain model the bench panel shows) and
//! the one benchmark worker that measures it (`BenchWorker`, through `worker.rs`), started by
//! the panel's buttons or by `?bench=` (the driver). The main thread keeps animating while the
//! worker measures. The panel only binds: it reads the state and calls `start` and `cancel`.
use crate::features::bench::{
    self, BenchRow, BenchSource, Ceilings, RunRequest, ThreadScaling, TierLoad, WorkerMsg,
};
use crate::features::targets::Measured;
use crate::tiers::tier::TierKind;
use crate::util::worker::{self, WorkerEvent, WorkerSlot};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BenchState {
    pub running: bool,
    pub progress: Option<(String, u32, u32)>,
    pub rows: Vec<BenchRow>,
    pub tiers: BTreeMap<TierKind, TierLoad>,
    pub env: serde_json::Value,
    pub set: String,
    pub message: Option<String>,
    pub finished: bool,
    /// The set and the animation state of this run (recorded when it starts).
    pub source: Option<BenchSource>,
    /// Wasm memory the benchmark worker holds now (0 when no worker is running).
    pub worker_memory: f64,
    pub worker_modules: BTreeMap<String, f64>,
    /// This engine's ceilings, measured by the worker before the cases.
    pub ceilings: Option<Ceilings>,
    /// The kernel forms each wasm tier ran (as the worker reports them).
    pub forms: serde_json::Value,
    /// The thread scaling measured after the cases (issue 29), or why not.
    pub thread_scaling: Option<ThreadScaling>,
}

impl BenchState {
    /// The roofline's reading of this run for the sweep and the headline
    /// (`roofline::live_reading`); `None` before a run has measured ceilings and rows.
    pub fn live_reading(&self) -> Option<String> {
        let c = self.ceilings.as_ref()?;
        super::roofline::model(&self.rows, c).and_then(|m| super::roofline::live_reading(&m))
    }

    /// A run of `set` that has just been asked for; `animating`: whether the animation plays
    /// (and is visible) as it starts. The worker memory figures carry over from `before` until
    /// the new worker reports its own.
    pub fn starting(set: &str, animating: bool, before: &BenchState) -> BenchState {
        BenchState {
            running: true,
            set: set.to_string(),
            message: Some("starting…".into()),
            source: Some(BenchSource {
                set: set.to_string(),
                animation_at_start: animating,
                animation_changed: false,
            }),
            worker_memory: before.worker_memory,
            worker_modules: before.worker_modules.clone(),
            ..BenchState::default()
        }
    }

    /// The run as the JSON the page exports ("Download JSON"): environment, set, source,
    /// tiers, the medians per kernel and size, and every row.
    pub fn to_json(&self) -> String {
        let lines = bench::group(&self.rows);
        let results: Vec<serde_json::Value> = lines
            .iter()
            .map(|l| {
                let med: serde_json::Map<String, serde_json::Value> = bench::TIERS
                    .iter()
                    .map(|t| {
                        (
                            t.to_string(),
                            l.median(t)
                                .map(serde_json::Value::from)
                                .unwrap_or(serde_json::Value::Null),
                        )
                    })
                    .collect();
                // Per tier, by the counting rule (kernels/ABI.md): bytes and flops over the median.
                let achieved: serde_json::Map<String, serde_json::Value> = l
                    .by_tier
                    .iter()
                    .map(|(t, r)| (t.clone(), bench::achieved(r)))
                    .collect();
                serde_json::json!({"kernel": l.kernel, "size": l.size, "median_ns": med, "achieved": achieved})
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "env": self.env, "set": self.set, "source": self.source,
            "source_text": self.source.as_ref().map(BenchSource::describe),
            "tiers": self.tiers, "ceilings": self.ceilings, "forms": self.forms, "thread_scaling": self.thread_scaling,
            "results": results, "rows": self.rows,
        }))
        .unwrap_or_default()
    }

    /// Ends the run without results, saying why; the worker's memory is freed with it.
    pub fn fail(&mut self, why: String) {
        self.worker_memory = 0.0;
        self.running = false;
        self.progress = None;
        self.message = Some(why);
    }

    /// Applies one worker message; `true` when the run is over (the worker can go).
    pub fn apply(&mut self, msg: WorkerMsg) -> bool {
        match msg {
            WorkerMsg::Ready => false,
            WorkerMsg::Tiers { status } => {
                self.tiers = status;
                false
            }
            WorkerMsg::Progress {
                kernel,
                size,
                tier,
                done,
                total,
            } => {
                self.progress = Some((format!("{kernel} {size} · {tier}"), done, total));
                false
            }
            WorkerMsg::Row { row } => {
                self.rows.push(*row);
                false
            }
            WorkerMsg::Memory { bytes, modules } => {
                self.worker_memory = bytes;
                self.worker_modules = modules;
                false
            }
            WorkerMsg::Ceilings { ceilings } => {
                self.ceilings = Some(*ceilings);
                false
            }
            WorkerMsg::Done {
                rows,
                env,
                ceilings,
                forms,
                thread_scaling,
                ..
            } => {
                self.thread_scaling = thread_scaling;
                if let Some(c) = ceilings {
                    self.ceilings = Some(*c);
                }
                self.forms = forms;
                // The worker is stopped when the run is over: its memories are freed, so the
                // page no longer holds them.
                self.worker_memory = 0.0;
                self.rows = rows;
                self.env = env;
                self.running = false;
                self.finished = true;
                self.progress = None;
                self.message = Some("finished".into());
                true
            }
            WorkerMsg::Cancelled => {
                self.fail("cancelled".into());
                true
            }
            WorkerMsg::Error { message } => {
                self.fail(format!("benchmark failed: {message}"));
                true
            }
        }
    }
}

thread_local! {
    /// The running benchmark worker, if any.
    static WORKER: WorkerSlot<WorkerMsg> = const { WorkerSlot::new() };
}

/// Handle to the one benchmark worker of the page.
#[derive(Clone, Copy, Default)]
pub struct BenchWorker;

impl BenchWorker {
    /// Starts a run of `set` (a run before it stops); `playing`: whether the animation plays
    /// as it starts; `threads`: the thread scaling after the cases too. Progress and rows go
    /// to `state`; a finished run's SIMD-vs-JS figures to `measured`. A worker that cannot be
    /// started ends the run in `state`, with the reason: the state is the one place a run's
    /// outcome is told.
    pub fn start(
        &self,
        set: &str,
        simd_off: bool,
        playing: bool,
        threads: bool,
        state: RwSignal<BenchState>,
        measured: RwSignal<Measured>,
    ) {
        self.stop();
        // The forms the page's modules run, so the rows measure what the page runs. The thread
        // scaling after the cases only when the page runs on threads (the caller says): with
        // it after every run, two of three full e2e runs last round had the page's benchmark
        // not finish in Firefox or WebKitGTK (cause not found; `make bench` always measures it).
        let run = RunRequest {
            forms: crate::tiers::forms::running(),
            threads,
            ..RunRequest::new(set, simd_off)
        };
        let request = match worker::to_js(&run) {
            Ok(r) => r,
            Err(e) => return state.update(|s| s.fail(format!("benchmark failed: {e}"))),
        };
        let on_event = move |ev: WorkerEvent<WorkerMsg>| {
            let msg = match ev {
                WorkerEvent::Message(msg) => msg,
                WorkerEvent::Failed(why) => {
                    state.update(|s| s.fail(format!("benchmark failed: {why}; Run tries again")));
                    return;
                }
            };
            if let WorkerMsg::Done { rows, .. } = &msg {
                let sample = bench::simd_vs_js(&bench::group(rows));
                let source = state.with_untracked(|s| s.source.clone());
                measured.update(|m| {
                    m.simd_vs_js = sample.ratios;
                    m.simd_vs_js_ranges = sample.ranges;
                    m.simd_vs_js_excluded = sample.excluded;
                    m.bench_source = source;
                });
            }
            let mut over = false;
            state.update(|s| over = s.apply(msg));
            if over {
                WORKER.with(WorkerSlot::stop);
            }
        };
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .map(|d| d.hidden())
            .unwrap_or(false);
        state.update(|s| *s = BenchState::starting(set, playing && !hidden, s));
        let started = WORKER.with(|slot| {
            slot.start(
                "js/bench/bench-worker.js",
                "the benchmark worker",
                &request,
                on_event,
            )
        });
        // A worker that cannot even be constructed ends the run here, not "starting…" for good.
        if let Err(e) = started {
            state.update(|s| s.fail(format!("benchmark failed: {e}; Run tries again")));
        }
    }

    /// Cancels the run: a worker that has started is asked to stop between cases (it answers
    /// `cancelled`); one that has not cannot hear it and is stopped here.
    pub fn cancel(&self, state: RwSignal<BenchState>) {
        match WORKER.with(WorkerSlot::running) {
            Some(w) if w.heard() => {
                let msg = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&msg, &"type".into(), &"cancel".into());
                w.post(&msg);
            }
            _ => {
                self.stop();
                state.update(|s| s.fail("cancelled".into()));
            }
        }
    }

    /// Stops the worker, if any; it reports nothing more.
    pub fn stop(&self) {
        WORKER.with(WorkerSlot::stop);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tier: &str) -> BenchRow {
        BenchRow {
            kernel: "dense".into(),
            size: "256x256".into(),
            tier: tier.into(),
            median_ns: Some(1000.0),
            ..BenchRow::default()
        }
    }

    #[test]
    fn a_run_goes_from_starting_to_finished() {
        let before = BenchState {
            worker_memory: 5.0,
            ..BenchState::default()
        };
        let mut s = BenchState::starting("quick", true, &before);
        assert!(s.running && s.source.as_ref().is_some_and(|src| src.animation_at_start));
        assert_eq!(
            s.worker_memory, 5.0,
            "carried over until the worker reports"
        );
        assert!(!s.apply(WorkerMsg::Ready));
        assert!(!s.apply(WorkerMsg::Progress {
            kernel: "dense".into(),
            size: "256x256".into(),
            tier: "simd".into(),
            done: 1,
            total: 4,
        }));
        assert_eq!(s.progress, Some(("dense 256x256 · simd".into(), 1, 4)));
        assert!(!s.apply(WorkerMsg::Row {
            row: Box::new(row("js"))
        }));
        assert_eq!(s.rows.len(), 1);
        assert!(s.apply(WorkerMsg::Done {
            rows: vec![row("js"), row("simd")],
            env: serde_json::Value::Null,
            memory_bytes: None,
            ceilings: None,
            forms: serde_json::json!({"simd": {"stdp": {"form": "loop", "by": "timing"}}}),
            thread_scaling: Some(crate::features::bench::ThreadScaling {
                error: Some("not cross-origin isolated: no SharedArrayBuffer".into()),
                ..Default::default()
            }),
        }));
        assert!(!s.running && s.finished && s.progress.is_none());
        assert_eq!((s.rows.len(), s.worker_memory), (2, 0.0));
        // The forms the rows ran with are kept and exported.
        let json: serde_json::Value = serde_json::from_str(&s.to_json()).expect("json");
        assert_eq!(json["forms"]["simd"]["stdp"]["form"], "loop");
        // So is the thread scaling, or why it was not measured.
        assert_eq!(
            json["thread_scaling"]["error"],
            "not cross-origin isolated: no SharedArrayBuffer"
        );
        assert_eq!(s.message.as_deref(), Some("finished"));
    }

    #[test]
    fn cancel_and_error_end_the_run_without_results() {
        let mut s = BenchState::starting("full", false, &BenchState::default());
        assert!(s.apply(WorkerMsg::Cancelled));
        assert!(!s.running && !s.finished);
        assert_eq!(s.message.as_deref(), Some("cancelled"));
        let mut s = BenchState::starting("full", false, &BenchState::default());
        assert!(s.apply(WorkerMsg::Error {
            message: "no memory".into()
        }));
        assert_eq!(s.message.as_deref(), Some("benchmark failed: no memory"));
    }
}
