//! HTTP tests: each starts the real router on 127.0.0.1:0 with a fresh data directory and
//! drives it with the `okchat` client (or raw reqwest where the client would refuse to send
//! the malformed request under test). One folder per feature, one binary, so it links once.

mod chat;
mod chatbots;
mod cli;
mod console;
mod conversations;
mod files;
mod helpers;
mod http;
mod instances;
mod knowledge;
mod openapi;
mod ops;
pub mod orgs;
mod processes;
mod users;
mod widget;
