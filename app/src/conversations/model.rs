//! What the inbox shows of conversations and messages, and the filters it asks with: plain
//! data made from the API's sessions and messages by pure functions, so the server's HTML and
//! the hydrated island read the same.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Conversations per page of the list.
pub const PER_PAGE: u64 = 20;

/// The list's filters, as the page's query carries them (empty means any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub state: String,
    pub platform: String,
    /// `YYYY-MM-DD`, both inclusive.
    pub from: String,
    pub to: String,
    pub q: String,
}

impl Filters {
    /// The API query for `page` of the list (or, without paging, the export).
    pub fn query(&self, page: Option<u64>) -> okchat::PageQuery {
        let given = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        okchat::PageQuery {
            page,
            limit: page.map(|_| PER_PAGE),
            state: given(&self.state),
            platform: given(&self.platform),
            from: given(&self.from),
            to: given(&self.to),
            q: given(&self.q),
        }
    }

    /// The filters as a query string (without `?`), for links that keep them.
    pub fn to_query_string(&self) -> String {
        [
            ("state", &self.state),
            ("platform", &self.platform),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }

    pub fn is_empty(&self) -> bool {
        self.to_query_string().is_empty()
    }
}

/// Everything but unreserved characters is escaped in a query value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `text` as one query-string value.
fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// One conversation in the list and atop its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub id: String,
    pub platform: String,
    pub closed: bool,
    pub human: bool,
    /// Who wrote the last message (`user`, `bot`) and what it says.
    pub last_sender: String,
    pub last_message: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<okchat::Session> for Row {
    fn from(session: okchat::Session) -> Self {
        let (last_sender, last_message) = match session.last_message {
            Some(okchat::LastMessage::Message {
                content,
                sender_type,
                ..
            }) => (sender_type, content),
            Some(okchat::LastMessage::Text(text)) => (String::new(), text),
            None => (String::new(), String::new()),
        };
        Self {
            id: session.id,
            platform: session.platform,
            closed: session.state.as_deref() == Some("closed"),
            human: session.is_human_mode,
            last_sender,
            last_message,
            created_at: session.created_at,
            updated_at: session.updated_at,
        }
    }
}

/// A page of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage {
    pub rows: Vec<Row>,
    pub page: u64,
    pub total_pages: u64,
    pub total: u64,
}

/// Who wrote a message of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Writer {
    Visitor,
    Bot,
    /// A person of the team, during a takeover.
    Person,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadMessage {
    pub id: String,
    pub writer: Writer,
    /// The person's name (their email) for a person's reply.
    pub author: Option<String>,
    pub content: String,
    pub created_at: String,
    /// The visitor's verdict on a bot answer: `up` or `down`.
    pub feedback: Option<String>,
    /// The answer stopped early (the visitor left, the model failed).
    pub cut_off: bool,
}

impl From<okchat::Message> for ThreadMessage {
    fn from(message: okchat::Message) -> Self {
        let text = |key: &str| {
            message
                .metadata
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let person = message.provider.as_deref() == Some("human");
        Self {
            writer: match message.sender_type.as_str() {
                "user" => Writer::Visitor,
                _ if person => Writer::Person,
                _ => Writer::Bot,
            },
            author: text("author").filter(|_| person),
            feedback: text("feedback").filter(|f| f == "up" || f == "down"),
            cut_off: message.metadata.get("cut_off") == Some(&Value::Bool(true))
                || message.metadata.get("error").is_some(),
            id: message.id,
            content: message.content,
            created_at: message.created_at,
        }
    }
}

/// A conversation with its messages, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub row: Row,
    pub messages: Vec<ThreadMessage>,
}

/// The platform's name as people read it.
pub fn platform_label(platform: &str) -> String {
    match platform {
        "web" => "Website".into(),
        "playground" => "Playground".into(),
        "api" => "API".into(),
        "" => "Unknown".into(),
        other => {
            let mut chars = other.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_become_the_api_query_and_a_query_string() {
        let filters = Filters {
            state: "closed".into(),
            platform: String::new(),
            from: "2026-12-01".into(),
            to: " ".into(),
            q: "refund & return".into(),
        };
        let query = filters.query(Some(2));
        assert_eq!(query.page, Some(2));
        assert_eq!(query.limit, Some(PER_PAGE));
        assert_eq!(query.state.as_deref(), Some("closed"));
        assert_eq!(query.platform, None);
        assert_eq!(query.to, None);
        assert_eq!(query.q.as_deref(), Some("refund & return"));
        assert_eq!(filters.query(None).limit, None);
        assert_eq!(
            filters.to_query_string(),
            "state=closed&from=2026-12-01&q=refund%20%26%20return"
        );
        assert!(Filters::default().is_empty());
    }

    fn message(sender: &str, provider: Option<&str>, metadata: Value) -> okchat::Message {
        serde_json::from_value(json!({
            "id": "m", "session_id": "s", "sender_type": sender, "content": "hi",
            "metadata": metadata, "provider": provider, "tokens_used": 0,
            "migrated_data": false, "created_at": "2026-12-03T10:00:00Z",
        }))
        .unwrap()
    }

    #[test]
    fn messages_say_who_wrote_them_and_what_the_visitor_thought() {
        let visitor = ThreadMessage::from(message("user", None, json!({})));
        assert_eq!(visitor.writer, Writer::Visitor);
        let answer = ThreadMessage::from(message(
            "bot",
            Some("local"),
            json!({ "feedback": "down", "cut_off": true }),
        ));
        assert_eq!(
            (answer.writer, answer.feedback.as_deref(), answer.cut_off),
            (Writer::Bot, Some("down"), true)
        );
        let person = ThreadMessage::from(message(
            "bot",
            Some("human"),
            json!({ "author": "ana@example.com", "feedback": "sideways" }),
        ));
        assert_eq!(
            (person.writer, person.author.as_deref(), person.feedback),
            (Writer::Person, Some("ana@example.com"), None)
        );
    }

    #[test]
    fn platforms_are_named() {
        assert_eq!(platform_label("web"), "Website");
        assert_eq!(platform_label("whatsapp"), "Whatsapp");
        assert_eq!(platform_label(""), "Unknown");
    }
}
