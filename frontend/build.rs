//! Links the console's wasm with `wasm-ld -O0`, so each lazy island's constants load with its
//! own chunk instead of with every page.
//!
//! `cargo leptos build --split` runs wasm-split over this module: each lazy island's data (view
//! templates, class strings, labels, the chatbot schema) should move into its chunk. At the
//! `-O2` rustc passes, wasm-ld deduplicates and tail-merges strings, so constants of different
//! islands share bytes; the splitter copies such bytes into each module, its relocated
//! `.rodata` comes out longer than the linked one ("Overlong segment 0", a warning cargo-leptos
//! does not show) and it keeps the whole segment in the main module: about 79 kB that only lazy
//! islands use, loaded with every page. `-O0` turns off only that string merging (the code,
//! optimized by rustc's LTO, is the same): every constant is a symbol of its own, and the split
//! fits. See leptos-rs/cargo-leptos#679; WorldSEnder/wasm-split-prototype#60 fixes the splitter.
//!
//! `node scripts/bundle-size.mjs` shows it working: the initial bundle is about 68 kB gzipped,
//! not 104.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch.starts_with("wasm")) {
        // After rustc's own `-O2` on the wasm-ld command line: the last one wins.
        println!("cargo:rustc-link-arg-cdylib=-O0");
    }
}
