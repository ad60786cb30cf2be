//! Canvas plumbing shared by the views: DPR-aware sizing and the 2D context.
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Matches the backing store to the element's CSS size × devicePixelRatio (so the canvases
/// stay sharp and follow window resizes and zoom). Returns (width, height) in device pixels.
pub fn fit(canvas: &HtmlCanvasElement) -> (u32, u32) {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(0.5);
    let w = ((canvas.client_width() as f64) * dpr).round().max(1.0) as u32;
    let h = ((canvas.client_height() as f64) * dpr).round().max(1.0) as u32;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    (w, h)
}

pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
}

/// Firing rate (Hz) to a colour: dark blue → teal → amber → white.
pub fn rate_colour(rate_hz: f32) -> String {
    const STOPS: [(f32, [f32; 3]); 4] = [
        (0.0, [40.0, 60.0, 140.0]),
        (15.0, [30.0, 170.0, 170.0]),
        (40.0, [250.0, 180.0, 40.0]),
        (90.0, [255.0, 250.0, 235.0]),
    ];
    let r = rate_hz.clamp(0.0, 90.0);
    let mut c = STOPS[3].1;
    for win in STOPS.windows(2) {
        let ((a, ca), (b, cb)) = (win[0], win[1]);
        if r <= b {
            let t = (r - a) / (b - a);
            c = [
                ca[0] + t * (cb[0] - ca[0]),
                ca[1] + t * (cb[1] - ca[1]),
                ca[2] + t * (cb[2] - ca[2]),
            ];
            break;
        }
    }
    format!("rgb({},{},{})", c[0] as u8, c[1] as u8, c[2] as u8)
}
