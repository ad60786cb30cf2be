//! The drawing surface every chart uses: [`Painter`] sizes the canvas for the device pixel
//! ratio, measures and places labels (each recorded as a [`TextBox`]) and, when done, writes
//! the label boxes to the canvas's `data-label-boxes`. Lines, shapes and legends: `shapes`.
use super::style::{BG, LINE, MIN_FONT_CSS_PX, TICK_GAP_CSS};
use crate::ui::canvas;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

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
pub(crate) struct Anchor(pub(crate) HPos, pub(crate) VPos);
pub(crate) const LEFT_MID: Anchor = Anchor(HPos::Left, VPos::Center);
pub(crate) const RIGHT_MID: Anchor = Anchor(HPos::Right, VPos::Center);
pub(crate) const CENTRE_TOP: Anchor = Anchor(HPos::Center, VPos::Top);
pub(crate) const LEFT_TOP: Anchor = Anchor(HPos::Left, VPos::Top);

pub(crate) type Root = DrawingArea<CanvasBackend, Shift>;

/// One chart being drawn: the plotters root, the 2D context to measure text with, and every
/// label drawn so far.
pub(crate) struct Painter {
    pub(crate) root: Root,
    pub(crate) ctx: CanvasRenderingContext2d,
    pub(crate) dpr: f64,
    /// Backend size in device pixels.
    pub(crate) w: f64,
    pub(crate) h: f64,
    pub(crate) boxes: Vec<(TextBox, f64, String)>,
}

pub(crate) fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Painter {
    /// Sizes the canvas to `css_height` (None: as the stylesheet says) × devicePixelRatio and
    /// clears it.
    pub(crate) fn new(el: &HtmlCanvasElement, css_height: Option<f64>) -> Result<Painter, String> {
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
    pub(crate) fn px(&self, css: f64) -> f64 {
        css * self.dpr
    }

    /// Width of `text` at `css_px` in backend pixels, as the canvas will draw it.
    pub(crate) fn measure(&self, text: &str, css_px: f64) -> f64 {
        self.ctx
            .set_font(&format!("normal {}px sans-serif", self.px(css_px)));
        canvas::text_width(&self.ctx, text)
    }

    /// The first of `options` that fits `max_w` backend px at `css_px`; else the last one
    /// shortened with an ellipsis until it fits.
    pub(crate) fn fitted(&self, options: &[&str], css_px: f64, max_w: f64) -> String {
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

    pub(crate) fn text_box(
        &self,
        text: &str,
        at: (f64, f64),
        anchor: Anchor,
        css_px: f64,
    ) -> TextBox {
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
    pub(crate) fn free(&self, b: &TextBox, gap_css: f64) -> bool {
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
    pub(crate) fn text(
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
    pub(crate) fn text_if_free(
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
    pub(crate) fn text_if_clear(
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

    /// Presents the drawing and writes the label boxes (CSS px) onto the canvas.
    pub(crate) fn finish(self, el: &HtmlCanvasElement, description: &str) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
