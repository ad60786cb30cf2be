//! Canvas plumbing shared by the views: DPR-aware sizing, the 2D context, and rounded corners
//! drawn by the canvas itself.
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The stylesheet rounds the canvases' corners (`.view canvas { border-radius: 4px }`). A CSS
/// rounded clip on a canvas that changes every frame costs WebKitGTK a masked repaint of the
/// canvas per frame: measured in MiniBrowser under Xvfb at N = 2048 it cut the frame rate about
/// threefold (3–4 → 9–11 fps, the same run). The animated canvases therefore draw the same
/// corners themselves ([`round_corners`]) and take the CSS clip (and the square CSS background
/// behind it) off with [`own_corners`]; what is shown stays the same.
pub const CORNER_CSS_PX: f64 = 4.0;
const OWN_CORNERS_STYLE: &str = "border-radius:0;background-color:transparent";

/// The page's devicePixelRatio (1 where there is no window): device pixels per CSS pixel.
pub fn dpr() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|d| d.is_finite() && *d > 0.0)
        .unwrap_or(1.0)
        .max(0.5)
}

/// Matches the backing store to the element's CSS size × devicePixelRatio (so the canvases
/// stay sharp and follow window resizes and zoom). Returns (width, height) in device pixels.
pub fn fit(canvas: &HtmlCanvasElement) -> (u32, u32) {
    let dpr = dpr();
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

/// A 2D context whose pixels live in memory (`willReadFrequently`), for a canvas drawn by one
/// `putImageData` of pixels made in Rust (the raster). On an accelerated canvas every frame's
/// image is uploaded to the GPU side: WebKitGTK under Xvfb spent 25–65 ms per frame in that one
/// call at N = 2048, in memory 0.3–1 ms (measured in the same run). The options count only on
/// the first call for a canvas, which is this one.
pub fn context_in_memory(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    let opts = js_sys::Object::new();
    js_sys::Reflect::set(&opts, &"willReadFrequently".into(), &JsValue::TRUE).ok()?;
    canvas
        .get_context_with_context_options("2d", &opts)
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
}

/// Takes the stylesheet's rounded clip off this canvas; it draws its corners itself.
pub fn own_corners(canvas: &HtmlCanvasElement) {
    if canvas.get_attribute("style").as_deref() != Some(OWN_CORNERS_STYLE) {
        let _ = canvas.set_attribute("style", OWN_CORNERS_STYLE);
    }
}

/// Makes the four corners outside a `CORNER_CSS_PX` (× DPR) rounded rectangle transparent, as
/// the CSS clip did: four small paths erased once per frame.
pub fn round_corners(ctx: &CanvasRenderingContext2d, w: f64, h: f64) {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0);
    let r = (CORNER_CSS_PX * dpr).min(w / 2.0).min(h / 2.0);
    let _ = ctx.set_global_composite_operation("destination-out");
    ctx.set_fill_style_str("#000");
    ctx.begin_path();
    // Each corner: the corner point, along one edge, the arc back to the other edge.
    for (cx, cy, ax, ay, bx, by) in [
        (0.0, 0.0, r, 0.0, 0.0, r),
        (w, 0.0, w, r, w - r, 0.0),
        (w, h, w - r, h, w, h - r),
        (0.0, h, 0.0, h - r, r, h),
    ] {
        ctx.move_to(cx, cy);
        ctx.line_to(ax, ay);
        let _ = ctx.arc_to(cx, cy, bx, by, r);
        ctx.close_path();
    }
    ctx.fill();
    let _ = ctx.set_global_composite_operation("source-over");
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

/// Width in device pixels of `text` in the context's current font (`measureText`, called
/// through `Reflect` because web-sys's `TextMetrics` binding is not enabled in this crate).
pub fn text_width(ctx: &CanvasRenderingContext2d, text: &str) -> f64 {
    js_sys::Reflect::get(ctx, &"measureText".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(ctx, &JsValue::from_str(text)).ok())
        .and_then(|m| js_sys::Reflect::get(&m, &"width".into()).ok())
        .and_then(|w| w.as_f64())
        .unwrap_or(text.chars().count() as f64 * 7.0)
}

/// A counter that changes on every window resize, for an effect that draws a canvas at its
/// size × devicePixelRatio (a resize or a zoom changes both): the effect tracks it and draws
/// again. The listener goes with the component that calls this.
pub fn resize_ticks() -> leptos::prelude::RwSignal<u32> {
    use leptos::prelude::*;
    let ticks = RwSignal::new(0u32);
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        ticks.update(|n| *n = n.wrapping_add(1))
    });
    on_cleanup(move || on_resize.remove());
    ticks
}
