//! The page's clock and heap, the few browser facts the app and the engine read every frame, and
//! the one file download (an export).
use js_sys::Reflect;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

/// `performance.now()` (or the wall clock where a page has no Performance), in ms.
pub fn now_ms() -> f64 {
    window()
        .performance()
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// `performance.memory.usedJSHeapSize`, where the browser exposes it.
pub fn js_heap_bytes() -> Option<f64> {
    let perf = window().performance()?;
    let mem = Reflect::get(&perf, &"memory".into())
        .ok()
        .filter(|m| m.is_object())?;
    Reflect::get(&mem, &"usedJSHeapSize".into()).ok()?.as_f64()
}

/// Smallest step of `performance.now()` seen in a short spin: the timer resolution.
pub fn timer_resolution_us() -> f64 {
    let mut best = f64::INFINITY;
    let mut last = now_ms();
    for _ in 0..20000 {
        let t = now_ms();
        if t > last {
            best = best.min(t - last);
            last = t;
        }
    }
    best * 1000.0
}

/// The engine this page runs in and the optional APIs it offers, for the panel: what is true
/// in one engine is not assumed in another.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EngineInfo {
    /// "Chromium 156", "Firefox 153", "WebKit 605.1.15" (Safari's engine), or the user agent.
    pub name: String,
    /// `performance.memory` (Chromium only): the JS heap figure of the memory total.
    pub js_heap: bool,
    /// `performance.measureUserAgentSpecificMemory` (not used: it leaves out wasm memories).
    pub ua_memory: bool,
    pub isolated: bool,
}

/// The engine's name and version from a user agent string.
pub fn engine_name(ua: &str) -> String {
    let version = |key: &str| {
        ua.split(key)
            .nth(1)
            .map(|rest| rest.split([' ', ';', ')']).next().unwrap_or("").to_string())
    };
    if let Some(v) = version("Firefox/") {
        format!("Firefox {}", v.split('.').next().unwrap_or(&v))
    } else if let Some(v) = version("Chrome/") {
        format!("Chromium {}", v.split('.').next().unwrap_or(&v))
    } else if let Some(v) = version("AppleWebKit/") {
        format!("WebKit {v} (Safari's engine)")
    } else {
        ua.to_string()
    }
}

/// Why a page cannot run threads that share memory (said wherever threads are turned off).
pub const NO_SHARED_MEMORY: &str =
    "the page is not cross-origin isolated, so it has no SharedArrayBuffer";

/// The cores the browser reports (`navigator.hardwareConcurrency`; 1 where it does not say).
pub fn cores() -> u32 {
    (window().navigator().hardware_concurrency() as u32).max(1)
}

/// Whether the page is cross-origin isolated (`crossOriginIsolated`; false where the engine
/// does not say).
pub fn cross_origin_isolated() -> bool {
    Reflect::get(&window(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

impl EngineInfo {
    pub fn detect() -> EngineInfo {
        let w = window();
        let perf = w.performance();
        let has = |o: &wasm_bindgen::JsValue, key: &str| {
            Reflect::get(o, &key.into()).is_ok_and(|v| !v.is_undefined() && !v.is_null())
        };
        EngineInfo {
            name: engine_name(&w.navigator().user_agent().unwrap_or_default()),
            js_heap: js_heap_bytes().is_some(),
            ua_memory: perf
                .as_ref()
                .is_some_and(|p| has(p, "measureUserAgentSpecificMemory")),
            isolated: cross_origin_isolated(),
        }
    }

    /// One line for the panel.
    pub fn describe(&self) -> String {
        let yes = |b: bool| if b { "yes" } else { "no" };
        format!(
            "{} · cross-origin isolated: {} · performance.memory: {}{} · \
             measureUserAgentSpecificMemory: {} (not used: it leaves out wasm memories)",
            self.name,
            yes(self.isolated),
            yes(self.js_heap),
            if self.js_heap {
                ""
            } else {
                " (the JS tier's buffers are counted instead of the JS heap)"
            },
            yes(self.ua_memory)
        )
    }
}

/// Offers `text` to the user as a file `name` of type `mime` (a click on a temporary link).
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlElement = wasm_bindgen::JsCast::dyn_into(doc.create_element("a")?)?;
    a.set_attribute("href", &url)?;
    a.set_attribute("download", name)?;
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::engine_name;

    #[test]
    fn the_engine_is_named_from_the_user_agent() {
        let chromium = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.8078.73 Safari/537.36";
        assert_eq!(engine_name(chromium), "Chromium 156");
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0";
        assert_eq!(engine_name(firefox), "Firefox 153");
        let webkit = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
        assert_eq!(engine_name(webkit), "WebKit 605.1.15 (Safari's engine)");
        assert_eq!(engine_name("curl/8"), "curl/8");
    }
}
