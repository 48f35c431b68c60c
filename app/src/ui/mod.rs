//! What every feature's pages share: labelled form controls, the submit helper, keeping what
//! was typed before hydration, the page error, formatting, and the console's frame (header,
//! theme, island preloading), and the pages' Content-Security-Policy.

pub mod case;
pub mod fields;
pub mod format;
#[cfg(feature = "console")]
pub mod frame;
pub mod keep_typed;
pub mod page_error;
pub mod security;
pub mod submit;
pub mod switch;
