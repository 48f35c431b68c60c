//! The knowledge base: documents a chatbot answers from.
pub mod fetch;
