//! Chat (§3.14): the request, the non-stream answer and the frames of the stream
//! (the Vercel AI SDK data stream protocol, `x-vercel-ai-data-stream: v1`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One turn sent by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatMessage {
    /// chatdeck addition: the client's id for the turn (the AI SDK's `useChat` sends one). A
    /// turn sent again with the id it was first sent with (a retry after a dropped answer) is
    /// not stored twice: it gets the answer already stored, or one made now if there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub role: String,
    pub content: String,
}

impl ChatMessage {
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            id: None,
            role: "user".into(),
            content: content.into(),
        }
    }

    /// This turn under the client's id `id`.
    pub fn with_id(self, id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            ..self
        }
    }
}

/// Body of Chat (`POST .../chat?stream=`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatRequest {
    pub messages: Vec<ChatMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(
        rename = "sessionToken",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub session_token: Option<String>,
}

/// Token counts of one step or of the whole answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
}

/// `steps[].request`: okchat leaks the raw upstream body here; chatdeck omits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepRequest {
    pub body: String,
}

/// A content part of an assistant message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentPart {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub text: String,
}

/// A message of `steps[].response.messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseMessage {
    pub role: String,
    pub content: Vec<ContentPart>,
}

/// `steps[].response`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StepResponse {
    pub id: String,
    pub model_id: String,
    pub timestamp: String,
    #[serde(default)]
    pub messages: Vec<ResponseMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Value>,
}

/// One LLM step of a non-stream answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub step_type: String,
    pub text: String,
    pub finish_reason: String,
    #[serde(default)]
    pub is_continued: bool,
    #[serde(default)]
    pub tool_calls: Vec<Value>,
    #[serde(default)]
    pub tool_results: Vec<Value>,
    #[serde(default)]
    pub warnings: Vec<Value>,
    #[serde(default)]
    pub usage: Usage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<StepRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<StepResponse>,
    #[serde(
        rename = "experimental_providerMetadata",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub experimental_provider_metadata: Option<Value>,
}

/// The non-stream answer of Chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatResponse {
    pub output: String,
    pub finish_reason: String,
    #[serde(default)]
    pub tool_calls: Vec<Value>,
    #[serde(default)]
    pub tool_results: Vec<Value>,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// chatdeck addition: the conversation the answer was stored in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

/// Finish information of a step (`e:`) or of the message (`d:`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Finish {
    pub finish_reason: String,
    #[serde(default)]
    pub usage: Usage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_continued: Option<bool>,
}

/// One frame of the Chat stream, one per line as `<code>:<JSON>`.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamPart {
    /// `f:{"messageId"}`: a step starts.
    StartStep { message_id: String },
    /// `0:"delta"`: a piece of the answer text.
    Text(String),
    /// `2:[...]`: data items (chatdeck sends the retrieved knowledge here).
    Data(Vec<Value>),
    /// `3:"message"`: an error; the stream then finishes with reason `error`.
    Error(String),
    /// `e:{...}`: a step finished.
    FinishStep(Finish),
    /// `d:{...}`: the message finished; always the last frame.
    FinishMessage(Finish),
    /// Any other frame of the protocol (tool calls, annotations), kept raw.
    Other { code: String, value: Value },
}

/// A line that is not a frame of the data stream protocol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed stream frame: {0}")]
pub struct FrameError(pub String);

impl StreamPart {
    /// Parses one line (without its trailing newline).
    pub fn parse_line(line: &str) -> Result<Self, FrameError> {
        let (code, json) = line
            .split_once(':')
            .ok_or_else(|| FrameError(line.chars().take(80).collect()))?;
        let value: Value =
            serde_json::from_str(json).map_err(|e| FrameError(format!("{code}: {e}")))?;
        let bad = |e: serde_json::Error| FrameError(format!("{code}: {e}"));
        Ok(match code {
            "f" => StreamPart::StartStep {
                message_id: value
                    .get("messageId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            },
            "0" => StreamPart::Text(serde_json::from_value(value).map_err(bad)?),
            "2" => StreamPart::Data(serde_json::from_value(value).map_err(bad)?),
            "3" => StreamPart::Error(serde_json::from_value(value).map_err(bad)?),
            "e" => StreamPart::FinishStep(serde_json::from_value(value).map_err(bad)?),
            "d" => StreamPart::FinishMessage(serde_json::from_value(value).map_err(bad)?),
            _ => StreamPart::Other {
                code: code.to_owned(),
                value,
            },
        })
    }

    /// What a reader showing only the answer needs from a line: the text of a `0:` frame
    /// (`Ok`), the message of a `3:` error frame (`Err`), `None` for any other line. Unlike
    /// [`StreamPart::parse_line`] it decodes nothing but those two frames' JSON strings, with
    /// `decode` (a JSON string's text, `None` if it is not one): a browser build passes its own
    /// smaller decoder and carries no generic JSON values (the embedded widget).
    pub fn answer_piece(
        line: &str,
        decode: impl Fn(&str) -> Option<String>,
    ) -> Option<Result<String, String>> {
        let (code, json) = line.split_once(':')?;
        let string = || decode(json);
        match code {
            "0" => string().map(Ok),
            "3" => string().map(Err),
            _ => None,
        }
    }

    /// Renders the frame as one line, newline included.
    pub fn to_line(&self) -> String {
        let (code, value) = match self {
            StreamPart::StartStep { message_id } => {
                ("f", serde_json::json!({ "messageId": message_id }))
            }
            StreamPart::Text(text) => ("0", Value::String(text.clone())),
            StreamPart::Data(items) => ("2", Value::Array(items.clone())),
            StreamPart::Error(message) => ("3", Value::String(message.clone())),
            StreamPart::FinishStep(finish) => ("e", to_value(finish)),
            StreamPart::FinishMessage(finish) => ("d", to_value(finish)),
            StreamPart::Other { code, value } => (code.as_str(), value.clone()),
        };
        format!("{code}:{value}\n")
    }
}

fn to_value(finish: &Finish) -> Value {
    serde_json::to_value(finish).unwrap_or(Value::Null)
}

/// Splits a byte stream into lines, whatever the chunk boundaries (a line, or a UTF-8
/// character, may span several chunks). Lines come without their `\n` (or `\r\n`); blank lines
/// are skipped.
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
}

impl LineSplitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds `chunk`; returns the lines it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Vec<u8>> {
        let mut lines = Vec::new();
        let mut rest = chunk;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            self.partial.extend_from_slice(&rest[..at]);
            rest = &rest[at + 1..];
            lines.extend(non_blank(std::mem::take(&mut self.partial)));
        }
        self.partial.extend_from_slice(rest);
        lines
    }

    /// The last line, when the stream ended without a final newline.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        non_blank(std::mem::take(&mut self.partial))
    }
}

fn non_blank(mut line: Vec<u8>) -> Option<Vec<u8>> {
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    (!line.trim_ascii().is_empty()).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_frame_kind_survives_a_line_round_trip() {
        let usage = Usage {
            prompt_tokens: 3,
            completion_tokens: 5,
            total_tokens: None,
        };
        let parts = [
            StreamPart::StartStep {
                message_id: "m1".into(),
            },
            StreamPart::Text("Hello \"world\"\n".into()),
            StreamPart::Data(vec![
                serde_json::json!({"type": "knowledge", "results": []}),
            ]),
            StreamPart::Error("provider down".into()),
            StreamPart::FinishStep(Finish {
                finish_reason: "stop".into(),
                usage,
                is_continued: Some(false),
            }),
            StreamPart::FinishMessage(Finish {
                finish_reason: "stop".into(),
                usage,
                is_continued: None,
            }),
        ];
        for part in parts {
            let line = part.to_line();
            assert!(line.ends_with('\n') && !line[..line.len() - 1].contains('\n'));
            assert_eq!(StreamPart::parse_line(line.trim_end()).unwrap(), part);
        }
    }

    #[test]
    fn the_answer_pieces_are_the_text_and_error_frames_only() {
        let text = StreamPart::Text("Hello \"world\"\n".into()).to_line();
        assert_eq!(
            StreamPart::answer_piece(text.trim_end(), from_json),
            Some(Ok("Hello \"world\"\n".into()))
        );
        let error = StreamPart::Error("provider down".into()).to_line();
        assert_eq!(
            StreamPart::answer_piece(error.trim_end(), from_json),
            Some(Err("provider down".into()))
        );
        let start = StreamPart::StartStep {
            message_id: "m1".into(),
        }
        .to_line();
        assert_eq!(StreamPart::answer_piece(start.trim_end(), from_json), None);
        assert_eq!(StreamPart::answer_piece("0:not json", from_json), None);
        assert_eq!(StreamPart::answer_piece("hello", from_json), None);
    }

    fn from_json(json: &str) -> Option<String> {
        serde_json::from_str(json).ok()
    }

    #[test]
    fn a_line_without_a_code_is_a_frame_error() {
        assert!(StreamPart::parse_line("hello").is_err());
        assert!(StreamPart::parse_line("0:not json").is_err());
    }

    #[test]
    fn lines_are_split_across_chunk_boundaries() {
        let mut lines = LineSplitter::new();
        assert!(lines.push(b"f:{\"messageId\"").is_empty());
        assert_eq!(
            lines.push(b":\"m\"}\n0:\"a"),
            [b"f:{\"messageId\":\"m\"}".to_vec()]
        );
        assert_eq!(
            lines.push(b"b\"\r\n\n\n  \n0:\"c\"\n"),
            [b"0:\"ab\"".to_vec(), b"0:\"c\"".to_vec()]
        );
        assert_eq!(lines.finish(), None);
        assert!(lines.push(b"d:{}").is_empty());
        assert_eq!(
            lines.finish(),
            Some(b"d:{}".to_vec()),
            "a last line without newline"
        );
    }
}
