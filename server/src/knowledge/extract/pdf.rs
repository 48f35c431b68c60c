//! PDF text with lopdf, page by page. `read` runs inside the child process (see `child`);
//! `from_reply` turns the child's answer into an `Extracted` in the server.

use std::collections::{BTreeMap, HashSet};

use lopdf::content::Content;
use lopdf::{DecompressError, Document, Encoding, Object, ObjectId};
use serde::{Deserialize, Serialize};

use super::{finish, ExtractError, Extracted, Limits};

/// What the child writes on stdout: one JSON document.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum Reply {
    Pages {
        title: Option<String>,
        pages: Vec<String>,
    },
    Failed {
        error: PdfFailure,
    },
}

/// Why lopdf could not read a PDF, as the end of "The PDF could not be read: …".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum PdfFailure {
    #[error("it does not start with a PDF header")]
    NotPdf,
    #[error("the file is cut short")]
    Truncated,
    #[error("its cross-reference table is broken")]
    BrokenXref,
    #[error("it is encrypted")]
    Encrypted,
    #[error("its objects refer to each other in a loop")]
    ReferenceLoop,
    #[error("its page tree loops back on itself")]
    PageTreeLoop,
    #[error("it has no pages")]
    NoPages,
    #[error("a page's content inflates past the reader's limit")]
    StreamTooLarge,
    #[error("its structure is damaged")]
    Damaged,
    /// Only the child says this; the server reports it as `ExtractError::TextTooLong`.
    #[error("its text is longer than the limit")]
    TextTooLong,
    // What the server concludes from how the child ended.
    #[error("the reader ran out of memory")]
    OutOfMemory,
    #[error("it is nested too deeply")]
    TooDeep,
    #[error("the reader stopped unexpectedly")]
    Crashed,
    #[error("the reader's answer was malformed")]
    BadReply,
}

/// How much one page's content streams may inflate to: lopdf's own default, or a quarter of
/// the child's memory when that is smaller, so a bomb is refused with a reason before the
/// memory limit has to stop it.
pub(super) fn page_content_limit(limits: &Limits) -> usize {
    let quarter = usize::try_from(limits.pdf_memory_bytes / 4).unwrap_or(usize::MAX);
    quarter.min(lopdf::DEFAULT_MAX_DECOMPRESSED_SIZE)
}

/// In the child: the title and each page's text.
pub(super) fn read(bytes: &[u8], max_text_bytes: usize, page_content_limit: usize) -> Reply {
    match read_pages(bytes, max_text_bytes, page_content_limit) {
        Ok((title, pages)) => Reply::Pages { title, pages },
        Err(error) => Reply::Failed { error },
    }
}

fn read_pages(
    bytes: &[u8],
    max_text_bytes: usize,
    page_content_limit: usize,
) -> Result<(Option<String>, Vec<String>), PdfFailure> {
    let document = Document::load_mem(bytes).map_err(|error| load_failure(&error))?;
    if document.is_encrypted() {
        return Err(PdfFailure::Encrypted);
    }
    let page_ids = page_ids(&document)?;
    let mut total = 0usize;
    let mut pages = Vec::with_capacity(page_ids.len());
    for page_id in page_ids {
        let text = page_text(&document, page_id, page_content_limit)?;
        total += text.len();
        if total > max_text_bytes {
            return Err(PdfFailure::TextTooLong);
        }
        pages.push(text);
    }
    Ok((title(&document), pages))
}

fn load_failure(error: &lopdf::Error) -> PdfFailure {
    use lopdf::{Error, ParseError};
    match error {
        Error::Parse(ParseError::InvalidFileHeader) => PdfFailure::NotPdf,
        Error::Parse(ParseError::EndOfInput) => PdfFailure::Truncated,
        Error::Parse(ParseError::InvalidTrailer | ParseError::InvalidXref)
        | Error::Xref(_)
        | Error::MissingXrefEntry
        | Error::InvalidOffset(_) => PdfFailure::BrokenXref,
        Error::Decryption(_)
        | Error::InvalidPassword
        | Error::UnsupportedSecurityHandler(_)
        | Error::AlreadyEncrypted => PdfFailure::Encrypted,
        Error::ReferenceCycle(_) | Error::ReferenceLimit => PdfFailure::ReferenceLoop,
        Error::RecursionLimit => PdfFailure::TooDeep,
        Error::Decompress(DecompressError::MemoryLimitExceeded { .. }) => {
            PdfFailure::StreamTooLarge
        }
        _ => PdfFailure::Damaged,
    }
}

/// The pages in document order, walking the page tree with a visited set: a tree that comes
/// back to a node it has seen is refused, not followed (lopdf's own walk bounds its steps
/// but yields a looping tree's pages over and over).
fn page_ids(document: &Document) -> Result<Vec<ObjectId>, PdfFailure> {
    let root = document
        .catalog()
        .and_then(|catalog| catalog.get(b"Pages"))
        .and_then(Object::as_reference)
        .map_err(|_| PdfFailure::NoPages)?;
    let mut seen = HashSet::new();
    let mut pages = Vec::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            return Err(PdfFailure::PageTreeLoop);
        }
        let Ok(node) = document.get_dictionary(id) else {
            continue;
        };
        let kids = node
            .get_deref(b"Kids", document)
            .and_then(Object::as_array)
            .ok();
        match (node.get_type(), kids) {
            (Ok(b"Page"), _) | (_, None) => pages.push(id),
            (_, Some(kids)) => {
                stack.extend(kids.iter().rev().filter_map(|kid| kid.as_reference().ok()))
            }
        }
    }
    if pages.is_empty() {
        return Err(PdfFailure::NoPages);
    }
    Ok(pages)
}

/// The text a page shows, line by line, after lopdf's own extraction: strings of `Tj`,
/// `TJ`, `'` and `"` through their font's encoding, a line break where text moves to a new
/// line. A page that fails to decode is taken as blank; one whose content is a
/// decompression bomb fails the document.
fn page_text(
    document: &Document,
    page_id: ObjectId,
    content_limit: usize,
) -> Result<String, PdfFailure> {
    let content = match document.get_page_content_with_limit(page_id, content_limit) {
        Ok(content) => content,
        Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(PdfFailure::StreamTooLarge)
        }
        Err(_) => return Ok(String::new()),
    };
    let encodings: BTreeMap<Vec<u8>, Encoding> = document
        .get_page_fonts(page_id)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, font)| {
            let encoding = font
                .get_font_encoding_with_limit(document, content_limit)
                .ok()?;
            Some((name, encoding))
        })
        .collect();
    let mut text = String::new();
    let mut encoding = None;
    for operation in Content::decode_iter(&content) {
        let Ok(operation) = operation else {
            break;
        };
        let operands = operation.operands.as_slice();
        match operation.operator.as_str() {
            "Tf" => {
                encoding = operands
                    .first()
                    .and_then(|name| name.as_name().ok())
                    .and_then(|name| encodings.get(name));
            }
            "Tj" | "TJ" => show(&mut text, encoding, operands),
            "'" => {
                new_line(&mut text);
                show(&mut text, encoding, operands);
            }
            "\"" => {
                new_line(&mut text);
                show(&mut text, encoding, operands.get(2..).unwrap_or_default());
            }
            "T*" | "ET" => new_line(&mut text),
            "Td" | "TD" if operands.get(1).and_then(|y| y.as_float().ok()) != Some(0.0) => {
                new_line(&mut text)
            }
            _ => {}
        }
    }
    Ok(text)
}

fn new_line(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

fn show(text: &mut String, encoding: Option<&Encoding>, operands: &[Object]) {
    let Some(encoding) = encoding else {
        return;
    };
    for operand in operands {
        match operand {
            Object::String(bytes, _) => push_decoded(text, encoding, bytes),
            // TJ: strings and kerning; a large negative kern is a word gap.
            Object::Array(items) => {
                for item in items {
                    match item {
                        Object::String(bytes, _) => push_decoded(text, encoding, bytes),
                        Object::Integer(kern) if *kern < -100 => text.push(' '),
                        Object::Real(kern) if *kern < -100.0 => text.push(' '),
                        _ => {}
                    }
                }
                text.push(' ');
            }
            _ => {}
        }
    }
}

fn push_decoded(text: &mut String, encoding: &Encoding, bytes: &[u8]) {
    if let Ok(decoded) = Document::decode_text(encoding, bytes) {
        // Control characters would only be dropped later, after costing six bytes each in
        // the JSON reply.
        text.extend(decoded.chars().filter(|c| !c.is_control() || *c == '\t'));
    }
}

fn title(document: &Document) -> Option<String> {
    let info = match document.trailer.get(b"Info").ok()? {
        Object::Reference(id) => document.get_dictionary(*id).ok()?,
        Object::Dictionary(info) => info,
        _ => return None,
    };
    let title = match info.get(b"Title").ok()? {
        Object::Reference(id) => document.get_object(*id).ok()?,
        title => title,
    };
    let title = lopdf::decode_text_string(title).ok()?;
    Some(title.chars().take(1000).collect())
}

/// In the server: the child's JSON reply to an `Extracted`, pages as paragraphs.
pub(super) fn from_reply(reply: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let reply: Reply =
        serde_json::from_slice(reply).map_err(|_| ExtractError::Pdf(PdfFailure::BadReply))?;
    let (title, pages) = match reply {
        Reply::Pages { title, pages } => (title, pages),
        Reply::Failed {
            error: PdfFailure::TextTooLong,
        } => {
            return Err(ExtractError::TextTooLong {
                limit: limits.max_text_bytes,
            })
        }
        Reply::Failed { error } => return Err(ExtractError::Pdf(error)),
    };
    let text = pages
        .iter()
        .map(|page| page.trim())
        .filter(|page| !page.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if text.trim().is_empty() {
        return Err(ExtractError::PdfNoTextLayer);
    }
    finish(Extracted { text, title }, limits)
}

#[cfg(test)]
pub(crate) mod tests {
    use lopdf::content::Operation;
    use lopdf::{dictionary, Stream};

    use super::*;

    /// A PDF with one page per entry of `pages`, each line of it shown with Helvetica, and
    /// an Info dictionary with `title`.
    pub(crate) fn pdf(pages: &[&[&str]], title: Option<&str>) -> Vec<u8> {
        let mut document = Document::with_version("1.5");
        let pages_id = document.new_object_id();
        let font_id = document.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let resources_id = document.add_object(dictionary! {
            "Font" => dictionary! { "F1" => font_id },
        });
        let mut kids = Vec::new();
        for lines in pages {
            let mut operations = vec![Operation::new("BT", vec![])];
            for (index, line) in lines.iter().enumerate() {
                let size = if index == 0 { 24 } else { 12 };
                operations.push(Operation::new("Tf", vec!["F1".into(), size.into()]));
                let y = 700 - 30 * index as i64;
                operations.push(Operation::new("Td", vec![0.into(), y.into()]));
                operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
            }
            operations.push(Operation::new("ET", vec![]));
            let content = Content { operations };
            let content_id =
                document.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
            let page_id = document.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content_id,
                "Resources" => resources_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            });
            kids.push(page_id.into());
        }
        let count = kids.len() as i64;
        document.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => kids,
                "Count" => count,
            }),
        );
        let catalog_id = document.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages_id,
        });
        document.trailer.set("Root", catalog_id);
        if let Some(title) = title {
            let info_id = document.add_object(dictionary! {
                "Title" => Object::string_literal(title),
            });
            document.trailer.set("Info", info_id);
        }
        document.compress();
        let mut bytes = Vec::new();
        document.save_to(&mut bytes).unwrap();
        bytes
    }

    const LIMIT: usize = 16 * 1024 * 1024;

    fn read_here(bytes: &[u8]) -> Reply {
        read(bytes, LIMIT, LIMIT)
    }

    fn failure(bytes: &[u8]) -> PdfFailure {
        match read_here(bytes) {
            Reply::Failed { error } => error,
            Reply::Pages { pages, .. } => panic!("read {pages:?}"),
        }
    }

    #[test]
    fn pages_and_title_come_out_in_order() {
        let bytes = pdf(
            &[
                &["Quarterly Report", "Revenue grew."],
                &[],
                &["Outlook", "Costs fell."],
            ],
            Some("Q3 Report"),
        );
        let Reply::Pages { title, pages } = read_here(&bytes) else {
            panic!("not read");
        };
        assert_eq!(title.as_deref(), Some("Q3 Report"));
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[0].trim(), "Quarterly Report\nRevenue grew.");
        assert_eq!(pages[1], "");
        assert_eq!(pages[2].trim(), "Outlook\nCosts fell.");
    }

    #[test]
    fn the_reply_becomes_paragraphs_without_blank_pages() {
        let reply = serde_json::to_vec(&Reply::Pages {
            title: Some("  Q3 \n Report ".into()),
            pages: vec!["One\ntwo ".into(), " \n".into(), "Three".into()],
        })
        .unwrap();
        let extracted = from_reply(&reply, &Limits::default()).unwrap();
        assert_eq!(extracted.text, "One\ntwo\n\nThree");
        assert_eq!(extracted.title.as_deref(), Some("Q3 Report"));
    }

    #[test]
    fn a_pdf_without_text_is_a_scan() {
        let reply = serde_json::to_vec(&read_here(&pdf(&[&[], &[]], None))).unwrap();
        assert_eq!(
            from_reply(&reply, &Limits::default())
                .unwrap_err()
                .to_string(),
            "The PDF has no text layer (it may be a scan); chatdeck does not OCR."
        );
    }

    #[test]
    fn failures_travel_as_names_and_read_as_sentences() {
        let reply = serde_json::to_vec(&Reply::Failed {
            error: PdfFailure::BrokenXref,
        })
        .unwrap();
        assert_eq!(reply, br#"{"error":"broken_xref"}"#);
        assert_eq!(
            from_reply(&reply, &Limits::default())
                .unwrap_err()
                .to_string(),
            "The PDF could not be read: its cross-reference table is broken."
        );
        let too_long = br#"{"error":"text_too_long"}"#;
        assert!(matches!(
            from_reply(too_long, &Limits::default()),
            Err(ExtractError::TextTooLong { .. })
        ));
        assert!(matches!(
            from_reply(b"{\"pages\": 3}", &Limits::default()),
            Err(ExtractError::Pdf(PdfFailure::BadReply))
        ));
    }

    #[test]
    fn garbage_and_truncated_files_fail_with_a_reason() {
        assert_eq!(failure(b"GIF89a not a pdf at all"), PdfFailure::NotPdf);
        let whole = pdf(&[&["Hello"]], None);
        let error = failure(&whole[..whole.len() / 3]);
        assert!(
            matches!(
                error,
                PdfFailure::Truncated | PdfFailure::BrokenXref | PdfFailure::NoPages
            ),
            "{error:?}"
        );
        let mut noise = b"%PDF-1.4\n".to_vec();
        noise.extend((0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8));
        let error = failure(&noise);
        assert_ne!(error, PdfFailure::TextTooLong, "{error:?}");
    }

    #[test]
    fn a_broken_xref_is_repaired_or_reported() {
        let whole = pdf(&[&["Recoverable text"]], None);
        let text = String::from_utf8_lossy(&whole).into_owned();
        let startxref = text.rfind("startxref").unwrap();
        let mut broken = whole[..startxref].to_vec();
        broken.extend(b"startxref\n999999\n%%EOF\n");
        match read_here(&broken) {
            Reply::Pages { pages, .. } => assert!(pages.concat().contains("Recoverable text")),
            Reply::Failed { error } => assert_eq!(error, PdfFailure::BrokenXref),
        }
        let mut no_objects = b"%PDF-1.4\nthis is not an object\n".to_vec();
        no_objects
            .extend(b"xref\n0 2\nnonsense\ntrailer\n<< /Root 9 0 R >>\nstartxref\n24\n%%EOF\n");
        let error = failure(&no_objects);
        assert!(
            matches!(
                error,
                PdfFailure::BrokenXref | PdfFailure::NoPages | PdfFailure::Damaged
            ),
            "{error:?}"
        );
    }

    #[test]
    fn a_looping_page_tree_is_refused() {
        let mut document = Document::with_version("1.5");
        let pages_id = document.new_object_id();
        let inner_id = document.new_object_id();
        let page_id = document.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id });
        document.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into(), inner_id.into()], "Count" => 2,
            }),
        );
        // The inner node lists the root as its kid.
        document.objects.insert(
            inner_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![pages_id.into()], "Count" => 1,
            }),
        );
        let catalog_id =
            document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        document.trailer.set("Root", catalog_id);
        let mut bytes = Vec::new();
        document.save_to(&mut bytes).unwrap();
        assert_eq!(failure(&bytes), PdfFailure::PageTreeLoop);
    }

    #[test]
    fn the_text_cap_and_the_page_content_cap_hold() {
        let bytes = pdf(
            &[&["a long enough line of text"], &["and another one"]],
            None,
        );
        assert!(matches!(
            read(&bytes, 30, LIMIT),
            Reply::Failed {
                error: PdfFailure::TextTooLong
            }
        ));
        assert!(matches!(
            read(&bytes, LIMIT, 10),
            Reply::Failed {
                error: PdfFailure::StreamTooLarge
            }
        ));
        let small = Limits {
            pdf_memory_bytes: 64 * 1024 * 1024,
            ..Limits::default()
        };
        assert_eq!(page_content_limit(&small), 16 * 1024 * 1024);
        assert_eq!(
            page_content_limit(&Limits::default()),
            lopdf::DEFAULT_MAX_DECOMPRESSED_SIZE
        );
    }
}
