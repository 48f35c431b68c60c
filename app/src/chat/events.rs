//! What the playground's server function streams to the island: one JSON event per line,
//! made on the console server from the backend's data stream frames, so the browser gets the
//! sources already shaped as the knowledge tester's cards and never parses the protocol.

use okchat::StreamPart;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::knowledge::server_fns::Retrieved;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlaygroundEvent {
    /// More of the answer: the text added, and the whole answer so far as safe HTML.
    Text { delta: String, html: String },
    /// Chunks the answer was given (with tools, each search adds more).
    Sources { chunks: Vec<Retrieved> },
    /// Who answered and how fast, as the backend measured it.
    Answered {
        model: Option<String>,
        provider: Option<String>,
        first_token_ms: Option<u64>,
    },
    /// The answer is complete and stored.
    Finished {
        reason: String,
        prompt_tokens: u64,
        completion_tokens: u64,
    },
    /// The answer failed; the stream ends.
    Failed { message: String },
}

impl PlaygroundEvent {
    /// The line sent for the event, newline included.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }
}

/// The events of one backend frame; `retrieved` turns the knowledge frame's results into
/// cards. Text frames are left to [`AnswerText`]. Frames the playground does not show (step
/// boundaries, tool calls) make none.
pub fn events_of(
    frame: StreamPart,
    retrieved: impl Fn(okchat::KnowledgeResult) -> Retrieved,
) -> Vec<PlaygroundEvent> {
    match frame {
        StreamPart::Text(_) => Vec::new(),
        StreamPart::Data(items) => items
            .into_iter()
            .filter(|item| item.get("type").and_then(Value::as_str) == Some("knowledge"))
            .filter_map(|mut item| {
                serde_json::from_value::<Vec<okchat::KnowledgeResult>>(item["results"].take()).ok()
            })
            .filter(|results| !results.is_empty())
            .map(|results| PlaygroundEvent::Sources {
                chunks: results.into_iter().map(&retrieved).collect(),
            })
            .collect(),
        StreamPart::Other { code, value } if code == "8" => value
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a.get("type").and_then(Value::as_str) == Some("answer"))
            .map(|a| {
                let text = |key: &str| a.get(key).and_then(Value::as_str).map(str::to_owned);
                PlaygroundEvent::Answered {
                    model: text("model"),
                    provider: text("provider"),
                    first_token_ms: a.get("timeToFirstTokenMs").and_then(Value::as_u64),
                }
            })
            .collect(),
        StreamPart::Error(message) => vec![PlaygroundEvent::Failed { message }],
        StreamPart::FinishMessage(finish) => vec![PlaygroundEvent::Finished {
            reason: finish.finish_reason,
            prompt_tokens: finish.usage.prompt_tokens,
            completion_tokens: finish.usage.completion_tokens,
        }],
        StreamPart::StartStep { .. } | StreamPart::FinishStep(_) | StreamPart::Other { .. } => {
            Vec::new()
        }
    }
}

/// How often the answer so far is rendered and sent while text streams in.
#[cfg(feature = "ssr")]
const RENDER_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// The answer's text on its way to the playground. Its Markdown is rendered on the console
/// server (the parser would add about 90 kB to the browser's bundle), and each text event
/// carries the whole answer so far; rendering and sending that for every word would cost in
/// the square of the answer's length, so deltas that arrive within [`RENDER_EVERY`] of the last
/// event are gathered into the next one. The first delta goes at once, and whatever is
/// gathered goes before anything else does.
#[cfg(feature = "ssr")]
#[derive(Debug, Default)]
pub struct AnswerText {
    text: String,
    gathered: String,
    sent_at: Option<std::time::Instant>,
}

#[cfg(feature = "ssr")]
impl AnswerText {
    /// Adds `delta` (arriving at `now`); answers the event to send, if it is time.
    pub fn push(&mut self, delta: &str, now: std::time::Instant) -> Option<PlaygroundEvent> {
        self.text.push_str(delta);
        self.gathered.push_str(delta);
        let due = self
            .sent_at
            .is_none_or(|at| now.saturating_duration_since(at) >= RENDER_EVERY);
        if due {
            self.sent_at = Some(now);
            self.flush()
        } else {
            None
        }
    }

    /// The event for what was gathered and not sent yet.
    pub fn flush(&mut self) -> Option<PlaygroundEvent> {
        if self.gathered.is_empty() {
            return None;
        }
        Some(PlaygroundEvent::Text {
            delta: std::mem::take(&mut self.gathered),
            html: crate::widget::markdown::to_safe_html(&self.text),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn card(result: okchat::KnowledgeResult) -> Retrieved {
        Retrieved {
            document_id: result.document_id,
            title: result.title.unwrap_or_default(),
            chunk_index: result.chunk_index,
            segments: Vec::new(),
            score: format!("{:.2}", result.similarity),
            percent: 0,
        }
    }

    fn parse(line: &str) -> Vec<PlaygroundEvent> {
        events_of(StreamPart::parse_line(line).unwrap(), card)
    }

    #[test]
    fn frames_become_the_events_the_playground_shows() {
        assert!(
            parse(r#"0:"Refunds take ""#).is_empty(),
            "text is AnswerText's"
        );
        let knowledge = json!([{ "type": "knowledge", "results": [{
            "content": "Title: returns\nChunk: 1\n\nRefunds…", "similarity": 0.81,
            "document_id": "d1", "title": "returns", "chunk_index": 1 }] }]);
        let [PlaygroundEvent::Sources { chunks }] = &parse(&format!("2:{knowledge}"))[..] else {
            panic!()
        };
        assert_eq!(
            (chunks[0].title.as_str(), chunks[0].score.as_str()),
            ("returns", "0.81")
        );
        assert!(parse(r#"2:[{"type":"knowledge","results":[]}]"#).is_empty());
        assert_eq!(
            parse(
                r#"8:[{"type":"answer","model":"extractive","provider":"local","timeToFirstTokenMs":7}]"#
            ),
            [PlaygroundEvent::Answered {
                model: Some("extractive".into()),
                provider: Some("local".into()),
                first_token_ms: Some(7),
            }]
        );
        assert_eq!(
            parse(r#"d:{"finishReason":"stop","usage":{"promptTokens":12,"completionTokens":5}}"#),
            [PlaygroundEvent::Finished {
                reason: "stop".into(),
                prompt_tokens: 12,
                completion_tokens: 5
            }]
        );
        assert_eq!(
            parse(r#"3:"The model provider is unavailable""#),
            [PlaygroundEvent::Failed {
                message: "The model provider is unavailable".into()
            }]
        );
        assert!(parse(r#"f:{"messageId":"m"}"#).is_empty());
        assert!(parse(r#"9:{"toolCallId":"c","toolName":"s","args":{}}"#).is_empty());
    }

    #[test]
    fn each_event_is_one_line_of_json() {
        let line = PlaygroundEvent::Failed {
            message: "two\nlines".into(),
        }
        .to_line();
        assert_eq!(line, "{\"type\":\"failed\",\"message\":\"two\\nlines\"}\n");
    }

    #[test]
    fn text_is_sent_rendered_and_gathered_between_renders() {
        use std::time::{Duration, Instant};
        let start = Instant::now();
        let mut answer = AnswerText::default();
        assert_eq!(
            answer.push("Refunds take ", start),
            Some(PlaygroundEvent::Text {
                delta: "Refunds take ".into(),
                html: "<p>Refunds take</p>\n".into()
            }),
            "the first words go at once"
        );
        assert_eq!(
            answer.push("**14 ", start + Duration::from_millis(30)),
            None
        );
        assert_eq!(
            answer.push("days**.", start + Duration::from_millis(60)),
            None
        );
        assert_eq!(
            answer.push(" Thanks", start + Duration::from_millis(120)),
            Some(PlaygroundEvent::Text {
                delta: "**14 days**. Thanks".into(),
                html: "<p>Refunds take <strong>14 days</strong>. Thanks</p>\n".into()
            })
        );
        assert_eq!(answer.flush(), None);
        assert_eq!(answer.push("!", start + Duration::from_millis(130)), None);
        assert!(matches!(
            answer.flush(),
            Some(PlaygroundEvent::Text { delta, .. }) if delta == "!"
        ));
    }
}
