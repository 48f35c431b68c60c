//! The Knowledge tab of a chatbot: the documents, Q&A entries and web pages the bot answers
//! from. `server_fns` are the calls to the backend API; `tab` lays out the page, whose
//! interactive parts are lazy islands (`uploader`, `sources`, `documents`, `settings`,
//! `tester`) that tell each other of changes through `events`; `document_page` lists one
//! document's chunks. `labels` and `highlight` are the pure text work both sides share, and
//! `xhr` sends uploads with byte progress.

pub mod document_page;
pub mod documents;
pub mod events;
pub mod highlight;
pub mod labels;
pub mod server_fns;
pub mod settings;
pub mod sources;
pub mod tab;
pub mod tester;
pub mod uploader;
pub mod xhr;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

/// `knowledge` and `knowledge/{doc}` under a chatbot's page, streamed in order: their forms post
/// without JavaScript, and the page they land on must show the lists in its HTML. Out of order,
/// a list not ready when the shell went out arrives as a script, and without JavaScript the
/// page kept "Loading documents…" (`PartiallyBlocked` would fit, but leptos_axum 0.8 renders
/// it out of order: its `replace_blocks` is a to-do).
#[component(transparent)]
pub fn KnowledgeRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("knowledge") view=tab::KnowledgeTab ssr=SsrMode::InOrder />
        <Route
            path=(StaticSegment("knowledge"), ParamSegment("doc"))
            view=document_page::DocumentPage
            ssr=SsrMode::InOrder
        />
    }
    .into_inner()
}
