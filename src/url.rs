//! The address bar: settings in, settings out, so a demo state is a link. Every parameter goes
//! through the one validator (`Settings::from_pairs`), `debug` and `bench` included, and the
//! address bar is rewritten from `Settings::to_query` alone, so what the page runs is what its
//! URL says.
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

/// The address bar through the validator: the settings and one notice per changed value.
pub fn url_settings() -> (Settings, Vec<String>) {
    let pairs = url_pairs();
    Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// Keeps the address bar in step with the settings, so a demo state can be shared by link.
/// The query is `s.to_query()` and nothing else (every setting, `debug` and `bench` included,
/// is in `Settings`); the `#fragment` is kept.
pub fn write_url(s: &Settings) {
    let hash = window().location().hash().unwrap_or_default();
    let url = format!("{}{hash}", s.to_query());
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}
