//! The chat: a visitor's turn answered from the bot's knowledge through a model provider.
//!
//! A tour: `routes` is Chat's HTTP surface (JSON or the AI SDK data stream); `service` runs a
//! turn (session, storing, human mode, lead capture, retrieval, the tool loop) with the
//! generation in a task of its own; `prompt` builds the system prompt; `provider` is the one
//! interface every model provider implements, `local` the built-in extractive one and `openai` any
//! OpenAI-compatible endpoint (`config` holds its settings); `tongue`
//! holds chatdeck's own sentences in the languages it speaks.

pub mod config;
pub mod lease;
pub mod local;
pub mod openai;
pub mod prompt;
pub mod provider;
pub mod routes;
pub mod service;
pub mod tongue;
