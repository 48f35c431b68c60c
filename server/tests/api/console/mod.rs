//! The console: its page guard, its server functions (called over HTTP as the browser calls
//! them) and the API keys it mints for itself.

mod keys;
mod pages;
mod server_functions;
