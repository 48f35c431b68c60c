//! The request id (`x-request-id`, set by the router's outermost layers) in API error bodies.

use axum::response::Response;

use crate::error::ErrorMarker;

/// Adds the request id to every API error body (the header alone is easy to lose in a log).
pub async fn attach_request_id(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let (Some(request_id), Some(ErrorMarker(mut body))) = (
        request_id,
        response.extensions().get::<ErrorMarker>().cloned(),
    ) else {
        return response;
    };
    body.error.request_id = Some(request_id);
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
