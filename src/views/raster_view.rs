//! Spike raster: the last seconds of spikes scrolling right to left, one row per neuron
//! (neurons of one agent are adjacent rows), with the population rate traced under it.
use super::canvas;
use crate::engine::{Engine, HISTORY_STEPS};
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{HtmlCanvasElement, ImageData};

#[component]
pub fn RasterView(canvas_ref: NodeRef<Canvas>) -> impl IntoView {
    view! {
        <figure class="view raster">
            <canvas node_ref=canvas_ref data-testid="raster-canvas" aria-label="spike raster"></canvas>
            <figcaption>"Spike raster, last 4 s (rows: neurons grouped by agent) and population rate"</figcaption>
        </figure>
    }
}

/// Reused pixel buffer: the raster is rasterised in Rust and put in one call.
#[derive(Default)]
pub struct RasterPixels {
    buf: Vec<u8>,
}

pub fn draw(el: &HtmlCanvasElement, e: &Engine, px: &mut RasterPixels) {
    let (w, h) = canvas::fit(el);
    let Some(ctx) = canvas::context_in_memory(el) else {
        return;
    };
    canvas::own_corners(el);
    let raster_h = (h as f64 * 0.78) as u32;
    let (wu, hu) = (w as usize, raster_h as usize);
    px.buf.clear();
    px.buf.resize(wu * hu * 4, 0);
    for chunk in px.buf.chunks_exact_mut(4) {
        chunk.copy_from_slice(&[11, 16, 32, 255]);
    }
    let n = e.sim.n as usize;
    let steps = e.history.len();
    let per_col = HISTORY_STEPS as f64 / w as f64;
    let agent_rows = e.sim.per as usize;
    for (k, spikes) in e.history.iter().enumerate() {
        // Newest step at the right edge.
        let age = steps - 1 - k;
        let x = wu as isize - 1 - (age as f64 / per_col) as isize;
        if x < 0 {
            continue;
        }
        for &i in spikes {
            let y = (i as usize * hu) / n.max(1);
            let o = (y * wu + x as usize) * 4;
            // Alternate agents in two hues so agent groups are visible.
            let c: [u8; 4] = if (i as usize / agent_rows).is_multiple_of(2) {
                [120, 220, 255, 255]
            } else {
                [255, 190, 90, 255]
            };
            if o + 4 <= px.buf.len() {
                px.buf[o..o + 4].copy_from_slice(&c);
            }
        }
    }
    if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&px.buf), w, raster_h) {
        let _ = ctx.put_image_data(&img, 0.0, 0.0);
    }
    // Population rate (spikes per neuron per second) per column, as a line.
    let (top, bot) = (raster_h as f64, h as f64);
    ctx.set_fill_style_str("#070a14");
    ctx.fill_rect(0.0, top, w as f64, bot - top);
    let cols = w as usize;
    let mut col_spikes = vec![0u32; cols];
    for (k, spikes) in e.history.iter().enumerate() {
        let age = steps - 1 - k;
        let x = cols as isize - 1 - (age as f64 / per_col) as isize;
        if x >= 0 {
            col_spikes[x as usize] += spikes.len() as u32;
        }
    }
    let rate = |c: u32| c as f64 / (n.max(1) as f64 * per_col / 1000.0);
    let max_rate = col_spikes.iter().map(|&c| rate(c)).fold(20.0, f64::max);
    ctx.set_stroke_style_str("#7fdc8a");
    ctx.set_line_width((h as f64 / 300.0).max(1.0));
    ctx.begin_path();
    for (x, &c) in col_spikes.iter().enumerate() {
        let y = bot - 4.0 - (bot - top - 8.0) * rate(c) / max_rate;
        if x == 0 {
            ctx.move_to(0.0, y);
        } else {
            ctx.line_to(x as f64, y);
        }
    }
    ctx.stroke();
    ctx.set_fill_style_str("#9fb0d0");
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0);
    ctx.set_font(&format!("{}px sans-serif", (11.0 * dpr).round()));
    let _ = ctx.fill_text(
        &format!("population rate (scale max {max_rate:.0} Hz)"),
        6.0,
        top + 14.0 * dpr,
    );
    canvas::round_corners(&ctx, w as f64, h as f64);
}
