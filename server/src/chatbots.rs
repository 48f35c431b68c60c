//! Chatbots: the okchat endpoints Get Chatbots, Create, Update (and its alias), Details,
//! Delete, Avatar, Voice Agent and Chat Widget. `routes` is the HTTP surface, `service` the
//! rules (defaults, merge patch, versions, optimistic retries), `store` what a database engine
//! must offer, `sqlite` the SQLite implementation (with `cache`, its read cache), `postgres`
//! the PostgreSQL one, `avatar` image sniffing.

pub mod avatar;
#[cfg(feature = "sqlite")]
pub mod cache;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod routes;
pub mod service;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod store;
