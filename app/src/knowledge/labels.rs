//! How documents read in the table and on their page: a short type label, a human size, the
//! status badge's words and colours, the headings path of a chunk. Pure functions, so the
//! server's HTML and the hydrated island say the same.

use okchat::{DocumentSource, DocumentStatus, KnowledgeDocument};

use crate::ui::format::one_decimal;

/// The document's type in a word or two: where it came from for typed and fetched sources,
/// else the format of the uploaded file (its content type, then its file name's extension).
pub fn kind_label(doc: &KnowledgeDocument) -> String {
    match doc.source {
        Some(DocumentSource::Qa) => return "Q&A".into(),
        Some(DocumentSource::Url) => return "Web page".into(),
        Some(DocumentSource::Text) => return "Text".into(),
        Some(DocumentSource::File) | None => {}
    }
    let essence = doc
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let by_type = match essence.as_str() {
        "application/pdf" => Some("PDF"),
        "text/markdown" | "text/x-markdown" => Some("Markdown"),
        "text/plain" => Some("Text"),
        "text/html" | "application/xhtml+xml" => Some("HTML"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Some("Word"),
        "text/csv" => Some("CSV"),
        "application/json" => Some("JSON"),
        _ => None,
    };
    if let Some(label) = by_type {
        return label.into();
    }
    let extension = doc
        .file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "pdf" => "PDF".into(),
        "md" | "markdown" => "Markdown".into(),
        "txt" => "Text".into(),
        "htm" | "html" => "HTML".into(),
        "docx" => "Word".into(),
        "csv" => "CSV".into(),
        "json" => "JSON".into(),
        "" => "File".into(),
        other => other.to_ascii_uppercase(),
    }
}

/// `1234567` → `1.2 MB`, counted in powers of 1,000 as people read file sizes.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        0..=999 => format!("{bytes} B"),
        1_000..=999_949 => format!("{} kB", one_decimal(bytes as f64 / 1e3)),
        999_950..=999_949_999 => format!("{} MB", one_decimal(bytes as f64 / 1e6)),
        _ => format!("{} GB", one_decimal(bytes as f64 / 1e9)),
    }
}

/// A share of 1 as two decimals (`0.456` → `0.46`), by integer arithmetic like
/// [`one_decimal`].
pub fn two_decimals(x: f64) -> String {
    let hundredths = (x * 100.0).round().max(0.0) as u64;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// A share of 1 as a whole percentage, clamped to 0–100, for bar widths.
pub fn percent(x: f64) -> u32 {
    (x * 100.0).round().clamp(0.0, 100.0) as u32
}

/// The status badge's text.
pub fn status_label(status: DocumentStatus) -> &'static str {
    match status {
        DocumentStatus::Processing => "Processing",
        DocumentStatus::Ready => "Ready",
        DocumentStatus::Failed => "Failed",
    }
}

/// The status badge's colours, light and dark.
pub fn status_class(status: DocumentStatus) -> &'static str {
    match status {
        DocumentStatus::Processing => "inline-flex items-center gap-1.5 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100",
        DocumentStatus::Ready => "inline-flex items-center gap-1.5 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
        DocumentStatus::Failed => "inline-flex items-center gap-1.5 rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-900 dark:bg-red-900 dark:text-red-100",
    }
}

/// The headings a chunk sits under, outermost first, as one path (`Guide › Refunds`).
pub fn headings_path(headings: &[String]) -> String {
    headings.join(" › ")
}

/// The chunk-view address of a document, opened at chunk `chunk` with the words of `query`
/// marked.
pub fn chunk_href(chatbot_id: &str, document_id: &str, chunk: Option<u32>, query: &str) -> String {
    let mut href = format!("/chatbots/{chatbot_id}/knowledge/{document_id}");
    let mut params = Vec::new();
    if let Some(chunk) = chunk {
        params.push(format!("chunk={chunk}"));
    }
    if !query.trim().is_empty() {
        params.push(format!("q={}", query_encode(query.trim())));
    }
    if !params.is_empty() {
        href.push('?');
        href.push_str(&params.join("&"));
    }
    if let Some(chunk) = chunk {
        href.push_str(&format!("#chunk-{chunk}"));
    }
    href
}

/// `value` percent-encoded for a URL's query (everything but RFC 3986's unreserved bytes).
pub fn query_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(
        content_type: &str,
        file_name: &str,
        source: Option<DocumentSource>,
    ) -> KnowledgeDocument {
        KnowledgeDocument {
            id: "d".into(),
            chatbot_id: "b".into(),
            title: "t".into(),
            file_name: file_name.into(),
            content_type: content_type.into(),
            size_bytes: 0,
            status: DocumentStatus::Ready,
            error: None,
            chunk_count: 0,
            created_at: String::new(),
            updated_at: String::new(),
            source,
            source_url: None,
        }
    }

    #[test]
    fn a_document_type_reads_as_a_short_label() {
        assert_eq!(kind_label(&doc("application/pdf", "a.pdf", None)), "PDF");
        assert_eq!(
            kind_label(&doc(
                "text/markdown; charset=utf-8",
                "a.md",
                Some(DocumentSource::File)
            )),
            "Markdown"
        );
        assert_eq!(
            kind_label(&doc("application/octet-stream", "notes.CSV", None)),
            "CSV"
        );
        assert_eq!(
            kind_label(&doc("text/plain", "", Some(DocumentSource::Qa))),
            "Q&A"
        );
        assert_eq!(
            kind_label(&doc("text/html", "", Some(DocumentSource::Url))),
            "Web page"
        );
        assert_eq!(kind_label(&doc("", "data.xyz", None)), "XYZ");
        assert_eq!(kind_label(&doc("", "README", None)), "File");
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(532), "532 B");
        assert_eq!(human_size(12_345), "12.3 kB");
        assert_eq!(human_size(1_234_567), "1.2 MB");
        assert_eq!(human_size(999_999), "1.0 MB");
        assert_eq!(human_size(20 * 1024 * 1024), "21.0 MB");
    }

    #[test]
    fn scores_have_two_decimals_and_bars_a_percentage() {
        assert_eq!(two_decimals(0.456), "0.46");
        assert_eq!(two_decimals(0.05), "0.05");
        assert_eq!(two_decimals(1.0), "1.00");
        assert_eq!(percent(0.456), 46);
        assert_eq!(percent(1.7), 100);
        assert_eq!(percent(-0.2), 0);
    }

    #[test]
    fn a_chunk_link_opens_the_chunk_with_the_question_marked() {
        assert_eq!(
            chunk_href("b1", "d1", Some(3), " refund policy? "),
            "/chatbots/b1/knowledge/d1?chunk=3&q=refund%20policy%3F#chunk-3"
        );
        assert_eq!(
            chunk_href("b1", "d1", None, ""),
            "/chatbots/b1/knowledge/d1"
        );
        assert_eq!(
            headings_path(&["Guide".into(), "Refunds".into()]),
            "Guide › Refunds"
        );
    }
}
