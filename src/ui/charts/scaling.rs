//! The scaling chart: time per call against work per call, log-log.
use super::painter::{err, Painter, CENTRE_TOP, LEFT_TOP, RIGHT_MID};
use super::shapes::Swatch;
use super::style::*;
use super::ticks::*;
use crate::features::bench::{BenchRow, ResultLine};
use crate::tiers::tier::TierKind;
use crate::util::fmt::{fmt_time_ns, fmt_work};
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

/// The kernel the scaling chart shows: the one measured at the most sizes (dense first on a
/// tie), among kernels with at least one median. `None`: nothing measured yet.
pub fn scaling_kernel(lines: &[ResultLine]) -> Option<String> {
    let mut best: Option<(usize, bool, String)> = None;
    for l in lines {
        if !l.by_tier.values().any(|r| r.median().is_some()) {
            continue;
        }
        let sizes = lines
            .iter()
            .filter(|x| x.kernel == l.kernel && x.by_tier.values().any(|r| r.median().is_some()))
            .count();
        let key = (sizes, l.kernel == "dense", l.kernel.clone());
        if best.as_ref().is_none_or(|b| (key.0, key.1) > (b.0, b.1)) {
            best = Some(key);
        }
    }
    best.map(|b| b.2)
}

/// One point of the scaling chart: work per call, median and quartiles (ns).
struct Point {
    work: f64,
    median: f64,
    p25: Option<f64>,
    p75: Option<f64>,
}

fn point(r: &BenchRow) -> Option<Point> {
    let q = |v: Option<f64>| v.filter(|x| x.is_finite() && *x > 0.0);
    Some(Point {
        work: r.ops.max(r.flops).max(1.0),
        median: r.median()?,
        p25: q(r.p25_ns),
        p75: q(r.p75_ns),
    })
}

/// Time per call against work per call, log-log, one line per tier over the sizes of the
/// kernel measured at the most sizes, each point with its p25–p75 whisker.
pub fn scaling(el: &HtmlCanvasElement, lines: &[ResultLine]) -> Result<(), String> {
    let kernel = scaling_kernel(lines);
    let mut p = Painter::new(el, None)?;
    let m = p.px(10.0);
    let Some(kernel) = kernel else {
        let title = p.fitted(
            &["Time per call vs work (log-log)", "Time vs work"],
            TITLE_PX,
            p.w - 2.0 * m,
        );
        p.text(&title, (m, m), LEFT_TOP, TITLE_PX, INK)?;
        let hint = p.fitted(
            &[
                "Run a benchmark: time against size appears here.",
                "Run a benchmark to see it.",
            ],
            LABEL_PX,
            p.w - 2.0 * m,
        );
        p.text(
            &hint,
            (m, m + p.px(TITLE_PX * LINE + 14.0)),
            LEFT_TOP,
            LABEL_PX,
            MUTED,
        )?;
        return p.finish(el, "Scaling chart: no benchmark results yet");
    };
    let series: Vec<(TierKind, Vec<Point>)> = TierKind::ALL
        .iter()
        .map(|&t| {
            let mut pts: Vec<Point> = lines
                .iter()
                .filter(|l| l.kernel == kernel)
                .filter_map(|l| point(l.by_tier.get(t.key())?))
                .collect();
            pts.sort_by(|a, b| a.work.total_cmp(&b.work));
            (t, pts)
        })
        .filter(|(_, pts)| !pts.is_empty())
        .collect();
    let unit = lines
        .iter()
        .find(|l| l.kernel == kernel)
        .and_then(|l| l.by_tier.values().next())
        .map(|r| {
            if r.flops > 0.0 {
                "FLOPs".to_string()
            } else {
                r.op_unit.clone()
            }
        })
        .unwrap_or_default();
    let name = kernel_name(&kernel);
    let title = p.fitted(
        &[
            &format!("{name}: time per call vs work per call (log-log)"),
            &format!("{name}: time vs work (log-log)"),
            &name,
        ],
        TITLE_PX,
        p.w - 2.0 * m,
    );
    p.text(&title, (m, m), LEFT_TOP, TITLE_PX, INK)?;
    let top0 = m + p.px(TITLE_PX * LINE + 6.0);
    let legend: Vec<(Swatch, String)> = series
        .iter()
        .map(|(t, _)| (Swatch::Line(tier_colour(*t)), t.label().to_string()))
        .chain([(Swatch::Whisker, "p25–p75".to_string())])
        .collect();
    let lh = p.legend(&legend, m, top0, p.w - 2.0 * m, false)?;
    let all = series.iter().flat_map(|s| s.1.iter());
    let (x0, x1) = all
        .clone()
        .fold((f64::MAX, 0f64), |(a, b), q| (a.min(q.work), b.max(q.work)));
    let (y0, y1) = all.fold((f64::MAX, 0f64), |(a, b), q| {
        (
            a.min(q.p25.unwrap_or(q.median).min(q.median)),
            b.max(q.p75.unwrap_or(q.median).max(q.median)),
        )
    });
    let (xlo, xhi) = (x0 / 1.6, x1 * 1.6);
    let (ylo, yhi) = (y0 / 1.6, y1 * 1.6);
    let y_labels: Vec<(f64, String)> = log_ticks(ylo, yhi)
        .into_iter()
        .map(|t| (t, fmt_time_ns(t)))
        .collect();
    let y_label_w = y_labels
        .iter()
        .map(|(_, s)| p.measure(s, TICK_PX))
        .fold(0.0, f64::max);
    let plot_left = m + y_label_w + p.px(8.0);
    let plot_right = p.w - m - p.px(6.0);
    let plot_top = top0 + lh + p.px(8.0);
    let plot_bottom = p.h - m - p.px(2.0 * TICK_PX * LINE + 12.0);
    if plot_bottom - plot_top < p.px(40.0) || plot_right - plot_left < p.px(60.0) {
        return p.finish(el, "Scaling chart: too small to draw");
    }
    let px = |v: f64| log_map(v, xlo, xhi, plot_left, plot_right);
    let py = |v: f64| log_map(v, ylo, yhi, plot_bottom, plot_top);
    for (t, label) in &y_labels {
        let gy = py(*t);
        p.line(&[(plot_left, gy), (plot_right, gy)], GRID, 1.0)?;
        p.text_if_free(
            label,
            (plot_left - p.px(6.0), gy),
            RIGHT_MID,
            TICK_PX,
            MUTED,
        )?;
    }
    for t in log_ticks(xlo, xhi) {
        let gx = px(t);
        p.x_tick(gx, &fmt_work(t), plot_top, plot_bottom)?;
    }
    p.axes(plot_left, plot_top, plot_right, plot_bottom)?;
    for (t, pts) in &series {
        let c = tier_colour(*t);
        let path: Vec<(f64, f64)> = pts.iter().map(|q| (px(q.work), py(q.median))).collect();
        p.line(&path, c, 2.0)?;
        for q in pts {
            let (cx, cy) = (px(q.work), py(q.median));
            if let (Some(a), Some(b)) = (q.p25, q.p75) {
                let cap = p.px(4.0);
                let (ya, yb) = (py(a), py(b));
                p.line(&[(cx, ya), (cx, yb)], c, 1.5)?;
                p.line(&[(cx - cap, ya), (cx + cap, ya)], c, 1.5)?;
                p.line(&[(cx - cap, yb), (cx + cap, yb)], c, 1.5)?;
            }
            p.root
                .draw(&Circle::new(
                    (cx.round() as i32, cy.round() as i32),
                    p.px(3.5).round() as i32,
                    c.filled(),
                ))
                .map_err(err)?;
        }
    }
    let title_y = plot_bottom + p.px(5.0 + TICK_PX * LINE + 4.0);
    let axis = p.fitted(
        &[
            &format!(
                "work per call ({unit}, log scale); vertical: median time per call (log scale)"
            ),
            &format!("work per call ({unit}); vertical: median time"),
            &format!("work per call ({unit})"),
        ],
        LABEL_PX,
        p.w - 2.0 * m,
    );
    p.text_if_clear(
        &axis,
        (p.w / 2.0, title_y),
        CENTRE_TOP,
        LABEL_PX,
        MUTED,
        2.0,
    )?;
    p.finish(
        el,
        &format!(
            "{}: median time per call against work per call in each tier, log-log",
            kernel_name(&kernel)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(kernel: &str, size: &str, measured: bool) -> ResultLine {
        let row = BenchRow {
            kernel: kernel.into(),
            size: size.into(),
            tier: "js".into(),
            median_ns: measured.then_some(100.0),
            ..BenchRow::default()
        };
        ResultLine {
            kernel: kernel.into(),
            size: size.into(),
            by_tier: [("js".to_string(), row)].into_iter().collect(),
        }
    }

    #[test]
    fn the_scaling_chart_shows_a_kernel_that_has_results() {
        assert_eq!(scaling_kernel(&[]), None);
        // Only sigmoid measured so far: it is shown (never "no results yet" over data).
        let l = vec![
            line("activation_sigmoid", "65536", true),
            line("dense", "64x64", false),
        ];
        assert_eq!(scaling_kernel(&l).as_deref(), Some("activation_sigmoid"));
        // Dense at three sizes wins.
        let l = vec![
            line("activation_sigmoid", "65536", true),
            line("dense", "64x64", true),
            line("dense", "256x256", true),
            line("dense", "1024x1024", true),
        ];
        assert_eq!(scaling_kernel(&l).as_deref(), Some("dense"));
    }
}
