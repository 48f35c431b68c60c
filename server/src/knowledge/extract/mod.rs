//! Document extraction: an upload's bytes in, Markdown-flavoured text out, under hard limits.
//!
//! Each format has its own file; `sniff` decides the format from the file name and the bytes;
//! `encoding` turns the bytes of text formats into a `String`. Everything but PDF runs on a
//! blocking thread of this process, with its input and output bounded. PDF runs in a child
//! process (`child`): no PDF library survives hostile input inside the server (a stack
//! overflow or a failed allocation aborts the whole process, and a timed-out blocking task
//! keeps running), so the child sets its own memory and CPU limits and the parent kills it at
//! a wall-clock deadline.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;

pub mod child;
mod csv;
mod docx;
mod encoding;
mod html;
mod json;
mod pdf;
mod sniff;
mod text;

pub use sniff::sniff;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Markdown,
    Text,
    Html,
    Docx,
    Csv,
    Json,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Pdf,
        Format::Markdown,
        Format::Text,
        Format::Html,
        Format::Docx,
        Format::Csv,
        Format::Json,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.as_str() == s)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Markdown => "text/markdown",
            Format::Text => "text/plain",
            Format::Html => "text/html",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Csv => "text/csv",
            Format::Json => "application/json",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// The extracted text's cap: past it extraction fails rather than indexing part of a
    /// document without saying so.
    pub max_text_bytes: usize,
    /// The HTML input's cap, checked before parsing: html5ever's tree builder is quadratic
    /// in nesting depth.
    pub max_html_bytes: usize,
    pub docx_max_entries: usize,
    /// For the parts read from a DOCX: each part's and their total inflated size.
    pub docx_max_inflated_bytes: u64,
    /// Wall clock for the PDF child process.
    pub pdf_timeout: Duration,
    /// RLIMIT_CPU of the PDF child.
    pub pdf_cpu_seconds: u64,
    /// The address space the PDF child may add to what it has when it starts (RLIMIT_AS is
    /// set to the sum, so the size of the binary itself does not eat the budget).
    pub pdf_memory_bytes: u64,
    /// The chatdeck binary that runs `extract pdf`.
    pub program: PathBuf,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_text_bytes: 16 * MIB,
            max_html_bytes: 4 * MIB,
            docx_max_entries: 2_000,
            docx_max_inflated_bytes: 64 * MIB as u64,
            pdf_timeout: Duration::from_secs(60),
            pdf_cpu_seconds: 60,
            pdf_memory_bytes: 1024 * MIB as u64,
            program: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("chatdeck")),
        }
    }
}

const MIB: usize = 1024 * 1024;

/// What a document says, as Markdown-flavoured text: headings as `#` lines (so the chunker
/// can track heading paths), paragraphs separated by blank lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub text: String,
    /// The document's own title when it has one (PDF Info Title, HTML `<title>`, DOCX core
    /// title, the first `# ` heading of Markdown).
    pub title: Option<String>,
}

/// Why extraction failed, as a sentence for the document's owner.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("The file has no text to index.")]
    NoText,
    #[error("The file is not text in any encoding chatdeck can read.")]
    NotText,
    #[error("The document's text is longer than the {} limit.", size(*limit as u64))]
    TextTooLong { limit: usize },
    #[error("The HTML is larger than the {} limit.", size(*limit as u64))]
    HtmlTooLarge { limit: usize },
    #[error("The HTML could not be read: {0}.")]
    Html(&'static str),
    #[error("The DOCX holds more than {limit} files, the limit.")]
    DocxTooManyEntries { limit: usize },
    #[error("The DOCX inflates past the {} limit.", size(*limit))]
    DocxTooLarge { limit: u64 },
    #[error("The DOCX could not be read: {0}.")]
    Docx(&'static str),
    #[error("The CSV could not be read: {0}.")]
    Csv(String),
    #[error("The JSON could not be read: {0}.")]
    Json(String),
    #[error("The PDF has no text layer (it may be a scan); chatdeck does not OCR.")]
    PdfNoTextLayer,
    #[error("The PDF could not be read: {0}.")]
    Pdf(pdf::PdfFailure),
    #[error("Reading the PDF took longer than {}.", seconds(*limit))]
    PdfTimedOut { limit: Duration },
    #[error("Reading the PDF used more than {} of processor time.", seconds(Duration::from_secs(*limit_seconds)))]
    PdfCpuTime { limit_seconds: u64 },
    #[error("The PDF reader could not be started.")]
    PdfReaderUnavailable,
    #[error("The file could not be read: chatdeck hit an internal error.")]
    Internal,
}

/// Runs on a blocking thread (or, for PDF, in the child process): never blocks the async
/// runtime.
pub async fn extract(
    format: Format,
    bytes: Bytes,
    limits: &Limits,
) -> Result<Extracted, ExtractError> {
    let limits = limits.clone();
    if format == Format::Pdf {
        let reply = child::read_pdf(&bytes, &limits).await?;
        drop(bytes);
        return on_blocking_thread(move || pdf::from_reply(&reply, &limits)).await;
    }
    on_blocking_thread(move || extract_here(format, &bytes, &limits)).await
}

async fn on_blocking_thread(
    work: impl FnOnce() -> Result<Extracted, ExtractError> + Send + 'static,
) -> Result<Extracted, ExtractError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|panic| {
            tracing::error!("document extraction panicked: {panic}");
            Err(ExtractError::Internal)
        })
}

/// Every format but PDF, in this process.
fn extract_here(format: Format, bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let extracted = match format {
        Format::Markdown => text::markdown(bytes)?,
        Format::Text => text::plain(bytes)?,
        Format::Html => html::extract(bytes, limits)?,
        Format::Docx => docx::extract(bytes, limits)?,
        Format::Csv => csv::extract(bytes, limits)?,
        Format::Json => json::extract(bytes, limits)?,
        Format::Pdf => unreachable!("PDF is read in the child process"),
    };
    finish(extracted, limits)
}

/// The last step of every format: one newline convention, no control characters, no runs of
/// blank lines, then the size and emptiness checks.
fn finish(extracted: Extracted, limits: &Limits) -> Result<Extracted, ExtractError> {
    let text = normalize(&extracted.text);
    if text.is_empty() {
        return Err(ExtractError::NoText);
    }
    if text.len() > limits.max_text_bytes {
        return Err(ExtractError::TextTooLong {
            limit: limits.max_text_bytes,
        });
    }
    Ok(Extracted {
        text,
        title: extracted.title.as_deref().and_then(clean_title),
    })
}

fn normalize(text: &str) -> String {
    let unified;
    let text = if text.contains('\r') {
        unified = text.replace("\r\n", "\n").replace('\r', "\n");
        &unified
    } else {
        text
    };
    let mut out = String::with_capacity(text.len());
    let mut pending_blank = false;
    for line in text.split('\n') {
        if line
            .chars()
            .all(|c| c.is_whitespace() || is_stray_control(c))
        {
            pending_blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if pending_blank {
                out.push('\n');
            }
        }
        pending_blank = false;
        out.extend(line.chars().filter(|c| !is_stray_control(*c)));
        out.truncate(out.trim_end().len());
    }
    out
}

fn is_stray_control(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// Titles go into listings: one line, bounded.
fn clean_title(title: &str) -> Option<String> {
    const MAX_TITLE_CHARS: usize = 300;
    let words: Vec<&str> = title.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let one_line: String = words.join(" ");
    let one_line = one_line.chars().filter(|c| !c.is_control());
    Some(one_line.take(MAX_TITLE_CHARS).collect())
}

/// A byte count the way limits are configured: "16 MiB", "512 KiB", "1000 bytes".
fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    if bytes >= MIB as u64 && bytes.is_multiple_of(MIB as u64) {
        format!("{} MiB", bytes / MIB as u64)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if duration.subsec_nanos() == 0 {
        let whole = duration.as_secs();
        if whole == 1 {
            "1 second".into()
        } else {
            format!("{whole} seconds")
        }
    } else {
        format!("{secs:.1} seconds")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_through_their_stored_names() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.as_str()), Some(format));
        }
        assert_eq!(Format::parse("PDF"), None);
        assert_eq!(Format::parse("doc"), None);
        assert_eq!(Format::Docx.content_type().len(), 71);
    }

    #[test]
    fn normalizing_keeps_paragraphs_and_drops_noise() {
        let text =
            "  \r\n# Title\r\n\r\n\r\n\r\nFirst\u{7} line\t \r\nsecond\rthird\n\n\n  indented\n\n";
        assert_eq!(
            normalize(text),
            "# Title\n\nFirst line\nsecond\nthird\n\n  indented"
        );
    }

    #[test]
    fn finishing_rejects_empty_and_oversized_text() {
        let limits = Limits {
            max_text_bytes: 10,
            ..Limits::default()
        };
        let blank = Extracted {
            text: " \n\u{0} \n".into(),
            title: Some("t".into()),
        };
        assert!(matches!(finish(blank, &limits), Err(ExtractError::NoText)));
        let long = Extracted {
            text: "0123456789A".into(),
            title: None,
        };
        let error = finish(long, &limits).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The document's text is longer than the 10 bytes limit."
        );
    }

    #[tokio::test]
    async fn uploads_are_sniffed_and_extracted_off_the_runtime() {
        let upload = Bytes::from_static(b"# Handbook\r\n\r\nWelcome.\r\n");
        let format = sniff("handbook.md", &upload).unwrap();
        let extracted = extract(format, upload, &Limits::default()).await.unwrap();
        assert_eq!(extracted.text, "# Handbook\n\nWelcome.");
        assert_eq!(extracted.title.as_deref(), Some("Handbook"));
        let error = extract(
            Format::Text,
            Bytes::from_static(b" \n\t\n"),
            &Limits::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(error.to_string(), "The file has no text to index.");
        let binary = Bytes::from_static(b"MZ\x90\0\x03\0\0\0\x04\0");
        let error = extract(Format::Text, binary, &Limits::default())
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "The file is not text in any encoding chatdeck can read."
        );
    }

    #[test]
    fn titles_are_one_bounded_line() {
        assert_eq!(clean_title("  A\n  report \t"), Some("A report".into()));
        assert_eq!(clean_title(" \n "), None);
        assert_eq!(clean_title(&"x".repeat(1000)).unwrap().len(), 300);
    }

    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(size(16 * MIB as u64), "16 MiB");
        assert_eq!(size(512 * 1024), "512 KiB");
        assert_eq!(size(1000), "1000 bytes");
        assert_eq!(seconds(Duration::from_secs(60)), "60 seconds");
        assert_eq!(seconds(Duration::from_secs(1)), "1 second");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 seconds");
        assert_eq!(
            ExtractError::DocxTooLarge {
                limit: 64 * MIB as u64
            }
            .to_string(),
            "The DOCX inflates past the 64 MiB limit."
        );
        assert_eq!(
            ExtractError::PdfTimedOut {
                limit: Duration::from_secs(60)
            }
            .to_string(),
            "Reading the PDF took longer than 60 seconds."
        );
    }
}
