//! Importing a benchmark JSON for the comparison (`src/features/compare/view.rs` binds it): the file
//! goes to the import worker (`src/features/compare/import-worker.js`, through `worker.rs`), which reads and
//! parses it off the main thread and hands back a compact text of at most
//! `compare::MAX_LINES` result lines; `compare::parse_run` validates that. The file's own text
//! never enters the app's wasm memory (which never shrinks), and the main thread never parses
//! more than the compact text, whatever the file's size up to `compare::MAX_BYTES`.
//!
//! One import at a time: a new one stops the one before, whose events then never arrive.
use crate::features::compare::{self, ImportedRun};
use crate::util::fmt::fmt_bytes;
use crate::util::worker::{WorkerEvent, WorkerSlot};
use serde::Deserialize;
use wasm_bindgen::JsValue;

thread_local! {
    static WORKER: WorkerSlot<ImportMsg> = const { WorkerSlot::new() };
}

/// What the view hears about an import.
pub enum ImportEvent {
    /// How far the worker is: "reading big.json: 4.0 of 16.0 MB".
    Progress(String),
    /// The run, or why the file cannot be compared (naming the file); the import is over.
    Done(Result<ImportedRun, String>),
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ImportMsg {
    Ready,
    Progress {
        phase: String,
        done: f64,
        total: f64,
    },
    Parsed {
        json: String,
    },
    Invalid {
        message: String,
        text: Option<String>,
    },
    Error {
        message: String,
    },
}

fn set(obj: &js_sys::Object, key: &str, value: &JsValue) -> Result<(), String> {
    js_sys::Reflect::set(obj, &key.into(), value)
        .map(|_| ())
        .map_err(|e| crate::tiers::bridge::js_error_text(&e))
}

/// The request the worker takes: the file and every limit it applies (all from `compare`).
fn request(file: &JsValue) -> Result<JsValue, String> {
    let req = js_sys::Object::new();
    set(&req, "type", &"import".into())?;
    set(&req, "file", file)?;
    set(&req, "maxLines", &(compare::MAX_LINES as f64).into())?;
    set(&req, "maxChars", &(compare::NAME_MAX_CHARS as f64).into())?;
    set(
        &req,
        "textBackChars",
        &(compare::INVALID_TEXT_BACK_CHARS as f64).into(),
    )?;
    let tiers = js_sys::Array::new();
    for t in crate::features::bench::TIERS {
        tiers.push(&JsValue::from_str(t));
    }
    set(&req, "tiers", &tiers)?;
    Ok(req.into())
}

/// Stops the running import, if any; it reports nothing more.
pub fn stop() {
    WORKER.with(WorkerSlot::stop);
}

/// Imports `file` (a `File` from an `<input type=file>`). Calls `on_event` with progress and
/// then exactly once with `Done`, unless another import or `stop` comes first. `Err`: nothing
/// was started, and why (naming the file): a file over `compare::MAX_BYTES` is refused before
/// anything is read.
pub fn start(
    file: &JsValue,
    mut on_event: impl FnMut(ImportEvent) + 'static,
) -> Result<(), String> {
    stop();
    let name = js_sys::Reflect::get(file, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    let name = compare::clip(&name, compare::NAME_MAX_CHARS);
    let shown = compare::shorten(&name, compare::SHOWN_CHARS);
    let size = js_sys::Reflect::get(file, &"size".into())
        .ok()
        .and_then(|s| s.as_f64())
        .unwrap_or(0.0);
    if size > compare::MAX_BYTES {
        return Err(format!(
            "{shown} is {}; a benchmark export is far smaller (limit {:.0} MB)",
            fmt_bytes(size),
            compare::MAX_BYTES / 1048576.0
        ));
    }
    let req = request(file).map_err(|e| format!("{shown}: {e}"))?;
    on_event(ImportEvent::Progress(format!(
        "reading {shown} ({})…",
        fmt_bytes(size)
    )));
    let what = shown.clone();
    let handler = move |ev: WorkerEvent<ImportMsg>| {
        let msg = match ev {
            WorkerEvent::Message(msg) => msg,
            WorkerEvent::Failed(why) => {
                on_event(ImportEvent::Done(Err(format!("{shown}: {why}"))));
                return;
            }
        };
        let done = match msg {
            ImportMsg::Ready => None,
            ImportMsg::Progress { phase, done, total } => {
                let what = match phase.as_str() {
                    "reading" => format!(
                        "reading {shown}: {} of {}…",
                        fmt_bytes(done),
                        fmt_bytes(total)
                    ),
                    _ => format!(
                        "parsing {shown} ({}) off the main thread…",
                        fmt_bytes(total)
                    ),
                };
                on_event(ImportEvent::Progress(what));
                None
            }
            ImportMsg::Parsed { json } => {
                Some(compare::parse_run(&name, &json).map_err(|e| format!("{shown}: {e}")))
            }
            ImportMsg::Invalid { message, text } => Some(Err(format!(
                "{shown}: {}",
                compare::invalid_json(text.as_deref(), &message)
            ))),
            ImportMsg::Error { message } => Some(Err(format!(
                "could not read {shown}: {}",
                compare::shorten(&message, compare::NAME_MAX_CHARS)
            ))),
        };
        if let Some(result) = done {
            // This worker is the one in the slot (a newer import would have stopped it).
            stop();
            on_event(ImportEvent::Done(result));
        }
    };
    WORKER
        .with(|slot| slot.start("import-worker.js", "the import worker", &req, handler))
        .map_err(|e| format!("{what}: {e}"))?;
    Ok(())
}
