//! The chatdeck console: one folder per feature (`auth`, `chatbots`, `knowledge`, `chat`,
//! `conversations`, `embed`, `widget`), each owning its routes, server functions and views;
//! `ui` holds what they share; `console` is the HTML shell and the app that mounts each
//! feature's routes. The `console` and `live-widget` features choose what a wasm build
//! hydrates (the server, `ssr`, renders both).
#![recursion_limit = "512"]

#[cfg(feature = "console")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
#[cfg(feature = "console")]
pub mod chat;
#[cfg(feature = "console")]
pub mod chatbots;
#[cfg(feature = "console")]
mod console;
#[cfg(feature = "console")]
pub mod conversations;
#[cfg(feature = "console")]
pub mod embed;
pub mod error;
#[cfg(feature = "console")]
pub mod knowledge;
pub mod ui;
pub mod widget;

#[cfg(feature = "console")]
pub use console::*;
