//! The roofline (issue 28 part 2): arithmetic intensity (flops per byte by the counting rule,
//! `kernels/ABI.md`) against GFLOP/s, log-log, under this engine's two roofs — read bandwidth ×
//! intensity and the mul+add (and fma) throughput — one point per kernel × size × tier.
//! `crate::roofline` is the plain logic; [`draw`] lays text out as `charts` does: measured
//! first, ≥ 12 CSS px, a label that would touch another is left out, boxes in
//! `data-label-boxes` (its `Painter` is private there, so this file has a small one of its own).
use super::canvas;
use super::charts::{
    kernel_name, log_ticks, short_kernel_name, size_name, tier_colour, TextBox, MIN_FONT_CSS_PX,
};
use crate::roofline::{RoofPoint, Roofline};
use crate::tier::TierKind;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

type Draw = DrawingArea<CanvasBackend, plotters::coord::Shift>;
fn e(x: impl std::fmt::Display) -> String {
    x.to_string()
}

const INK: RGBColor = RGBColor(220, 228, 242);
const MUTED: RGBColor = RGBColor(160, 174, 200);
const GRID: RGBColor = RGBColor(44, 57, 88);
const ROOF: RGBColor = RGBColor(255, 200, 87);
/// Font size (CSS px, never under 12) and colour of each kind of text.
type Style = (f64, RGBColor);
const TITLE: Style = (15.0, INK);
const TICK: Style = (13.0, MUTED);
const LABEL: Style = (13.0, INK);
const ROOF_LABEL: Style = (13.0, ROOF);

/// Text placed only where it is clear of every label so far (boxes in device px).
struct Labels<'a> {
    root: &'a Draw,
    ctx: web_sys::CanvasRenderingContext2d,
    d: f64,
    size: (f64, f64),
    boxes: Vec<(TextBox, f64, String)>,
}

impl Labels<'_> {
    /// Draws the first of `texts` that fits inside the canvas 4 CSS px clear of every label
    /// drawn so far, vertically centred on `at`; whether one did.
    fn put(&mut self, texts: &[&str], at: (f64, f64), h: HPos, s: Style) -> Result<bool, String> {
        let (css, d) = (s.0.max(MIN_FONT_CSS_PX), self.d);
        self.ctx
            .set_font(&format!("normal {}px sans-serif", css * d));
        for t in texts {
            let (w, bh, g) = (canvas::text_width(&self.ctx, t), css * d * 1.2, 4.0 * d);
            let x = match h {
                HPos::Left => at.0,
                HPos::Center => at.0 - w / 2.0,
                HPos::Right => at.0 - w,
            };
            let b = TextBox {
                x,
                y: at.1 - bh / 2.0,
                w,
                h: bh,
            };
            let inside = x >= 0.0 && b.y >= 0.0 && x + w <= self.size.0 && b.y + bh <= self.size.1;
            let clear = |o: &TextBox| {
                o.x - g >= x + w
                    || x >= o.x + o.w + g
                    || o.y - g >= b.y + bh
                    || b.y >= o.y + o.h + g
            };
            if inside && self.boxes.iter().all(|(o, _, _)| clear(o)) {
                let font = ("sans-serif", css * d).into_font().color(&s.1);
                let style = font.pos(Pos::new(h, VPos::Center));
                let p = (at.0.round() as i32, at.1.round() as i32);
                self.root
                    .draw(&Text::new(t.to_string(), p, style))
                    .map_err(e)?;
                self.boxes.push((b, css, t.to_string()));
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Draws the roofline of `m` (or a hint when there is none yet) on `el`.
pub fn draw(el: &HtmlCanvasElement, m: Option<&Roofline>) -> Result<(), String> {
    let (w, h) = canvas::fit(el);
    let (w, h, d) = (w as f64, h as f64, canvas::dpr());
    let backend = CanvasBackend::with_canvas_object(el.clone()).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&RGBColor(11, 16, 32)).map_err(e)?;
    let ctx = canvas::context(el).ok_or("no 2D context")?;
    let (boxes, size) = (Vec::new(), (w, h));
    let mut l = Labels {
        root: &root,
        ctx,
        d,
        size,
        boxes,
    };
    let mg = 10.0 * d;
    let line = |pts: Vec<(f64, f64)>, c: RGBColor, sw: f64| {
        let pts: Vec<(i32, i32)> = pts
            .iter()
            .map(|p| (p.0.round() as i32, p.1.round() as i32))
            .collect();
        let style = c.stroke_width((sw * d).round().max(1.0) as u32);
        root.draw(&PathElement::new(pts, style)).map_err(e)
    };
    let titles = [
        "Roofline: GFLOP/s against flops per byte (log-log)",
        "Roofline (log-log)",
    ];
    l.put(&titles, (mg, mg + 10.0 * d), HPos::Left, TITLE)?;
    let description = match m.filter(|m| !m.points.is_empty()) {
        None => {
            let hint = [
                "Run a benchmark: the roofline appears here.",
                "Run a benchmark.",
            ];
            l.put(&hint, (mg, mg + 42.0 * d), HPos::Left, TICK)?;
            "Roofline chart: no benchmark results with this engine's ceilings yet".to_string()
        }
        Some(m) => plot(
            &mut l,
            &line,
            m,
            (mg, mg + 36.0 * d, w - mg, h - mg - 38.0 * d),
        )?,
    };
    root.present().map_err(e)?;
    let boxes: Vec<serde_json::Value> = l.boxes.iter().map(|(b, px, text)| {
        serde_json::json!({"x": b.x / d, "y": b.y / d, "w": b.w / d, "h": b.h / d, "px": px, "text": text})
    }).collect();
    let _ = el.set_attribute(
        "data-label-boxes",
        &serde_json::Value::Array(boxes).to_string(),
    );
    let _ = el.set_attribute("aria-label", &description);
    Ok(())
}

type LineFn<'a> = dyn Fn(Vec<(f64, f64)>, RGBColor, f64) -> Result<(), String> + 'a;

/// The legend row, axes, roofs and points inside `(left, top, right, bottom)`; the description.
fn plot(
    l: &mut Labels,
    line: &LineFn,
    m: &Roofline,
    area: (f64, f64, f64, f64),
) -> Result<String, String> {
    let (d, (left0, top, right, bottom)) = (l.d, area);
    let mut x = left0;
    for t in TierKind::ALL
        .iter()
        .filter(|t| m.points.iter().any(|p| p.tier == **t))
    {
        if l.put(&[t.label()], (x, top), HPos::Left, (13.0, tier_colour(*t)))? {
            x = l.boxes.last().map_or(x, |b| b.0.x + b.0.w) + 14.0 * d;
        }
    }
    let top = top + 22.0 * d;
    let roof_top = m.fma.unwrap_or(0.0).max(m.mul_add);
    let ix = m.points.iter().map(|p| p.intensity).chain([m.ridge]);
    let (xlo, xhi) = (
        ix.clone().fold(f64::MAX, f64::min) / 3.0,
        ix.fold(0.0, f64::max) * 3.0,
    );
    let gy = m.points.iter().map(|p| p.gflop_s);
    let (ylo, yhi) = (
        gy.clone().fold(f64::MAX, f64::min) / 3.0,
        gy.fold(roof_top, f64::max) * 2.0,
    );
    let left = left0 + 46.0 * d;
    if right - left < 80.0 * d || bottom - top < 60.0 * d {
        return Ok("Roofline chart: too small to draw".into());
    }
    // Log axes: a value's place between the ends, in pixels.
    let px = |v: f64| left + (right - left) * (v / xlo).ln() / (xhi / xlo).ln();
    let py = |v: f64| bottom + (top - bottom) * (v / ylo).ln() / (yhi / ylo).ln();
    let fmt = |v: f64| {
        if v >= 1.0 {
            format!("{v:.0}")
        } else {
            format!("{v}")
        }
    };
    for t in log_ticks(ylo, yhi) {
        line(vec![(left, py(t)), (right, py(t))], GRID, 1.0)?;
        l.put(&[&fmt(t)], (left - 6.0 * d, py(t)), HPos::Right, TICK)?;
    }
    for t in log_ticks(xlo, xhi) {
        line(vec![(px(t), top), (px(t), bottom)], GRID, 1.0)?;
        l.put(&[&fmt(t)], (px(t), bottom + 12.0 * d), HPos::Center, TICK)?;
    }
    line(
        vec![(left, top), (left, bottom), (right, bottom)],
        MUTED,
        1.0,
    )?;
    // The read roof rises until it meets the mul+add roof at the ridge, which runs on flat.
    let x0 = xlo.max(ylo / m.read_gb_s);
    let (a, ridge) = ((px(x0), py(m.read_gb_s * x0)), (px(m.ridge), py(m.mul_add)));
    line(vec![a, ridge, (right, py(m.mul_add))], ROOF, 2.0)?;
    let mut roofs = vec![format!("mul+add {:.1} GFLOP/s", m.mul_add)];
    if let Some(f) = m.fma.filter(|f| (*f / m.mul_add - 1.0).abs() > 0.02) {
        line(
            vec![(px(f / m.read_gb_s), py(f)), (right, py(f))],
            ROOF,
            1.0,
        )?;
        roofs.push(format!("fma {f:.1} GFLOP/s"));
        l.put(
            &[&roofs[1]],
            (right, py(f.max(m.mul_add)) - 11.0 * d),
            HPos::Right,
            ROOF_LABEL,
        )?;
    }
    l.put(
        &[&roofs[0]],
        (right, py(m.fma.unwrap_or(0.0).min(m.mul_add)) + 11.0 * d),
        HPos::Right,
        ROOF_LABEL,
    )?;
    let read = format!("read {:.1} GB/s × flop/byte", m.read_gb_s);
    let at = (a.0 + 6.0 * d, a.1 + 14.0 * d);
    l.put(&[&read, "read roof"], at, HPos::Left, ROOF_LABEL)?;
    let (mut shown, mut groups) = (0, 0);
    let mut pts: Vec<&RoofPoint> = m.points.iter().collect();
    pts.sort_by(|a, b| {
        (&a.kernel, &a.size)
            .cmp(&(&b.kernel, &b.size))
            .then(b.gflop_s.total_cmp(&a.gflop_s))
    });
    for p in &pts {
        let (cx, cy) = (px(p.intensity), py(p.gflop_s));
        let at = (cx.round() as i32, cy.round() as i32);
        l.root
            .draw(&Circle::new(
                at,
                (4.0 * d).round() as i32,
                tier_colour(p.tier).filled(),
            ))
            .map_err(e)?;
    }
    // One label per kernel size, by its highest point (the tiers are told apart by colour).
    for (i, p) in pts.iter().enumerate() {
        if i > 0 && (&pts[i - 1].kernel, &pts[i - 1].size) == (&p.kernel, &p.size) {
            continue;
        }
        groups += 1;
        let t = format!("{} {}", short_kernel_name(&p.kernel), size_name(&p.size));
        let (cx, cy, o) = (px(p.intensity), py(p.gflop_s), 8.0 * d);
        let mut placed = false;
        for (dx, dy, h) in [
            (o, -o - 4.0 * d, HPos::Left),
            (o, o + 4.0 * d, HPos::Left),
            (-o, -o - 4.0 * d, HPos::Right),
        ] {
            placed = placed || l.put(&[&t], (cx + dx, cy + dy), h, LABEL)?;
        }
        shown += placed as usize;
    }
    let axis = [
        "horizontal: flops per byte (counting rule); vertical: GFLOP/s; both log",
        "flop/byte vs GFLOP/s, log-log",
    ];
    l.put(
        &axis,
        ((left + right) / 2.0, bottom + 30.0 * d),
        HPos::Center,
        TICK,
    )?;
    let names = |ps: &[RoofPoint]| {
        let set: std::collections::BTreeSet<String> =
            ps.iter().map(|p| kernel_name(&p.kernel)).collect();
        set.into_iter().collect::<Vec<_>>().join(", ")
    };
    let left_out = match shown < groups {
        true => {
            format!("; {shown} of {groups} kernel sizes labelled, the others' labels would overlap")
        }
        false => String::new(),
    };
    let off = match m.no_flops.is_empty() {
        true => String::new(),
        false => format!(
            "; off the chart (no flops counted, memory-bound): {}",
            names(&m.no_flops)
        ),
    };
    Ok(format!(
        "Roofline chart, log-log: GFLOP/s against flops per byte of {} ({} points, one per size and tier); roofs: read {:.1} GB/s × intensity, {}; ridge at {:.2} flop/byte{left_out}{off}",
        names(&m.points), m.points.len(), m.read_gb_s, roofs.join(", "), m.ridge
    ))
}
