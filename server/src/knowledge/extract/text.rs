//! Markdown and plain text: the decoded text as it is. Markdown already has the `#` headings
//! the chunker follows.

use super::{encoding, ExtractError, Extracted};

pub(super) fn plain(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    Ok(Extracted {
        text: encoding::decode(bytes)?.into_owned(),
        title: None,
    })
}

pub(super) fn markdown(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let text = encoding::decode(bytes)?.into_owned();
    let title = first_title_heading(&text).map(str::to_owned);
    Ok(Extracted { text, title })
}

/// The first level-one ATX heading outside fenced code.
fn first_title_heading(text: &str) -> Option<&str> {
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some("```");
        } else if trimmed.starts_with("~~~") {
            fence = Some("~~~");
        } else if let Some(title) = trimmed.strip_prefix("# ") {
            let title = title.trim().trim_end_matches('#').trim_end();
            if !title.is_empty() {
                return Some(title);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_its_text_and_takes_the_first_h1_as_title() {
        let source = "Intro line\n\n```\n# not a heading\n```\n\n## Sub\n\n# The Guide #\n\ntext";
        let extracted = markdown(source.as_bytes()).unwrap();
        assert_eq!(extracted.text, source);
        assert_eq!(extracted.title.as_deref(), Some("The Guide"));
        assert_eq!(markdown(b"## only h2").unwrap().title, None);
    }

    #[test]
    fn plain_text_has_no_title() {
        let extracted = plain(b"# looks like a heading\nbut this is text").unwrap();
        assert_eq!(extracted.title, None);
        assert!(matches!(
            plain(b"MZ\x90\0\x03\0\0\0"),
            Err(ExtractError::NotText)
        ));
    }
}
