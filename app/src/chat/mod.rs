//! The Playground tab of a chatbot: talk to the bot as a visitor would and see why it
//! answered. It arrives with the chat issue; until then the tab says so.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, StaticSegment};

use crate::ui::coming_soon::ComingSoon;

#[component(transparent)]
pub fn PlaygroundRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route
            path=StaticSegment("playground")
            view=|| {
                view! {
                    <ComingSoon
                        title="Playground"
                        what="Chat with the bot as a visitor would, with the passages it was given and their scores under each answer."
                    />
                }
            }
        />
    }
    .into_inner()
}
