//! `GET /chatbots/{id}/conversations/export?format=csv|jsonl&<filters>`: the conversations the
//! inbox's filters select, as a file. The console server passes the backend's export through as
//! it arrives (the key stays on the server, and no copy of the file is held anywhere), so a
//! plain link downloads it, whatever its size.

use super::model::Filters;

/// The console's export link for `filters` in `format` (`csv`, `jsonl`).
pub fn export_href(chatbot_id: &str, filters: &Filters, format: &str) -> String {
    let mut href = format!("/chatbots/{chatbot_id}/conversations/export?format={format}");
    let filters = filters.to_query_string();
    if !filters.is_empty() {
        href.push('&');
        href.push_str(&filters);
    }
    href
}

#[cfg(feature = "ssr")]
mod download {
    use axum::body::Body;
    use axum::extract::{Path, Query};
    use axum::http::{header, HeaderMap, HeaderValue};
    use axum::response::Response;
    use futures_util::TryStreamExt;
    use serde::Deserialize;

    use super::Filters;
    use crate::backend::{route_client, route_refusal, Backend};
    use crate::error::AppError;

    #[derive(Deserialize)]
    pub struct ExportQuery {
        format: okchat::ExportFormat,
        #[serde(flatten)]
        filters: Filters,
    }

    /// The handler; the server mounts it with the console's backend.
    pub async fn download(
        backend: Backend,
        Path(chatbot_id): Path<String>,
        Query(query): Query<ExportQuery>,
        headers: HeaderMap,
    ) -> Response {
        let client = match route_client(&backend, &headers, "export").await {
            Ok(client) => client,
            Err(refused) => return refused,
        };
        let upstream = match client
            .export_conversations(&chatbot_id, query.format, &query.filters.query(None))
            .await
        {
            Ok(upstream) => upstream,
            Err(error) => return route_refusal(AppError::from(error)),
        };
        // The file's type and name are the backend's.
        let copied: Vec<_> = [header::CONTENT_TYPE, header::CONTENT_DISPOSITION]
            .into_iter()
            .filter_map(|name| Some((name.clone(), upstream.headers().get(&name)?.clone())))
            .collect();
        let mut response =
            Response::new(Body::from_stream(upstream.bytes_stream().inspect_err(
                |error| tracing::warn!(%error, "the conversation export broke off"),
            )));
        response.headers_mut().extend(copied);
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

#[cfg(feature = "ssr")]
pub use download::download;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_keeps_the_filters() {
        assert_eq!(
            export_href("b1", &Filters::default(), "csv"),
            "/chatbots/b1/conversations/export?format=csv"
        );
        let filters = Filters {
            state: "closed".into(),
            q: "refund".into(),
            ..Filters::default()
        };
        assert_eq!(
            export_href("b1", &filters, "jsonl"),
            "/chatbots/b1/conversations/export?format=jsonl&state=closed&q=refund"
        );
    }
}
