//! Posts a form to a server function with `XMLHttpRequest`: the one browser API that reports
//! how many bytes of a request body have been sent (fetch, and so gloo-net, cannot). Browser
//! only; it is called from event handlers.

use std::cell::Cell;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::error::AppError;

/// Posts `form` (multipart) to the server function at `url`. `on_progress` gets the share of
/// the body sent so far, in percent; `on_done` the server function's answer, or its error as
/// the server encoded it.
pub fn post_form<T: DeserializeOwned + 'static>(
    url: &str,
    form: &web_sys::FormData,
    on_progress: impl Fn(u32) + 'static,
    on_done: impl FnOnce(Result<T, AppError>) + 'static,
) {
    let unavailable = || AppError::Transport("This browser could not start the upload.".into());
    let Ok(request) = web_sys::XmlHttpRequest::new() else {
        return on_done(Err(unavailable()));
    };
    if request.open_with_async("POST", url, true).is_err() {
        return on_done(Err(unavailable()));
    }
    // The server function answers JSON to this; a plain form post would be redirected.
    if request
        .set_request_header("Accept", "application/json")
        .is_err()
    {
        return on_done(Err(unavailable()));
    }
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                on_progress((ev.loaded() / ev.total() * 100.0).floor().clamp(0.0, 100.0) as u32);
            }
        });
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    // Called once: by `loadend`, which follows every outcome (answer, network error, abort)
    // exactly once, or here when the browser refuses to send at all (then no event follows).
    let pending = Rc::new(Cell::new(Some(on_done)));
    let answered = request.clone();
    let settle = pending.clone();
    let done = Closure::once_into_js(move |_: web_sys::Event| {
        // The progress handler is freed with the request's end.
        drop(progress);
        if let Some(on_done) = settle.take() {
            on_done(answer(&answered));
        }
    });
    request.set_onloadend(Some(done.unchecked_ref()));
    if request.send_with_opt_form_data(Some(form)).is_err() {
        request.set_onloadend(None);
        if let Some(on_done) = pending.take() {
            on_done(Err(unavailable()));
        }
    }
}

/// What a finished request answered.
fn answer<T: DeserializeOwned>(request: &web_sys::XmlHttpRequest) -> Result<T, AppError> {
    let status = request.status().unwrap_or(0);
    let body = request.response_text().ok().flatten().unwrap_or_default();
    match status {
        0 => Err(AppError::Transport(
            "The upload did not reach the console. Check the connection and try again.".into(),
        )),
        200..=299 => serde_json::from_str(&body).map_err(|_| AppError::Internal),
        _ => Err(serde_json::from_str(&body)
            .unwrap_or_else(|_| AppError::Transport(format!("The console answered {status}.")))),
    }
}
