//! The page's clock and heap, the few browser facts the app and the engine read every frame.
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
