//! The `chatdeck` server: the okchat-compatible backend API, the console (server-rendered
//! Leptos) and uploaded files, on one port.
//!
//! A tour: `cli` parses the command line into a `config::Config`; `startup` builds the router
//! from the feature modules (`chatbots`, `orgs`, `users`) and the console; `store` is the
//! database interface each feature implements for SQLite; `files` stores uploads; `error` is
//! the one error type every API route answers with; `http` holds what every route shares
//! (extractors, the request id, the public origin, conditional requests, paging);
//! `knowledge` reads uploaded documents into text and chunks; `conversations` keeps sessions
//! and their messages; `chat` answers visitors through a
//! model provider.
// The console's page views are deep types (no type erasure inside a page, which keeps the wasm
// small); rendering them on the server needs the same limit as the `app` crate.
#![recursion_limit = "512"]

pub mod chat;
pub mod chatbots;
pub mod cli;
pub mod config;
pub mod console;
pub mod conversations;
pub mod error;
pub mod files;
pub mod http;
pub mod knowledge;
pub mod openapi;
pub mod ops;
pub mod orgs;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod time;
pub mod users;
pub mod widget;
