//! The Knowledge tab of a chatbot: documents, Q&A entries and web pages the bot answers from.
//! It arrives with the knowledge-base issue; until then the tab says so.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, StaticSegment};

use crate::ui::coming_soon::ComingSoon;

#[component(transparent)]
pub fn KnowledgeRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route
            path=StaticSegment("knowledge")
            view=|| {
                view! {
                    <ComingSoon
                        title="Knowledge base"
                        what="Upload documents, type Q&A entries or point at web pages; the chatbot answers from them."
                    />
                }
            }
        />
    }
    .into_inner()
}
