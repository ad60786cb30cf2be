//! The frame-time chart: the last minute of frame times, coloured by tier.
use super::painter::{Painter, LEFT_TOP, RIGHT_MID};
use super::shapes::Swatch;
use super::style::*;
use super::ticks::*;
use crate::tiers::tier::TierKind;
use crate::util::fmt::fmt_ms;
use crate::util::stats::sorted_finite;
use web_sys::HtmlCanvasElement;

/// The frame chart's vertical range: all of the data when no frame is far out of line, else
/// up to twice the 95th percentile with the frames above it marked (`Some(clip)`).
pub fn frame_axis(ms: &[f64]) -> (f64, Option<f64>) {
    let v = sorted_finite(ms);
    if v.is_empty() {
        return (20.0, None);
    }
    let max = v[v.len() - 1];
    let p95 = v[((v.len() - 1) * 95) / 100];
    let fit = (max * 1.1).max(20.0);
    if max > 3.0 * p95 && max > 50.0 {
        let clip = (2.0 * p95).max(20.0);
        (clip * 1.1, Some(clip))
    } else {
        (fit, None)
    }
}

/// Frame time over the last minute, one colour per tier, tier switches marked; frames above
/// the axis (when a few are far out of line) are marked at the top edge.
pub fn frame_history(
    el: &HtmlCanvasElement,
    samples: &[(f64, f64, TierKind)],
) -> Result<(), String> {
    let mut p = Painter::new(el, None)?;
    let m = p.px(10.0);
    let title = p.fitted(&["Frame time, last 60 s"], TITLE_PX, p.w - 2.0 * m);
    p.text(&title, (m, m), LEFT_TOP, TITLE_PX, INK)?;
    let top0 = m + p.px(TITLE_PX * LINE + 6.0);
    if samples.len() < 2 {
        p.text(
            "collecting frame times…",
            (m, top0 + p.px(8.0)),
            LEFT_TOP,
            LABEL_PX,
            MUTED,
        )?;
        return p.finish(el, "Frame-time chart: collecting frame times");
    }
    let t_end = samples.last().map(|s| s.0).unwrap_or(0.0);
    let t_start = t_end - 60.0;
    let shown: Vec<&(f64, f64, TierKind)> = samples.iter().filter(|s| s.0 >= t_start).collect();
    let (y_max, clip) = frame_axis(&shown.iter().map(|s| s.1).collect::<Vec<_>>());
    let mut tiers: Vec<TierKind> = Vec::new();
    for s in &shown {
        if !tiers.contains(&s.2) {
            tiers.push(s.2);
        }
    }
    tiers.sort();
    let clipped: Vec<&&(f64, f64, TierKind)> = clip
        .map(|c| shown.iter().filter(|s| s.1 > c).collect())
        .unwrap_or_default();
    let mut legend: Vec<(Swatch, String)> = tiers
        .iter()
        .map(|t| (Swatch::Line(tier_colour(*t)), t.label().to_string()))
        .collect();
    legend.push((Swatch::Dashed(GOAL_4X), "60 fps budget (16.7 ms)".into()));
    if let (Some(c), false) = (clip, clipped.is_empty()) {
        let worst = clipped.iter().map(|s| s.1).fold(0.0, f64::max);
        legend.push((
            Swatch::Triangle(INK),
            format!(
                "{} frame{} above {} (longest {})",
                clipped.len(),
                if clipped.len() == 1 { "" } else { "s" },
                fmt_ms(c),
                fmt_ms(worst)
            ),
        ));
    }
    let lh = p.legend(&legend, m, top0, p.w - 2.0 * m, false)?;
    let y_ticks = linear_ticks(y_max / 1.05);
    let y_label_w = y_ticks
        .iter()
        .map(|t| p.measure(&format!("{t:.0} ms"), TICK_PX))
        .fold(0.0, f64::max);
    let plot_left = m + y_label_w + p.px(8.0);
    let plot_right = p.w - m - p.px(14.0);
    let plot_top = top0 + lh + p.px(10.0);
    let plot_bottom = p.h - m - p.px(TICK_PX * LINE + 8.0);
    if plot_bottom - plot_top < p.px(40.0) || plot_right - plot_left < p.px(60.0) {
        return p.finish(el, "Frame-time chart: too small to draw");
    }
    let px = |t: f64| lin_map(t - t_end, -60.0, 0.0, plot_left, plot_right);
    let py = |v: f64| lin_map(v.min(y_max), 0.0, y_max, plot_bottom, plot_top);
    for t in &y_ticks {
        let gy = py(*t);
        p.line(&[(plot_left, gy), (plot_right, gy)], GRID, 1.0)?;
        p.text_if_free(
            &format!("{t:.0} ms"),
            (plot_left - p.px(6.0), gy),
            RIGHT_MID,
            TICK_PX,
            MUTED,
        )?;
    }
    for s in [-60.0, -50.0, -40.0, -30.0, -20.0, -10.0, 0.0] {
        let gx = px(t_end + s);
        let label = if s == 0.0 {
            "now".to_string()
        } else {
            format!("{s:.0} s")
        };
        p.x_tick(gx, &label.replace('-', "−"), plot_top, plot_bottom)?;
    }
    p.axes(plot_left, plot_top, plot_right, plot_bottom)?;
    if 16.7 < y_max {
        p.dashed((plot_left, py(16.7)), (plot_right, py(16.7)), GOAL_4X)?;
    }
    // One path per run of the same tier, in that tier's colour; a dashed line where it changes.
    let mut start = 0;
    while start < shown.len() {
        let tier = shown[start].2;
        let mut end = start;
        while end + 1 < shown.len() && shown[end + 1].2 == tier {
            end += 1;
        }
        let c = tier_colour(tier);
        // The run joins the previous one's last point, so the trace has no gap.
        let from = start.saturating_sub(1);
        let pts: Vec<(f64, f64)> = shown[from..=end]
            .iter()
            .map(|s| (px(s.0), py(s.1)))
            .collect();
        p.line(&pts, c, 1.5)?;
        if start > 0 {
            let gx = px(shown[start].0);
            p.dashed((gx, plot_top), (gx, plot_bottom), c)?;
        }
        start = end + 1;
    }
    for s in &clipped {
        p.triangle((px(s.0), plot_top + p.px(5.0)), INK)?;
    }
    p.finish(
        el,
        "Frame time over the last 60 seconds, coloured by tier, with the 60 fps budget",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_axis_fits_the_data_and_clips_only_far_outliers() {
        // A slow tier: every frame near 300 ms is shown, not cut at 250 ms.
        let slow: Vec<f64> = (0..100).map(|i| 280.0 + i as f64).collect();
        let (top, clip) = frame_axis(&slow);
        assert!(top >= 379.0 && clip.is_none(), "{top} {clip:?}");
        // One 900 ms hitch among 16 ms frames: the axis stays readable, the hitch is marked.
        let mut hitch = vec![16.7; 200];
        hitch[50] = 900.0;
        let (top, clip) = frame_axis(&hitch);
        assert_eq!(clip, Some(33.4));
        assert!(top < 40.0);
        assert_eq!(frame_axis(&[]), (20.0, None));
    }
}
