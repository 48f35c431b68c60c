//! The widget page's wasm entry (`/widget/{id}`, in a frame on a customer's site): it hydrates
//! the live widget's island and nothing else. The console has its own, larger wasm
//! (`frontend`); a visitor never loads it. `scripts/build-site.sh` builds this one.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::widget::live::hydrate();
}
