//! The baseline for `scripts/bench-api.sh`: a bare axum handler that answers a fixed JSON
//! body of a chatbot's size, with no auth, no database and no middleware. The ratio of
//! chatdeck's `GET /api/external/chatbot/{id}` to this is the cost of everything we add.

use axum::{routing::get, Router};

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3999".into());
    let body_file = std::env::args()
        .nth(2)
        .expect("usage: bare_axum ADDR BODY_FILE");
    let body: &'static str =
        Box::leak(std::fs::read_to_string(body_file).unwrap().into_boxed_str());
    let app = Router::new().route(
        "/api/external/chatbot/{id}",
        get(move || async move { ([("content-type", "application/json")], body) }),
    );
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
