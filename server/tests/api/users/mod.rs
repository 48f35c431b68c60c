//! Console users: accounts and sign-in sessions.

mod accounts;
mod sessions;
