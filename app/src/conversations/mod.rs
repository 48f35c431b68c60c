//! The Conversations tab of a chatbot: the inbox of every conversation, with takeover. It
//! arrives with the chat issue; until then the tab says so.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, StaticSegment};

use crate::ui::coming_soon::ComingSoon;

#[component(transparent)]
pub fn ConversationsRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route
            path=StaticSegment("conversations")
            view=|| {
                view! {
                    <ComingSoon
                        title="Conversations"
                        what="Every conversation visitors had with the bot, filtered, exported, and taken over by a person when needed."
                    />
                }
            }
        />
    }
    .into_inner()
}
