//! The conversation export: every session matching the filters with all its messages, as CSV
//! (one row per message, for spreadsheets) or JSON Lines (one session per line, for programs).
//! It is read from the store a page at a time as the client takes it, so its size is not
//! bounded by memory, and a client that goes away stops the reading.

use bytes::Bytes;
use futures_util::stream::{self, Stream};
use okchat::ExportFormat;
use serde_json::Value;

use super::service::{message_to_api, session_to_api, LastMessageForm};
use super::store::{MessageRecord, SessionCursor, SessionFilter, SessionRecord};
use crate::store::{DynStore, StoreResult};

/// Sessions read per step; each step's text is sent before the next is read.
const SESSIONS_PER_PAGE: i64 = 50;
const MESSAGES_PER_PAGE: i64 = 500;

const CSV_HEADER: [&str; 16] = [
    "session_id",
    "session_created_at",
    "platform",
    "sns_user_id",
    "state",
    "is_human_mode",
    "lead_email",
    "message_id",
    "message_created_at",
    "sender_type",
    "provider",
    "model",
    "author",
    "content",
    "tokens_used",
    "feedback",
];

pub fn content_type(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        ExportFormat::Jsonl => "application/x-ndjson",
    }
}

struct Export {
    store: DynStore,
    organization_id: String,
    chatbot_id: String,
    filter: SessionFilter,
    format: ExportFormat,
    after: Option<SessionCursor>,
    started: bool,
    done: bool,
}

/// The export as a byte stream. A store failure midway ends the stream with an error, so the
/// client sees a cut-off download rather than a file that looks whole.
pub fn stream(
    store: DynStore,
    organization_id: String,
    chatbot_id: String,
    filter: SessionFilter,
    format: ExportFormat,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let export = Export {
        store,
        organization_id,
        chatbot_id,
        filter,
        format,
        after: None,
        started: false,
        done: false,
    };
    stream::unfold(export, |mut export| async move {
        if export.done {
            return None;
        }
        match export.next_page().await {
            Ok(Some(bytes)) => Some((Ok(bytes), export)),
            Ok(None) => None,
            Err(error) => {
                tracing::error!(%error, "conversation export failed midway");
                export.done = true;
                Some((Err(std::io::Error::other("the export failed")), export))
            }
        }
    })
}

impl Export {
    /// The text of the next page of sessions; `None` after the last.
    async fn next_page(&mut self) -> StoreResult<Option<Bytes>> {
        let sessions = self
            .store
            .sessions_after(
                &self.organization_id,
                &self.chatbot_id,
                &self.filter,
                self.after.as_ref(),
                SESSIONS_PER_PAGE,
            )
            .await?;
        let mut out = Vec::new();
        if !self.started {
            self.started = true;
            if self.format == ExportFormat::Csv {
                write_csv_row(&mut out, CSV_HEADER.map(String::from).as_slice());
            }
        }
        if sessions.len() < usize::try_from(SESSIONS_PER_PAGE).unwrap_or(usize::MAX) {
            self.done = true;
        }
        for session in &sessions {
            let messages = self.all_messages(&session.id).await?;
            match self.format {
                ExportFormat::Csv => csv_rows(&mut out, session, &messages),
                ExportFormat::Jsonl => jsonl_line(&mut out, session, &messages),
            }
        }
        if let Some(last) = sessions.last() {
            self.after = Some(SessionCursor {
                created_at: last.created_at.clone(),
                id: last.id.clone(),
            });
        }
        if out.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some(Bytes::from(out)))
    }

    async fn all_messages(&self, session_id: &str) -> StoreResult<Vec<MessageRecord>> {
        let mut all = Vec::new();
        loop {
            let after = all.last().map_or(0, |m: &MessageRecord| m.seq);
            let page = self
                .store
                .messages_after(session_id, after, MESSAGES_PER_PAGE)
                .await?;
            let last_page = page.len() < usize::try_from(MESSAGES_PER_PAGE).unwrap_or(usize::MAX);
            all.extend(page);
            if last_page {
                return Ok(all);
            }
        }
    }
}

fn jsonl_line(out: &mut Vec<u8>, session: &SessionRecord, messages: &[MessageRecord]) {
    let line = serde_json::json!({
        "session": session_to_api(session, LastMessageForm::Object),
        "messages": messages.iter().map(message_to_api).collect::<Vec<_>>(),
    });
    serde_json::to_writer(&mut *out, &line).expect("JSON values always serialize");
    out.push(b'\n');
}

/// A spreadsheet reads a cell that starts with `=`, `+`, `-` or `@` as a formula; visitors
/// write these messages, so such a cell is kept as text by a leading apostrophe (OWASP's
/// advice for CSV injection).
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn text_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// One row per message; a session without messages still gets a row.
fn csv_rows(out: &mut Vec<u8>, session: &SessionRecord, messages: &[MessageRecord]) {
    let session_cells = [
        session.id.clone(),
        session.created_at.clone(),
        cell(&session.platform),
        cell(session.sns_user_id.as_deref().unwrap_or_default()),
        session.state.as_str().to_owned(),
        session.is_human_mode.to_string(),
        cell(text_at(&session.metadata, &["lead", "email"])),
    ];
    if messages.is_empty() {
        let mut row = session_cells.to_vec();
        row.resize(CSV_HEADER.len(), String::new());
        write_csv_row(out, &row);
    }
    for message in messages {
        let mut row = session_cells.to_vec();
        row.extend([
            message.id.clone(),
            message.created_at.clone(),
            message.sender_type.clone(),
            message.provider.clone().unwrap_or_default(),
            cell(message.model.as_deref().unwrap_or_default()),
            cell(text_at(&message.metadata, &["author"])),
            cell(&message.content),
            message.tokens_used.to_string(),
            text_at(&message.metadata, &["feedback"]).to_owned(),
        ]);
        write_csv_row(out, &row);
    }
}

fn write_csv_row(out: &mut Vec<u8>, row: &[String]) {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut *out);
    writer
        .write_record(row)
        .and_then(|()| writer.flush().map_err(Into::into))
        .expect("writing CSV into memory cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_kept_as_text() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(cell("+1 555"), "'+1 555");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Where is my order?"), "Where is my order?");
    }

    #[test]
    fn rows_quote_commas_quotes_and_newlines() {
        let mut out = Vec::new();
        write_csv_row(
            &mut out,
            &["a,b".into(), "say \"hi\"".into(), "two\nlines".into()],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
        );
    }
}
