//! The tab's islands are separate roots in the page: they tell each other that the knowledge
//! base changed through one DOM event on the window. An upload or an added source announces
//! it; the document table reloads.

use leptos::prelude::*;

const CHANGED: &str = "chatdeck:knowledge-changed";

/// Tells the tab's other islands that documents were added or changed.
pub fn announce_change() {
    match web_sys::Event::new(CHANGED) {
        Ok(event) => {
            // Dispatching only fails for an event already being dispatched, which this is not.
            window().dispatch_event(&event).ok();
        }
        Err(error) => leptos::logging::error!("could not create the {CHANGED} event: {error:?}"),
    }
}

/// Runs `on_change` each time an island announces a change, for as long as the calling
/// island lives. Does nothing on the server.
#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
pub fn on_change(on_change: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener_untyped(CHANGED, move |_| on_change());
        on_cleanup(move || handle.remove());
    }
}
