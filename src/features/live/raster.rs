//! Spike raster: the recent spikes scrolling right to left, one row per neuron (neurons of one
//! agent are adjacent rows), with the population rate traced under it.
//!
//! The window is set in wall-clock time, not simulated time ([`crate::features::live::raster_window`]); the
//! axis under the raster says how much simulated time it spans.
use crate::features::live::raster_window::WallWindow;
use crate::runtime::engine::RasterFrame;
use crate::ui::canvas;
use crate::util::fmt::fmt_sim;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{HtmlCanvasElement, ImageData};

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

/// How a raster is drawn: the main view's alternates two hues by agent and has the rate strip;
/// a race side's is one hue (its tier's) and all raster.
#[derive(Clone, Copy)]
pub struct RasterStyle {
    /// Hues of even and odd agents' spikes.
    pub hues: [[u8; 4]; 2],
    /// The population-rate trace and time axis under the raster.
    pub strip: bool,
}

impl RasterStyle {
    pub const MAIN: RasterStyle = RasterStyle {
        hues: [SPIKE_EVEN, SPIKE_ODD],
        strip: true,
    };

    /// One hue, no strip (a race side).
    pub const fn plain(hue: [u8; 4]) -> RasterStyle {
        RasterStyle {
            hues: [hue, hue],
            strip: false,
        }
    }
}

/// Reused pixel buffer and the wall-clock record that sets the window (one per canvas).
#[derive(Default)]
pub struct RasterPixels {
    buf: Vec<u8>,
    wall: WallWindow,
}

/// Draws `f` into `el`: the steps of about the last 4 s of wall-clock time
/// ([`WallWindow`]), one row band per neuron, and with `style.strip` the rate trace and axis.
pub fn draw(el: &HtmlCanvasElement, f: RasterFrame<'_>, style: RasterStyle, px: &mut RasterPixels) {
    let (w, h) = canvas::fit(el);
    let Some(ctx) = canvas::context_in_memory(el) else {
        return;
    };
    canvas::own_corners(el);
    let now = crate::util::browser::now_ms();
    let steps = f.history.len();
    let (window, wall_ms) = px.wall.window(now, f.step, steps);
    let raster_h = if style.strip {
        (h as f64 * RASTER_PART) as u32
    } else {
        h
    };
    let (wu, hu) = (w as usize, raster_h as usize);
    px.buf.clear();
    px.buf.resize(wu * hu * 4, 0);
    for chunk in px.buf.chunks_exact_mut(4) {
        chunk.copy_from_slice(&BG);
    }
    let n = f.n as usize;
    let agent_rows = f.per as usize;
    // Step k of the window (0 = oldest) covers columns [col(k), col(k + 1)), at least one.
    let first = steps.saturating_sub(window);
    let col = |k: usize| (k * wu) / window.max(1);
    let mut col_spikes = vec![0u32; wu];
    let mut col_steps = vec![0u32; wu];
    for (k, spikes) in f.history.iter().skip(first).enumerate() {
        let x0 = col(k).min(wu.saturating_sub(1));
        let x1 = col(k + 1).clamp(x0 + 1, wu);
        col_spikes[x0] += spikes.len() as u32;
        col_steps[x0] += 1;
        for &i in spikes {
            let y = (i as usize * hu) / n.max(1);
            // Alternate agents in two hues so agent groups are visible.
            let c = style.hues[(i as usize / agent_rows.max(1)) % 2];
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
    let _ = el.set_attribute("data-window-steps", &window.to_string());
    if style.strip {
        draw_strip(
            &ctx,
            (w, h, raster_h),
            n,
            window,
            wall_ms,
            (&col_spikes, &col_steps),
        );
    }
    canvas::round_corners(&ctx, w as f64, h as f64);
}

/// The strip under the raster: the population rate per column above, the time axis (one text
/// line) at the bottom. `cols`: spikes and steps drawn in each pixel column.
fn draw_strip(
    ctx: &web_sys::CanvasRenderingContext2d,
    (w, h, raster_h): (u32, u32, u32),
    n: usize,
    window: usize,
    wall_ms: f64,
    (col_spikes, col_steps): (&[u32], &[u32]),
) {
    let wu = w as usize;
    let dpr = canvas::dpr();
    let (top, bot) = (raster_h as f64, h as f64);
    ctx.set_fill_style_str("#070a14");
    ctx.fill_rect(0.0, top, w as f64, bot - top);
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
        canvas::text_width(ctx, &left),
        canvas::text_width(ctx, right),
        canvas::text_width(ctx, &middle),
    );
    let pad = 6.0 * dpr;
    let _ = ctx.fill_text(&left, pad, y_axis);
    let _ = ctx.fill_text(right, w as f64 - pad - rw, y_axis);
    let mid_x = (w as f64 - mw) / 2.0;
    if mid_x > pad + lw + 2.0 * pad && mid_x + mw < w as f64 - pad - rw - 2.0 * pad {
        let _ = ctx.fill_text(&middle, mid_x, y_axis);
    }
}
