//! Chat: the Chat endpoint (§3.14), its model providers and the AI SDK data stream.

pub mod provider;
