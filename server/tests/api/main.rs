//! HTTP tests: each starts the real router on 127.0.0.1:0 with a fresh data directory and
//! drives it with the `okchat` client (or raw reqwest where the client would refuse to send
//! the malformed request under test). One binary, so it links once.

mod auth;
mod avatar;
mod chatbots;
mod cli;
mod conditional;
mod console;
mod console_keys;
mod helpers;
mod users;
mod versions;
mod widgets;
