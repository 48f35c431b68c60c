//! Conversations: okchat's sessions and their messages, with chatdeck's filters, export, human
//! takeover and a person's replies.
//!
//! A tour: `routes` is the HTTP surface and `service` its rules and the records as the API
//! shows them; `export` streams the filtered set as CSV or JSON Lines; `store` is what an
//! engine must offer and `sqlite` the SQLite one. The chat (`crate::chat`) opens sessions and
//! appends the messages.

pub mod export;
pub mod routes;
pub mod service;
pub mod sqlite;
pub mod store;
