//! The OpenAI-compatible provider: one streamed `POST {base}/chat/completions` per step, read
//! as server-sent events. Anything that speaks that API works (OpenAI, Azure's compatible
//! endpoint, vLLM, Ollama, LiteLLM).
//!
//! Failures before the answer's headers are retried (connect errors, no answer in time, 408,
//! 429 and 5xx, each after the upstream's `Retry-After` or a short backoff, both capped); once
//! an answer has begun it is never retried, since the visitor may have seen part of it.
//! `sse-stream` buffers an unfinished line whole, so an endpoint that streams one endless line
//! costs memory until the idle timeout; the endpoint is the operator's own, not a visitor's. Nothing logged or returned
//! ever holds the key: upstream messages are cut short and the key is redacted from them.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use futures_util::{Stream, StreamExt};
use okchat::chat::Usage;
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use sse_stream::SseStream;

use super::config::{OpenAiConfig, ProviderLimits};
use super::provider::{
    ChatProvider, ProviderError, StepEvent, StepRequest, StepStream, ToolCall, Turn,
};

/// Longest upstream error message kept (for the log).
const MESSAGE_MAX: usize = 200;

pub struct OpenAiProvider {
    http: reqwest::Client,
    config: OpenAiConfig,
    limits: ProviderLimits,
}

impl OpenAiProvider {
    pub fn new(config: OpenAiConfig, limits: ProviderLimits) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(limits.connect)
            .build()
            .expect("a client with a connect timeout builds");
        Self {
            http,
            config,
            limits,
        }
    }

    fn url(&self) -> String {
        format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        )
    }
}

/// The request body of one step.
pub fn body(request: &StepRequest) -> Value {
    let mut messages = vec![json!({ "role": "system", "content": request.system })];
    for turn in &request.turns {
        messages.push(match turn {
            Turn::User(text) => json!({ "role": "user", "content": text }),
            Turn::Assistant(text) => json!({ "role": "assistant", "content": text }),
            Turn::ToolCalls(calls) => json!({
                "role": "assistant",
                "content": null,
                "tool_calls": calls.iter().map(|c| json!({
                    "id": c.id,
                    "type": "function",
                    "function": { "name": c.name, "arguments": c.arguments.to_string() },
                })).collect::<Vec<_>>(),
            }),
            Turn::ToolResult { call_id, content } => {
                json!({ "role": "tool", "tool_call_id": call_id, "content": content })
            }
        });
    }
    let mut body = json!({
        "model": request.model,
        "messages": messages,
        "stream": true,
        "stream_options": { "include_usage": true },
        "temperature": 0,
    });
    if !request.tools.is_empty() {
        body["tools"] = request
            .tools
            .iter()
            .map(|t| {
                json!({ "type": "function", "function": {
                    "name": t.name, "description": t.description, "parameters": t.parameters,
                }})
            })
            .collect();
        body["tool_choice"] = json!("auto");
    }
    body
}

/// OpenAI's finish reasons in the AI SDK's words.
fn finish_reason(openai: &str) -> &'static str {
    match openai {
        "stop" => "stop",
        "length" => "length",
        "tool_calls" | "function_call" => "tool-calls",
        "content_filter" => "content-filter",
        _ => "other",
    }
}

/// How long to wait before the next attempt: the upstream's `Retry-After` (seconds or an HTTP
/// date) when given, else a doubling backoff; never more than `cap`.
pub fn retry_wait(
    retry_after: Option<&str>,
    attempt: u32,
    now: SystemTime,
    cap: Duration,
) -> Duration {
    let asked = retry_after.and_then(|value| {
        let value = value.trim();
        value
            .parse::<u64>()
            .ok()
            .map(Duration::from_secs)
            .or_else(|| {
                httpdate::parse_http_date(value)
                    .ok()
                    .map(|at| at.duration_since(now).unwrap_or_default())
            })
    });
    let backoff = Duration::from_millis(250 * 2u64.saturating_pow(attempt.saturating_sub(1)));
    asked.unwrap_or(backoff).min(cap)
}

fn redact(text: &str, key: &str) -> String {
    let cut: String = text.chars().take(MESSAGE_MAX).collect();
    if key.len() >= 8 {
        cut.replace(key, "[REDACTED]")
    } else {
        cut
    }
}

/// The upstream's own error message, if its body has one.
fn upstream_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| body.to_owned())
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    id: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<ChunkUsage>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Delta,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCallDelta>,
}

#[derive(Deserialize)]
struct ToolCallDelta {
    #[serde(default)]
    index: usize,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<FunctionDelta>,
}

#[derive(Deserialize)]
struct FunctionDelta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct ChunkUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

/// A tool call as its pieces arrive.
#[derive(Default)]
struct PendingCall {
    id: String,
    name: String,
    arguments: String,
}

/// Reads the events of one answer into step events.
struct Reader {
    events:
        std::pin::Pin<Box<dyn Stream<Item = Result<sse_stream::Sse, sse_stream::Error>> + Send>>,
    idle: Duration,
    first_byte: Duration,
    started: bool,
    calls: BTreeMap<usize, PendingCall>,
    reason: Option<String>,
    usage: Usage,
    id: String,
    model: String,
    queued: std::collections::VecDeque<StepEvent>,
    finished: bool,
}

impl Reader {
    /// The next step event; `None` after `Finish`.
    async fn next(&mut self) -> Option<Result<StepEvent, ProviderError>> {
        loop {
            if let Some(event) = self.queued.pop_front() {
                return Some(Ok(event));
            }
            if self.finished {
                return None;
            }
            let wait = if self.started {
                self.idle
            } else {
                self.first_byte
            };
            let event = match tokio::time::timeout(wait, self.events.next()).await {
                Err(_) => {
                    self.finished = true;
                    return Some(Err(ProviderError::Unavailable(format!(
                        "no data for {} s",
                        wait.as_secs()
                    ))));
                }
                Ok(None) => {
                    // The body ended: with a finish reason seen, that is the end of the answer.
                    if self.reason.is_some() {
                        self.finish();
                        continue;
                    }
                    self.finished = true;
                    return Some(Err(ProviderError::Unavailable(
                        "the answer ended before it finished".into(),
                    )));
                }
                Ok(Some(Err(error))) => {
                    self.finished = true;
                    return Some(Err(ProviderError::Unavailable(format!(
                        "the answer broke off: {error}"
                    ))));
                }
                Ok(Some(Ok(event))) => event,
            };
            self.started = true;
            let Some(data) = event.data else { continue };
            if data.trim() == "[DONE]" {
                self.finish();
                continue;
            }
            let chunk: Chunk = match serde_json::from_str(&data) {
                Ok(chunk) => chunk,
                Err(error) => {
                    self.finished = true;
                    return Some(Err(ProviderError::Rejected(format!(
                        "an event is not a chat completion chunk: {error}"
                    ))));
                }
            };
            self.read(chunk);
        }
    }

    fn read(&mut self, chunk: Chunk) {
        if self.id.is_empty() {
            self.id = chunk.id;
        }
        if self.model.is_empty() {
            self.model = chunk.model;
        }
        if let Some(usage) = chunk.usage {
            self.usage = Usage {
                prompt_tokens: usage.prompt_tokens,
                completion_tokens: usage.completion_tokens,
                total_tokens: None,
            };
        }
        for choice in chunk.choices {
            if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
                self.queued.push_back(StepEvent::TextDelta(text));
            }
            for delta in choice.delta.tool_calls {
                let call = self.calls.entry(delta.index).or_default();
                if let Some(id) = delta.id {
                    call.id = id;
                }
                if let Some(function) = delta.function {
                    if let Some(name) = function.name {
                        call.name.push_str(&name);
                    }
                    if let Some(arguments) = function.arguments {
                        call.arguments.push_str(&arguments);
                    }
                }
            }
            if let Some(reason) = choice.finish_reason {
                self.reason = Some(reason);
            }
        }
    }

    /// Queues the tool calls (whole now) and the finish.
    fn finish(&mut self) {
        for (_, call) in std::mem::take(&mut self.calls) {
            let arguments = serde_json::from_str(&call.arguments)
                .unwrap_or_else(|_| json!({ "query": call.arguments }));
            self.queued.push_back(StepEvent::ToolCall(ToolCall {
                id: call.id,
                name: call.name,
                arguments,
            }));
        }
        self.queued.push_back(StepEvent::Finish {
            finish_reason: finish_reason(self.reason.as_deref().unwrap_or("stop")).into(),
            usage: self.usage,
            response_id: std::mem::take(&mut self.id),
            model_id: std::mem::take(&mut self.model),
        });
        self.finished = true;
    }
}

#[async_trait]
impl ChatProvider for OpenAiProvider {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn supports_tools(&self) -> bool {
        true
    }

    async fn step(&self, request: StepRequest) -> Result<StepStream, ProviderError> {
        // A local endpoint (Ollama, vLLM) may need no key at all.
        let key: Option<SecretString> = request
            .api_key
            .clone()
            .or_else(|| self.config.api_key.clone());
        let secret = key.as_ref().map_or("", |k| k.expose_secret());
        let body = body(&request);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= self.limits.max_attempts;
            let mut post = self.http.post(self.url()).json(&body);
            if let Some(key) = &key {
                post = post.bearer_auth(key.expose_secret());
            }
            let sent = post.send();
            let response = match tokio::time::timeout(self.limits.first_byte, sent).await {
                Err(_) if !last => continue,
                Err(_) => {
                    return Err(ProviderError::Unavailable(format!(
                        "no answer in {} s",
                        self.limits.first_byte.as_secs()
                    )))
                }
                Ok(Err(error)) if !last && (error.is_connect() || error.is_timeout()) => {
                    tokio::time::sleep(retry_wait(
                        None,
                        attempt,
                        SystemTime::now(),
                        self.limits.max_retry_wait,
                    ))
                    .await;
                    continue;
                }
                Ok(Err(error)) => {
                    return Err(ProviderError::Unavailable(redact(
                        &error.without_url().to_string(),
                        secret,
                    )))
                }
                Ok(Ok(response)) => response,
            };
            let status = response.status();
            if status.is_success() {
                let reader = Reader {
                    events: Box::pin(SseStream::from_bytes_stream(response.bytes_stream())),
                    idle: self.limits.idle,
                    first_byte: self.limits.first_byte,
                    started: false,
                    calls: BTreeMap::new(),
                    reason: None,
                    usage: Usage::default(),
                    id: String::new(),
                    model: String::new(),
                    queued: Default::default(),
                    finished: false,
                };
                return Ok(Box::pin(futures_util::stream::unfold(
                    reader,
                    |mut reader| async move { reader.next().await.map(|item| (item, reader)) },
                )));
            }
            let retryable = status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::REQUEST_TIMEOUT
                || status.is_server_error();
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            if retryable && !last {
                tokio::time::sleep(retry_wait(
                    retry_after.as_deref(),
                    attempt,
                    SystemTime::now(),
                    self.limits.max_retry_wait,
                ))
                .await;
                continue;
            }
            let text = response.text().await.unwrap_or_default();
            let message = redact(&upstream_message(&text), secret);
            return Err(match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ProviderError::Unauthorized,
                _ if retryable => ProviderError::Unavailable(format!("{status}: {message}")),
                _ => ProviderError::Rejected(format!("{status}: {message}")),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_as_seconds_or_a_date_and_capped() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let cap = Duration::from_secs(10);
        assert_eq!(retry_wait(Some("3"), 1, now, cap), Duration::from_secs(3));
        assert_eq!(retry_wait(Some("3600"), 1, now, cap), cap);
        let later = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(
            retry_wait(Some(&later), 1, now, cap),
            Duration::from_secs(5)
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(5));
        assert_eq!(retry_wait(Some(&past), 1, now, cap), Duration::ZERO);
        assert_eq!(retry_wait(None, 1, now, cap), Duration::from_millis(250));
        assert_eq!(retry_wait(None, 3, now, cap), Duration::from_millis(1000));
        assert_eq!(
            retry_wait(Some("soon"), 2, now, cap),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn finish_reasons_are_the_ai_sdk_s() {
        assert_eq!(finish_reason("stop"), "stop");
        assert_eq!(finish_reason("tool_calls"), "tool-calls");
        assert_eq!(finish_reason("content_filter"), "content-filter");
        assert_eq!(finish_reason("length"), "length");
        assert_eq!(finish_reason("something_new"), "other");
    }

    #[test]
    fn upstream_messages_lose_the_key_and_their_length() {
        let key = "sk-live-0123456789abcdef";
        let body = format!(r#"{{"error":{{"message":"Incorrect API key provided: {key}"}}}}"#);
        let message = redact(&upstream_message(&body), key);
        assert_eq!(message, "Incorrect API key provided: [REDACTED]");
        assert_eq!(redact(&"x".repeat(1000), key).len(), MESSAGE_MAX);
    }

    #[test]
    fn tool_turns_are_sent_in_openai_s_shape() {
        let request = StepRequest {
            model: "m".into(),
            system: "sys".into(),
            turns: vec![
                Turn::User("q".into()),
                Turn::ToolCalls(vec![ToolCall {
                    id: "c1".into(),
                    name: "searchKnowledgeBase".into(),
                    arguments: json!({ "query": "q" }),
                }]),
                Turn::ToolResult {
                    call_id: "c1".into(),
                    content: "found".into(),
                },
            ],
            tools: Vec::new(),
            knowledge: Vec::new(),
            language: "auto".into(),
            greeting: String::new(),
            api_key: None,
        };
        let body = body(&request);
        let call = &body["messages"][2]["tool_calls"][0];
        assert_eq!(call["function"]["arguments"], r#"{"query":"q"}"#);
        assert_eq!(body["messages"][3]["role"], "tool");
        assert_eq!(body["messages"][3]["tool_call_id"], "c1");
        assert!(body.get("tool_choice").is_none());
    }
}
