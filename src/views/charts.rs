//! Charts drawn with plotters on `<canvas>` (plotters-canvas): speedup over JS per kernel
//! (horizontal bars, log scale), time against work per call (log-log) and the frame-time
//! history. Each takes the canvas and the data; nothing is cached.
//!
//! Text is laid out here, not by plotters' mesh: every label is measured with the canvas's own
//! `measureText` before it is placed, a tick label that would touch one already drawn is left
//! out, and legends sit in a band above the plot, never over the data. Every drawn label's box
//! (CSS px) is written to the canvas's `data-label-boxes` attribute, so a test can check that
//! none intersect and that none is smaller than [`MIN_FONT_CSS_PX`].
use super::canvas;
use crate::bench::{BenchRow, ResultLine};
use crate::fmt::{fmt_ms, fmt_time_ns, fmt_work, group_digits};
use crate::stats::sorted_finite;
use crate::tier::TierKind;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

const BG: RGBColor = RGBColor(11, 16, 32);
const INK: RGBColor = RGBColor(220, 228, 242);
const MUTED: RGBColor = RGBColor(160, 174, 200);
const GRID: RGBColor = RGBColor(44, 57, 88);
const GOAL_2X: RGBColor = RGBColor(255, 200, 87);
const GOAL_4X: RGBColor = RGBColor(255, 120, 150);

/// No text on a chart is smaller than this (CSS px, whatever the device pixel ratio).
pub const MIN_FONT_CSS_PX: f64 = 12.0;
const TICK_PX: f64 = 13.0;
const LABEL_PX: f64 = 13.0;
const VALUE_PX: f64 = 12.0;
const TITLE_PX: f64 = 15.0;
/// The least space between two labels placed by [`Painter::text_if_free`] (CSS px).
const TICK_GAP_CSS: f64 = 8.0;
/// A label's box height for layout, as a multiple of its font size (the em box and a little
/// more, so glyph descenders and accents stay inside it).
const LINE: f64 = 1.2;

/// The tiers' colours, the same as the headline's bars (`style/main.css`, `.tier-*`).
pub fn tier_colour(kind: TierKind) -> RGBColor {
    match kind {
        TierKind::Js => RGBColor(255, 159, 107),
        TierKind::Scalar => RGBColor(201, 165, 255),
        TierKind::Simd => RGBColor(94, 200, 255),
        TierKind::Relaxed => RGBColor(83, 209, 138),
    }
}

/// The wasm tiers compared with JS in the speedup chart, in legend order.
const WASM_TIERS: [TierKind; 3] = [TierKind::Scalar, TierKind::Simd, TierKind::Relaxed];

/// A kernel's name for people: "sigmoid", "batched dense", "LIF step".
pub fn kernel_name(kernel: &str) -> String {
    match kernel {
        "dense" => "dense (matrix × vector)".into(),
        "dense_batch" => "batched dense".into(),
        "lif_step" => "LIF step".into(),
        "stdp" => "STDP".into(),
        "efficiency" => "mesh efficiency".into(),
        k => k.trim_start_matches("activation_").replace('_', " "),
    }
}

/// A kernel's name where space is short: "dense", "batched", "LIF".
pub fn short_kernel_name(kernel: &str) -> String {
    match kernel {
        "dense" => "dense".into(),
        "dense_batch" => "batched".into(),
        "lif_step" => "LIF".into(),
        "efficiency" => "efficiency".into(),
        k => kernel_name(k),
    }
}

/// A size for people: "256x256" → "256×256", "65536" → "65 536".
pub fn size_name(size: &str) -> String {
    if size.contains('x') {
        return size.replace('x', "×");
    }
    match size.parse::<u64>() {
        Ok(n) if n >= 10_000 => group_digits(n, '\u{2009}'),
        _ => size.to_string(),
    }
}

/// A speedup: "0.5×", "5.2×", "27×".
pub fn fmt_speedup(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}×")
    } else {
        format!("{x:.1}×")
    }
}

/// A tick of the speedup axis (a power of two): "0.125×", "0.25×", "1×", "32×".
pub fn fmt_speedup_tick(t: f64) -> String {
    let s = format!("{t:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}×")
}

/// Ticks of a log axis over `lo..hi`: 1, 2, 5 × powers of ten when the range is under three
/// decades, powers of ten otherwise.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let decades = (hi / lo).log10();
    let mults: &[f64] = if decades < 3.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let mut out = Vec::new();
    let mut p = 10f64.powf(lo.log10().floor());
    while p <= hi * 1.0001 {
        for m in mults {
            let t = p * m;
            if t >= lo * 0.9999 && t <= hi * 1.0001 {
                out.push(t);
            }
        }
        p *= 10.0;
    }
    out
}

/// Ticks of a speedup axis over `lo..hi`: powers of two (0.25×, 0.5×, 1×, 2×, 4×, …).
pub fn speedup_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut t = 2f64.powf(lo.log2().ceil());
    while t <= hi * 1.0001 {
        out.push(t);
        t *= 2.0;
    }
    out
}

/// Ticks of a linear axis from 0 to `hi`: 4–8 steps of 1, 2 or 5 × a power of ten.
pub fn linear_ticks(hi: f64) -> Vec<f64> {
    if !(hi > 0.0 && hi.is_finite()) {
        return vec![0.0];
    }
    let raw = hi / 5.0;
    let p = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| hi / s <= 8.0)
        .unwrap_or(10.0 * p);
    (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= hi * 1.0001)
        .collect()
}

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

/// A label's box in backend pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl TextBox {
    pub fn intersects(&self, o: &TextBox) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
    fn grown(&self, by: f64) -> TextBox {
        TextBox {
            x: self.x - by,
            y: self.y - by,
            w: self.w + 2.0 * by,
            h: self.h + 2.0 * by,
        }
    }
}

/// Where a label goes relative to its anchor point.
#[derive(Clone, Copy)]
struct Anchor(HPos, VPos);
const LEFT_MID: Anchor = Anchor(HPos::Left, VPos::Center);
const RIGHT_MID: Anchor = Anchor(HPos::Right, VPos::Center);
const CENTRE_TOP: Anchor = Anchor(HPos::Center, VPos::Top);
const LEFT_TOP: Anchor = Anchor(HPos::Left, VPos::Top);

/// A legend entry's swatch.
#[derive(Clone, Copy)]
enum Swatch {
    Bar(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
    Whisker,
    Triangle(RGBColor),
}

type Root = DrawingArea<CanvasBackend, Shift>;

/// One chart being drawn: the plotters root, the 2D context to measure text with, and every
/// label drawn so far.
struct Painter {
    root: Root,
    ctx: CanvasRenderingContext2d,
    dpr: f64,
    /// Backend size in device pixels.
    w: f64,
    h: f64,
    boxes: Vec<(TextBox, f64, String)>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Painter {
    /// Sizes the canvas to `css_height` (None: as the stylesheet says) × devicePixelRatio and
    /// clears it.
    fn new(el: &HtmlCanvasElement, css_height: Option<f64>) -> Result<Painter, String> {
        if let Some(h) = css_height {
            let style = format!("height:{}px", h.round());
            if el.get_attribute("style").as_deref() != Some(style.as_str()) {
                let _ = el.set_attribute("style", &style);
            }
        }
        let (w, h) = canvas::fit(el);
        let dpr = canvas::dpr();
        let ctx = canvas::context(el).ok_or("canvas has no 2D context")?;
        let backend =
            CanvasBackend::with_canvas_object(el.clone()).ok_or("canvas has no 2D context")?;
        let root = backend.into_drawing_area();
        root.fill(&BG).map_err(err)?;
        Ok(Painter {
            root,
            ctx,
            dpr,
            w: w as f64,
            h: h as f64,
            boxes: Vec::new(),
        })
    }

    /// CSS px to backend px.
    fn px(&self, css: f64) -> f64 {
        css * self.dpr
    }

    /// Width of `text` at `css_px` in backend pixels, as the canvas will draw it.
    fn measure(&self, text: &str, css_px: f64) -> f64 {
        self.ctx
            .set_font(&format!("normal {}px sans-serif", self.px(css_px)));
        canvas::text_width(&self.ctx, text)
    }

    /// The first of `options` that fits `max_w` backend px at `css_px`; else the last one
    /// shortened with an ellipsis until it fits.
    fn fitted(&self, options: &[&str], css_px: f64, max_w: f64) -> String {
        let css_px = css_px.max(MIN_FONT_CSS_PX);
        if let Some(o) = options.iter().find(|o| self.measure(o, css_px) <= max_w) {
            return o.to_string();
        }
        let mut chars: Vec<char> = options.last().copied().unwrap_or("").chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let t: String = chars.iter().collect::<String>() + "…";
            if self.measure(&t, css_px) <= max_w {
                return t;
            }
        }
        String::new()
    }

    fn text_box(&self, text: &str, at: (f64, f64), anchor: Anchor, css_px: f64) -> TextBox {
        let (w, h) = (self.measure(text, css_px), self.px(css_px) * LINE);
        let x = match anchor.0 {
            HPos::Left => at.0,
            HPos::Center => at.0 - w / 2.0,
            HPos::Right => at.0 - w,
        };
        let y = match anchor.1 {
            VPos::Top => at.1,
            VPos::Center => at.1 - h / 2.0,
            VPos::Bottom => at.1 - h,
        };
        TextBox { x, y, w, h }
    }

    /// Whether a label at this place would stay clear of every label drawn so far (with a
    /// small gap) and inside the canvas.
    fn free(&self, b: &TextBox, gap_css: f64) -> bool {
        let gap = self.px(gap_css);
        b.x >= 0.0
            && b.y >= 0.0
            && b.x + b.w <= self.w
            && b.y + b.h <= self.h
            && self
                .boxes
                .iter()
                .all(|(o, _, _)| !o.grown(gap).intersects(b))
    }

    /// Draws `text` and records its box. The text is drawn with its vertical centre at the
    /// centre of its layout box, whatever the anchor says, so box and glyphs agree.
    fn text(
        &mut self,
        text: &str,
        at: (f64, f64),
        anchor: Anchor,
        css_px: f64,
        colour: RGBColor,
    ) -> Result<TextBox, String> {
        let css_px = css_px.max(MIN_FONT_CSS_PX);
        let b = self.text_box(text, at, anchor, css_px);
        let style = ("sans-serif", self.px(css_px))
            .into_font()
            .color(&colour)
            .pos(Pos::new(anchor.0, VPos::Center));
        let y = b.y + b.h / 2.0;
        self.root
            .draw(&Text::new(
                text.to_string(),
                (at.0.round() as i32, y.round() as i32),
                style,
            ))
            .map_err(err)?;
        self.boxes.push((b, css_px, text.to_string()));
        Ok(b)
    }

    /// Draws `text` only if it fits clear of the labels already drawn (by `TICK_GAP_CSS`
    /// at least, so tick labels never run together); whether it was drawn.
    fn text_if_free(
        &mut self,
        text: &str,
        at: (f64, f64),
        anchor: Anchor,
        css_px: f64,
        colour: RGBColor,
    ) -> Result<bool, String> {
        self.text_if_clear(text, at, anchor, css_px, colour, TICK_GAP_CSS)
    }

    /// As [`Painter::text_if_free`], with `gap_css` of space required around the label.
    fn text_if_clear(
        &mut self,
        text: &str,
        at: (f64, f64),
        anchor: Anchor,
        css_px: f64,
        colour: RGBColor,
        gap_css: f64,
    ) -> Result<bool, String> {
        let b = self.text_box(text, at, anchor, css_px);
        if !self.free(&b, gap_css) {
            return Ok(false);
        }
        self.text(text, at, anchor, css_px, colour)?;
        Ok(true)
    }

    fn line(&self, pts: &[(f64, f64)], colour: RGBColor, css_width: f64) -> Result<(), String> {
        let pts: Vec<(i32, i32)> = pts
            .iter()
            .map(|p| (p.0.round() as i32, p.1.round() as i32))
            .collect();
        self.root
            .draw(&PathElement::new(
                pts,
                colour.stroke_width(self.px(css_width).round().max(1.0) as u32),
            ))
            .map_err(err)
    }

    /// The left and bottom axis lines of a plot area.
    fn axes(&self, left: f64, top: f64, right: f64, bottom: f64) -> Result<(), String> {
        self.line(&[(left, top), (left, bottom), (right, bottom)], MUTED, 1.0)
    }

    /// A vertical grid line at `x` across the plot and its label under it (left out where it
    /// would touch a label already drawn).
    fn x_tick(&mut self, x: f64, label: &str, top: f64, bottom: f64) -> Result<(), String> {
        self.line(&[(x, top), (x, bottom)], GRID, 1.0)?;
        self.text_if_free(
            label,
            (x, bottom + self.px(5.0)),
            CENTRE_TOP,
            TICK_PX,
            MUTED,
        )?;
        Ok(())
    }

    fn dashed(&self, a: (f64, f64), b: (f64, f64), colour: RGBColor) -> Result<(), String> {
        let (dash, gap) = (self.px(6.0), self.px(4.0));
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if len <= 0.0 {
            return Ok(());
        }
        let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
        let mut t = 0.0;
        while t < len {
            let e = (t + dash).min(len);
            self.line(
                &[(a.0 + ux * t, a.1 + uy * t), (a.0 + ux * e, a.1 + uy * e)],
                colour,
                1.5,
            )?;
            t = e + gap;
        }
        Ok(())
    }

    fn rect(&self, a: (f64, f64), b: (f64, f64), style: ShapeStyle) -> Result<(), String> {
        self.root
            .draw(&Rectangle::new(
                [
                    (a.0.round() as i32, a.1.round() as i32),
                    (b.0.round() as i32, b.1.round() as i32),
                ],
                style,
            ))
            .map_err(err)
    }

    fn triangle(&self, at: (f64, f64), colour: RGBColor) -> Result<(), String> {
        let s = self.px(4.0);
        let pts = vec![
            (at.0.round() as i32, (at.1 - s).round() as i32),
            ((at.0 - s).round() as i32, (at.1 + s).round() as i32),
            ((at.0 + s).round() as i32, (at.1 + s).round() as i32),
        ];
        self.root
            .draw(&Polygon::new(pts, colour.filled()))
            .map_err(err)
    }

    fn swatch(&self, s: Swatch, x: f64, y_mid: f64) -> Result<(), String> {
        let (w, hh) = (self.px(16.0), self.px(5.0));
        match s {
            Swatch::Bar(c) => self.rect((x, y_mid - hh), (x + w, y_mid + hh), c.filled()),
            Swatch::Line(c) => self.line(&[(x, y_mid), (x + w, y_mid)], c, 2.0),
            Swatch::Dashed(c) => self.dashed((x, y_mid), (x + w, y_mid), c),
            Swatch::Whisker => {
                self.line(&[(x, y_mid), (x + w, y_mid)], INK, 1.5)?;
                self.line(&[(x, y_mid - hh), (x, y_mid + hh)], INK, 1.5)?;
                self.line(&[(x + w, y_mid - hh), (x + w, y_mid + hh)], INK, 1.5)
            }
            Swatch::Triangle(c) => self.triangle((x + w / 2.0, y_mid), c),
        }
    }

    /// A legend laid out in rows from `(x0, y0)` within `width`; returns the height used.
    /// `dry`: only measure.
    fn legend(
        &mut self,
        items: &[(Swatch, String)],
        x0: f64,
        y0: f64,
        width: f64,
        dry: bool,
    ) -> Result<f64, String> {
        let row_h = self.px(LABEL_PX * LINE + 4.0);
        let (sw, gap, sep) = (self.px(16.0), self.px(6.0), self.px(18.0));
        let (mut x, mut y) = (x0, y0);
        for (s, label) in items {
            let label = &self.fitted(&[label.as_str()], LABEL_PX, (width - sw - gap).max(0.0));
            let item_w = sw + gap + self.measure(label, LABEL_PX);
            if x > x0 && x + item_w > x0 + width {
                x = x0;
                y += row_h;
            }
            if !dry {
                self.swatch(*s, x, y + row_h / 2.0)?;
                self.text(
                    label,
                    (x + sw + gap, y + row_h / 2.0),
                    LEFT_MID,
                    LABEL_PX,
                    INK,
                )?;
            }
            x += item_w + sep;
        }
        Ok(y + row_h - y0)
    }

    /// Presents the drawing and writes the label boxes (CSS px) onto the canvas.
    fn finish(self, el: &HtmlCanvasElement, description: &str) -> Result<(), String> {
        self.root.present().map_err(err)?;
        let d = self.dpr;
        let boxes: Vec<serde_json::Value> = self
            .boxes
            .iter()
            .map(|(b, px, text)| {
                serde_json::json!({
                    "x": b.x / d, "y": b.y / d, "w": b.w / d, "h": b.h / d,
                    "px": px, "text": text,
                })
            })
            .collect();
        let _ = el.set_attribute(
            "data-label-boxes",
            &serde_json::Value::Array(boxes).to_string(),
        );
        let _ = el.set_attribute("aria-label", description);
        Ok(())
    }
}

/// Maps a value on a log axis `lo..hi` onto pixels `a..b`.
fn log_map(v: f64, lo: f64, hi: f64, a: f64, b: f64) -> f64 {
    a + (b - a) * (v.ln() - lo.ln()) / (hi.ln() - lo.ln())
}

fn lin_map(v: f64, lo: f64, hi: f64, a: f64, b: f64) -> f64 {
    a + (b - a) * (v - lo) / (hi - lo)
}

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
    fn log_ticks_are_1_2_5_on_short_ranges_and_decades_on_long_ones() {
        assert_eq!(log_ticks(150.0, 3000.0), vec![200.0, 500.0, 1000.0, 2000.0]);
        assert_eq!(log_ticks(5.0, 2e6), vec![10.0, 100.0, 1e3, 1e4, 1e5, 1e6]);
        assert!(log_ticks(0.0, 10.0).is_empty());
        assert!(log_ticks(10.0, 10.0).is_empty());
        assert!(log_ticks(f64::NAN, 10.0).is_empty());
    }

    #[test]
    fn speedup_ticks_are_powers_of_two_inside_the_range() {
        assert_eq!(speedup_ticks(0.7, 20.0), vec![1.0, 2.0, 4.0, 8.0, 16.0]);
        assert_eq!(speedup_ticks(0.3, 1.5), vec![0.5, 1.0]);
    }

    #[test]
    fn linear_ticks_take_nice_steps() {
        assert_eq!(linear_ticks(20.0), vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(
            linear_ticks(270.0),
            vec![0.0, 50.0, 100.0, 150.0, 200.0, 250.0]
        );
        assert_eq!(linear_ticks(0.0), vec![0.0]);
    }

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

    #[test]
    fn human_units_on_the_axes() {
        assert_eq!(fmt_speedup(5.23), "5.2×");
        assert_eq!(fmt_speedup(27.4), "27×");
        assert_eq!(fmt_speedup_tick(0.25), "0.25×");
        assert_eq!(fmt_speedup_tick(0.125), "0.125×");
        assert_eq!(fmt_speedup_tick(4.0), "4×");
        assert_eq!(kernel_name("activation_sigmoid"), "sigmoid");
        assert_eq!(kernel_name("lif_step"), "LIF step");
        assert_eq!(size_name("256x256"), "256×256");
        assert_eq!(size_name("65536"), "65\u{2009}536");
        assert_eq!(size_name("1024"), "1024");
    }

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

    #[test]
    fn boxes_intersect_only_when_they_overlap() {
        let a = TextBox {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        let b = TextBox { x: 10.0, ..a };
        let c = TextBox {
            x: 9.0,
            y: 9.0,
            ..a
        };
        assert!(!a.intersects(&b));
        assert!(a.intersects(&c));
        assert!(a.grown(1.0).intersects(&b));
    }
}
