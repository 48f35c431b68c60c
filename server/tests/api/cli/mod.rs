//! The `chatdeck` command line, run as a child process against a running server's data.

mod api_keys;
mod logs;
mod users;
