//! Conversations: okchat's sessions and their messages, with chatdeck's filters, export, human
//! takeover and a person's replies.
//!
//! A tour: `routes` is the HTTP surface and `service` its rules and the records as the API
//! shows them; `export` streams the filtered set as CSV or JSON Lines; `store` is what an
//! engine must offer, `sqlite` and `postgres` the two engines' versions. The chat
//! (`crate::chat`) opens sessions and appends the messages.

pub mod export;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod routes;
pub mod service;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod store;
