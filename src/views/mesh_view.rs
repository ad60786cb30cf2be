//! The agent mesh: agents as nodes coloured by firing rate, edges as thick as their summed
//! weight, and spike pulses travelling along edges from firing agents.
use super::canvas;
use crate::engine::{Engine, EFFICIENCY_HISTORY};
use leptos::html::Canvas;
use leptos::prelude::*;
use std::f64::consts::TAU;
use web_sys::HtmlCanvasElement;

#[component]
pub fn MeshView(canvas_ref: NodeRef<Canvas>) -> impl IntoView {
    view! {
        <figure class="view mesh">
            <canvas node_ref=canvas_ref data-testid="mesh-canvas" aria-label="agent mesh"></canvas>
            <figcaption>"Agent mesh — node colour: firing rate; edge width: summed synaptic weight"</figcaption>
        </figure>
    }
}

pub fn draw(el: &HtmlCanvasElement, e: &Engine) {
    let (w, h) = canvas::fit(el);
    let Some(ctx) = canvas::context(el) else {
        return;
    };
    canvas::own_corners(el);
    let (w, h) = (w as f64, h as f64);
    let s = w.min(h);
    let (ox, oy) = ((w - s) / 2.0, (h - s) / 2.0);
    let pos = |i: usize| (ox + e.agents[i].x as f64 * s, oy + e.agents[i].y as f64 * s);
    ctx.set_fill_style_str("#0b1020");
    ctx.fill_rect(0.0, 0.0, w, h);

    let max_w = e.edges.iter().map(|x| x.2).fold(1e-6f32, f32::max) as f64;
    ctx.set_stroke_style_str("rgba(120,170,255,0.35)");
    for &(a, b, wt) in &e.edges {
        let ((x0, y0), (x1, y1)) = (pos(a as usize), pos(b as usize));
        ctx.set_line_width((0.5 + 3.5 * wt as f64 / max_w) * s / 600.0);
        ctx.begin_path();
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
        ctx.stroke();
    }
    ctx.set_fill_style_str("rgba(255,230,140,0.9)");
    let pr = (s / 260.0).max(1.5);
    for p in &e.pulses {
        let ((x0, y0), (x1, y1)) = (pos(p.from as usize), pos(p.to as usize));
        let t = p.t as f64;
        ctx.begin_path();
        let _ = ctx.arc(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, pr, 0.0, TAU);
        ctx.fill();
    }
    let nr =
        (s / 90.0).clamp(3.0, 14.0) * (64.0 / e.agents.len().max(1) as f64).sqrt().clamp(0.5, 1.5);
    for (i, ag) in e.agents.iter().enumerate() {
        let (x, y) = pos(i);
        ctx.set_fill_style_str(&canvas::rate_colour(ag.rate));
        ctx.begin_path();
        let _ = ctx.arc(x, y, nr, 0.0, TAU);
        ctx.fill();
    }
    draw_efficiency(&ctx, e, w);
    canvas::round_corners(&ctx, w, h);
}

/// Global efficiency as a number and a sparkline of its recent history, top left.
fn draw_efficiency(ctx: &web_sys::CanvasRenderingContext2d, e: &Engine, w: f64) {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0);
    let (x0, y0) = (8.0 * dpr, 8.0 * dpr);
    let (sw, sh) = ((w * 0.28).min(180.0 * dpr), 26.0 * dpr);
    ctx.set_fill_style_str("rgba(11,16,32,0.75)");
    ctx.fill_rect(
        x0 - 4.0 * dpr,
        y0 - 4.0 * dpr,
        sw + 8.0 * dpr,
        sh + 22.0 * dpr,
    );
    ctx.set_fill_style_str("#c8d2e6");
    ctx.set_font(&format!("{}px sans-serif", (12.0 * dpr).round()));
    let label = format!(
        "mesh efficiency {:.3} · {} edges",
        e.efficiency,
        e.edges.len()
    );
    let _ = ctx.fill_text(&label, x0, y0 + 11.0 * dpr);
    let h = &e.efficiency_history;
    if h.len() < 2 {
        return;
    }
    let lo = h.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = h.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = (hi - lo).max(1e-6);
    let top = y0 + 16.0 * dpr;
    ctx.set_stroke_style_str("#7fdc8a");
    ctx.set_line_width(dpr.max(1.0));
    ctx.begin_path();
    for (i, v) in h.iter().enumerate() {
        let x = x0 + sw * i as f64 / (EFFICIENCY_HISTORY - 1) as f64;
        let y = top + sh - sh * (v - lo) / span;
        if i == 0 {
            ctx.move_to(x, y);
        } else {
            ctx.line_to(x, y);
        }
    }
    ctx.stroke();
}
