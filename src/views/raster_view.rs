//! Spike raster: the recent spikes scrolling right to left, one row per neuron (neurons of one
//! agent are adjacent rows), with the population rate traced under it.
//!
//! The window is set in wall-clock time, not simulated time: it shows the steps simulated in
//! about the last [`WINDOW_WALL_MS`] of playing time (rounded down to a 1-2-5 number of steps,
//! at most the [`HISTORY_STEPS`] the engine keeps), so it is full within a frame or two at any
//! N and tier. A fixed 4 s of simulated time took over a minute of wall time to fill with JS
//! at N = 4096. The axis under the raster says how much simulated time it spans.
use super::canvas;
use crate::engine::{Engine, HISTORY_STEPS};
use leptos::html::Canvas;
use leptos::prelude::*;
use std::collections::VecDeque;
use wasm_bindgen::Clamped;
use web_sys::{HtmlCanvasElement, ImageData};

/// The wall-clock span the raster aims to show.
pub const WINDOW_WALL_MS: f64 = 4000.0;
/// A gap between two frames longer than this (a pause, a hidden tab) counts as this much
/// playing time, so the window does not collapse after a pause.
const MAX_GAP_MS: f64 = 1000.0;
/// Part of the canvas height for the raster; the rest is the rate trace and the time axis.
const RASTER_PART: f64 = 0.78;
const BG: [u8; 4] = [11, 16, 32, 255];
/// The two hues of alternate agents' spikes (tests/e2e count spike pixels by these).
pub const SPIKE_EVEN: [u8; 4] = [120, 220, 255, 255];
pub const SPIKE_ODD: [u8; 4] = [255, 190, 90, 255];

#[component]
pub fn RasterView(canvas_ref: NodeRef<Canvas>) -> impl IntoView {
    view! {
        <figure class="view raster">
            <canvas node_ref=canvas_ref data-testid="raster-canvas" role="img"
                aria-label="spike raster: recent spikes, one row per neuron, newest at the right, and the population rate under it"></canvas>
            <figcaption>"Spike raster: the steps simulated in about the last 4 s of wall-clock time (x: simulated time, newest at the right, span on the axis); rows: neurons, grouped by agent in two alternating colours. Under it: population rate (spikes per neuron per second of simulated time)."</figcaption>
        </figure>
    }
}

/// Reused pixel buffer and the wall-clock record that sets the window.
#[derive(Default)]
pub struct RasterPixels {
    buf: Vec<u8>,
    /// (playing time in ms, engine step) at each drawn frame where the step advanced.
    anchors: VecDeque<(f64, u64)>,
    /// Playing time: wall-clock time with long gaps (pauses) shortened to `MAX_GAP_MS`.
    playing_ms: f64,
    last_wall: Option<f64>,
    /// The window in steps, kept while it still fits the data (no rescaling every frame).
    window: usize,
}

/// The largest 1-2-5 number (1, 2, 5, 10, 20, 50, …) not above `x` (1 for x < 1).
pub fn nice_floor(x: usize) -> usize {
    let mut best = 1;
    let mut p = 1usize;
    while p <= x {
        for m in [1, 2, 5] {
            if p.saturating_mul(m) <= x {
                best = p * m;
            }
        }
        p = p.saturating_mul(10);
    }
    best
}

/// The window in steps: `target` steps were simulated in the last `WINDOW_WALL_MS` of playing
/// time and `available` steps of history exist. The previous window is kept while the data
/// covers it and it is not far below the target; otherwise the largest 1-2-5 number of steps
/// the data covers.
pub fn window_steps(previous: usize, target: usize, available: usize) -> usize {
    let cap = target.min(available).min(HISTORY_STEPS);
    if cap == 0 {
        return available.clamp(1, HISTORY_STEPS);
    }
    if previous > 0 && previous <= cap && previous * 5 >= cap * 2 {
        return previous;
    }
    nice_floor(cap)
}

impl RasterPixels {
    /// Records this frame and returns (window in steps, wall-clock ms those steps took).
    fn window(&mut self, now: f64, step: u64, available: usize) -> (usize, f64) {
        let gap = self
            .last_wall
            .map_or(0.0, |t| (now - t).clamp(0.0, MAX_GAP_MS));
        self.last_wall = Some(now);
        self.playing_ms += gap;
        if self.anchors.back().is_some_and(|a| a.1 > step) {
            // A reset: the step count started over.
            self.anchors.clear();
            self.window = 0;
        }
        if self.anchors.back().is_none_or(|a| a.1 != step) {
            self.anchors.push_back((self.playing_ms, step));
        }
        let newest = self
            .anchors
            .back()
            .copied()
            .unwrap_or((self.playing_ms, step));
        let start = newest.0 - WINDOW_WALL_MS;
        while self.anchors.len() > 2 && self.anchors[1].0 <= start {
            self.anchors.pop_front();
        }
        let first = self.anchors.front().copied().unwrap_or(newest);
        // Steps simulated since `start`: interpolated between the two anchors around it; all
        // of the history when the record is younger than the window (just started).
        let target = if first.0 >= start {
            available
        } else {
            let second = self.anchors.get(1).copied().unwrap_or(newest);
            let f = ((start - first.0) / (second.0 - first.0).max(1e-9)).clamp(0.0, 1.0);
            let at_start = first.1 as f64 + f * (second.1 as f64 - first.1 as f64);
            (newest.1 as f64 - at_start).round().max(0.0) as usize
        };
        self.window = window_steps(self.window, target, available);
        // How much wall-clock time the window covers, from the same record.
        let from_step = newest.1.saturating_sub(self.window as u64);
        let wall = self
            .anchors
            .iter()
            .find(|a| a.1 >= from_step)
            .map_or(0.0, |a| newest.0 - a.0);
        (self.window, wall)
    }
}

pub fn draw(el: &HtmlCanvasElement, e: &Engine, px: &mut RasterPixels) {
    let (w, h) = canvas::fit(el);
    let Some(ctx) = canvas::context_in_memory(el) else {
        return;
    };
    canvas::own_corners(el);
    let now = crate::browser::now_ms();
    let steps = e.history.len();
    let (window, wall_ms) = px.window(now, e.step, steps);
    let raster_h = (h as f64 * RASTER_PART) as u32;
    let (wu, hu) = (w as usize, raster_h as usize);
    px.buf.clear();
    px.buf.resize(wu * hu * 4, 0);
    for chunk in px.buf.chunks_exact_mut(4) {
        chunk.copy_from_slice(&BG);
    }
    let n = e.sim.n as usize;
    let agent_rows = e.sim.per as usize;
    // Step k of the window (0 = oldest) covers columns [col(k), col(k + 1)), at least one.
    let first = steps.saturating_sub(window);
    let col = |k: usize| (k * wu) / window.max(1);
    let mut col_spikes = vec![0u32; wu];
    let mut col_steps = vec![0u32; wu];
    for (k, spikes) in e.history.iter().skip(first).enumerate() {
        let x0 = col(k).min(wu.saturating_sub(1));
        let x1 = col(k + 1).clamp(x0 + 1, wu);
        col_spikes[x0] += spikes.len() as u32;
        col_steps[x0] += 1;
        for &i in spikes {
            let y = (i as usize * hu) / n.max(1);
            // Alternate agents in two hues so agent groups are visible.
            let c = if (i as usize / agent_rows.max(1)).is_multiple_of(2) {
                SPIKE_EVEN
            } else {
                SPIKE_ODD
            };
            let row = y * wu;
            if let Some(span) = px.buf.get_mut((row + x0) * 4..(row + x1) * 4) {
                for p in span.chunks_exact_mut(4) {
                    p.copy_from_slice(&c);
                }
            }
        }
    }
    if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&px.buf), w, raster_h) {
        let _ = ctx.put_image_data(&img, 0.0, 0.0);
    }
    let dpr = canvas::dpr();
    let (top, bot) = (raster_h as f64, h as f64);
    ctx.set_fill_style_str("#070a14");
    ctx.fill_rect(0.0, top, w as f64, bot - top);
    // The strip: the rate trace above, the time axis (one text line) at the bottom.
    let font_px = (12.0 * dpr).round();
    let axis_h = font_px * 1.5;
    let trace_bot = bot - axis_h;
    // Population rate (spikes per neuron per second of simulated time) per column with steps;
    // a column a step spans on its own carries that step's rate.
    let mut rates: Vec<(usize, f64)> = Vec::new();
    let mut carry = (0u32, 0u32);
    for x in 0..wu {
        if col_steps[x] > 0 {
            carry = (col_spikes[x], col_steps[x]);
        }
        if carry.1 > 0 {
            let r = carry.0 as f64 / (n.max(1) as f64 * carry.1 as f64 / 1000.0);
            rates.push((x, r));
        }
    }
    let max_rate = rates.iter().map(|r| r.1).fold(20.0, f64::max);
    ctx.set_stroke_style_str("#7fdc8a");
    ctx.set_line_width((h as f64 / 300.0).max(1.0));
    ctx.begin_path();
    let span = (trace_bot - top - font_px * 1.6).max(4.0);
    for (i, &(x, r)) in rates.iter().enumerate() {
        let y = trace_bot - 2.0 - span * r / max_rate;
        if i == 0 {
            ctx.move_to(x as f64, y);
        } else {
            ctx.line_to(x as f64, y);
        }
    }
    ctx.stroke();
    ctx.set_font(&format!("{font_px}px sans-serif"));
    ctx.set_text_baseline("top");
    ctx.set_fill_style_str("#b4c2dc");
    let _ = ctx.fill_text(
        &format!("population rate, scale 0–{max_rate:.0} Hz"),
        6.0 * dpr,
        top + 3.0 * dpr,
    );
    // Time axis: the window's simulated span at the left, "now" at the right, and between
    // them how much wall-clock time that was (when it fits).
    let y_axis = bot - axis_h + (axis_h - font_px) / 2.0;
    let left = format!("−{}", fmt_sim(window));
    let right = "now";
    let middle = format!(
        "simulated time · this window took {:.1} s of wall clock",
        wall_ms / 1000.0
    );
    let (lw, rw, mw) = (
        canvas::text_width(&ctx, &left),
        canvas::text_width(&ctx, right),
        canvas::text_width(&ctx, &middle),
    );
    let pad = 6.0 * dpr;
    let _ = ctx.fill_text(&left, pad, y_axis);
    let _ = ctx.fill_text(right, w as f64 - pad - rw, y_axis);
    let mid_x = (w as f64 - mw) / 2.0;
    if mid_x > pad + lw + 2.0 * pad && mid_x + mw < w as f64 - pad - rw - 2.0 * pad {
        let _ = ctx.fill_text(&middle, mid_x, y_axis);
    }
    let _ = el.set_attribute("data-window-steps", &window.to_string());
    canvas::round_corners(&ctx, w as f64, h as f64);
}

/// A number of 1 ms steps as simulated time: "50 ms", "0.5 s", "2 s".
pub fn fmt_sim(steps: usize) -> String {
    if steps < 1000 {
        format!("{steps} ms")
    } else if steps.is_multiple_of(1000) {
        format!("{} s", steps / 1000)
    } else {
        format!("{:.1} s", steps as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_numbers_of_steps() {
        assert_eq!(nice_floor(0), 1);
        assert_eq!(nice_floor(7), 5);
        assert_eq!(nice_floor(170), 100);
        assert_eq!(nice_floor(240), 200);
        assert_eq!(nice_floor(4000), 2000);
        assert_eq!(nice_floor(5000), 5000);
    }

    #[test]
    fn the_window_fits_the_data_and_holds_still() {
        // Just started: 12 steps of history, all shown.
        assert_eq!(window_steps(0, 12, 12), 10);
        // Slow tier: 160 steps in the last 4 s of wall clock → 100 steps, all of them data.
        assert_eq!(window_steps(0, 160, 4000), 100);
        // The rate wobbles: the window stays.
        assert_eq!(window_steps(100, 190, 4000), 100);
        assert_eq!(window_steps(100, 140, 4000), 100);
        // The rate rose far beyond it: a wider window.
        assert_eq!(window_steps(100, 600, 4000), 500);
        // The data no longer covers it (rate fell): narrower.
        assert_eq!(window_steps(500, 300, 4000), 200);
        // Never more than the history the engine keeps.
        assert!(window_steps(0, 100_000, 100_000) <= HISTORY_STEPS);
        // Nothing simulated in the window (paused from the start): what there is.
        assert_eq!(window_steps(0, 0, 0), 1);
    }

    #[test]
    fn a_window_of_wall_time_fills_at_once_at_any_rate() {
        // Frames every 100 ms with 4 steps each (a slow tier at a large N): after 2 s the
        // window holds only steps that exist, so it is full.
        let mut px = RasterPixels::default();
        let mut step = 0u64;
        let mut last = (0, 0.0);
        for f in 0..20 {
            step += 4;
            last = px.window(f as f64 * 100.0, step, step as usize);
        }
        assert!(
            last.0 <= step as usize && last.0 >= (step as usize) * 2 / 5,
            "{last:?}"
        );
        // Fast: 60 fps × 32 steps: the window is the history cap at most.
        let mut px = RasterPixels::default();
        let mut step = 0u64;
        for f in 0..600 {
            step += 32;
            last = px.window(f as f64 * 16.7, step, (step as usize).min(HISTORY_STEPS));
        }
        assert!(last.0 <= HISTORY_STEPS && last.0 >= 1000, "{last:?}");
        // A long pause does not collapse the window.
        let before = last.0;
        last = px.window(600.0 * 16.7 + 30_000.0, step + 32, HISTORY_STEPS);
        assert_eq!(last.0, before);
        // A reset starts over.
        last = px.window(600.0 * 16.7 + 30_100.0, 4, 4);
        assert!(last.0 <= 4, "{last:?}");
    }

    #[test]
    fn simulated_spans_read_as_time() {
        assert_eq!(fmt_sim(50), "50 ms");
        assert_eq!(fmt_sim(2000), "2 s");
        assert_eq!(fmt_sim(500), "500 ms");
        assert_eq!(fmt_sim(1500), "1.5 s");
    }
}
