//! The format of an upload: its extension says what it claims to be, its bytes must agree.

use std::io::Cursor;
use std::path::Path;

use file_format::FileFormat;

use super::{encoding, Format};

/// The format of an upload, from its file name's extension and its bytes together; None
/// means unsupported (the API answers 415).
pub fn sniff(file_name: &str, bytes: &[u8]) -> Option<Format> {
    let extension = Path::new(file_name)
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase);
    let detected = FileFormat::from_bytes(bytes);
    match extension.as_deref() {
        Some("pdf") => is_pdf(detected).then_some(Format::Pdf),
        Some("docx") => is_docx(detected, bytes).then_some(Format::Docx),
        Some("md" | "markdown") => is_text(detected, bytes).then_some(Format::Markdown),
        Some("html" | "htm") => is_text(detected, bytes).then_some(Format::Html),
        Some("csv" | "tsv") => is_text(detected, bytes).then_some(Format::Csv),
        Some("json") => (is_text(detected, bytes) && is_json(bytes)).then_some(Format::Json),
        Some("txt" | "text") => text_or_html(detected, bytes),
        None if is_pdf(detected) => Some(Format::Pdf),
        None if is_docx(detected, bytes) => Some(Format::Docx),
        None => text_or_html(detected, bytes),
        Some(_) => None,
    }
}

fn is_pdf(detected: FileFormat) -> bool {
    detected == FileFormat::PortableDocumentFormat
}

/// A zip whose entries file-format recognizes as Word's, holding the one part extraction
/// reads.
fn is_docx(detected: FileFormat, bytes: &[u8]) -> bool {
    detected == FileFormat::OfficeOpenXmlDocument
        && zip::ZipArchive::new(Cursor::new(bytes))
            .is_ok_and(|archive| archive.index_for_name("word/document.xml").is_some())
}

/// Text, by its bytes: no format with a binary signature, and it decodes as text.
fn is_text(detected: FileFormat, bytes: &[u8]) -> bool {
    let textual = matches!(
        detected,
        FileFormat::ArbitraryBinaryData
            | FileFormat::Empty
            | FileFormat::PlainText
            | FileFormat::HypertextMarkupLanguage
            | FileFormat::ExtensibleMarkupLanguage
    ) || detected.media_type().starts_with("text/");
    textual && encoding::decode(bytes).is_ok()
}

fn text_or_html(detected: FileFormat, bytes: &[u8]) -> Option<Format> {
    if !is_text(detected, bytes) {
        return None;
    }
    let start = bytes.trim_ascii_start();
    let html = FileFormat::from_bytes(start) == FileFormat::HypertextMarkupLanguage;
    Some(if html { Format::Html } else { Format::Text })
}

/// It parses, or it is JSON nested past serde_json's depth limit: extraction then says so,
/// which helps its owner more than "unsupported".
fn is_json(bytes: &[u8]) -> bool {
    let Ok(text) = encoding::decode(bytes) else {
        return false;
    };
    match serde_json::from_str::<serde::de::IgnoredAny>(&text) {
        Ok(_) => true,
        Err(error) => error.to_string().starts_with("recursion limit exceeded"),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for name in names {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(b"<x/>").unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn extension_and_content_must_agree() {
        let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n".as_slice();
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        let word_without_document = zip_with(&["[Content_Types].xml", "word/styles.xml"]);
        let plain_zip = zip_with(&["notes.txt"]);
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".as_slice();
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0\xB8\0\0\0\0\0\0\0@\0".as_slice();
        let latin1 = encoding_rs::WINDOWS_1252
            .encode("Café crème brûlée, très bon.")
            .0;
        let html = b"  <!DOCTYPE html><html><body><p>Hi</p></body></html>".as_slice();
        let markdown = b"# Title\n\nSome *text*.".as_slice();
        let csv = b"name,age\nAda,36\n".as_slice();
        let json = br#"{"a": [1, 2, {"b": null}]}"#.as_slice();
        let deep_json = format!("{}{}", "[".repeat(200), "]".repeat(200));

        let cases: &[(&str, &[u8], Option<Format>)] = &[
            ("report.pdf", pdf, Some(Format::Pdf)),
            ("REPORT.PDF", pdf, Some(Format::Pdf)),
            ("report", pdf, Some(Format::Pdf)),
            ("fake.pdf", markdown, None),
            ("fake.pdf", png, None),
            ("report.txt", pdf, None),
            ("letter.docx", &docx, Some(Format::Docx)),
            ("letter", &docx, Some(Format::Docx)),
            ("letter.docx", &word_without_document, None),
            ("letter.docx", &plain_zip, None),
            ("letter.docx", markdown, None),
            ("archive.zip", &plain_zip, None),
            ("photo.png", png, None),
            ("photo.txt", png, None),
            ("photo.md", png, None),
            ("setup.txt", exe, None),
            ("setup.exe", exe, None),
            ("notes.txt", markdown, Some(Format::Text)),
            ("notes", markdown, Some(Format::Text)),
            ("notes.text", &latin1, Some(Format::Text)),
            ("empty.txt", b"", Some(Format::Text)),
            ("notes.txt", html, Some(Format::Html)),
            ("page", html, Some(Format::Html)),
            ("page.html", html, Some(Format::Html)),
            ("page.htm", b"<p>fragment</p>", Some(Format::Html)),
            ("page.html", png, None),
            ("guide.md", markdown, Some(Format::Markdown)),
            ("guide.markdown", markdown, Some(Format::Markdown)),
            ("guide.md", &latin1, Some(Format::Markdown)),
            ("people.csv", csv, Some(Format::Csv)),
            ("people.tsv", b"name\tage\nAda\t36\n", Some(Format::Csv)),
            ("people.csv", exe, None),
            ("data.json", json, Some(Format::Json)),
            ("data.json", deep_json.as_bytes(), Some(Format::Json)),
            ("data.json", b"{\"a\": ", None),
            ("data.json", markdown, None),
            ("data.json", png, None),
            ("notes.rtf", b"{\\rtf1 hello}", None),
            ("script.py", b"print('hi')", None),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(
                sniff(name, bytes),
                *expected,
                "{name} ({} bytes)",
                bytes.len()
            );
        }
    }
}
