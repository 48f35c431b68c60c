//! What every route shares: error bodies for unknown paths and methods, request ids, CORS,
//! security headers and the cross-site check.

mod errors_and_cors;
mod nul;
mod security;
