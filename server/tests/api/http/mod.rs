//! What every API route shares: error bodies for unknown paths and methods, request ids, CORS.

mod errors_and_cors;
