//! What every feature's routes share: the extractors (`Org`, `JsonObject`), the request id in
//! error bodies, the one public origin of this server, conditional requests (`If-Match`,
//! `ETag`), paging parameters, and the headers and cross-site check every response passes.

pub mod conditional;
pub mod extract;
pub mod nul;
pub mod origin;
pub mod paging;
pub mod request_id;
pub mod security;
