//! The Playground tab of a chatbot: talk to the bot as a visitor would and see why it
//! answered. `server_fns` makes the calls on the console server (the API key stays there) and
//! streams `events` to the `playground` island, which draws them in the widget's transcript.

pub mod events;
pub mod playground;
pub mod server_fns;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, StaticSegment};

/// The `platform` playground conversations are stored with, so the inbox can tell them apart.
pub const PLATFORM: &str = "playground";

#[component(transparent)]
pub fn PlaygroundRoutes() -> impl MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("playground") view=playground::PlaygroundTab /> }.into_inner()
}
