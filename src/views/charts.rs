//! Charts drawn with plotters on `<canvas>` (plotters-canvas): speedup bars, a log-log scaling
//! chart and the frame-time history. Each takes the canvas and the data; nothing is cached.
use super::canvas;
use crate::bench::ResultLine;
use crate::tier::TierKind;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

const BG: RGBColor = RGBColor(11, 16, 32);
const INK: RGBColor = RGBColor(200, 210, 230);
const GRID: RGBColor = RGBColor(40, 52, 80);

pub fn tier_colour(tier: &str) -> RGBColor {
    match tier {
        "js" => RGBColor(255, 196, 87),
        "scalar" => RGBColor(160, 160, 175),
        "simd" => RGBColor(94, 200, 255),
        "relaxed" => RGBColor(83, 209, 138),
        _ => RGBColor(255, 255, 255),
    }
}

fn area(el: &HtmlCanvasElement) -> Result<(DrawingArea<CanvasBackend, Shift>, f64), String> {
    canvas::fit(el);
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    let backend =
        CanvasBackend::with_canvas_object(el.clone()).ok_or("canvas has no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&BG).map_err(|e| e.to_string())?;
    Ok((root, dpr))
}

fn font(dpr: f64, px: f64) -> TextStyle<'static> {
    ("sans-serif", px * dpr).into_font().color(&INK)
}

/// SIMD/JS and SIMD/scalar speedup per kernel, with the 2× and 4× goals marked.
pub fn speedup_bars(el: &HtmlCanvasElement, lines: &[ResultLine]) -> Result<(), String> {
    let (root, dpr) = area(el)?;
    let data: Vec<(String, Option<f64>, Option<f64>)> = lines
        .iter()
        .map(|l| {
            (
                format!("{} {}", l.kernel.trim_start_matches("activation_"), l.size),
                l.speedup("simd", "js"),
                l.speedup("simd", "scalar"),
            )
        })
        .filter(|d| d.1.is_some() || d.2.is_some())
        .collect();
    if data.is_empty() {
        root.draw(&Text::new(
            "no SIMD results to compare",
            (20, 30),
            font(dpr, 13.0),
        ))
        .map_err(|e| e.to_string())?;
        return root.present().map_err(|e| e.to_string());
    }
    let max = data
        .iter()
        .flat_map(|d| [d.1.unwrap_or(0.0), d.2.unwrap_or(0.0)])
        .fold(4.5f64, f64::max)
        * 1.1;
    let n = data.len();
    let labels: Vec<String> = data.iter().map(|d| d.0.clone()).collect();
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * dpr) as i32)
        .caption("SIMD speedup per kernel (× faster)", font(dpr, 14.0))
        .x_label_area_size((105.0 * dpr) as i32)
        .y_label_area_size((40.0 * dpr) as i32)
        .build_cartesian_2d(0f64..n as f64, 0f64..max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(BG)
        .axis_style(INK)
        .x_labels(n)
        .x_label_formatter(&|x| {
            labels
                .get(x.floor().max(0.0) as usize)
                .cloned()
                .unwrap_or_default()
        })
        .x_label_style(font(dpr, 10.0).transform(FontTransform::Rotate90))
        .y_label_style(font(dpr, 11.0))
        .y_desc("speedup ×")
        .draw()
        .map_err(|e| e.to_string())?;
    let js = tier_colour("js");
    let sc = tier_colour("scalar");
    chart
        .draw_series(data.iter().enumerate().filter_map(|(i, d)| {
            d.1.map(|v| Rectangle::new([(i as f64 + 0.1, 0.0), (i as f64 + 0.48, v)], js.filled()))
        }))
        .map_err(|e| e.to_string())?
        .label("SIMD / JS")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], js.filled()));
    chart
        .draw_series(data.iter().enumerate().filter_map(|(i, d)| {
            d.2.map(|v| Rectangle::new([(i as f64 + 0.52, 0.0), (i as f64 + 0.9, v)], sc.filled()))
        }))
        .map_err(|e| e.to_string())?
        .label("SIMD / scalar wasm")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], sc.filled()));
    for (goal, colour) in [
        (2.0, RGBColor(255, 107, 107)),
        (4.0, RGBColor(83, 209, 138)),
    ] {
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, goal), (n as f64, goal)],
                colour.stroke_width(dpr.ceil() as u32),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("{goal}× goal"))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 12, y)], colour));
    }
    chart
        .configure_series_labels()
        .background_style(BG.mix(0.8))
        .border_style(GRID)
        .label_font(font(dpr, 11.0))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// Time per call against work per call, log-log, one line per tier over a kernel's sizes.
pub fn scaling(el: &HtmlCanvasElement, lines: &[ResultLine], kernel: &str) -> Result<(), String> {
    let (root, dpr) = area(el)?;
    let pts: Vec<&ResultLine> = lines.iter().filter(|l| l.kernel == kernel).collect();
    let all: Vec<(f64, f64)> = pts
        .iter()
        .flat_map(|l| {
            l.by_tier
                .values()
                .filter_map(|r| Some((r.ops.max(r.flops).max(1.0), r.median()?)))
        })
        .collect();
    if all.is_empty() {
        root.draw(&Text::new(
            format!("no {kernel} results yet"),
            (20, 30),
            font(dpr, 13.0),
        ))
        .map_err(|e| e.to_string())?;
        return root.present().map_err(|e| e.to_string());
    }
    let (x0, x1) = all
        .iter()
        .fold((f64::MAX, 0f64), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = all
        .iter()
        .fold((f64::MAX, 0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * dpr) as i32)
        .caption(
            format!("{kernel}: time per call vs work (log-log)"),
            font(dpr, 14.0),
        )
        .x_label_area_size((40.0 * dpr) as i32)
        .y_label_area_size((60.0 * dpr) as i32)
        .build_cartesian_2d(
            (x0 / 2.0..x1 * 2.0).log_scale(),
            (y0 / 2.0..y1 * 2.0).log_scale(),
        )
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(BG)
        .axis_style(INK)
        .x_label_style(font(dpr, 10.0))
        .y_label_style(font(dpr, 10.0))
        .x_desc("work per call (FLOPs or ops)")
        .y_desc("median time (ns)")
        .x_label_formatter(&|x| format!("{x:.0e}"))
        .y_label_formatter(&|y| format!("{y:.0e}"))
        .draw()
        .map_err(|e| e.to_string())?;
    for tier in crate::bench::TIERS {
        let mut series: Vec<(f64, f64)> = pts
            .iter()
            .filter_map(|l| {
                let r = l.by_tier.get(tier)?;
                Some((r.ops.max(r.flops).max(1.0), r.median()?))
            })
            .collect();
        if series.is_empty() {
            continue;
        }
        series.sort_by(|a, b| a.0.total_cmp(&b.0));
        let c = tier_colour(tier);
        chart
            .draw_series(LineSeries::new(
                series.clone(),
                c.stroke_width(dpr.ceil() as u32 + 1),
            ))
            .map_err(|e| e.to_string())?
            .label(tier)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 12, y)], c));
        chart
            .draw_series(
                series
                    .into_iter()
                    .map(|p| Circle::new(p, (3.0 * dpr) as i32, c.filled())),
            )
            .map_err(|e| e.to_string())?;
    }
    chart
        .configure_series_labels()
        .background_style(BG.mix(0.8))
        .border_style(GRID)
        .label_font(font(dpr, 11.0))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// Frame time over the last minute, tier switches marked.
pub fn frame_history(
    el: &HtmlCanvasElement,
    samples: &[(f64, f64, TierKind)],
) -> Result<(), String> {
    let (root, dpr) = area(el)?;
    if samples.len() < 2 {
        root.draw(&Text::new(
            "collecting frame times…",
            (20, 30),
            font(dpr, 13.0),
        ))
        .map_err(|e| e.to_string())?;
        return root.present().map_err(|e| e.to_string());
    }
    let t_end = samples.last().map(|s| s.0).unwrap_or(0.0);
    let t_start = t_end - 60.0;
    let y_max = samples
        .iter()
        .map(|s| s.1)
        .fold(20.0f64, f64::max)
        .min(250.0)
        * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * dpr) as i32)
        .caption("Frame time, last 60 s (ms)", font(dpr, 14.0))
        .x_label_area_size((30.0 * dpr) as i32)
        .y_label_area_size((40.0 * dpr) as i32)
        .build_cartesian_2d(-60f64..0f64, 0f64..y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(BG)
        .axis_style(INK)
        .x_label_style(font(dpr, 10.0))
        .y_label_style(font(dpr, 10.0))
        .x_desc("seconds ago")
        .draw()
        .map_err(|e| e.to_string())?;
    let budget = RGBColor(255, 107, 107);
    chart
        .draw_series(LineSeries::new(
            vec![(-60.0, 16.7), (0.0, 16.7)],
            budget.mix(0.7),
        ))
        .map_err(|e| e.to_string())?
        .label("60 fps budget (16.7 ms)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 12, y)], budget));
    // One segment per run of the same tier, in that tier's colour; a marker where it changes.
    let mut start = 0;
    while start < samples.len() {
        let tier = samples[start].2;
        let mut end = start;
        while end + 1 < samples.len() && samples[end + 1].2 == tier {
            end += 1;
        }
        let c = tier_colour(tier.key());
        let pts: Vec<(f64, f64)> = samples[start..=end]
            .iter()
            .filter(|s| s.0 >= t_start)
            .map(|s| (s.0 - t_end, s.1.min(y_max)))
            .collect();
        chart
            .draw_series(LineSeries::new(pts, c.stroke_width(dpr.ceil() as u32)))
            .map_err(|e| e.to_string())?;
        if start > 0 && samples[start].0 >= t_start {
            let x = samples[start].0 - t_end;
            chart
                .draw_series(LineSeries::new(vec![(x, 0.0), (x, y_max)], c.mix(0.6)))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Text::new(
                    tier.key().to_string(),
                    (x, y_max * 0.95),
                    font(dpr, 10.0),
                )))
                .map_err(|e| e.to_string())?;
        }
        start = end + 1;
    }
    chart
        .configure_series_labels()
        .background_style(BG.mix(0.8))
        .border_style(GRID)
        .label_font(font(dpr, 11.0))
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}
