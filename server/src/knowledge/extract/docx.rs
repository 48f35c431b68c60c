//! DOCX: a zip of XML parts. Only `word/document.xml`, `word/styles.xml` (which styles are
//! headings) and `docProps/core.xml` (the title) are read, each checked against the inflation
//! limit by its declared size before reading and read through a `take` all the same, since
//! declared sizes can lie.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{ExtractError, Extracted, Limits};

pub(super) fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| ExtractError::Docx("it is not a valid zip archive"))?;
    if archive.len() > limits.docx_max_entries {
        return Err(ExtractError::DocxTooManyEntries {
            limit: limits.docx_max_entries,
        });
    }
    let mut budget = Budget {
        remaining: limits.docx_max_inflated_bytes,
        limit: limits.docx_max_inflated_bytes,
    };
    let document = budget
        .read(&mut archive, "word/document.xml")?
        .ok_or(ExtractError::Docx("it has no word/document.xml part"))?;
    let styles = match budget.read(&mut archive, "word/styles.xml")? {
        Some(xml) => heading_styles(&xml),
        None => HashMap::new(),
    };
    let core_title = match budget.read(&mut archive, "docProps/core.xml")? {
        Some(xml) => core_title(&xml),
        None => None,
    };
    let body = body_text(&document, &styles, limits.max_text_bytes)?;
    Ok(Extracted {
        text: body.text,
        title: core_title.or(body.title_paragraph),
    })
}

/// What may still be inflated, shared by all the parts read.
struct Budget {
    remaining: u64,
    limit: u64,
}

impl Budget {
    fn read(
        &mut self,
        archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
        name: &str,
    ) -> Result<Option<String>, ExtractError> {
        let Some(index) = archive.index_for_name(name) else {
            return Ok(None);
        };
        let too_large = ExtractError::DocxTooLarge { limit: self.limit };
        let entry = archive
            .by_index(index)
            .map_err(|_| ExtractError::Docx("one of its parts cannot be unpacked"))?;
        if entry.size() > self.remaining {
            return Err(too_large);
        }
        let mut inflated = Vec::with_capacity(entry.size() as usize);
        entry
            .take(self.remaining + 1)
            .read_to_end(&mut inflated)
            .map_err(|_| ExtractError::Docx("one of its parts is corrupt"))?;
        if inflated.len() as u64 > self.remaining {
            return Err(too_large);
        }
        self.remaining -= inflated.len() as u64;
        String::from_utf8(inflated)
            .map(Some)
            .map_err(|_| ExtractError::Docx("one of its parts is not UTF-8 XML"))
    }
}

/// An element's name without its namespace prefix: documents use `w:` by convention only.
fn local_name<'a>(element: &'a BytesStart<'_>) -> &'a str {
    without_prefix(element.name().into_inner())
}

fn without_prefix(name: &str) -> &str {
    name.split_once(':').map_or(name, |(_, local)| local)
}

/// The `w:val` attribute (any prefix).
fn val(element: &BytesStart<'_>) -> Option<String> {
    element.attributes().flatten().find_map(|attribute| {
        (without_prefix(attribute.key.as_ref()) == "val").then(|| attribute.value.into_owned())
    })
}

/// A heading level from a style's id or name: Word's built-in ids are `Heading1`…`Heading9`
/// and `Title`, their names "heading 1"… and "Title"; a localized document keeps the names.
fn heading_level(style: &str) -> Option<usize> {
    let lower = style.to_ascii_lowercase();
    if lower == "title" {
        return Some(1);
    }
    let digits = lower
        .strip_prefix("heading")?
        .trim_start_matches([' ', '_', '-']);
    let level: usize = digits.parse().ok()?;
    (1..=9).contains(&level).then(|| level.min(6))
}

/// Style id → heading level, from styles.xml: by the style's name, else by its outline level.
fn heading_styles(xml: &str) -> HashMap<String, usize> {
    let mut levels = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) | Ok(Event::Empty(element)) => match local_name(&element) {
                "style" => {
                    current = element.attributes().flatten().find_map(|attribute| {
                        (without_prefix(attribute.key.as_ref()) == "styleId")
                            .then(|| attribute.value.into_owned())
                    });
                }
                "name" => {
                    if let (Some(id), Some(level)) =
                        (&current, val(&element).as_deref().and_then(heading_level))
                    {
                        levels.insert(id.clone(), level);
                    }
                }
                "outlineLvl" => {
                    if let (Some(id), Some(level)) = (
                        &current,
                        val(&element).and_then(|v| v.parse::<usize>().ok()),
                    ) {
                        if level < 9 {
                            levels.entry(id.clone()).or_insert((level + 1).min(6));
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => return levels,
            _ => {}
        }
    }
}

fn core_title(xml: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let mut in_title = false;
    let mut title = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) => in_title = local_name(&element) == "title",
            Ok(Event::Text(text)) if in_title => title.push_str(&text.xml10_content()),
            Ok(Event::GeneralRef(reference)) if in_title => push_reference(&mut title, &reference),
            Ok(Event::End(_)) if in_title => break,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    let title = title.trim();
    (!title.is_empty()).then(|| title.to_owned())
}

fn push_reference(text: &mut String, reference: &quick_xml::events::BytesRef<'_>) {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        text.push(c);
        return;
    }
    let resolved = match &**reference {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return,
    };
    text.push(resolved);
}

struct Body {
    text: String,
    /// The first paragraph styled Title, for documents without a core title.
    title_paragraph: Option<String>,
}

#[derive(Default)]
struct Paragraph {
    text: String,
    level: Option<usize>,
    is_title_style: bool,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: String,
}

/// The body as Markdown-flavoured text: headings as `#` lines, paragraphs apart, table rows
/// as `|`-separated lines.
fn body_text(
    xml: &str,
    styles: &HashMap<String, usize>,
    max_text_bytes: usize,
) -> Result<Body, ExtractError> {
    let mut reader = Reader::from_str(xml);
    let mut body = Body {
        text: String::new(),
        title_paragraph: None,
    };
    // Text boxes put whole paragraphs (and tables) inside a paragraph's run: both nest.
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut in_text = false;
    // Markup-compatibility fallbacks repeat their `mc:Choice` (text boxes, mostly).
    let mut fallback_depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|_| ExtractError::Docx("its document XML is malformed"))?;
        match event {
            Event::Start(element) => match local_name(&element) {
                "Fallback" => fallback_depth += 1,
                _ if fallback_depth > 0 => {}
                "p" => paragraphs.push(Paragraph::default()),
                "t" => in_text = true,
                "tbl" => tables.push(Table::default()),
                name => paragraph_property(name, &element, &mut paragraphs, styles),
            },
            Event::Empty(element) if fallback_depth == 0 => match local_name(&element) {
                "tab" => push_text(&mut paragraphs, "\t"),
                "br" | "cr" => push_text(&mut paragraphs, "\n"),
                name => paragraph_property(name, &element, &mut paragraphs, styles),
            },
            Event::Text(text) if in_text && fallback_depth == 0 => {
                push_text(&mut paragraphs, &text.xml10_content());
            }
            Event::GeneralRef(reference) if in_text && fallback_depth == 0 => {
                if let Some(paragraph) = paragraphs.last_mut() {
                    push_reference(&mut paragraph.text, &reference);
                }
            }
            Event::End(element) => match without_prefix(element.name().into_inner()) {
                "Fallback" => fallback_depth = fallback_depth.saturating_sub(1),
                _ if fallback_depth > 0 => {}
                "t" => in_text = false,
                "p" => {
                    if let Some(paragraph) = paragraphs.pop() {
                        end_paragraph(paragraph, &mut tables, &mut body);
                    }
                }
                "tc" => {
                    if let Some(table) = tables.last_mut() {
                        let cell = std::mem::take(&mut table.cell);
                        table.row.push(cell);
                    }
                }
                "tr" => {
                    if let Some(table) = tables.last_mut() {
                        let row = std::mem::take(&mut table.row);
                        if row.iter().any(|cell| !cell.is_empty()) {
                            table.rows.push(row);
                        }
                    }
                }
                "tbl" => {
                    if let Some(table) = tables.pop() {
                        let rendered = table
                            .rows
                            .iter()
                            .map(|row| row.join(" | "))
                            .collect::<Vec<_>>()
                            .join("\n");
                        match tables.last_mut() {
                            Some(outer) => append_words(&mut outer.cell, &rendered),
                            None => push_block(&mut body.text, &rendered),
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        if body.text.len() > max_text_bytes {
            return Err(ExtractError::TextTooLong {
                limit: max_text_bytes,
            });
        }
    }
    Ok(body)
}

/// `w:pStyle` and `w:outlineLvl` make a paragraph a heading.
fn paragraph_property(
    name: &str,
    element: &BytesStart<'_>,
    paragraphs: &mut [Paragraph],
    styles: &HashMap<String, usize>,
) {
    let Some(paragraph) = paragraphs.last_mut() else {
        return;
    };
    match name {
        "pStyle" => {
            if let Some(style) = val(element) {
                paragraph.is_title_style = style.eq_ignore_ascii_case("title");
                paragraph.level = styles
                    .get(&style)
                    .copied()
                    .or_else(|| heading_level(&style));
            }
        }
        "outlineLvl" => {
            if let Some(level) = val(element).and_then(|v| v.parse::<usize>().ok()) {
                if level < 9 {
                    paragraph.level = Some((level + 1).min(6));
                }
            }
        }
        _ => {}
    }
}

fn push_text(paragraphs: &mut [Paragraph], text: &str) {
    if let Some(paragraph) = paragraphs.last_mut() {
        paragraph.text.push_str(text);
    }
}

fn end_paragraph(paragraph: Paragraph, tables: &mut [Table], body: &mut Body) {
    let text = paragraph.text.trim();
    if text.is_empty() {
        return;
    }
    if let Some(table) = tables.last_mut() {
        append_words(&mut table.cell, text);
        return;
    }
    if paragraph.is_title_style && body.title_paragraph.is_none() {
        body.title_paragraph = Some(text.to_owned());
    }
    match paragraph.level {
        Some(level) => {
            let heading = text.split_whitespace().collect::<Vec<_>>().join(" ");
            push_block(&mut body.text, &format!("{} {heading}", "#".repeat(level)));
        }
        None => push_block(&mut body.text, text),
    }
}

/// A table cell holds its paragraphs on one line.
fn append_words(cell: &mut String, text: &str) {
    for word in text.split_whitespace() {
        if !cell.is_empty() {
            cell.push(' ');
        }
        cell.push_str(word);
    }
}

fn push_block(text: &mut String, block: &str) {
    if block.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(block);
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    const DOCUMENT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
<w:body>
  <w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Onboarding Guide</w:t></w:r></w:p>
  <w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Getting started</w:t></w:r></w:p>
  <w:p><w:r><w:t xml:space="preserve">Welcome to </w:t></w:r><w:r><w:t>Acme &amp; Co</w:t></w:r><w:r><w:tab/><w:t>now.</w:t></w:r></w:p>
  <w:p><w:pPr><w:pStyle w:val="berschrift2"/></w:pPr><w:r><w:t>Accounts</w:t></w:r></w:p>
  <w:p><w:r><w:t>Ask IT</w:t></w:r><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:r><w:delText>deleted</w:delText></w:r></w:p>
  <w:tbl>
    <w:tr><w:tc><w:p><w:r><w:t>System</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Owner</w:t></w:r></w:p></w:tc></w:tr>
    <w:tr><w:tc><w:p><w:r><w:t>Mail</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Ops</w:t></w:r></w:p><w:p><w:r><w:t>team</w:t></w:r></w:p></w:tc></w:tr>
  </w:tbl>
  <w:p><w:r><mc:AlternateContent><mc:Choice><w:p><w:r><w:t>In a text box</w:t></w:r></w:p></mc:Choice><mc:Fallback><w:p><w:r><w:t>In a text box</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent></w:r></w:p>
  <w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:r><w:t>Outlined</w:t></w:r></w:p>
</w:body></w:document>"#;

    const STYLES: &str = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/></w:style>
  <w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
</w:styles>"#;

    const CORE: &str = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Acme Onboarding</dc:title><dc:creator>HR</dc:creator></cp:coreProperties>"#;

    /// A DOCX from named parts, deflated.
    pub(crate) fn docx(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in parts {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn read(bytes: &[u8]) -> Result<Extracted, ExtractError> {
        extract(bytes, &Limits::default())
    }

    #[test]
    fn headings_paragraphs_tables_and_the_title() {
        let bytes = docx(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", DOCUMENT.as_bytes()),
            ("word/styles.xml", STYLES.as_bytes()),
            ("docProps/core.xml", CORE.as_bytes()),
        ]);
        let extracted = read(&bytes).unwrap();
        assert_eq!(extracted.title.as_deref(), Some("Acme Onboarding"));
        assert_eq!(
            extracted.text,
            "# Onboarding Guide\n\n# Getting started\n\nWelcome to Acme & Co\tnow.\n\n\
             ## Accounts\n\nAsk IT\n\nSystem | Owner\nMail | Ops team\n\nIn a text box\n\n\
             ### Outlined"
        );
    }

    #[test]
    fn without_a_core_title_the_title_paragraph_is_the_title() {
        let bytes = docx(&[("word/document.xml", DOCUMENT.as_bytes())]);
        let extracted = read(&bytes).unwrap();
        assert_eq!(extracted.title.as_deref(), Some("Onboarding Guide"));
        // Without styles.xml the localized style id is not known as a heading.
        assert!(
            extracted.text.contains("\n\nAccounts\n\n"),
            "{}",
            extracted.text
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_by_its_declared_size_without_inflating() {
        let spaces = vec![b' '; 80 * 1024 * 1024];
        let mut bytes = docx(&[("word/document.xml", &spaces)]);
        assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());
        // Garbage where the deflated data starts: inflating at all would fail on it.
        let data_start = 30 + "word/document.xml".len();
        bytes[data_start..data_start + 64].fill(0xFF);
        let error = read(&bytes).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The DOCX inflates past the 64 MiB limit."
        );
    }

    #[test]
    fn a_zip_bomb_that_lies_about_its_size_is_cut_off_while_inflating() {
        let zeros = vec![b' '; 8 * 1024 * 1024];
        let mut bytes = docx(&[("word/document.xml", &zeros)]);
        let declared = (8u32 * 1024 * 1024).to_le_bytes();
        let small = 100u32.to_le_bytes();
        // The uncompressed size sits at offset 22 of the local header and 24 of the central
        // directory entry.
        let mut patched = 0;
        for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let at = bytes
                .windows(4)
                .position(|window| window == signature)
                .unwrap();
            assert_eq!(bytes[at + offset..at + offset + 4], declared);
            bytes[at + offset..at + offset + 4].copy_from_slice(&small);
            patched += 1;
        }
        assert_eq!(patched, 2);
        let limits = Limits {
            docx_max_inflated_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let error = extract(&bytes, &limits).unwrap_err();
        assert!(
            matches!(
                error,
                ExtractError::DocxTooLarge { .. } | ExtractError::Docx(_)
            ),
            "{error}"
        );
    }

    #[test]
    fn the_budget_is_shared_by_the_parts() {
        let half = vec![b' '; 600 * 1024];
        let bytes = docx(&[
            ("word/document.xml", DOCUMENT.as_bytes()),
            ("word/styles.xml", &half),
            ("docProps/core.xml", &half),
        ]);
        let limits = Limits {
            docx_max_inflated_bytes: 1024 * 1024,
            ..Limits::default()
        };
        assert!(matches!(
            extract(&bytes, &limits),
            Err(ExtractError::DocxTooLarge { limit: 1_048_576 })
        ));
    }

    #[test]
    fn too_many_entries_are_refused_before_reading() {
        let names: Vec<String> = (0..2001).map(|i| format!("word/media/{i}.bin")).collect();
        let mut parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        parts.push(("word/document.xml", DOCUMENT.as_bytes()));
        let error = read(&docx(&parts)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The DOCX holds more than 2000 files, the limit."
        );
    }

    #[test]
    fn corrupt_and_incomplete_archives_say_why() {
        let good = docx(&[("word/document.xml", DOCUMENT.as_bytes())]);
        let truncated = &good[..good.len() / 2];
        assert_eq!(
            read(truncated).unwrap_err().to_string(),
            "The DOCX could not be read: it is not a valid zip archive."
        );
        assert!(matches!(
            read(b"PK\x03\x04 garbage"),
            Err(ExtractError::Docx(_))
        ));
        let no_document = docx(&[("word/styles.xml", STYLES.as_bytes())]);
        assert_eq!(
            read(&no_document).unwrap_err().to_string(),
            "The DOCX could not be read: it has no word/document.xml part."
        );
        let broken_xml = docx(&[("word/document.xml", b"<w:document><w:body></w:p>")]);
        assert_eq!(
            read(&broken_xml).unwrap_err().to_string(),
            "The DOCX could not be read: its document XML is malformed."
        );
    }

    #[test]
    fn style_names_give_heading_levels() {
        assert_eq!(heading_level("Heading1"), Some(1));
        assert_eq!(heading_level("heading 3"), Some(3));
        assert_eq!(heading_level("Heading9"), Some(6));
        assert_eq!(heading_level("Title"), Some(1));
        assert_eq!(heading_level("Heading"), None);
        assert_eq!(heading_level("Normal"), None);
    }
}
