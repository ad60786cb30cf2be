//! The roofline (issue 28 part 2): arithmetic intensity (flops per byte by the counting rule,
//! `kernels/ABI.md`) against GFLOP/s, log-log, under this engine's two roofs — read bandwidth ×
//! intensity and the mul+add (and fma) throughput — one point per kernel × size × tier.
//! `crate::features::bench::roofline` is the plain logic; [`draw`] lays text out with the charts' `Painter`
//! (measured first, ≥ 12 CSS px, a label that would touch another is left out, boxes in
//! `data-label-boxes`), and keeps labels off the roofs and the points too.
use crate::features::bench::roofline::{describe, RoofPoint, Roofline};
use crate::tiers::tier::TierKind;
use crate::ui::charts::{
    err, log_ticks, short_kernel_name, size_name, tier_colour, Anchor, Painter, TextBox, GOAL_2X,
    GRID, INK, LABEL_PX, MIN_FONT_CSS_PX, MUTED, TICK_PX, TITLE_PX,
};
use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use web_sys::HtmlCanvasElement;

/// The roofs' colour: the charts' goal-line colour (a roof is this chart's goal).
const ROOF: RGBColor = GOAL_2X;
/// Font size (CSS px, never under 12) and colour of each kind of text.
type Style = (f64, RGBColor);
const TITLE: Style = (TITLE_PX, INK);
const TICK: Style = (TICK_PX, MUTED);
const LABEL: Style = (LABEL_PX, INK);
const ROOF_LABEL: Style = (LABEL_PX, ROOF);
/// The least space between two of this chart's labels (CSS px).
const GAP_CSS: f64 = 4.0;

/// The chart's text: placed only where it is clear of every label so far (`Painter::free`)
/// and of `avoid`, the lines and points a label must not cross (not labels, so not recorded).
struct Labels {
    p: Painter,
    avoid: Vec<TextBox>,
}

impl Labels {
    /// [`Labels::put`] at the first of `places` where one of `texts` fits.
    fn put_any(
        &mut self,
        texts: &[&str],
        places: &[((f64, f64), HPos)],
        s: Style,
    ) -> Result<bool, String> {
        for (at, h) in places {
            if self.put(texts, *at, *h, s)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
    /// Draws the first of `texts` that fits inside the canvas `GAP_CSS` clear of every label
    /// drawn so far and off `avoid`, vertically centred on `at`; whether one did.
    fn put(&mut self, texts: &[&str], at: (f64, f64), h: HPos, s: Style) -> Result<bool, String> {
        let (css, anchor) = (s.0.max(MIN_FONT_CSS_PX), Anchor(h, VPos::Center));
        for t in texts {
            let b = self.p.text_box(t, at, anchor, css);
            if self.p.free(&b, GAP_CSS) && self.avoid.iter().all(|o| !o.intersects(&b)) {
                self.p.text(t, at, anchor, css, s.1)?;
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Draws the roofline of `m` (or a hint when there is none yet) on `el`.
pub fn draw(el: &HtmlCanvasElement, m: Option<&Roofline>) -> Result<(), String> {
    let p = Painter::new(el, None)?;
    let (w, h, d) = (p.w, p.h, p.dpr);
    let mut l = Labels {
        p,
        avoid: Vec::new(),
    };
    let mg = 10.0 * d;
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
        Some(m) => {
            let area = (mg, mg + 36.0 * d, w - mg, h - mg - 40.0 * d);
            plot(&mut l, m, area)?
        }
    };
    l.p.finish(el, &description)
}

/// The legend row, axes, roofs and points inside `(left, top, right, bottom)`; the description.
fn plot(l: &mut Labels, m: &Roofline, area: (f64, f64, f64, f64)) -> Result<String, String> {
    let (d, (left0, top, right, bottom)) = (l.p.dpr, area);
    // The tiers' colours, in rows that wrap where the width ends.
    let (mut x, mut top) = (left0, top);
    for t in TierKind::ALL
        .iter()
        .filter(|t| m.points.iter().any(|p| p.tier == **t))
    {
        let s = (LABEL_PX, tier_colour(*t));
        let mut ok = l.put(&[t.label()], (x, top), HPos::Left, s)?;
        if !ok && x > left0 {
            (x, top) = (left0, top + 20.0 * d);
            ok = l.put(&[t.label()], (x, top), HPos::Left, s)?;
        }
        if ok {
            x = l.p.boxes.last().map_or(x, |b| b.0.x + b.0.w) + 14.0 * d;
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
        l.p.line(&[(left, py(t)), (right, py(t))], GRID, 1.0)?;
        l.put(&[&fmt(t)], (left - 6.0 * d, py(t)), HPos::Right, TICK)?;
    }
    for t in log_ticks(xlo, xhi) {
        l.p.line(&[(px(t), top), (px(t), bottom)], GRID, 1.0)?;
        l.put(&[&fmt(t)], (px(t), bottom + 12.0 * d), HPos::Center, TICK)?;
    }
    l.p.axes(left, top, right, bottom)?;
    // The read roof rises until it meets the mul+add roof at the ridge, which runs on flat.
    let x0 = xlo.max(ylo / m.read_gb_s);
    let (a, ridge) = ((px(x0), py(m.read_gb_s * x0)), (px(m.ridge), py(m.mul_add)));
    l.p.line(&[a, ridge, (right, py(m.mul_add))], ROOF, 2.0)?;
    // Labels keep off the flat roofs and the points (`avoid`; not labels, so not recorded).
    let bx = |x: f64, y: f64, w: f64, h: f64| TextBox { x, y, w, h };
    l.avoid
        .push(bx(ridge.0, ridge.1 - d, right - ridge.0, 2.0 * d));
    let mut roofs = vec![format!("mul+add {:.1} GFLOP/s", m.mul_add)];
    let fma = m.fma.filter(|f| (*f / m.mul_add - 1.0).abs() > 0.02);
    if let Some(f) = fma {
        l.p.line(&[(px(f / m.read_gb_s), py(f)), (right, py(f))], ROOF, 1.0)?;
        roofs.push(format!("fma {f:.1} GFLOP/s"));
        l.avoid
            .push(bx(ridge.0, py(f) - d, right - ridge.0, 2.0 * d));
    }
    let (mut shown, mut groups, r) = (0, 0, 4.0 * d);
    let mut pts: Vec<&RoofPoint> = m.points.iter().collect();
    pts.sort_by(|a, b| {
        let key = |p: &RoofPoint| (p.kernel.clone(), p.size.clone());
        key(a).cmp(&key(b)).then(b.gflop_s.total_cmp(&a.gflop_s))
    });
    for p in &pts {
        let (cx, cy, c) = (px(p.intensity), py(p.gflop_s), tier_colour(p.tier));
        let dot = Circle::new((cx.round() as i32, cy.round() as i32), r as i32, c.filled());
        l.p.root.draw(&dot).map_err(err)?;
        l.avoid.push(bx(cx - r, cy - r, 2.0 * r, 2.0 * r));
    }
    if let Some(f) = fma {
        let at = (right, py(f.max(m.mul_add)) - 11.0 * d);
        l.put(&[&roofs[1]], at, HPos::Right, ROOF_LABEL)?;
    }
    let y = py(fma.unwrap_or(m.mul_add).min(m.mul_add)) + 11.0 * d;
    let places = [
        ((right, y), HPos::Right),
        ((ridge.0, y), HPos::Left),
        ((right, y + 18.0 * d), HPos::Right),
    ];
    l.put_any(&[&roofs[0], "mul+add roof"], &places, ROOF_LABEL)?;
    // The read roof's label: under its foot, else under or over its middle.
    let read = format!("read {:.1} GB/s × flop/byte", m.read_gb_s);
    let (mx, my) = ((a.0 + ridge.0) / 2.0, (a.1 + ridge.1) / 2.0);
    let places = [
        ((a.0 + 6.0 * d, a.1 + 14.0 * d), HPos::Left),
        ((mx + 6.0 * d, my + 14.0 * d), HPos::Left),
        ((mx - 6.0 * d, my - 12.0 * d), HPos::Right),
    ];
    l.put_any(&[&read, "read roof"], &places, ROOF_LABEL)?;
    // One label per kernel size, by its highest point (the tiers are told apart by colour).
    for (i, p) in pts.iter().enumerate() {
        if i > 0 && (&pts[i - 1].kernel, &pts[i - 1].size) == (&p.kernel, &p.size) {
            continue;
        }
        groups += 1;
        let t = format!("{} {}", short_kernel_name(&p.kernel), size_name(&p.size));
        let (cx, cy, o) = (px(p.intensity), py(p.gflop_s), 8.0 * d);
        let (up, down) = (cy - o - 4.0 * d, cy + o + 4.0 * d);
        let places = [
            ((cx + o, up), HPos::Left),
            ((cx + o, down), HPos::Left),
            ((cx - o, up), HPos::Right),
        ];
        shown += l.put_any(&[&t], &places, LABEL)? as usize;
    }
    let axis = [
        "horizontal: flops per byte (counting rule); vertical: GFLOP/s; both log",
        "flop/byte vs GFLOP/s, log-log",
    ];
    let at = ((left + right) / 2.0, bottom + 32.0 * d);
    l.put(&axis, at, HPos::Center, TICK)?;
    Ok(describe(m, (shown, groups)))
}

/// The roofline's reading of the last benchmark run, or what to do to get one, under the
/// sweep and the headline (`testid` names it for each).
#[component]
pub fn RooflineReading(reading: Signal<Option<String>>, testid: &'static str) -> impl IntoView {
    view! {
        <p class="muted roofline-reading" data-testid=testid data-measured=move || reading.with(|r| r.is_some().to_string())>
            {move || reading.get().unwrap_or_else(|| {
                "Where the memory roof is: run the benchmark in the performance lab below; it measures this engine's read bandwidth \
                 and arithmetic ceilings, and this line then says how close one step of the live run comes to them.".into()
            })}
        </p>
    }
}
