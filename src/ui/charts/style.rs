//! The charts' colours and type sizes, one place for the look every chart shares.
use crate::tiers::tier::TierKind;
use plotters::style::RGBColor;

pub(crate) const BG: RGBColor = RGBColor(11, 16, 32);
pub(crate) const INK: RGBColor = RGBColor(220, 228, 242);
pub(crate) const MUTED: RGBColor = RGBColor(160, 174, 200);
pub(crate) const GRID: RGBColor = RGBColor(44, 57, 88);
pub(crate) const GOAL_2X: RGBColor = RGBColor(255, 200, 87);
pub(crate) const GOAL_4X: RGBColor = RGBColor(255, 120, 150);

/// No text on a chart is smaller than this (CSS px, whatever the device pixel ratio).
pub const MIN_FONT_CSS_PX: f64 = 12.0;
pub(crate) const TICK_PX: f64 = 13.0;
pub(crate) const LABEL_PX: f64 = 13.0;
pub(crate) const VALUE_PX: f64 = 12.0;
pub(crate) const TITLE_PX: f64 = 15.0;
/// The least space between two labels placed by [`Painter::text_if_free`] (CSS px).
pub(crate) const TICK_GAP_CSS: f64 = 8.0;
/// A label's box height for layout, as a multiple of its font size (the em box and a little
/// more, so glyph descenders and accents stay inside it).
pub(crate) const LINE: f64 = 1.2;

/// The tiers' colours, the same as the headline's bars (`style/main.css`, `.tier-*`).
pub fn tier_colour(kind: TierKind) -> RGBColor {
    match kind {
        TierKind::Js => RGBColor(255, 159, 107),
        TierKind::Scalar => RGBColor(201, 165, 255),
        TierKind::Simd => RGBColor(94, 200, 255),
        TierKind::Relaxed => RGBColor(83, 209, 138),
    }
}
