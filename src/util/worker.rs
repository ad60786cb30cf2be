//! The one client for the page's Web Workers (the benchmark, the sweep, the import): starts a
//! module worker, reads every message it posts as the service's message type `M` and hands it
//! to one callback, and turns each way a worker can fail into one `Failed(reason)` event, after
//! which the worker is already stopped:
//!
//! - its script does not load (404, garbage, a hung server), or it throws outside its own
//!   `try` (an `error` event, whose default — reporting it as the page's own uncaught error —
//!   is prevented, so it never reads as "the app stopped");
//! - it stays silent longer than the start timeout (every worker of this page posts a message
//!   as soon as it starts: `ready`);
//! - a message cannot be deserialised by the browser (`messageerror`) or is not an `M` (a
//!   worker that breaks the protocol is retired, not listened to further).
//!
//! A service keeps its one running worker in a `WorkerSlot` (starting a run stops the one
//! before); a hung run beyond its start is the service's to bound (the sweep does).
//!
//! Contract: after `stop()` or a `Failed`, no further event reaches the callback. The handlers
//! are closures the worker calls; `stop()` may run inside one of them, so they are dropped on a
//! later task, never while they run.
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What the owner of a worker hears.
pub enum WorkerEvent<M> {
    /// A message the worker posted, read as the service's message type.
    Message(M),
    /// The worker failed and has been stopped: the reason, in words for the page, naming the
    /// worker ("the sweep worker did not start within 8 s (…)").
    Failed(String),
}

/// How long a new worker may stay silent before it is reported failed: every worker of this
/// page loads its script from the page's own server, and its first statement posts `ready`.
pub const START_TIMEOUT_MS: u32 = 8000;

type Callback<M> = Box<dyn FnMut(WorkerEvent<M>)>;

struct Handlers {
    _message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _error: Closure<dyn FnMut(web_sys::Event)>,
    _message_error: Closure<dyn FnMut(web_sys::Event)>,
}

struct Inner<M> {
    worker: Option<web_sys::Worker>,
    handlers: Option<Handlers>,
    /// Whether the worker has posted anything yet (the start timeout watches this).
    heard: bool,
    /// `None` while the callback runs (it is taken out, so it can call `stop` re-entrantly).
    callback: Option<Callback<M>>,
    what: &'static str,
}

/// A running worker whose messages are `M`s; cheap to clone (all clones are the same worker).
pub struct WorkerClient<M>(Rc<RefCell<Inner<M>>>);

impl<M> Clone for WorkerClient<M> {
    fn clone(&self) -> Self {
        WorkerClient(Rc::clone(&self.0))
    }
}

/// `value` as the plain JS value a worker reads: maps as objects (the workers read
/// `modules[tier]`), not as JS `Map`s.
pub fn to_js(value: &impl Serialize) -> Result<JsValue, String> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| e.to_string())
}

impl<M: DeserializeOwned + 'static> WorkerClient<M> {
    /// Starts the module worker at `url`, posts `request` to it, and calls `on_event` for every
    /// message and for the one failure. `what` names the worker in reasons ("the sweep
    /// worker").
    pub fn start(
        url: &str,
        what: &'static str,
        request: &JsValue,
        on_event: impl FnMut(WorkerEvent<M>) + 'static,
    ) -> Result<Self, String> {
        let opts = web_sys::WorkerOptions::new();
        opts.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(url, &opts).map_err(|e| {
            format!(
                "cannot start {what}: {}",
                crate::tiers::bridge::js_error_text(&e)
            )
        })?;
        let client = WorkerClient(Rc::new(RefCell::new(Inner {
            worker: None,
            handlers: None,
            heard: false,
            callback: Some(Box::new(on_event)),
            what,
        })));
        let me = client.clone();
        let message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                me.0.borrow_mut().heard = true;
                match serde_wasm_bindgen::from_value::<M>(ev.data()) {
                    Ok(msg) => me.emit(WorkerEvent::Message(msg)),
                    Err(e) => me.fail(format!("sent a message this page cannot read ({e})")),
                }
            });
        let me = client.clone();
        let error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            // Handled here: not the page's uncaught error.
            ev.prevent_default();
            let detail = ev
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "its script could not be loaded or run".into());
            me.fail(format!("stopped: {detail}"));
        });
        let me = client.clone();
        let message_error =
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_ev: web_sys::Event| {
                me.fail("sent a message that could not be read".into());
            });
        worker.set_onmessage(Some(message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(message_error.as_ref().unchecked_ref()));
        {
            let mut inner = client.0.borrow_mut();
            inner.worker = Some(worker.clone());
            inner.handlers = Some(Handlers {
                _message: message,
                _error: error,
                _message_error: message_error,
            });
        }
        if let Err(e) = worker.post_message(request) {
            client.stop();
            return Err(format!(
                "cannot start {what}: {}",
                crate::tiers::bridge::js_error_text(&e)
            ));
        }
        let me = client.clone();
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(START_TIMEOUT_MS).await;
            let silent = {
                let inner = me.0.borrow();
                inner.worker.is_some() && !inner.heard
            };
            if silent {
                me.fail(format!(
                    "did not start within {} s (its script did not load or run)",
                    START_TIMEOUT_MS / 1000
                ));
            }
        });
        Ok(client)
    }
}

impl<M: 'static> WorkerClient<M> {
    /// Whether the worker is still running (not stopped, not failed).
    pub fn running(&self) -> bool {
        self.0.borrow().worker.is_some()
    }

    /// Whether `other` is this same worker (a clone of this client).
    pub fn same(&self, other: &WorkerClient<M>) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Whether the worker has posted anything yet.
    pub fn heard(&self) -> bool {
        self.0.borrow().heard
    }

    /// Posts `msg` to a running worker; a stopped one ignores it.
    pub fn post(&self, msg: &JsValue) {
        if let Some(w) = self.0.borrow().worker.as_ref() {
            let _ = w.post_message(msg);
        }
    }

    /// Terminates the worker; no event reaches the callback afterwards. Idempotent.
    pub fn stop(&self) {
        let (worker, handlers, callback) = {
            let mut inner = self.0.borrow_mut();
            (
                inner.worker.take(),
                inner.handlers.take(),
                inner.callback.take(),
            )
        };
        if let Some(w) = worker {
            w.terminate();
            w.set_onmessage(None);
            w.set_onerror(None);
            w.set_onmessageerror(None);
        }
        // `stop` may be running inside one of these handlers (or the callback): drop them on a
        // later task.
        if handlers.is_some() || callback.is_some() {
            leptos::task::spawn_local(async move {
                drop(handlers);
                drop(callback);
            });
        }
    }

    fn fail(&self, detail: String) {
        if !self.running() {
            return;
        }
        let what = self.0.borrow().what;
        let callback = self.0.borrow_mut().callback.take();
        self.stop();
        if let Some(mut cb) = callback {
            cb(WorkerEvent::Failed(format!("{what} {detail}")));
        }
    }

    fn emit(&self, event: WorkerEvent<M>) {
        // Taken out while it runs, so it may call `stop` (or `post`) on this client.
        let Some(mut cb) = self.0.borrow_mut().callback.take() else {
            return;
        };
        cb(event);
        let mut inner = self.0.borrow_mut();
        if inner.worker.is_some() && inner.callback.is_none() {
            inner.callback = Some(cb);
        } else {
            drop(inner);
            leptos::task::spawn_local(async move { drop(cb) });
        }
    }
}

/// The one running worker of a service, kept in the service's `thread_local!`: a new start
/// stops the one before, and only a running worker is handed out (a failed one is already
/// stopped and counts as none).
pub struct WorkerSlot<M>(RefCell<Option<WorkerClient<M>>>);

impl<M: 'static> WorkerSlot<M> {
    pub const fn new() -> Self {
        WorkerSlot(RefCell::new(None))
    }

    /// The worker, while it runs.
    pub fn running(&self) -> Option<WorkerClient<M>> {
        self.0.borrow().clone().filter(WorkerClient::running)
    }

    /// Stops the worker, if any; it reports nothing more. Idempotent.
    pub fn stop(&self) {
        let taken = self.0.borrow_mut().take();
        if let Some(w) = taken {
            w.stop();
        }
    }
}

impl<M: DeserializeOwned + 'static> WorkerSlot<M> {
    /// Stops the worker before, then starts one as `WorkerClient::start` does and keeps it.
    pub fn start(
        &self,
        url: &str,
        what: &'static str,
        request: &JsValue,
        on_event: impl FnMut(WorkerEvent<M>) + 'static,
    ) -> Result<WorkerClient<M>, String> {
        self.stop();
        let client = WorkerClient::start(url, what, request, on_event)?;
        *self.0.borrow_mut() = Some(client.clone());
        Ok(client)
    }
}
