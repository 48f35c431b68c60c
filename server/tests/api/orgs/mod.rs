//! Organizations: API keys authenticate a request, and one organization never reaches
//! another's chatbots.

mod api_keys;
mod isolation;
