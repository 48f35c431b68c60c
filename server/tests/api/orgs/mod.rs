//! Organizations: API keys authenticate a request, and one organization never reaches
//! another's chatbots.

pub mod api_keys;
mod isolation;
