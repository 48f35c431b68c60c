//! One chat turn: the session found or opened by the caller's key, the visitor's message
//! stored, human mode and lead capture honoured, knowledge retrieved, the model asked (with the
//! `searchKnowledgeBase` tool loop when on), and the answer stored.
//!
//! The answer is generated in a task of its own that sends the stream's frames over a channel.
//! The stream route forwards them; the non-stream route drains them and answers the outcome.
//! When the client goes away the channel closes, generation stops, and what was said so far is
//! stored, marked `cut_off`. The final `d:` frame is sent only after the answer is stored, so a
//! client that has seen it can read the message back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use okchat::chat::{ContentPart, Finish, ResponseMessage, Step, StepResponse, Usage};
use okchat::knowledge::KnowledgeResult;
use okchat::validate::Validate;
use okchat::{ChatRequest, ChatResponse, ErrorCode, StreamPart};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::config::{ChatConfig, OpenAiConfig, OPENAI_BASE_URL};
use super::lease::AnswerLease;
use super::local::LocalProvider;
use super::openai::OpenAiProvider;
use super::prompt::{self, SEARCH_TOOL};
use super::provider::{
    ChatProvider, ProviderError, StepEvent, StepRequest, ToolCall, ToolSpec, Turn,
};
use super::tongue::Tongue;
use crate::chatbots::service::{self as chatbots, typed};
use crate::chatbots::store::ChatbotRecord;
use crate::conversations::store::{
    AppendIf, MessageRecord, NewMessage, NewSession, SessionChange, SessionRecord, SessionState,
};
use crate::error::{ApiError, ApiResult};
use crate::knowledge::service::{retrieve, Knowledge};
use crate::ops::Metrics;
use crate::store::{DynStore, StoreError};

/// Model steps of one answer, tool steps included.
pub const MAX_STEPS: usize = 5;
/// History the model is shown: the newest messages, within a character budget.
const HISTORY_MESSAGES: i64 = 20;
const HISTORY_CHARS: usize = 12_000;
/// Frames buffered between the generating task and the client.
const FRAME_BUFFER: usize = 64;
/// How often a turn sent again looks for the answer another request is writing, and how long
/// it waits for it at most.
const ANSWER_POLL: Duration = Duration::from_millis(200);
const ANSWER_WAIT: Duration = Duration::from_secs(300);

/// The providers of this deployment.
pub struct Chat {
    local: Arc<dyn ChatProvider>,
    openai: Arc<dyn ChatProvider>,
    /// An endpoint is configured for the whole deployment.
    deployment: bool,
    /// The model every bot uses on that endpoint, when the operator set one.
    model: Option<String>,
    /// Where answers' first-token times and provider failures are counted.
    metrics: Arc<Metrics>,
}

impl Default for Chat {
    fn default() -> Self {
        Self::new(&ChatConfig::default(), Arc::new(Metrics::new()))
    }
}

impl Chat {
    pub fn new(config: &ChatConfig, metrics: Arc<Metrics>) -> Self {
        let openai = config.openai.clone().unwrap_or_else(|| OpenAiConfig {
            base_url: OPENAI_BASE_URL.into(),
            api_key: None,
            model: None,
        });
        Self {
            local: Arc::new(LocalProvider),
            deployment: config.openai.is_some(),
            model: openai.model.clone(),
            openai: Arc::new(OpenAiProvider::new(openai, config.limits)),
            metrics,
        }
    }

    /// The provider and model that answer for `chatbot`: the OpenAI-compatible one when the
    /// deployment has an endpoint or the bot its own key, else the built-in one.
    fn provider_for(&self, chatbot: &ChatbotRecord) -> (Arc<dyn ChatProvider>, String) {
        if !self.deployment && chatbot.openai_api_key.is_none() {
            return (self.local.clone(), "local".into());
        }
        let model = self
            .model
            .clone()
            .or_else(|| Some(chatbot.settings.model.trim().to_owned()).filter(|m| !m.is_empty()))
            .unwrap_or_else(|| okchat::defaults::MODEL.to_owned());
        (self.openai.clone(), model)
    }
}

/// What the route needs to answer a turn.
pub enum Started {
    /// Human mode: the visitor's message is stored and a person answers from the console.
    Human { session_id: String },
    /// The request's turns were stored and answered before (sent again under their client
    /// ids): that stored answer is the answer, and no model is asked.
    Answered {
        session_id: String,
        answer: Box<MessageRecord>,
    },
    /// The answer is being generated: its frames arrive on `frames`, its outcome on `outcome`.
    Answering {
        session_id: String,
        frames: mpsc::Receiver<StreamPart>,
        outcome: tokio::task::JoinHandle<Outcome>,
    },
}

/// How a generated answer ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub text: String,
    pub finish_reason: String,
    pub steps: Vec<Step>,
    pub usage: Usage,
    /// Set when the provider failed; `text` is what came before.
    pub error: Option<ProviderError>,
}

/// A visitor's turn in a request, with the client's id for it if it gave one.
#[derive(Debug, Clone, PartialEq)]
struct NewTurn {
    client_id: Option<String>,
    text: String,
}

/// The messages this request adds: the user turns after the last other turn (a client such as
/// the AI SDK's `useChat` sends the whole history each time; okchat clients send the new turn).
fn new_turns(request: &ChatRequest) -> ApiResult<Vec<NewTurn>> {
    let turns: Vec<NewTurn> = request
        .messages
        .iter()
        .rev()
        .take_while(|m| m.role == "user")
        .map(|m| NewTurn {
            client_id: m.id.clone(),
            text: m.content.trim().to_owned(),
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if turns.is_empty() {
        return Err(ApiError::field(
            "messages",
            "must end with a message whose role is \"user\"",
        ));
    }
    Ok(turns)
}

/// An email address in `text`: the first word with one `@`, a local part and a dotted domain.
fn email_in(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '(' | ')'))
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | '!' | '?' | '"' | '\'')))
        .find(|w| {
            let Some((local, domain)) = w.split_once('@') else {
                return false;
            };
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && w.len() <= 254
        })
        .map(str::to_owned)
}

/// Whether `text` just gives the email (a visitor answering the lead request: "sure:
/// ada@example.com") rather than also asking something new.
fn only_email(text: &str, email: &str) -> bool {
    let rest = text.replace(email, "");
    !rest.contains('?') && rest.split_whitespace().count() <= 3
}

/// Starts a turn: everything up to the generation, which runs on in its own task.
pub async fn start(
    store: &DynStore,
    knowledge: &Arc<Knowledge>,
    chat: &Chat,
    org: &str,
    chatbot_id: &str,
    body: Value,
) -> ApiResult<Started> {
    let request: ChatRequest = typed(body)?;
    request.validate().map_err(ApiError::validation)?;
    let turns = new_turns(&request)?;
    let chatbot = chatbots::get(store, org, chatbot_id).await?;
    if !chatbot.active {
        return Err(ApiError::conflict(
            "This chatbot is paused (active is false); activate it to chat.",
        ));
    }
    let now = crate::time::now();
    let mut session = store
        .open_session(
            &NewSession {
                id: uuid::Uuid::new_v4().to_string(),
                organization_id: chatbot.organization_id.clone(),
                chatbot_id: chatbot.id.clone(),
                platform: request.platform.clone().unwrap_or_else(|| "web".into()),
                sns_user_id: request.session_token.clone(),
                metadata: json!({ "anonymous": true }),
            },
            &now,
        )
        .await?;
    if session.state == SessionState::Closed {
        session = reopen(store, &session).await?;
    }
    // The history the model sees is what was stored before this request's turns.
    let mut history = store.recent_messages(&session.id, HISTORY_MESSAGES).await?;
    let mut resent = Vec::new();
    let mut stored_any = false;
    let mut last_turn = None;
    let mut last_turn_is_new = false;
    for turn in &turns {
        if let Some(client_id) = &turn.client_id {
            if let Some(stored) = store.message_by_client_id(&session.id, client_id).await? {
                last_turn = Some(stored.clone());
                last_turn_is_new = false;
                resent.push(stored);
                continue;
            }
        }
        let message = NewMessage {
            id: uuid::Uuid::new_v4().to_string(),
            sender_type: "user".into(),
            content: turn.text.clone(),
            metadata: json!({}),
            client_id: turn.client_id.clone(),
            ..Default::default()
        };
        let stored = store
            .append_message(&session.id, &message, AppendIf::Always, &crate::time::now())
            .await
            .map_err(|error| match error {
                StoreError::Conflict(_) => ApiError::conflict(
                    "This message is being answered already (it was sent twice at once).",
                ),
                error => error.into(),
            })?
            .ok_or_else(|| ApiError::not_found("Conversation"))?;
        last_turn = Some(stored);
        last_turn_is_new = true;
        stored_any = true;
    }
    let last_turn = last_turn.expect("a request has at least one turn (new_turns)");
    if let Some(first) = resent.first() {
        history.retain(|m| m.seq < first.seq);
    }
    if let (false, Some(last)) = (stored_any, resent.last()) {
        if let Some(answer) = stored_answer(store, last).await? {
            return Ok(Started::Answered {
                session_id: session.id,
                answer: Box::new(answer),
            });
        }
    }
    if session.is_human_mode {
        return Ok(Started::Human {
            session_id: session.id,
        });
    }
    let lease = match answer_lease(store, &last_turn, last_turn_is_new).await? {
        Ok(lease) => lease,
        Err(answer) => {
            return Ok(Started::Answered {
                session_id: session.id,
                answer: Box::new(answer),
            })
        }
    };
    let mut question = turns
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let mut canned = None;
    if chatbot.settings.is_request_user_info_enabled && session.metadata.get("lead").is_none() {
        match lead_step(store, &chatbot, &session, &question).await {
            Ok(LeadStep::Ask(text)) => canned = Some(text),
            Ok(LeadStep::Answer(pending)) => question = pending,
            Err(error) => {
                lease.release().await;
                return Err(error);
            }
        }
    }
    let (provider, model) = chat.provider_for(&chatbot);
    let (sender, frames) = mpsc::channel(FRAME_BUFFER);
    let turn = Generation {
        store: store.clone(),
        knowledge: knowledge.clone(),
        chatbot,
        session_id: session.id.clone(),
        message_id: uuid::Uuid::new_v4().to_string(),
        history: history_turns(&history),
        question,
        provider,
        model,
        canned,
        started: Instant::now(),
        sender,
        metrics: chat.metrics.clone(),
        lease,
    };
    let outcome = tokio::spawn(turn.run());
    Ok(Started::Answering {
        session_id: session.id,
        frames,
        outcome,
    })
}

/// The lease on answering `turn`; or, when another request is answering it (the turn was sent
/// again meanwhile), the answer that request stores once it has, or the lease once it ends
/// without a whole answer (cut off, failed, or its instance gone). `just_stored`: this request
/// stored the turn a moment ago, so no answer to it can be stored yet unless another request
/// held the lease first. (An answer is found by its place after the turn, which a concurrent
/// request of the same visitor could take with its own answer.)
async fn answer_lease(
    store: &DynStore,
    turn: &MessageRecord,
    just_stored: bool,
) -> ApiResult<Result<AnswerLease, MessageRecord>> {
    let waiting_since = Instant::now();
    let mut answered_before = !just_stored;
    loop {
        if let Some(lease) = AnswerLease::claim(store, &turn.id).await? {
            if !answered_before {
                return Ok(Ok(lease));
            }
            // The request that held the lease before may have stored a whole answer.
            return match stored_answer(store, turn).await {
                Ok(None) => Ok(Ok(lease)),
                Ok(Some(answer)) => {
                    lease.release().await;
                    Ok(Err(answer))
                }
                Err(error) => {
                    lease.release().await;
                    Err(error)
                }
            };
        }
        if waiting_since.elapsed() > ANSWER_WAIT {
            return Err(ApiError::conflict(
                "This message is still being answered by an earlier request; try again later.",
            ));
        }
        answered_before = true;
        tokio::time::sleep(ANSWER_POLL).await;
        if let Some(answer) = stored_answer(store, turn).await? {
            return Ok(Err(answer));
        }
    }
}

/// The bot's whole answer to the stored visitor turn `turn`, if it has one: the first answer
/// after it, before the visitor's next turn, that the model finished (an answer cut off by a
/// client gone or by a failing provider is kept, but a turn sent again is answered anew).
async fn stored_answer(store: &DynStore, turn: &MessageRecord) -> ApiResult<Option<MessageRecord>> {
    let after = store
        .messages_after(&turn.session_id, turn.seq, HISTORY_MESSAGES)
        .await?;
    Ok(after
        .into_iter()
        .take_while(|m| m.sender_type != "user")
        .find(|m| {
            m.provider.as_deref() != Some("human")
                && m.metadata.get("cut_off").is_none()
                && m.metadata.get("error").is_none()
        }))
}

/// A stored answer as the non-stream response: no step spent tokens on it this time.
fn replayed(session_id: String, answer: MessageRecord) -> ChatResponse {
    let finish_reason = answer
        .metadata
        .get("finish_reason")
        .and_then(Value::as_str)
        .unwrap_or("stop")
        .to_owned();
    let list = |value: Option<Value>| match value {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let tool_calls = list(answer.tool_calls);
    let tool_results = list(answer.tool_results);
    ChatResponse {
        steps: vec![Step {
            step_type: "initial".into(),
            text: answer.content.clone(),
            finish_reason: finish_reason.clone(),
            is_continued: false,
            tool_calls: tool_calls.clone(),
            tool_results: tool_results.clone(),
            warnings: Vec::new(),
            usage: with_total(Usage::default()),
            request: None,
            response: None,
            experimental_provider_metadata: None,
        }],
        output: answer.content,
        finish_reason,
        tool_calls,
        tool_results,
        session_id: Some(session_id),
    }
}

async fn reopen(store: &DynStore, session: &SessionRecord) -> ApiResult<SessionRecord> {
    let change = SessionChange {
        state: Some(SessionState::InProgress),
        ..Default::default()
    };
    store
        .update_session(
            &session.organization_id,
            &session.chatbot_id,
            &session.id,
            &change,
            &crate::time::now(),
        )
        .await?
        .ok_or_else(|| ApiError::not_found("Conversation"))
}

enum LeadStep {
    /// Ask for the email first: this is the answer.
    Ask(String),
    /// Go on and answer this question.
    Answer(String),
}

/// Lead capture: the first question is kept while the bot asks for an email; an email given
/// is stored as the lead and the kept question answered. A visitor who answers the request
/// without an email is not asked again.
async fn lead_step(
    store: &DynStore,
    chatbot: &ChatbotRecord,
    session: &SessionRecord,
    question: &str,
) -> ApiResult<LeadStep> {
    let metadata = &session.metadata;
    let pending = metadata
        .get("lead_question")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut keys = serde_json::Map::new();
    let step = if let Some(email) = email_in(question) {
        keys.insert(
            "lead".into(),
            json!({ "email": email, "captured_at": crate::time::now() }),
        );
        match pending {
            Some(pending) if only_email(question, &email) => LeadStep::Answer(pending),
            _ => LeadStep::Answer(question.to_owned()),
        }
    } else if metadata.get("lead_requested").is_none() {
        keys.insert("lead_requested".into(), Value::Bool(true));
        keys.insert("lead_question".into(), Value::String(question.to_owned()));
        LeadStep::Ask(
            Tongue::of(&chatbot.language, question)
                .lead_request()
                .to_owned(),
        )
    } else {
        return Ok(LeadStep::Answer(question.to_owned()));
    };
    let change = SessionChange {
        metadata: Some(keys),
        ..Default::default()
    };
    store
        .update_session(
            &session.organization_id,
            &session.chatbot_id,
            &session.id,
            &change,
            &crate::time::now(),
        )
        .await?;
    Ok(step)
}

/// Stored messages as the model's turns, the newest within the character budget. A person's
/// replies are the assistant's turns: the model continues the conversation they took part in.
fn history_turns(history: &[MessageRecord]) -> Vec<Turn> {
    let mut budget = HISTORY_CHARS;
    let mut turns = Vec::new();
    for message in history.iter().rev() {
        let chars = message.content.chars().count();
        if chars > budget {
            break;
        }
        budget -= chars;
        turns.push(match message.sender_type.as_str() {
            "user" => Turn::User(message.content.clone()),
            _ => Turn::Assistant(message.content.clone()),
        });
    }
    turns.reverse();
    turns
}

/// The client went away: the channel is closed.
struct Gone;

struct Generation {
    store: DynStore,
    knowledge: Arc<Knowledge>,
    chatbot: ChatbotRecord,
    session_id: String,
    message_id: String,
    history: Vec<Turn>,
    question: String,
    provider: Arc<dyn ChatProvider>,
    model: String,
    /// A fixed answer instead of the model's (the lead request).
    canned: Option<String>,
    started: Instant,
    metrics: Arc<Metrics>,
    sender: mpsc::Sender<StreamPart>,
    /// Held until the answer is stored.
    lease: AnswerLease,
}

/// What the generation has said and done so far.
#[derive(Default)]
struct Progress {
    text: String,
    steps: Vec<Step>,
    usage: Usage,
    finish_reason: String,
    knowledge: Vec<KnowledgeResult>,
    tool_calls: Vec<Value>,
    tool_results: Vec<Value>,
    first_token_ms: Option<u128>,
    model_id: Option<String>,
    error: Option<ProviderError>,
    cut_off: bool,
}

fn knowledge_frame(results: &[KnowledgeResult]) -> StreamPart {
    StreamPart::Data(vec![json!({ "type": "knowledge", "results": results })])
}

fn search_tool() -> ToolSpec {
    ToolSpec {
        name: SEARCH_TOOL.into(),
        description: "Search the knowledge base for passages that answer the user's question."
            .into(),
        parameters: json!({
            "type": "object",
            "properties": { "query": { "type": "string", "description": "What to look up" } },
            "required": ["query"],
            "additionalProperties": false
        }),
    }
}

impl Generation {
    async fn send(&self, part: StreamPart) -> Result<(), Gone> {
        self.sender.send(part).await.map_err(|_| Gone)
    }

    async fn run(self) -> Outcome {
        let mut progress = Progress {
            finish_reason: "stop".into(),
            ..Default::default()
        };
        // Whatever happened, the answer so far is stored before the stream's last frame.
        let renewal = self.lease.renewed();
        if self.generate(&mut progress).await.is_err() {
            progress.cut_off = true;
        }
        if let Err(error) = self.store_answer(&progress).await {
            tracing::error!(%error, session = %self.session_id, "the answer could not be stored");
        }
        if let Some(ms) = progress.first_token_ms {
            let ms = u64::try_from(ms).unwrap_or(u64::MAX);
            self.metrics
                .observe_first_token(std::time::Duration::from_millis(ms));
        }
        if progress.error.is_some() {
            self.metrics.count_provider_error();
        }
        if !progress.cut_off {
            let _ = self.send(self.answer_frame(&progress)).await;
        }
        if let Some(error) = &progress.error {
            let _ = self
                .send(StreamPart::Error(
                    "The model provider is unavailable; try again shortly.".into(),
                ))
                .await;
            tracing::warn!(%error, session = %self.session_id, "chat answer failed");
        }
        let finish = Finish {
            finish_reason: if progress.error.is_some() {
                "error".into()
            } else {
                progress.finish_reason.clone()
            },
            usage: progress.usage,
            is_continued: None,
        };
        let _ = self.send(StreamPart::FinishMessage(finish)).await;
        // A whole answer is found by a turn sent again as soon as it is stored; one cut off or
        // failed is answered anew by that turn once this ends.
        drop(renewal);
        self.lease.release().await;
        Outcome {
            text: progress.text,
            finish_reason: progress.finish_reason,
            steps: progress.steps,
            usage: progress.usage,
            error: progress.error,
        }
    }

    async fn generate(&self, progress: &mut Progress) -> Result<(), Gone> {
        self.send(StreamPart::StartStep {
            message_id: self.message_id.clone(),
        })
        .await?;
        if let Some(text) = &self.canned {
            self.send(knowledge_frame(&[])).await?;
            return self.canned_answer(text, progress).await;
        }
        let tools = self.chatbot.settings.is_tool_enabled && self.provider.supports_tools();
        let limit = self.chatbot.settings.effective_max_knowledge_results();
        let system = if tools {
            self.send(knowledge_frame(&[])).await?;
            prompt::system(&self.chatbot, None, &today())
        } else {
            progress.knowledge = self.retrieve(&self.question, limit).await;
            self.send(knowledge_frame(&progress.knowledge)).await?;
            prompt::system(&self.chatbot, Some(&progress.knowledge), &today())
        };
        let mut turns = self.history.clone();
        turns.push(Turn::User(self.question.clone()));
        for step in 0..MAX_STEPS {
            if step > 0 {
                self.send(StreamPart::StartStep {
                    message_id: self.message_id.clone(),
                })
                .await?;
            }
            let request = StepRequest {
                model: self.model.clone(),
                system: system.clone(),
                turns: turns.clone(),
                // The last step may not call tools: it must answer.
                tools: if tools && step + 1 < MAX_STEPS {
                    vec![search_tool()]
                } else {
                    Vec::new()
                },
                knowledge: progress.knowledge.clone(),
                language: self.chatbot.language.clone(),
                greeting: self.chatbot.settings.greeting.clone(),
                api_key: self.chatbot.openai_api_key.clone().map(Into::into),
            };
            let calls = self.step(step, request, progress).await?;
            if calls.is_empty() || progress.error.is_some() {
                break;
            }
            turns.push(Turn::ToolCalls(calls.clone()));
            for call in calls {
                let query = call
                    .arguments
                    .get("query")
                    .and_then(Value::as_str)
                    .unwrap_or(&self.question)
                    .to_owned();
                let found = self.retrieve(&query, limit).await;
                let result = json!(found);
                self.send(StreamPart::Other {
                    code: "a".into(),
                    value: json!({ "toolCallId": call.id, "result": result }),
                })
                .await?;
                self.send(knowledge_frame(&found)).await?;
                if let Some(last) = progress.steps.last_mut() {
                    last.tool_results.push(json!({
                        "type": "tool-result", "toolCallId": call.id, "toolName": call.name,
                        "args": call.arguments, "result": result,
                    }));
                }
                progress.tool_results.push(json!({
                    "toolCallId": call.id, "toolName": call.name, "result": result,
                }));
                turns.push(Turn::ToolResult {
                    call_id: call.id.clone(),
                    content: prompt::knowledge_section(&found),
                });
                for chunk in found {
                    if !progress.knowledge.contains(&chunk) {
                        progress.knowledge.push(chunk);
                    }
                }
            }
        }
        Ok(())
    }

    /// One model step, its frames forwarded; answers the tools it asked for.
    async fn step(
        &self,
        index: usize,
        request: StepRequest,
        progress: &mut Progress,
    ) -> Result<Vec<ToolCall>, Gone> {
        let mut text = String::new();
        let mut calls = Vec::new();
        let mut finish = None;
        match self.provider.step(request).await {
            Err(error) => progress.error = Some(error),
            Ok(mut events) => {
                while let Some(event) = events.next().await {
                    match event {
                        Ok(StepEvent::TextDelta(delta)) => {
                            progress
                                .first_token_ms
                                .get_or_insert_with(|| self.started.elapsed().as_millis());
                            text.push_str(&delta);
                            progress.text.push_str(&delta);
                            self.send(StreamPart::Text(delta)).await?;
                        }
                        Ok(StepEvent::ToolCall(call)) => {
                            self.send(StreamPart::Other {
                                code: "9".into(),
                                value: json!({
                                    "toolCallId": call.id, "toolName": call.name,
                                    "args": call.arguments,
                                }),
                            })
                            .await?;
                            calls.push(call);
                        }
                        Ok(StepEvent::Finish {
                            finish_reason,
                            usage,
                            response_id,
                            model_id,
                        }) => finish = Some((finish_reason, usage, response_id, model_id)),
                        Err(error) => {
                            progress.error = Some(error);
                            break;
                        }
                    }
                }
            }
        }
        let (finish_reason, usage, response_id, model_id) = finish.unwrap_or_else(|| {
            (
                "error".into(),
                Usage::default(),
                String::new(),
                self.model.clone(),
            )
        });
        progress.usage.prompt_tokens += usage.prompt_tokens;
        progress.usage.completion_tokens += usage.completion_tokens;
        progress.finish_reason = finish_reason.clone();
        progress.model_id = Some(model_id.clone());
        let tool_calls: Vec<Value> = calls
            .iter()
            .map(|c| {
                json!({ "type": "tool-call", "toolCallId": c.id, "toolName": c.name,
                        "args": c.arguments })
            })
            .collect();
        progress.tool_calls.extend(tool_calls.iter().cloned());
        progress.steps.push(Step {
            step_type: if index == 0 { "initial" } else { "tool-result" }.into(),
            text: text.clone(),
            finish_reason: finish_reason.clone(),
            is_continued: false,
            tool_calls,
            tool_results: Vec::new(),
            warnings: Vec::new(),
            usage: with_total(usage),
            request: None,
            response: Some(StepResponse {
                id: response_id,
                model_id,
                timestamp: crate::time::now(),
                messages: vec![ResponseMessage {
                    role: "assistant".into(),
                    content: vec![ContentPart {
                        kind: "text".into(),
                        text,
                    }],
                }],
                headers: None,
            }),
            experimental_provider_metadata: None,
        });
        if progress.error.is_none() {
            self.send(StreamPart::FinishStep(Finish {
                finish_reason,
                usage,
                is_continued: Some(false),
            }))
            .await?;
        }
        Ok(calls)
    }

    async fn canned_answer(&self, text: &str, progress: &mut Progress) -> Result<(), Gone> {
        progress.first_token_ms = Some(self.started.elapsed().as_millis());
        progress.text = text.to_owned();
        progress.model_id = None;
        self.send(StreamPart::Text(text.to_owned())).await?;
        self.send(StreamPart::FinishStep(Finish {
            finish_reason: "stop".into(),
            usage: Usage::default(),
            is_continued: Some(false),
        }))
        .await?;
        progress.steps.push(Step {
            step_type: "initial".into(),
            text: text.to_owned(),
            finish_reason: "stop".into(),
            is_continued: false,
            tool_calls: Vec::new(),
            tool_results: Vec::new(),
            warnings: Vec::new(),
            usage: with_total(Usage::default()),
            request: None,
            response: None,
            experimental_provider_metadata: None,
        });
        Ok(())
    }

    /// The chunks for `query`; a failing search answers without knowledge (and says so in the
    /// log) rather than failing the turn.
    async fn retrieve(&self, query: &str, limit: u32) -> Vec<KnowledgeResult> {
        match retrieve(&self.store, &self.knowledge, &self.chatbot, query, limit).await {
            Ok(found) => found.results,
            Err(error) => {
                tracing::warn!(?error, "knowledge retrieval failed; answering without it");
                Vec::new()
            }
        }
    }

    /// Who answered: the model the provider reported (else the one asked for) and the
    /// provider's name; a canned answer is chatdeck's own, with no model.
    fn model_and_provider(&self, progress: &Progress) -> (Option<String>, Option<String>) {
        if self.canned.is_some() {
            return (None, Some("chatdeck".to_owned()));
        }
        (
            progress
                .model_id
                .clone()
                .or_else(|| Some(self.model.clone())),
            Some(self.provider.name().to_owned()),
        )
    }

    /// `8:` (message annotations): what the stored message's metadata says of the answer, so
    /// a client can show who answered and how fast without fetching the thread.
    fn answer_frame(&self, progress: &Progress) -> StreamPart {
        let (model, provider) = self.model_and_provider(progress);
        StreamPart::Other {
            code: "8".into(),
            value: json!([{
                "type": "answer",
                "model": model,
                "provider": provider,
                "timeToFirstTokenMs": progress.first_token_ms,
            }]),
        }
    }

    async fn store_answer(&self, progress: &Progress) -> crate::store::StoreResult<()> {
        if progress.text.is_empty() && progress.error.is_some() {
            return Ok(());
        }
        let sources: Vec<Value> = progress
            .knowledge
            .iter()
            .map(|k| {
                json!({ "document_id": k.document_id, "title": k.title,
                        "chunk_index": k.chunk_index, "similarity": k.similarity })
            })
            .collect();
        let mut metadata = json!({
            "finish_reason": progress.finish_reason,
            "knowledge": sources,
            "time_to_first_token_ms": progress.first_token_ms,
        });
        if progress.cut_off {
            metadata["cut_off"] = Value::Bool(true);
        }
        if progress.error.is_some() {
            metadata["error"] = Value::String("upstream_unavailable".into());
        }
        if self.canned.is_some() {
            metadata["kind"] = Value::String("lead_request".into());
        }
        let (model, provider) = self.model_and_provider(progress);
        let message = NewMessage {
            id: self.message_id.clone(),
            sender_type: "bot".into(),
            content: progress.text.clone(),
            metadata,
            model,
            provider,
            tool_calls: Some(Value::Array(progress.tool_calls.clone())),
            tool_results: Some(Value::Array(progress.tool_results.clone())),
            tokens_used: i64::try_from(
                progress.usage.prompt_tokens + progress.usage.completion_tokens,
            )
            .unwrap_or(i64::MAX),
            client_id: None,
        };
        self.store
            .append_message(
                &self.session_id,
                &message,
                AppendIf::Always,
                &crate::time::now(),
            )
            .await?;
        Ok(())
    }
}

fn with_total(usage: Usage) -> Usage {
    Usage {
        total_tokens: Some(usage.prompt_tokens + usage.completion_tokens),
        ..usage
    }
}

fn today() -> String {
    crate::time::now()[..10].to_owned()
}

/// The non-stream answer: the frames drained, the outcome shaped as okchat's.
pub async fn collect(started: Started) -> ApiResult<ChatResponse> {
    match started {
        Started::Human { session_id } => Ok(ChatResponse {
            output: String::new(),
            finish_reason: "other".into(),
            tool_calls: Vec::new(),
            tool_results: Vec::new(),
            steps: Vec::new(),
            session_id: Some(session_id),
        }),
        Started::Answered { session_id, answer } => Ok(replayed(session_id, *answer)),
        Started::Answering {
            session_id,
            mut frames,
            outcome,
        } => {
            while frames.recv().await.is_some() {}
            let outcome = outcome.await.map_err(ApiError::internal)?;
            if outcome.error.is_some() {
                return Err(ApiError::new(
                    ErrorCode::UpstreamUnavailable,
                    "The model provider is unavailable; try again shortly.",
                ));
            }
            let last = outcome.steps.last();
            Ok(ChatResponse {
                output: outcome.text,
                finish_reason: outcome.finish_reason,
                tool_calls: last.map(|s| s.tool_calls.clone()).unwrap_or_default(),
                tool_results: last.map(|s| s.tool_results.clone()).unwrap_or_default(),
                steps: outcome.steps,
                session_id: Some(session_id),
            })
        }
    }
}

/// The stream's frames: in human mode only the finish (reason `other`, no answer); for a
/// stored answer its text in one piece.
pub fn frames(started: Started) -> mpsc::Receiver<StreamPart> {
    let finish = |reason: &str| Finish {
        finish_reason: reason.into(),
        usage: Usage::default(),
        is_continued: None,
    };
    let parts = match started {
        Started::Answering { frames, .. } => return frames,
        Started::Human { .. } => vec![StreamPart::FinishMessage(finish("other"))],
        Started::Answered { session_id, answer } => {
            let message_id = answer.id.clone();
            let answer = replayed(session_id, *answer);
            vec![
                StreamPart::StartStep { message_id },
                StreamPart::Text(answer.output),
                StreamPart::FinishStep(Finish {
                    is_continued: Some(false),
                    ..finish(&answer.finish_reason)
                }),
                StreamPart::FinishMessage(finish(&answer.finish_reason)),
            ]
        }
    };
    let (sender, receiver) = mpsc::channel(parts.len());
    for part in parts {
        sender
            .try_send(part)
            .expect("the channel has room for every frame");
    }
    receiver
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(turns: ApiResult<Vec<NewTurn>>) -> Vec<String> {
        turns.unwrap().into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn the_new_turns_are_the_user_messages_after_the_last_answer() {
        let request = |roles: &[(&str, &str)]| ChatRequest {
            messages: roles
                .iter()
                .map(|(role, content)| okchat::ChatMessage {
                    id: None,
                    role: (*role).into(),
                    content: (*content).into(),
                })
                .collect(),
            ..Default::default()
        };
        assert_eq!(
            texts(new_turns(&request(&[
                ("user", "a"),
                ("assistant", "b"),
                ("user", "c")
            ]))),
            ["c"]
        );
        assert_eq!(
            texts(new_turns(&request(&[("user", "a"), ("user", " b ")]))),
            ["a", "b"]
        );
        assert!(new_turns(&request(&[("user", "a"), ("assistant", "b")])).is_err());
    }

    #[test]
    fn emails_are_found_in_what_visitors_write() {
        assert_eq!(
            email_in("sure, it's ada@example.com!").as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(
            email_in("<bob.smith+shop@mail.example.co.uk>").as_deref(),
            Some("bob.smith+shop@mail.example.co.uk")
        );
        assert_eq!(email_in("no thanks"), None);
        assert_eq!(email_in("me@localhost"), None);
        assert_eq!(email_in("@example.com"), None);
        assert!(only_email("ada@example.com.", "ada@example.com"));
        assert!(only_email("sure, it's ada@example.com", "ada@example.com"));
        assert!(!only_email(
            "ada@example.com what are your hours",
            "ada@example.com"
        ));
    }

    #[test]
    fn history_keeps_the_newest_messages_within_the_budget() {
        let message = |sender: &str, content: String| MessageRecord {
            id: String::new(),
            session_id: String::new(),
            seq: 0,
            sender_type: sender.into(),
            content,
            attachments: None,
            metadata: json!({}),
            model: None,
            provider: None,
            tool_calls: None,
            tool_results: None,
            tokens_used: 0,
            created_at: String::new(),
        };
        let history = vec![
            message("user", "x".repeat(HISTORY_CHARS)),
            message("bot", "old answer".into()),
            message("user", "newer".into()),
            message("bot", "newest".into()),
        ];
        assert_eq!(
            history_turns(&history),
            [
                Turn::Assistant("old answer".into()),
                Turn::User("newer".into()),
                Turn::Assistant("newest".into()),
            ]
        );
    }
}
