//! The knowledge base. `extract` runs the real binary as the PDF reader's child process.

mod extract;
