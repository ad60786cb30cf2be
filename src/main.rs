//! SASI Lab: real SIMD neural kernels in the browser, a live agent mesh and spike raster, and a
//! performance panel where every number is measured in this page.
mod app;
mod features;
#[cfg(test)]
mod module_graph;
mod runtime;
mod tiers;
mod ui;
mod util;

use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;

/// A panic is never a dead page: the message goes to the console and to the error banner
/// (created if the app has not mounted it yet), with a reload link that needs no wasm.
fn show_panic(info: &std::panic::PanicHookInfo<'_>) {
    console_error_panic_hook::hook(info);
    show_crash(&format!("The app crashed: {info}"));
}

/// An exception nobody caught (a JS error thrown through the app's wasm, a trap) leaves the
/// frame loop stopped and Rust state half-updated — as final as a panic, so it is shown the
/// same way instead of a page that silently stands still.
fn watch_uncaught() {
    let Some(w) = web_sys::window() else {
        return;
    };
    let on_error = Closure::<dyn Fn(web_sys::ErrorEvent)>::new(|e: web_sys::ErrorEvent| {
        // Errors of elements (a failed image or script load) are not the app's.
        if e.filename().is_empty() && e.message().is_empty() {
            return;
        }
        // A panic's trap arrives here too, after the panic hook said what happened.
        if !CRASHED.load(Ordering::Relaxed) {
            show_crash(&format!("The app stopped: {}", e.message()));
        }
    });
    let _ = w.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    // Lives as long as the page.
    on_error.forget();
}

/// Set once the banner shows why the app stopped (the first reason is the one to read).
static CRASHED: AtomicBool = AtomicBool::new(false);

fn show_crash(text: &str) {
    CRASHED.store(true, Ordering::Relaxed);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let banner = match doc
        .query_selector("[data-testid=error-banner]")
        .ok()
        .flatten()
    {
        Some(b) => b,
        None => {
            let Ok(b) = doc.create_element("div") else {
                return;
            };
            let _ = b.set_attribute("data-testid", "error-banner");
            let _ = b.set_attribute("class", "error-banner");
            if let Some(body) = doc.body() {
                let _ = body.prepend_with_node_1(&b);
            }
            b
        }
    };
    let _ = banner.remove_attribute("hidden");
    banner.set_inner_html("");
    if let Ok(msg) = doc.create_element("span") {
        msg.set_text_content(Some(text));
        let _ = banner.append_child(&msg);
    }
    if let Ok(a) = doc.create_element("a") {
        let href = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_else(|| "/".into());
        let _ = a.set_attribute("href", &href);
        let _ = a.set_attribute("class", "reload");
        a.set_text_content(Some("Reload"));
        let _ = banner.append_child(&a);
    }
    if let Some(el) = banner.dyn_ref::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

fn main() {
    std::panic::set_hook(Box::new(show_panic));
    watch_uncaught();
    leptos::mount::mount_to_body(app::App);
}
