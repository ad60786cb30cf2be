//! The address bar: settings in, settings out, so a demo state is a link.
use crate::browser::window;
use crate::params::Settings;
use wasm_bindgen::JsValue;

/// The URL query as decoded pairs.
pub fn url_pairs() -> Vec<(String, String)> {
    let search = window().location().search().unwrap_or_default();
    let mut out = Vec::new();
    if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) {
        if let Ok(Some(iter)) = js_sys::try_iter(&params) {
            for entry in iter.flatten() {
                let pair = js_sys::Array::from(&entry);
                out.push((
                    pair.get(0).as_string().unwrap_or_default(),
                    pair.get(1).as_string().unwrap_or_default(),
                ));
            }
        }
    }
    out
}

pub fn url_flag(key: &str) -> Option<String> {
    url_pairs()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Keeps the address bar in step with the settings, so a demo state can be shared by link.
pub fn write_url(s: &Settings) {
    let mut q = s.to_query();
    for key in ["debug", "bench"] {
        if let Some(v) = url_flag(key) {
            q.push_str(&format!("&{key}={v}"));
        }
    }
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&q));
    }
}
