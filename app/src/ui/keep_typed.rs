//! Hydration never undoes typing. A page works as plain HTML before its island hydrates, and
//! hydrating sets each control from its signal, which starts from what the server rendered.
//! So whatever the person changed in the meantime is read first, then put into the signal once
//! the island has hydrated: the control shows it again, and whatever follows the signal (the
//! preview, the checks, a search) follows.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Keeps what was typed into the control `id` before hydration: `read` tells it (None when the
/// control still shows what the server rendered).
#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
pub fn keep_typed<T: Send + Sync + 'static>(
    id: &str,
    value: RwSignal<T>,
    read: impl FnOnce(&web_sys::Element) -> Option<T>,
) {
    #[cfg(feature = "hydrate")]
    if let Some(typed) = document().get_element_by_id(id).and_then(|el| read(&el)) {
        let mut typed = Some(typed);
        Effect::new(move |_| {
            if let Some(typed) = typed.take() {
                value.set(typed);
            }
        });
    }
}

/// A text input's or text area's value, when it is not the one the server rendered.
pub fn changed_text(el: &web_sys::Element) -> Option<String> {
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        (input.value() != input.default_value()).then(|| input.value())
    } else {
        let area = el.dyn_ref::<web_sys::HtmlTextAreaElement>()?;
        (area.value() != area.default_value().ok()?).then(|| area.value())
    }
}

/// A checkbox's state, when it is not the one the server rendered.
pub fn changed_checked(el: &web_sys::Element) -> Option<bool> {
    let input = el.dyn_ref::<web_sys::HtmlInputElement>()?;
    (input.checked() != input.default_checked()).then(|| input.checked())
}

/// A select's value, when it is not `rendered`.
pub fn changed_choice(el: &web_sys::Element, rendered: &str) -> Option<String> {
    let chosen = el.dyn_ref::<web_sys::HtmlSelectElement>()?.value();
    (chosen != rendered).then_some(chosen)
}
