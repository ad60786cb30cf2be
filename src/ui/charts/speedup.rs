//! The speedup chart: each wasm tier against JS per kernel line.
use super::painter::{Painter, CENTRE_TOP, LEFT_MID, LEFT_TOP, RIGHT_MID};
use super::shapes::Swatch;
use super::style::*;
use super::ticks::*;
use crate::features::bench::ResultLine;
use crate::tiers::tier::TierKind;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

/// The wasm tiers compared with JS in the speedup chart, in legend order.
pub(crate) const WASM_TIERS: [TierKind; 3] = [TierKind::Scalar, TierKind::Simd, TierKind::Relaxed];

/// One bar of the speedup chart: a wasm tier against JS on one kernel line.
struct Bar {
    tier: TierKind,
    median: f64,
    range: Option<(f64, f64)>,
    /// Both outputs agree with their reference (else the bar is faint and marked).
    trusted: bool,
}

fn bars_of(line: &ResultLine) -> Vec<Bar> {
    WASM_TIERS
        .iter()
        .filter_map(|&t| {
            let median = line.speedup(t.key(), "js")?;
            Some(Bar {
                tier: t,
                median,
                range: line.speedup_range(t.key(), "js"),
                trusted: matches!(line.trusted_speedup(t.key(), "js"), Some(Ok(_))),
            })
        })
        .collect()
}

const BAR_PITCH_CSS: f64 = 15.0;
const BAR_CSS: f64 = 10.0;
const GROUP_GAP_CSS: f64 = 10.0;

/// Speedup over JS of each wasm tier (scalar, SIMD128, relaxed SIMD) per kernel line, as
/// horizontal bars on a log axis with the quartile range as whiskers and the 2× and 4× goals.
pub fn speedup_bars(el: &HtmlCanvasElement, lines: &[ResultLine]) -> Result<(), String> {
    let mut rows: Vec<(String, Vec<Bar>)> = lines
        .iter()
        .map(|l| {
            (
                format!("{} {}", kernel_name(&l.kernel), size_name(&l.size)),
                bars_of(l),
            )
        })
        .filter(|(_, b)| !b.is_empty())
        .collect();
    let n_bars: usize = rows.iter().map(|r| r.1.len()).sum();
    // Narrow (a phone): each kernel's label on its own line above its bars, so the bars get
    // the whole width.
    let width_css = el.client_width().max(1) as f64;
    let stacked = width_css < 600.0;
    let label_row_css = if stacked { LABEL_PX * LINE + 4.0 } else { 0.0 };
    // The height the bars need: known before the canvas is sized, so the chart grows with
    // the number of kernels instead of squeezing them. Title, legend, plot, ticks, axis title.
    let plot_css =
        n_bars as f64 * BAR_PITCH_CSS + rows.len() as f64 * (GROUP_GAP_CSS + label_row_css);
    let fixed_css =
        10.0 + TITLE_PX * LINE + 6.0 + 8.0 + 5.0 + TICK_PX * LINE + 6.0 + LABEL_PX * LINE + 10.0;
    let height_css = if rows.is_empty() {
        110.0
    } else {
        fixed_css + 2.0 * (LABEL_PX * LINE + 4.0) + plot_css
    };
    let mut p = Painter::new(el, Some(height_css))?;
    let m = p.px(10.0);
    let title = p.fitted(
        &[
            "Speedup over JavaScript per kernel (× faster, log scale)",
            "Speedup over JS (× faster, log scale)",
            "Speedup over JS",
        ],
        TITLE_PX,
        p.w - 2.0 * m,
    );
    p.text(&title, (m, m), LEFT_TOP, TITLE_PX, INK)?;
    let top0 = m + p.px(TITLE_PX * LINE + 6.0);
    if rows.is_empty() {
        let hint = p.fitted(
            &[
                "Run a benchmark: each kernel's speedup over JS appears here.",
                "Run a benchmark to see speedups.",
            ],
            LABEL_PX,
            p.w - 2.0 * m,
        );
        p.text(&hint, (m, top0 + p.px(8.0)), LEFT_TOP, LABEL_PX, MUTED)?;
        return p.finish(el, "Speedup chart: no benchmark results yet");
    }
    let legend: Vec<(Swatch, String)> = WASM_TIERS
        .iter()
        .map(|&t| (Swatch::Bar(tier_colour(t)), t.label().to_string()))
        .chain([
            (Swatch::Whisker, "p25–p75 of the ratio".to_string()),
            (Swatch::Line(MUTED), "1× = as fast as JS".to_string()),
            (Swatch::Dashed(GOAL_2X), "2× goal (SIMD vs JS)".to_string()),
            (
                Swatch::Dashed(GOAL_4X),
                "4× goal (compute-bound kernels)".to_string(),
            ),
        ])
        .collect();
    // The legend's height depends on the width: measured first, then the canvas is sized to
    // fit everything (sizing clears it, so the title is drawn again).
    let lh_css = p.legend(&legend, m, top0, p.w - 2.0 * m, true)? / p.dpr;
    let need = fixed_css + lh_css + plot_css;
    if (need - height_css).abs() > 0.5 {
        p = Painter::new(el, Some(need))?;
        p.text(&title, (m, m), LEFT_TOP, TITLE_PX, INK)?;
    }
    let lw = p.w - 2.0 * m;
    let lh = p.legend(&legend, m, top0, lw, false)?;
    let plot_top = top0 + lh + p.px(8.0);
    // Row labels take at most ~40 % of the width: on a narrow chart the short kernel names,
    // shortened further with an ellipsis if need be.
    let widest = |rows: &[(String, Vec<Bar>)], p: &Painter| {
        rows.iter()
            .map(|r| p.measure(&r.0, LABEL_PX))
            .fold(0.0, f64::max)
    };
    let budget = if stacked { p.w - 2.0 * m } else { 0.4 * p.w };
    if widest(&rows, &p) > budget {
        for (r, l) in rows
            .iter_mut()
            .zip(lines.iter().filter(|l| !bars_of(l).is_empty()))
        {
            let short = format!("{} {}", short_kernel_name(&l.kernel), size_name(&l.size));
            r.0 = p.fitted(&[&short], LABEL_PX, budget);
        }
    }
    let label_w = if stacked { 0.0 } else { widest(&rows, &p) };
    let value_w = p.measure("00.0× ⚠", VALUE_PX);
    let plot_left = m + label_w + p.px(if stacked { 4.0 } else { 10.0 });
    let plot_right = (p.w - m - value_w - p.px(6.0)).max(plot_left + p.px(40.0));
    let pitch = p.px(BAR_PITCH_CSS);
    let group_gap = p.px(GROUP_GAP_CSS);
    let label_row = p.px(label_row_css);
    let plot_h = n_bars as f64 * pitch + rows.len() as f64 * (group_gap + label_row);
    let plot_bottom = plot_top + plot_h;

    let lo_data = rows
        .iter()
        .flat_map(|r| r.1.iter())
        .map(|b| b.range.map_or(b.median, |r| r.0.min(b.median)))
        .fold(1.0f64, f64::min);
    let hi_data = rows
        .iter()
        .flat_map(|r| r.1.iter())
        .map(|b| b.range.map_or(b.median, |r| r.1.max(b.median)))
        .fold(4.0f64, f64::max);
    let (lo, hi) = (lo_data / 1.3, hi_data * 1.3);
    let x = |v: f64| log_map(v.clamp(lo, hi), lo, hi, plot_left, plot_right);

    // Grid and ticks first, so the bars draw over the grid.
    for t in speedup_ticks(lo, hi) {
        let gx = x(t);
        p.x_tick(gx, &fmt_speedup_tick(t), plot_top, plot_bottom)?;
    }
    p.line(&[(x(1.0), plot_top), (x(1.0), plot_bottom)], MUTED, 1.5)?;
    p.dashed((x(2.0), plot_top), (x(2.0), plot_bottom), GOAL_2X)?;
    p.dashed((x(4.0), plot_top), (x(4.0), plot_bottom), GOAL_4X)?;

    let mut y = plot_top + group_gap / 2.0;
    for (label, bars) in &rows {
        let group_h = bars.len() as f64 * pitch;
        if stacked {
            p.text(label, (plot_left + p.px(2.0), y), LEFT_TOP, LABEL_PX, INK)?;
            y += label_row;
        } else {
            p.text(
                label,
                (plot_left - p.px(8.0), y + group_h / 2.0),
                RIGHT_MID,
                LABEL_PX,
                INK,
            )?;
        }
        for b in bars {
            let mid = y + pitch / 2.0;
            let half = p.px(BAR_CSS) / 2.0;
            let c = tier_colour(b.tier);
            let fill = if b.trusted {
                c.filled()
            } else {
                c.mix(0.35).filled()
            };
            let (x0, x1) = (x(lo), x(b.median));
            p.rect((x0, mid - half), (x1, mid + half), fill)?;
            let mut end = x1;
            if let Some((rlo, rhi)) = b.range {
                let (a, z) = (x(rlo), x(rhi));
                let cap = half * 0.8;
                p.line(&[(a, mid), (z, mid)], INK, 1.5)?;
                p.line(&[(a, mid - cap), (a, mid + cap)], INK, 1.5)?;
                p.line(&[(z, mid - cap), (z, mid + cap)], INK, 1.5)?;
                end = end.max(z);
            }
            let mut value = fmt_speedup(b.median);
            if !b.trusted {
                value.push_str(" ⚠");
            }
            p.text(
                &value,
                (end + p.px(4.0), mid),
                LEFT_MID,
                VALUE_PX,
                if b.trusted { INK } else { MUTED },
            )?;
            y += pitch;
        }
        y += group_gap;
    }
    p.axes(plot_left, plot_top, plot_right, plot_bottom)?;
    let title_y = plot_bottom + p.px(5.0 + TICK_PX * LINE + 6.0);
    let centre = (p.w / 2.0, title_y);
    let long = "speedup over the JS tier (median JS time ÷ median tier time); ⚠ = output check failed, not counted";
    let axis = p.fitted(
        &[
            long,
            "speedup over JS (median ÷ median); ⚠ not counted",
            "speedup over JS",
        ],
        LABEL_PX,
        p.w - 2.0 * m,
    );
    p.text_if_clear(&axis, centre, CENTRE_TOP, LABEL_PX, MUTED, 2.0)?;
    let description = format!(
        "Speedup over JavaScript for {} kernel sizes, log scale, with the 2× and 4× goals; every figure is in the table above",
        rows.len()
    );
    p.finish(el, &description)
}
