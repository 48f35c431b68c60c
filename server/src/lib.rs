//! The `chatdeck` server: the okchat-compatible backend API, the console (server-rendered
//! Leptos) and uploaded files, on one port.
//!
//! A tour: `cli` parses the command line into a `config::Config`; `startup` builds the router
//! from the feature modules (`chatbots`, `orgs`) and the console; `store` is the database
//! interface each feature implements for SQLite; `files` stores uploads; `error` is the one
//! error type every API route answers with.

pub mod chatbots;
pub mod cli;
pub mod config;
pub mod console;
pub mod error;
pub mod extract;
pub mod files;
pub mod orgs;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod time;
pub mod users;
