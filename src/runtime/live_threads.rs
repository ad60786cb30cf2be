//! The live simulation over k threads (issue 29, `?threads=k`): the I/O with the lead worker
//! (`kernels/js/live/live-worker.js`, which starts the other k − 1 itself). Each thread owns a
//! part of the network in its own instance of the active tier's module (its columns of W, so
//! the N² weights are divided among the threads, not copied), and the threads exchange spikes
//! once a step through a `SharedArrayBuffer`. The page never waits for them: the engine asks
//! for a frame's steps ([`LiveThreads::ask`]) and reads, at later animation frames, whatever
//! has come back ([`LiveThreads::poll`]); the threads' spikes are the one-thread run's, bit for
//! bit (`kernels/ABI.md` "Parts of the population").
use crate::runtime::params::Settings;
use crate::tiers::tier::{Tier, TierKind};
use crate::util::worker::{self, WorkerClient, WorkerEvent};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::ops::Range;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// The lead thread's script, relative to the page.
const WORKER_URL: &str = "js/live/live-worker.js";
/// How long the page waits for the threads to be ready, or for a frame's answer, before it
/// gives them up with the reason (a thread that hangs would otherwise stall the run silently).
pub const ANSWER_TIMEOUT_MS: f64 = 20_000.0;

/// Why this page cannot run `settings` over threads, or `None` when it can (or one thread is
/// asked for). `isolated`: the page is cross-origin isolated and has `SharedArrayBuffer`.
pub fn unsupported(settings: &Settings, tier: TierKind, isolated: bool) -> Option<String> {
    let k = settings.threads;
    if k <= 1 {
        return None;
    }
    let why = if tier == TierKind::Js {
        "the JS tier runs on one thread"
    } else if !isolated {
        crate::util::browser::NO_SHARED_MEMORY
    } else {
        return None;
    };
    Some(format!(
        "{k} threads are off: {why}; the simulation runs on one thread"
    ))
}

/// Whether the page is cross-origin isolated and has `SharedArrayBuffer`.
pub fn page_can_share_memory() -> bool {
    crate::util::browser::cross_origin_isolated()
        && js_sys::Reflect::get(&crate::util::browser::window(), &"SharedArrayBuffer".into())
            .is_ok_and(|v| v.is_function())
}

#[derive(Serialize)]
struct StartMsg {
    r#type: &'static str,
    module_url: String,
    /// `[kernel, form]` for every kernel with forms: the forms the page's own module runs.
    forms: Vec<[u32; 2]>,
    n: u32,
    per: u32,
    agents: u32,
    seed: u32,
    drive_hz: f32,
    threads: u32,
    /// How each thread stores its columns of W (`WeightStorage::key`: `f32` or `bf16`), as
    /// this run's one thread would store all of them, so the threads run its bits.
    weights: &'static str,
}

#[derive(Serialize)]
struct RunMsg {
    r#type: &'static str,
    steps: u32,
    stdp: bool,
    drive_hz: f32,
    src_first: u32,
    src_count: u32,
}

/// What the lead posts (`live-worker.js`'s protocol): `type` says which, and the fields of
/// that type are set; arrays cross as typed arrays, kept as they are (`preserve`: an
/// internally tagged enum would buffer them and could not). Read by [`LiveMsg::event`].
#[derive(Deserialize)]
struct LiveMsg {
    r#type: String,
    #[serde(default)]
    memory_bytes: f64,
    #[serde(default)]
    steps: u32,
    #[serde(default)]
    pruned: u32,
    #[serde(default)]
    ms: f64,
    #[serde(default)]
    message: String,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    counts: JsValue,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    spikes: JsValue,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    trace: JsValue,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    sums: JsValue,
}

impl LiveMsg {
    /// The message as the engine reads it; `None` for `started`.
    fn event(self) -> Option<Polled> {
        Some(match self.r#type.as_str() {
            "started" => return None,
            "ready" => Polled::Ready(f32s(&self.sums)),
            "frame" => Polled::Frame(ThreadFrame {
                steps: self.steps,
                counts: u32s(&self.counts),
                spikes: u32s(&self.spikes),
                trace: f32s(&self.trace),
                sums: f32s(&self.sums),
                src: 0..0,
                pruned: self.pruned,
                ms: self.ms,
            }),
            "error" => Polled::Failed(self.message),
            other => Polled::Failed(format!("the threads sent an unknown message {other:?}")),
        })
    }
}

/// A frame's steps as the threads ran them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ThreadFrame {
    pub steps: u32,
    /// Spikes per step, and every step's spike list joined, in order.
    pub counts: Vec<u32>,
    pub spikes: Vec<u32>,
    /// All N traces after the last step.
    pub trace: Vec<f32>,
    /// The block sums' rows of the source agents asked for (`src.len() × A`).
    pub sums: Vec<f32>,
    pub src: Range<u32>,
    pub pruned: u32,
    /// Wall time of the threads' steps, ms (the lead's clock).
    pub ms: f64,
}

impl ThreadFrame {
    /// Each step's spike list, in order (`spikes` cut by `counts`; a count past the list's
    /// end ends it).
    pub fn step_spikes(&self) -> impl Iterator<Item = &[u32]> {
        let mut at = 0usize;
        self.counts.iter().map_while(move |&c| {
            let step = self.spikes.get(at..at + c as usize)?;
            at += c as usize;
            Some(step)
        })
    }
}

/// What [`LiveThreads::poll`] found.
pub enum Polled {
    /// Nothing new: starting, or a frame still running.
    Waiting,
    /// The threads are ready: the block sums at step 0, A × A.
    Ready(Vec<f32>),
    Frame(ThreadFrame),
    /// The threads stopped (and were stopped), and why.
    Failed(String),
}

#[derive(Default)]
struct Inbox {
    events: VecDeque<Polled>,
    memory_bytes: f64,
}

fn u32s(v: &JsValue) -> Vec<u32> {
    v.dyn_ref::<js_sys::Uint32Array>()
        .map(|a| a.to_vec())
        .unwrap_or_default()
}

fn f32s(v: &JsValue) -> Vec<f32> {
    v.dyn_ref::<js_sys::Float32Array>()
        .map(|a| a.to_vec())
        .unwrap_or_default()
}

/// The running threads of one run. Dropping it stops them.
pub struct LiveThreads {
    client: WorkerClient<LiveMsg>,
    inbox: Rc<RefCell<Inbox>>,
    /// When the page last asked for something it has not had an answer to (ms).
    waiting_since: Option<f64>,
    /// The source agents of the frame asked for.
    asked: Option<Range<u32>>,
    ready: bool,
    pub threads: u32,
}

impl LiveThreads {
    /// Starts `settings.threads` threads of `settings`' seeded run in `tier`'s module, with the
    /// kernel forms it runs.
    pub fn start(tier: &Tier, settings: &Settings, now: f64) -> Result<LiveThreads, String> {
        let forms = tier
            .select_forms(&[None; sasi_kernels::dispatch::VARIANTS])
            .map_err(|f| f.to_string())?
            .map(|f| (0u32..).zip(f).map(|(k, f)| [k, f]).collect())
            .unwrap_or_default();
        let module_url = absolute(tier.kind.url())?;
        let start = worker::to_js(&StartMsg {
            r#type: "start",
            module_url,
            forms,
            n: settings.n,
            per: settings.per_agent(),
            agents: settings.agents,
            seed: settings.seed,
            drive_hz: settings.drive_hz,
            threads: settings.threads,
            weights: settings.weights.key(),
        })?;
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let sink = Rc::clone(&inbox);
        let client = WorkerClient::start(
            WORKER_URL,
            "the simulation's threads",
            &start,
            move |ev: WorkerEvent<LiveMsg>| {
                let mut inbox = sink.borrow_mut();
                let event = match ev {
                    WorkerEvent::Message(msg) => {
                        if msg.memory_bytes > 0.0 {
                            inbox.memory_bytes = msg.memory_bytes;
                        }
                        match msg.event() {
                            Some(e) => e,
                            None => return,
                        }
                    }
                    WorkerEvent::Failed(why) => Polled::Failed(why),
                };
                inbox.events.push_back(event);
            },
        )?;
        Ok(LiveThreads {
            client,
            inbox,
            waiting_since: Some(now),
            asked: None,
            ready: false,
            threads: settings.threads,
        })
    }

    /// The next thing the threads said, oldest first; `Failed` when they said nothing within
    /// [`ANSWER_TIMEOUT_MS`] of being asked.
    pub fn poll(&mut self, now: f64) -> Polled {
        let event = self.inbox.borrow_mut().events.pop_front();
        match event {
            Some(Polled::Ready(sums)) => {
                self.ready = true;
                self.waiting_since = None;
                Polled::Ready(sums)
            }
            Some(Polled::Frame(mut f)) => {
                self.waiting_since = None;
                f.src = self.asked.take().unwrap_or(0..0);
                Polled::Frame(f)
            }
            Some(Polled::Failed(why)) => {
                self.stop();
                Polled::Failed(why)
            }
            Some(Polled::Waiting) | None => match self.waiting_since {
                Some(t) if now - t > ANSWER_TIMEOUT_MS => {
                    self.stop();
                    Polled::Failed(format!(
                        "no answer from the threads within {} s",
                        ANSWER_TIMEOUT_MS / 1000.0
                    ))
                }
                _ => Polled::Waiting,
            },
        }
    }

    /// Whether the threads are ready for the next frame (started, nothing asked unanswered).
    pub fn idle(&self) -> bool {
        self.ready && self.waiting_since.is_none() && self.client.running()
    }

    /// Asks for `steps` steps and then the block sums of the source agents `src`.
    pub fn ask(&mut self, steps: u32, settings: &Settings, src: Range<u32>, now: f64) {
        let msg = worker::to_js(&RunMsg {
            r#type: "run",
            steps,
            stdp: settings.stdp,
            drive_hz: settings.drive_hz,
            src_first: src.start,
            src_count: src.end - src.start,
        });
        if let Ok(msg) = msg {
            self.client.post(&msg);
            self.asked = Some(src);
            self.waiting_since = Some(now);
        }
    }

    /// The threads' wasm memories, summed, as they last reported them.
    pub fn memory_bytes(&self) -> f64 {
        self.inbox.borrow().memory_bytes
    }

    /// Terminates the lead; the helpers it started end with it (a dedicated worker's own
    /// workers do not outlive it).
    fn stop(&self) {
        self.client.stop();
    }
}

impl Drop for LiveThreads {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `url` (relative to the page) made absolute: the lead worker loads the module from its own
/// address, which is not the page's.
fn absolute(url: &str) -> Result<String, String> {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .ok_or("the page has no base URL")?;
    web_sys::Url::new_with_base(url, &base)
        .map(|u| u.href())
        .map_err(|e| crate::tiers::bridge::js_error_text(&e))
}
