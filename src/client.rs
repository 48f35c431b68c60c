//! Placeholder module replaced by the typed client (being written).
