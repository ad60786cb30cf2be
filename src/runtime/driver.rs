//! Wires the [`Controller`] to the page: loads the tiers, starts the frame loop, feeds each
//! tick the clock and the queued commands, applies what changed to the signals ([`Ui`]) and
//! draws the canvases. The keys are bound here too. `App` only lays out.
use crate::features::bench::run::{BenchState, BenchWorker};
use crate::features::headline::Headline;
use crate::features::live::{mesh as mesh_view, raster as raster_view, raster::RasterPixels};
use crate::features::race::view::RaceUi;
use crate::features::targets::Measured;
use crate::runtime::controller::{
    Changes, Clock, Command, CommandQueue, Controller, FrameBudget, FrameSample, LiveStats,
};
use crate::runtime::engine::Engine;
use crate::runtime::notices::Notices;
use crate::runtime::params::Settings;
use crate::runtime::url::write_url;
use crate::tiers::loader::{self, TierState, TierStatus};
use crate::tiers::tier::{Tier, TierKind};
use crate::util::browser::{now_ms, timer_resolution_us, window};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Everything the page shows, as signals (created by `App`, written only here and by the
/// benchmark worker).
#[derive(Clone, Copy)]
pub struct Ui {
    pub settings: RwSignal<Settings>,
    pub notices: RwSignal<Notices>,
    pub statuses: RwSignal<Vec<TierStatus>>,
    pub active: RwSignal<Option<TierKind>>,
    pub running: RwSignal<bool>,
    pub live: RwSignal<LiveStats>,
    pub error: RwSignal<Option<String>>,
    pub measured: RwSignal<Measured>,
    pub bench: RwSignal<BenchState>,
    pub frames: RwSignal<Vec<FrameSample>>,
    pub headline: RwSignal<Headline>,
    /// Presenter mode (key F): the page's `body` carries the class `presenter`.
    pub presenter: RwSignal<bool>,
    pub mesh: NodeRef<Canvas>,
    pub raster: NodeRef<Canvas>,
    /// The race's figures and canvases (`views::race_view`).
    pub race: RaceUi,
    /// The kernel forms each SIMD module runs (`tiers::forms`).
    pub forms: RwSignal<crate::tiers::forms::FormsState>,
}

impl Ui {
    pub fn new(settings: Settings, notices: Vec<String>) -> Ui {
        Ui {
            settings: RwSignal::new(settings),
            notices: RwSignal::new(Notices::from(notices)),
            statuses: RwSignal::new(Vec::new()),
            active: RwSignal::new(None),
            running: RwSignal::new(true),
            live: RwSignal::new(LiveStats::default()),
            error: RwSignal::new(None),
            measured: RwSignal::new(Measured::default()),
            bench: RwSignal::new(BenchState::default()),
            frames: RwSignal::new(Vec::new()),
            headline: RwSignal::new(Headline::default()),
            presenter: RwSignal::new(false),
            mesh: NodeRef::new(),
            raster: NodeRef::new(),
            race: RaceUi::new(),
            forms: RwSignal::new(crate::tiers::forms::FormsState::calibrating()),
        }
    }

    /// Shows what a tick changed.
    fn apply(&self, ch: Changes) {
        if let Some(s) = ch.statuses {
            self.statuses.set(s);
        }
        if let Some(k) = ch.active {
            self.active.set(Some(k));
        }
        if let Some(s) = ch.settings {
            write_url(&s);
            self.settings.set(s);
        }
        if !ch.notices.is_empty() {
            self.notices.update(|n| n.extend(ch.notices));
        }
        if let Some(h) = ch.headline {
            // Where no SIMD tier runs, the targets tell the headline's fallback figure.
            if let Some((TierKind::Scalar, TierKind::Js, r, (lo, hi))) = h.lead() {
                self.measured
                    .update(|m| m.fallback_lead = Some((r, lo, hi)));
            }
            self.headline.set(h);
        }
        if let Some(gone) = ch.error_cleared {
            // Only that message: another error shown since (a failed tier, a crash) stays.
            if self
                .error
                .with_untracked(|e| e.as_deref() == Some(gone.as_str()))
            {
                self.error.set(None);
            }
        }
        if let Some(e) = ch.error {
            self.error.set(Some(e));
        }
        if let Some(r) = ch.race {
            self.race.status.set(Some(r));
        }
        if let Some(f) = ch.forms {
            self.forms.set(f);
        }
        if self.running.get_untracked() != ch.playing {
            self.running.set(ch.playing);
        }
        if let Some((stats, frames)) = ch.live {
            self.measured.update(|m| {
                m.memory = Some(stats.memory.clone());
                m.weight_bytes = Some(stats.weight_bytes);
                if stats.overhead_us > 0.0 {
                    m.overhead_us = Some(stats.overhead_us);
                }
                if stats.ops_per_s > 0.0 {
                    m.ops_per_s = Some(stats.ops_per_s);
                }
                if stats.delivered_ops_per_s > 0.0 {
                    m.delivered_ops_per_s = Some(stats.delivered_ops_per_s);
                }
            });
            self.live.set(stats);
            self.frames.set(frames);
        }
    }
}

/// Whether a key pressed with `tag` (upper case, as `Element.tagName`) focused belongs to that
/// control rather than to the page's shortcuts. `input_type` is the `type` attribute of an
/// INPUT, `role` the element's ARIA role. Keys typed into a text field or a list are the
/// field's; Space and Enter press a focused button, link, summary or checkbox (a keyboard
/// user presses Run sweep with Space, as the platform promises); on a slider only the arrows
/// are (they move it), so the tier keys and Space still work while a slider has focus.
pub fn key_belongs_to_control(tag: &str, input_type: &str, role: &str, key: &str) -> bool {
    let activates = matches!(key, " " | "Enter");
    match tag {
        "SELECT" | "TEXTAREA" => true,
        "INPUT" => match input_type {
            "range" => key.starts_with("Arrow"),
            "checkbox" | "radio" | "button" | "submit" | "reset" | "file" => {
                activates || key.starts_with("Arrow")
            }
            _ => true,
        },
        "BUTTON" | "A" | "SUMMARY" => activates,
        _ => activates && matches!(role, "button" | "link" | "checkbox" | "switch" | "menuitem"),
    }
}

/// Space = play/pause, → = one step, 1–4 = tier, F = presenter mode (Esc leaves it), unless
/// the focused control owns the key (`key_belongs_to_control`).
pub fn bind_keys(queue: CommandQueue, presenter: RwSignal<bool>) {
    Effect::new(move |_| {
        let on = presenter.get();
        if let Some(body) = window().document().and_then(|d| d.body()) {
            let _ = body.class_list().toggle_with_force("presenter", on);
        }
    });
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let key = ev.key();
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let owned_by_field = target.is_some_and(|el| {
            let attr = |name: &str| {
                el.get_attribute(name)
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            };
            key_belongs_to_control(
                &el.tag_name().to_ascii_uppercase(),
                &attr("type"),
                &attr("role"),
                &key,
            )
        });
        if owned_by_field {
            return;
        }
        match key.as_str() {
            "f" | "F" if !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() => {
                ev.prevent_default();
                presenter.update(|p| *p = !*p);
                return;
            }
            "Escape" if presenter.get_untracked() => {
                presenter.set(false);
                return;
            }
            _ => {}
        }
        let cmd = match key.as_str() {
            " " => Some(Command::TogglePlay),
            "ArrowRight" => Some(Command::Step),
            k @ ("1" | "2" | "3" | "4") => k
                .parse::<usize>()
                .ok()
                .and_then(|i| TierKind::ALL.get(i - 1))
                .map(|&t| Command::SetTier(t)),
            _ => None,
        };
        if let Some(c) = cmd {
            ev.prevent_default();
            queue.send(c);
        }
    });
    on_cleanup(move || handle.remove());
}

/// The frame callback, kept alive while it re-registers itself.
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `tick` on every animation frame, forever.
fn start_frame_loop(mut tick: impl FnMut() + 'static) {
    let slot: FrameCallback = Rc::new(RefCell::new(None));
    let again = Rc::clone(&slot);
    *slot.borrow_mut() = Some(Closure::new(move |_t: f64| {
        tick();
        if let Some(cb) = again.borrow().as_ref() {
            let _ = window().request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    let first = slot.borrow();
    if let Some(cb) = first.as_ref() {
        let _ = window().request_animation_frame(cb.as_ref().unchecked_ref());
    }
}

fn timer_note() -> String {
    let isolated = crate::util::browser::cross_origin_isolated();
    format!(
        "{:.0} µs resolution, {}",
        timer_resolution_us(),
        if isolated {
            "cross-origin isolated"
        } else {
            "not isolated"
        }
    )
}

/// How often the page looks for a Retry while no tier could be loaded, ms.
const RETRY_POLL_MS: u32 = 100;

/// No tier loaded, so there is no simulation and no frame loop yet: waits for the panel's Retry
/// buttons (`Command::RetryTier` on the queue), loads the tier asked for, and returns the
/// engine once one loads — in the first tier that loads, as at page load. Every other command
/// sent meanwhile (play, a setting) is held and sent again, in order, once the engine exists.
/// `shown`: the error banner's text now; it is kept up to date with why nothing runs.
async fn wait_for_a_tier(
    ui: Ui,
    queue: CommandQueue,
    settings: &Settings,
    mut tiers: Vec<(TierKind, Rc<Tier>)>,
    mut statuses: Vec<TierStatus>,
    attempts: &mut u32,
    shown: &mut String,
) -> Engine {
    let mut held = Vec::new();
    loop {
        gloo_timers::future::TimeoutFuture::new(RETRY_POLL_MS).await;
        let mut wanted: Vec<TierKind> = Vec::new();
        for cmd in queue.take() {
            match cmd {
                Command::RetryTier(kind) if !wanted.contains(&kind) => wanted.push(kind),
                Command::RetryTier(_) => {}
                other => held.push(other),
            }
        }
        let mut arrived = false;
        for kind in wanted {
            let set = |statuses: &mut Vec<TierStatus>, state: TierState| {
                for st in statuses.iter_mut().filter(|st| st.kind == kind) {
                    st.state = state.clone();
                }
                ui.statuses.set(statuses.clone());
            };
            set(
                &mut statuses,
                TierState::Unavailable(loader::RETRYING.into()),
            );
            *attempts += 1;
            match loader::load_tier(kind, settings.simd_off, *attempts).await {
                Ok(t) => {
                    set(&mut statuses, TierState::Loaded(t.load));
                    tiers.retain(|(k, _)| *k != kind);
                    tiers.push((kind, t));
                    arrived = true;
                }
                Err(reason) => set(&mut statuses, TierState::Unavailable(reason)),
            }
        }
        if !arrived {
            continue;
        }
        match Engine::new(settings.clone(), tiers.clone(), statuses.clone()) {
            Ok(engine) => {
                for cmd in held {
                    queue.send(cmd);
                }
                return engine;
            }
            Err(msg) => {
                *shown = format!("Cannot start the simulation: {msg}");
                ui.error.set(Some(shown.clone()));
            }
        }
    }
}

/// Loads every tier, starts the engine in the tier the settings ask for (or the best one
/// loaded, with a notice), then runs the frame loop. If no tier loads, the error banner says
/// so and the engine starts when a Retry brings one (`wait_for_a_tier`). `autorun`: a
/// benchmark set to start at once (`?bench=quick|full`).
pub fn start(ui: Ui, queue: CommandQueue, autorun: Option<String>, worker: BenchWorker) {
    spawn_local(async move {
        let s = ui.settings.get_untracked();
        let loaded = loader::load_all(s.simd_off).await;
        let statuses: Vec<TierStatus> = loaded.iter().map(|(st, _)| st.clone()).collect();
        let tiers: Vec<_> = loaded
            .into_iter()
            .filter_map(|(st, t)| t.map(|t| (st.kind, t)))
            .collect();
        ui.statuses.set(statuses.clone());
        // Retries so far: each one's URL is new (`attempt` > 0 busts the cache).
        let mut retries = 0u32;
        let engine = match Engine::new(s.clone(), tiers.clone(), statuses.clone()) {
            Ok(e) => e,
            Err(msg) => {
                let mut shown = format!("Cannot start the simulation: {msg}");
                ui.error.set(Some(shown.clone()));
                let e =
                    wait_for_a_tier(ui, queue, &s, tiers, statuses, &mut retries, &mut shown).await;
                // Running now: the message is withdrawn (unless something else replaced it).
                if ui
                    .error
                    .with_untracked(|e| e.as_deref() == Some(shown.as_str()))
                {
                    ui.error.set(None);
                }
                e
            }
        };
        // The target is about kernel modules: the wasm tiers (the JS tier's import is shown too).
        let max_load = engine
            .tiers()
            .iter()
            .filter(|(k, _)| *k != TierKind::Js)
            .map(|(_, t)| t.load.total_ms)
            .reduce(f64::max);
        // No SIMD tier at all (`?simd=off`, an engine without SIMD): the SIMD tier's reason.
        let reason = |k: TierKind| {
            engine
                .statuses()
                .iter()
                .find(|st| st.kind == k)
                .and_then(|st| st.reason().map(str::to_string))
        };
        let simd_unavailable = reason(TierKind::Relaxed).and(reason(TierKind::Simd));
        ui.measured.update(|m| {
            m.max_module_load_ms = max_load;
            m.simd_unavailable = simd_unavailable;
        });
        if engine.active() != s.tier {
            let why = engine
                .statuses()
                .iter()
                .find(|st| st.kind == s.tier)
                .and_then(|st| st.reason().map(str::to_string))
                .unwrap_or_default();
            ui.notices.update(|n| {
                n.push(format!(
                    "{} is unavailable ({why}); running {}",
                    s.tier.label(),
                    engine.active().label()
                ))
            });
        }
        ui.active.set(Some(engine.active()));
        // The controls and the address bar get the settings of what runs (the tier after the
        // fallback, the race once it has started or been refused) from the first tick on.
        if let Some((a, b)) = s.race {
            queue.send(Command::StartRace(a, b));
        }
        if let Some(set) = autorun {
            let threads = engine.threads() > 1;
            worker.start(&set, s.simd_off, true, threads, ui.bench, ui.measured);
        }
        let controller = Rc::new(RefCell::new(Controller::new(
            engine,
            now_ms(),
            timer_note(),
        )));
        // Which form of each kernel this CPU and engine run faster, timed off the frame loop
        // in a worker; the page selects the winners in its own modules at a later tick.
        {
            let back = Rc::clone(&controller);
            crate::tiers::forms::calibrate(&s, move |r| back.borrow_mut().forms_arrived(r));
        }
        let mut pixels = RasterPixels::default();
        // The previous frame as measured: its start and its parts; the page part ends in a
        // microtask queued after the drawing, when the effects the signals woke have run.
        let last: Rc<RefCell<Option<(f64, FrameBudget)>>> = Rc::new(RefCell::new(None));
        // This frame's parts until the drawing ends (start, end of drawing, parts), closed by
        // one microtask callback made once, not one closure per frame.
        let drawn: Rc<RefCell<Option<(f64, f64, FrameBudget)>>> = Rc::new(RefCell::new(None));
        let close_frame = {
            let (drawn, last) = (Rc::clone(&drawn), Rc::clone(&last));
            Closure::<dyn FnMut()>::new(move || {
                if let Some((t0, t4, mut b)) = drawn.borrow_mut().take() {
                    b.page_ms += now_ms() - t4;
                    *last.borrow_mut() = Some((t0, b));
                }
            })
        };
        start_frame_loop(move || {
            let t0 = now_ms();
            let last_budget = last.borrow_mut().take().map(|(start, mut b)| {
                b.other_ms = (t0 - start - b.total_ms()).max(0.0);
                b
            });
            let clock = Clock {
                now: t0,
                hidden: window().document().is_some_and(|d| d.hidden()),
                worker_memory: ui.bench.with_untracked(|b| b.worker_memory),
                last_budget,
            };
            let mut c = controller.borrow_mut();
            let changes = c.tick(queue.take(), clock);
            for kind in changes.reload.iter().copied() {
                let simd_off = c.engine.settings().simd_off;
                let back = Rc::clone(&controller);
                retries += 1;
                let attempt = retries;
                spawn_local(async move {
                    let r = loader::load_tier(kind, simd_off, attempt).await;
                    back.borrow_mut().arrive((kind, r));
                });
            }
            let t1 = now_ms();
            ui.apply(changes);
            let t2 = now_ms();
            if let Some(canvas) = ui.mesh.get_untracked() {
                mesh_view::draw(&canvas, c.engine.mesh_frame());
            }
            let t3 = now_ms();
            if let Some(canvas) = ui.raster.get_untracked() {
                raster_view::draw(
                    &canvas,
                    c.engine.raster_frame(),
                    raster_view::RasterStyle::MAIN,
                    &mut pixels,
                );
            }
            // The race's two rasters count as raster drawing (the main one stands still then).
            ui.race.draw(c.race.as_ref());
            let t4 = now_ms();
            let budget = FrameBudget {
                kernels_ms: t1 - t0,
                mesh_ms: t3 - t2,
                raster_ms: t4 - t3,
                page_ms: t2 - t1,
                other_ms: 0.0,
            };
            *drawn.borrow_mut() = Some((t0, t4, budget));
            window().queue_microtask(close_frame.as_ref().unchecked_ref());
        });
    });
}

#[cfg(test)]
mod tests {
    use super::key_belongs_to_control as owns;

    #[test]
    fn space_and_enter_press_a_focused_button_and_the_shortcuts_stay_elsewhere() {
        for tag in ["BUTTON", "A", "SUMMARY"] {
            assert!(
                owns(tag, "", "", " ") && owns(tag, "", "", "Enter"),
                "{tag}"
            );
            assert!(
                !owns(tag, "", "", "1")
                    && !owns(tag, "", "", "f")
                    && !owns(tag, "", "", "ArrowRight"),
                "{tag}"
            );
        }
        assert!(
            owns("DIV", "", "button", " "),
            "a role=button element is a button"
        );
        assert!(!owns("DIV", "", "", " "), "Space on the page is play/pause");
        assert!(!owns("CANVAS", "", "", " "));
    }

    #[test]
    fn fields_keep_their_keys_and_sliders_only_their_arrows() {
        for key in [" ", "1", "f", "ArrowRight"] {
            assert!(
                owns("INPUT", "", "", key),
                "a text field takes every key: {key}"
            );
            assert!(owns("INPUT", "number", "", key), "{key}");
            assert!(
                owns("SELECT", "", "", key) && owns("TEXTAREA", "", "", key),
                "{key}"
            );
        }
        assert!(
            owns("INPUT", "range", "", "ArrowRight") && owns("INPUT", "range", "", "ArrowLeft")
        );
        assert!(
            !owns("INPUT", "range", "", " ") && !owns("INPUT", "range", "", "3"),
            "a slider leaves Space and the tier keys"
        );
        assert!(
            owns("INPUT", "checkbox", "", " "),
            "Space toggles a focused checkbox"
        );
        assert!(!owns("INPUT", "checkbox", "", "2"));
        assert!(owns("INPUT", "file", "", "Enter"));
    }
}
