//! Chatbots in the console: the list, the create form, and each chatbot's page with its tabs.
//! `schema` is the form as one table; `draft` its state in the browser; `server_fns` the calls
//! to the backend API; the rest are views.

pub mod avatar_card;
pub mod draft;
pub mod edit_page;
pub mod form_fields;
pub mod history;
pub mod list_page;
pub mod new_page;
pub mod preview;
pub mod save_bar;
pub mod schema;
pub mod server_fns;
pub mod shell;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route};
use leptos_router::{MatchNestedRoutes, ParamSegment, StaticSegment};

use crate::chat::PlaygroundRoutes;
use crate::conversations::ConversationsRoutes;
use crate::embed::EmbedRoutes;
use crate::knowledge::KnowledgeRoutes;

/// `/chatbots`, `/chatbots/new` and `/chatbots/{id}/…` with each tab's feature routes.
#[component(transparent)]
pub fn ChatbotRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("chatbots") view=list_page::ChatbotListPage />
        <Route
            path=(StaticSegment("chatbots"), StaticSegment("new"))
            view=|| {
                view! {
                    <crate::ui::frame::PreloadIsland island="new_chatbot_page" />
                    <new_page::NewChatbotPage />
                }
            }
        />
        <ParentRoute path=(StaticSegment("chatbots"), ParamSegment("id")) view=shell::ChatbotShell>
            <Route path=StaticSegment("") view=edit_page::SettingsTab />
            <KnowledgeRoutes />
            <PlaygroundRoutes />
            <ConversationsRoutes />
            <EmbedRoutes />
        </ParentRoute>
    }
    .into_inner()
}
