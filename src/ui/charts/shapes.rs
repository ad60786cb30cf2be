//! Lines, dashes, rectangles, markers and legends, drawn on a [`Painter`] (a second `impl`
//! block: the text layout is in `painter`).
use super::painter::{err, Painter, CENTRE_TOP, LEFT_MID};
use super::style::{GRID, INK, LABEL_PX, LINE, MUTED, TICK_PX};
use plotters::prelude::*;

/// A legend entry's swatch.
#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    Bar(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
    Whisker,
    Triangle(RGBColor),
}

impl Painter {
    pub(crate) fn line(
        &self,
        pts: &[(f64, f64)],
        colour: RGBColor,
        css_width: f64,
    ) -> Result<(), String> {
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
    pub(crate) fn axes(&self, left: f64, top: f64, right: f64, bottom: f64) -> Result<(), String> {
        self.line(&[(left, top), (left, bottom), (right, bottom)], MUTED, 1.0)
    }

    /// A vertical grid line at `x` across the plot and its label under it (left out where it
    /// would touch a label already drawn).
    pub(crate) fn x_tick(
        &mut self,
        x: f64,
        label: &str,
        top: f64,
        bottom: f64,
    ) -> Result<(), String> {
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

    pub(crate) fn dashed(
        &self,
        a: (f64, f64),
        b: (f64, f64),
        colour: RGBColor,
    ) -> Result<(), String> {
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

    pub(crate) fn rect(
        &self,
        a: (f64, f64),
        b: (f64, f64),
        style: ShapeStyle,
    ) -> Result<(), String> {
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

    pub(crate) fn triangle(&self, at: (f64, f64), colour: RGBColor) -> Result<(), String> {
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

    pub(crate) fn swatch(&self, s: Swatch, x: f64, y_mid: f64) -> Result<(), String> {
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
    pub(crate) fn legend(
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
}
