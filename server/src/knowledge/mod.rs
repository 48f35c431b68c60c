//! The knowledge base: documents uploaded to a chatbot, turned into text and cut into chunks
//! for retrieval.
//!
//! `extract` reads an upload (PDF, Markdown, text, HTML, DOCX, CSV, JSON) into
//! Markdown-flavoured text under hard limits, PDF in a child process; `chunk` cuts that
//! text into overlapping chunks that know the heading path they sit under.

pub mod chunk;
pub mod extract;
