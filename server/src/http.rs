//! HTTP helpers every feature's routes share: conditional requests (`If-Match`, `ETag`) and
//! paging parameters.

pub mod conditional;
pub mod paging;
