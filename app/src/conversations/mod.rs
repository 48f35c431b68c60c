//! The Conversations tab of a chatbot: the inbox of every conversation. `model` is what the
//! inbox shows (rows, threads, filters) made from the API's types; `server_fns` are the calls
//! to the backend API; `inbox` lays out the tab and its island (list, thread, takeover and
//! reply, refreshing itself); `export` is the download link and, on the server, its handler.

pub mod export;
pub mod inbox;
pub mod model;
pub mod server_fns;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, StaticSegment};

#[component(transparent)]
pub fn ConversationsRoutes() -> impl MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("conversations") view=inbox::InboxTab /> }.into_inner()
}
