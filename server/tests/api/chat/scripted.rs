//! A scripted OpenAI-compatible endpoint, the one test double of the chat's tests (no paid
//! API is reachable): each request to `/v1/chat/completions` takes the next reply of the
//! script and is recorded with its headers.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};
use server::chat::config::{ChatConfig, OpenAiConfig, ProviderLimits};

pub const MODEL_ID: &str = "gpt-4o-mini-2024-07-18";
pub const DEPLOYMENT_KEY: &str = "sk-deployment-0123456789abcdef";

#[derive(Clone)]
pub enum Reply {
    /// The text in these pieces, then usage and `[DONE]`.
    Text(Vec<&'static str>),
    /// A call of `name` with `arguments`, its arguments split over two chunks.
    ToolCall {
        id: &'static str,
        name: &'static str,
        arguments: &'static str,
    },
    /// An error status, with `Retry-After` when given.
    Status(u16, Option<&'static str>),
    /// A 200 whose first event is not JSON.
    Malformed,
    /// Text pieces forever, one every `Duration`.
    Endless(Duration),
    /// The text in these pieces, one every `Duration`, then usage and `[DONE]`.
    Paced(Vec<&'static str>, Duration),
    /// Headers, then nothing.
    Silent,
}

/// A request's body and its `authorization` header.
type Recorded = (Value, Option<String>);

#[derive(Clone, Default)]
pub struct Script {
    replies: Arc<Mutex<VecDeque<Reply>>>,
    /// Each request's body and `authorization` header.
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Script {
    pub fn bodies(&self) -> Vec<Value> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|(b, _)| b.clone())
            .collect()
    }

    pub fn authorizations(&self) -> Vec<Option<String>> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|(_, a)| a.clone())
            .collect()
    }
}

fn event(value: Value) -> Bytes {
    Bytes::from(format!("data: {value}\n\n"))
}

fn chunk(delta: Value, finish: Option<&str>) -> Bytes {
    event(json!({
        "id": "chatcmpl-scripted", "object": "chat.completion.chunk", "model": MODEL_ID,
        "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }],
    }))
}

fn usage() -> Bytes {
    event(json!({
        "id": "chatcmpl-scripted", "object": "chat.completion.chunk", "model": MODEL_ID,
        "choices": [], "usage": { "prompt_tokens": 310, "completion_tokens": 21, "total_tokens": 331 },
    }))
}

/// A whole answer of `pieces`, as the endpoint streams it.
fn text_events(pieces: &[&str]) -> Vec<Bytes> {
    let mut events = vec![chunk(json!({ "role": "assistant", "content": "" }), None)];
    events.extend(pieces.iter().map(|p| chunk(json!({ "content": p }), None)));
    events.push(chunk(json!({}), Some("stop")));
    events.push(usage());
    events.push(Bytes::from("data: [DONE]\n\n"));
    events
}

fn sse(events: impl futures_util::Stream<Item = Bytes> + Send + 'static) -> Response {
    let body = Body::from_stream(events.map(Ok::<_, Infallible>));
    ([("content-type", "text/event-stream")], body).into_response()
}

async fn completions(
    State(script): State<Script>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    script.requests.lock().unwrap().push((body, authorization));
    let reply = script
        .replies
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(Reply::Status(500, None));
    match reply {
        Reply::Text(pieces) => sse(stream::iter(text_events(&pieces))),
        Reply::Paced(pieces, every) => sse(stream::iter(text_events(&pieces))
            .then(move |event| async move {
                tokio::time::sleep(every).await;
                event
            })
            .boxed()),
        Reply::ToolCall {
            id,
            name,
            arguments,
        } => {
            let (head, tail) = arguments.split_at(arguments.len() / 2);
            let events = vec![
                chunk(
                    json!({ "role": "assistant", "content": null, "tool_calls": [{
                        "index": 0, "id": id, "type": "function",
                        "function": { "name": name, "arguments": head } }] }),
                    None,
                ),
                chunk(
                    json!({ "tool_calls": [{ "index": 0, "function": { "arguments": tail } }] }),
                    None,
                ),
                chunk(json!({}), Some("tool_calls")),
                usage(),
                Bytes::from("data: [DONE]\n\n"),
            ];
            sse(stream::iter(events))
        }
        Reply::Status(status, retry_after) => {
            let status = StatusCode::from_u16(status).unwrap();
            let body = Json(json!({ "error": {
                "message": format!("Incorrect API key provided: {DEPLOYMENT_KEY}"),
                "type": "scripted" } }));
            match retry_after {
                Some(after) => (status, [("retry-after", after)], body).into_response(),
                None => (status, body).into_response(),
            }
        }
        Reply::Malformed => sse(stream::iter([Bytes::from("data: {not json\n\n")])),
        Reply::Endless(every) => sse(stream::iter(0..)
            .then(move |i| async move {
                tokio::time::sleep(every).await;
                chunk(json!({ "content": format!("word{i} ") }), None)
            })
            .boxed()),
        Reply::Silent => sse(stream::pending()),
    }
}

/// Starts the endpoint with `replies`; answers the chat settings that point at it.
pub async fn start(replies: Vec<Reply>) -> (Script, ChatConfig) {
    let script = Script {
        replies: Arc::new(Mutex::new(replies.into())),
        ..Default::default()
    };
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let config = ChatConfig {
        openai: Some(OpenAiConfig {
            base_url: format!("http://{addr}/v1"),
            api_key: Some(DEPLOYMENT_KEY.to_owned().into()),
            model: None,
        }),
        limits: ProviderLimits {
            first_byte: Duration::from_secs(2),
            idle: Duration::from_secs(1),
            max_retry_wait: Duration::from_millis(200),
            ..ProviderLimits::default()
        },
    };
    (script, config)
}
