//! The chatbot endpoints: create, list, details, update, delete (`crud`), the avatar, the two
//! widget configurations, conditional saves and the settings history.

mod avatar;
mod concurrency;
mod conditional;
mod crud;
mod versions;
mod widgets;
