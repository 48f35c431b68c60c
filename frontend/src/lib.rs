//! The wasm entry: hydrates the server-rendered console.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy`: the form pages are lazy routes (their own wasm chunks).
    leptos::mount::hydrate_lazy(app::App);
}
