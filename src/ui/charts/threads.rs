//! The thread-scaling chart: each case's speed-up over one thread against the thread count,
//! with the ideal line (k threads, k× faster).
use super::painter::{Painter, LEFT_TOP, RIGHT_MID};
use super::shapes::Swatch;
use super::style::*;
use super::ticks::*;
use crate::features::bench::{ScalingCase, ThreadScaling};
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

/// One colour per case, in the table's order (not the tiers' colours: every case runs in the
/// SIMD module).
const CASE_COLOURS: [RGBColor; 4] = [
    RGBColor(102, 194, 255),
    RGBColor(255, 170, 90),
    RGBColor(140, 220, 120),
    RGBColor(220, 140, 255),
];

/// One case's line: (threads, speed-up, its quartile range) at every count it has a time for.
type Line = Vec<(u32, f64, Option<(f64, f64)>)>;

fn line_of(c: &ScalingCase) -> Line {
    c.threads()
        .into_iter()
        .filter_map(|k| c.speedup_at(k).map(|(s, r)| (k, s, r)))
        .collect()
}

/// Speed-up over one thread per case against the thread count (linear axes from 0 and 1),
/// one line per case with its p25–p75 whiskers, and the ideal line.
pub fn thread_scaling(el: &HtmlCanvasElement, t: &ThreadScaling) -> Result<(), String> {
    let mut p = Painter::new(el, None)?;
    let m = p.px(10.0);
    let title = p.fitted(
        &[
            "Thread scaling: speed-up over one thread",
            "Speed-up over one thread",
            "Thread scaling",
        ],
        TITLE_PX,
        p.w - 2.0 * m,
    );
    p.text(&title, (m, m), LEFT_TOP, TITLE_PX, INK)?;
    let top0 = m + p.px(TITLE_PX * LINE + 6.0);
    let lines: Vec<(String, RGBColor, Line)> = t
        .cases
        .iter()
        .zip(CASE_COLOURS.iter().cycle())
        .map(|(c, &colour)| {
            let name = format!("{} {}", short_kernel_name(&c.kernel), size_name(&c.size));
            (name, colour, line_of(c))
        })
        .filter(|l| l.2.len() >= 2)
        .collect();
    let top_k = lines
        .iter()
        .flat_map(|l| l.2.iter().map(|q| q.0))
        .max()
        .unwrap_or(1);
    if lines.is_empty() || top_k < 2 {
        let why = t.error.clone().unwrap_or_else(|| {
            "measured at one thread only: nothing to compare (this browser reports one core)".into()
        });
        let hint = p.fitted(&[why.as_str(), "not measured"], LABEL_PX, p.w - 2.0 * m);
        p.text(&hint, (m, top0 + p.px(8.0)), LEFT_TOP, LABEL_PX, MUTED)?;
        return p.finish(el, "Thread-scaling chart: nothing to compare");
    }
    let mut legend: Vec<(Swatch, String)> = lines
        .iter()
        .map(|(name, c, _)| (Swatch::Line(*c), name.clone()))
        .collect();
    legend.push((Swatch::Dashed(MUTED), "ideal: k threads, k× faster".into()));
    legend.push((Swatch::Whisker, "p25–p75".into()));
    let lh = p.legend(&legend, m, top0, p.w - 2.0 * m, false)?;
    let hi_data = lines
        .iter()
        .flat_map(|l| l.2.iter())
        .map(|q| q.2.map_or(q.1, |r| r.1.max(q.1)))
        .fold(top_k as f64, f64::max);
    let y_max = hi_data * 1.1;
    let y_ticks = linear_ticks(y_max / 1.05);
    let y_label_w = y_ticks
        .iter()
        .map(|v| p.measure(&fmt_speedup_tick(*v), TICK_PX))
        .fold(0.0, f64::max);
    let plot_left = m + y_label_w + p.px(8.0);
    let plot_right = p.w - m - p.px(14.0);
    let plot_top = top0 + lh + p.px(10.0);
    let plot_bottom = p.h - m - p.px(2.0 * TICK_PX * LINE + 14.0);
    if plot_bottom - plot_top < p.px(40.0) || plot_right - plot_left < p.px(60.0) {
        return p.finish(el, "Thread-scaling chart: too small to draw");
    }
    // x from 1 to the largest count, with a margin so the end points' markers stay inside.
    let (x_lo, x_hi) = (0.8, top_k as f64 + 0.2);
    let px = |k: f64| lin_map(k, x_lo, x_hi, plot_left, plot_right);
    let py = |v: f64| lin_map(v.min(y_max), 0.0, y_max, plot_bottom, plot_top);
    for v in &y_ticks {
        let gy = py(*v);
        p.line(&[(plot_left, gy), (plot_right, gy)], GRID, 1.0)?;
        p.text_if_free(
            &fmt_speedup_tick(*v),
            (plot_left - p.px(6.0), gy),
            RIGHT_MID,
            TICK_PX,
            MUTED,
        )?;
    }
    let mut counts: Vec<u32> = lines.iter().flat_map(|l| l.2.iter().map(|q| q.0)).collect();
    counts.sort_unstable();
    counts.dedup();
    for k in &counts {
        p.x_tick(px(*k as f64), &k.to_string(), plot_top, plot_bottom)?;
    }
    p.axes(plot_left, plot_top, plot_right, plot_bottom)?;
    p.dashed(
        (px(1.0), py(1.0)),
        (px(top_k as f64), py(top_k as f64)),
        MUTED,
    )?;
    for (_, c, pts) in &lines {
        let path: Vec<(f64, f64)> = pts.iter().map(|q| (px(q.0 as f64), py(q.1))).collect();
        p.line(&path, *c, 2.0)?;
        let half = p.px(3.0);
        for (k, s, range) in pts {
            let (x, y) = (px(*k as f64), py(*s));
            if let Some((lo, hi)) = range {
                p.line(&[(x, py(*lo)), (x, py(*hi))], *c, 1.5)?;
                p.line(&[(x - half, py(*lo)), (x + half, py(*lo))], *c, 1.5)?;
                p.line(&[(x - half, py(*hi)), (x + half, py(*hi))], *c, 1.5)?;
            }
            p.rect((x - half, y - half), (x + half, y + half), c.filled())?;
        }
    }
    let axis = p.fitted(
        &[
            "threads (Web Workers, each owning its slice); speed-up = one thread's median ÷ k threads' median",
            "threads; speed-up = median(1) ÷ median(k)",
            "threads",
        ],
        LABEL_PX,
        p.w - 2.0 * m,
    );
    let title_y = plot_bottom + p.px(5.0 + TICK_PX * LINE + 6.0);
    p.text_if_clear(
        &axis,
        (p.w / 2.0, title_y),
        super::painter::CENTRE_TOP,
        LABEL_PX,
        MUTED,
        2.0,
    )?;
    let best: Vec<String> = lines
        .iter()
        .filter_map(|(name, _, pts)| pts.last().map(|q| format!("{name} {:.2}× at {}", q.1, q.0)))
        .collect();
    p.finish(
        el,
        &format!(
            "Speed-up over one thread against the thread count, with the ideal line: {}",
            best.join(", ")
        ),
    )
}
