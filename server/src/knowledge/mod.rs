//! The knowledge base.
pub mod chunk;
pub mod extract;
pub mod fetch;
