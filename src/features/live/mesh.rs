//! The agent mesh: agents as nodes coloured by firing rate, the strongest agent pairs as edges
//! (colour and width by summed weight), and spike volleys travelling along edges from firing
//! agents. The canvas has three fixed bands: the efficiency readout at the top, the graph in
//! the middle (nodes never leave it, so none covers the readout) and the legend at the bottom.
use crate::runtime::engine::{MeshFrame, EFFICIENCY_HISTORY};
use crate::ui::canvas;
use leptos::html::Canvas;
use leptos::prelude::*;
use std::f64::consts::TAU;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

#[component]
pub fn MeshView(canvas_ref: NodeRef<Canvas>) -> impl IntoView {
    view! {
        <figure class="view mesh">
            <canvas node_ref=canvas_ref data-testid="mesh-canvas" role="img"
                aria-label="agent mesh: agents as nodes coloured by firing rate, edges between the most strongly coupled agent pairs"></canvas>
            <figcaption>"Agent mesh — node colour: firing rate; edges: agent pairs whose summed synaptic weight (both directions) is above the run's threshold, brighter and wider when stronger; yellow dots: spike volleys travelling from a firing agent along its edges."</figcaption>
        </figure>
    }
}

/// Edge colour from weak (at the threshold) to strong (the strongest edge now).
fn edge_colour(t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| a + (b - a) * t;
    format!(
        "rgba({:.0},{:.0},{:.0},{:.2})",
        lerp(60.0, 190.0),
        lerp(90.0, 225.0),
        lerp(170.0, 255.0),
        lerp(0.35, 0.95)
    )
}

const PULSE: &str = "rgba(255,230,140,0.9)";
const LABEL: &str = "#c8d2e6";

/// The graph's square inside the middle band: (left, top, side) in device pixels.
pub fn plot_square(w: f64, h: f64, top_band: f64, bottom_band: f64, pad: f64) -> (f64, f64, f64) {
    let avail_h = (h - top_band - bottom_band - 2.0 * pad).max(1.0);
    let side = (w - 2.0 * pad).min(avail_h).max(1.0);
    let left = (w - side) / 2.0;
    let top = top_band + pad + (avail_h - side) / 2.0;
    (left, top, side)
}

pub fn draw(el: &HtmlCanvasElement, e: MeshFrame<'_>) {
    let (w, h) = canvas::fit(el);
    let Some(ctx) = canvas::context(el) else {
        return;
    };
    canvas::own_corners(el);
    let (w, h) = (w as f64, h as f64);
    let dpr = canvas::dpr();
    ctx.set_fill_style_str("#0b1020");
    ctx.fill_rect(0.0, 0.0, w, h);
    let font_px = (12.0 * dpr).round();
    ctx.set_font(&format!("{font_px}px sans-serif"));
    let top_band = 52.0 * dpr;
    let bottom_band = legend(&ctx, e, w, h, font_px, dpr, true);
    let (ox, oy, s) = plot_square(w, h, top_band, bottom_band, 6.0 * dpr);
    let pos = |i: usize| (ox + e.agents[i].x as f64 * s, oy + e.agents[i].y as f64 * s);

    // Weakest first, so the strong edges are drawn on top.
    let max_w = e.edges.iter().map(|x| x.2).fold(1e-6f32, f32::max) as f64;
    let thr = e.edge_threshold as f64;
    let span = if thr.is_finite() {
        (max_w - thr).max(1e-6)
    } else {
        max_w
    };
    let base = if thr.is_finite() { thr } else { 0.0 };
    let mut order: Vec<usize> = (0..e.edges.len()).collect();
    order.sort_by(|&a, &b| e.edges[a].2.total_cmp(&e.edges[b].2));
    for k in order {
        let (a, b, wt) = e.edges[k];
        let t = (wt as f64 - base) / span;
        let ((x0, y0), (x1, y1)) = (pos(a as usize), pos(b as usize));
        ctx.set_stroke_style_str(&edge_colour(t));
        ctx.set_line_width((0.6 + 2.4 * t.clamp(0.0, 1.0)) * dpr);
        ctx.begin_path();
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
        ctx.stroke();
    }
    ctx.set_fill_style_str(PULSE);
    let pr = (2.0 * dpr).max(1.5);
    for p in e.pulses {
        let ((x0, y0), (x1, y1)) = (pos(p.from as usize), pos(p.to as usize));
        let t = p.t as f64;
        ctx.begin_path();
        let _ = ctx.arc(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, pr, 0.0, TAU);
        ctx.fill();
    }
    let nr =
        (s / 90.0).clamp(3.0, 14.0) * (64.0 / e.agents.len().max(1) as f64).sqrt().clamp(0.5, 1.5);
    ctx.set_stroke_style_str("#0b1020");
    ctx.set_line_width(dpr);
    for (i, ag) in e.agents.iter().enumerate() {
        let (x, y) = pos(i);
        ctx.set_fill_style_str(&canvas::rate_colour(ag.rate));
        ctx.begin_path();
        let _ = ctx.arc(x, y, nr, 0.0, TAU);
        ctx.fill();
        ctx.stroke();
    }
    draw_efficiency(&ctx, e, w, font_px, dpr);
    legend(&ctx, e, w, h, font_px, dpr, false);
    canvas::round_corners(&ctx, w, h);
}

/// The legend in the bottom band: the firing-rate scale, the edge scale and the pulse dot,
/// in rows that wrap to the width. Returns the band's height; `dry`: only measure.
fn legend(
    ctx: &CanvasRenderingContext2d,
    e: MeshFrame<'_>,
    w: f64,
    h: f64,
    font_px: f64,
    dpr: f64,
    dry: bool,
) -> f64 {
    let pad = 8.0 * dpr;
    let row_h = font_px * 1.7;
    let bar_w = 90.0 * dpr;
    let max_w = e.edges.iter().map(|x| x.2).fold(0.0f32, f32::max);
    let thr = e.edge_threshold;
    let edge_text = if thr.is_finite() && !e.edges.is_empty() {
        format!("edge: summed weight {thr:.2} (threshold) → {max_w:.2}")
    } else {
        "edge: summed weight above the threshold".to_string()
    };
    // Items: (swatch width, text).
    let items: [(f64, String); 3] = [
        (bar_w, "firing rate 0 → 90+ Hz".to_string()),
        (bar_w, edge_text),
        (10.0 * dpr, "spike volley along an edge".to_string()),
    ];
    // Lay out bottom-up from a first pass that counts the rows.
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut x = pad;
    for (i, (sw, text)) in items.iter().enumerate() {
        let item_w = sw + 6.0 * dpr + canvas::text_width(ctx, text);
        if x > pad && x + item_w > w - pad {
            rows.push(Vec::new());
            x = pad;
        }
        if let Some(r) = rows.last_mut() {
            r.push(i);
        }
        x += item_w + 16.0 * dpr;
    }
    let band = rows.len() as f64 * row_h + pad;
    if dry {
        return band;
    }
    ctx.set_text_baseline("middle");
    let y0 = h - band;
    for (r, row) in rows.iter().enumerate() {
        let y = y0 + r as f64 * row_h + row_h / 2.0;
        let mut x = pad;
        for &i in row {
            let (sw, text) = &items[i];
            match i {
                0 => {
                    // The node colour scale: 0–90 Hz in the colours the nodes use.
                    let steps = 30;
                    for k in 0..steps {
                        let rate = 90.0 * k as f32 / (steps - 1) as f32;
                        ctx.set_fill_style_str(&canvas::rate_colour(rate));
                        ctx.fill_rect(
                            x + sw * k as f64 / steps as f64,
                            y - 5.0 * dpr,
                            sw / steps as f64 + 0.5,
                            10.0 * dpr,
                        );
                    }
                }
                1 => {
                    let steps = 6;
                    for k in 0..steps {
                        let t = k as f64 / (steps - 1) as f64;
                        ctx.set_stroke_style_str(&edge_colour(t));
                        ctx.set_line_width((0.6 + 2.4 * t) * dpr);
                        let xa = x + sw * k as f64 / steps as f64;
                        ctx.begin_path();
                        ctx.move_to(xa, y);
                        ctx.line_to(xa + sw / steps as f64, y);
                        ctx.stroke();
                    }
                }
                _ => {
                    ctx.set_fill_style_str(PULSE);
                    ctx.begin_path();
                    let _ = ctx.arc(x + sw / 2.0, y, 2.5 * dpr, 0.0, TAU);
                    ctx.fill();
                }
            }
            ctx.set_fill_style_str(LABEL);
            let tx = x + sw + 6.0 * dpr;
            let _ = ctx.fill_text(text, tx, y);
            x = tx + canvas::text_width(ctx, text) + 16.0 * dpr;
        }
    }
    ctx.set_text_baseline("alphabetic");
    band
}

/// Global efficiency as a number and a sparkline of its recent history, in the top band.
fn draw_efficiency(
    ctx: &CanvasRenderingContext2d,
    e: MeshFrame<'_>,
    w: f64,
    font_px: f64,
    dpr: f64,
) {
    let (x0, y0) = (8.0 * dpr, 6.0 * dpr);
    ctx.set_fill_style_str(LABEL);
    ctx.set_text_baseline("top");
    let label = format!(
        "mesh efficiency {:.3} · {} edges of {} agents",
        e.efficiency,
        e.edges.len(),
        e.agents.len()
    );
    let _ = ctx.fill_text(&label, x0, y0);
    ctx.set_text_baseline("alphabetic");
    let hist = e.efficiency_history;
    if hist.len() < 2 {
        return;
    }
    let (sw, sh) = ((w * 0.4).min(220.0 * dpr), 22.0 * dpr);
    let lo = hist.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = hist.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = (hi - lo).max(1e-6);
    let top = y0 + font_px * 1.3;
    ctx.set_stroke_style_str("#7fdc8a");
    ctx.set_line_width(dpr.max(1.0));
    ctx.begin_path();
    for (i, v) in hist.iter().enumerate() {
        let x = x0 + sw * i as f64 / (EFFICIENCY_HISTORY - 1) as f64;
        let y = top + sh - sh * (v - lo) / span;
        if i == 0 {
            ctx.move_to(x, y);
        } else {
            ctx.line_to(x, y);
        }
    }
    ctx.stroke();
    ctx.set_fill_style_str("#9fb0d0");
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text(
        &format!("{lo:.3}–{hi:.3} over the last {} updates", hist.len()),
        x0 + sw + 8.0 * dpr,
        top + sh / 2.0,
    );
    ctx.set_text_baseline("alphabetic");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graph_stays_between_the_readout_and_the_legend() {
        let (w, h, top, bottom, pad) = (600.0, 420.0, 52.0, 40.0, 6.0);
        let (l, t, s) = plot_square(w, h, top, bottom, pad);
        assert!(
            t >= top + pad && t + s <= h - bottom - pad + 1e-9,
            "{t} {s}"
        );
        assert!(l >= pad && l + s <= w - pad);
        // Narrow: the width limits the square.
        let (l, _, s) = plot_square(300.0, 900.0, top, bottom, pad);
        assert!((s - 288.0).abs() < 1e-9 && (l - 6.0).abs() < 1e-9);
    }
}
