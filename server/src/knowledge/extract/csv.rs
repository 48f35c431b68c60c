//! CSV: each row becomes a paragraph of `header: value` lines, so any run of rows a chunk
//! holds still says what its values are.

use super::{encoding, ExtractError, Extracted, Limits};

pub(super) fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let source = encoding::decode(bytes)?;
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(&source))
        .flexible(true)
        .has_headers(false)
        .from_reader(source.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        None => return Err(ExtractError::NoText),
        Some(record) => record
            .map_err(|error| malformed(&error))?
            .iter()
            .enumerate()
            .map(|(index, header)| column_name(index, header))
            .collect(),
    };
    let mut text = String::new();
    for record in records {
        let record = record.map_err(|error| malformed(&error))?;
        let mut row = String::new();
        for (index, value) in record.iter().enumerate() {
            let value = one_line(value);
            if value.is_empty() {
                continue;
            }
            let header = headers
                .get(index)
                .cloned()
                .unwrap_or_else(|| column_name(index, ""));
            row.push_str(&header);
            row.push_str(": ");
            row.push_str(&value);
            row.push('\n');
        }
        if row.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&row);
        if text.len() > limits.max_text_bytes {
            return Err(ExtractError::TextTooLong {
                limit: limits.max_text_bytes,
            });
        }
    }
    Ok(Extracted { text, title: None })
}

/// The delimiter among `,` `;` and tab that occurs most in the first line, outside quotes;
/// a comma when none does.
fn sniff_delimiter(source: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in source.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if quoted => {}
            _ => {
                if let Some((_, count)) = counts.iter_mut().find(|(d, _)| *d == byte) {
                    *count += 1;
                }
            }
        }
    }
    // `max_by_key` keeps the last of equal counts; reversed, the first (the comma) wins ties.
    counts
        .iter()
        .rev()
        .max_by_key(|(_, count)| *count)
        .map_or(b',', |(delimiter, _)| *delimiter)
}

fn column_name(index: usize, header: &str) -> String {
    let header = one_line(header);
    if header.is_empty() {
        format!("column {}", index + 1)
    } else {
        header
    }
}

/// A cell's value on one line: values may hold line breaks, but a row's lines are
/// `header: value` pairs.
fn one_line(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn malformed(error: &::csv::Error) -> ExtractError {
    match error.position() {
        Some(position) => ExtractError::Csv(format!("line {} is malformed", position.line())),
        None => ExtractError::Csv("it is malformed".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(source: &[u8]) -> Result<Extracted, ExtractError> {
        extract(source, &Limits::default())
    }

    #[test]
    fn rows_become_self_describing_paragraphs() {
        let extracted =
            csv(b"name,city,note\nAda,London,\"first\nprogrammer\"\n,,\nAlan,,codebreaker,extra\n")
                .unwrap();
        assert_eq!(
            extracted.text,
            "name: Ada\ncity: London\nnote: first programmer\n\n\
             name: Alan\nnote: codebreaker\ncolumn 4: extra\n"
        );
    }

    #[test]
    fn semicolons_and_tabs_are_sniffed() {
        let semicolons = csv("nom;prix\nPain;1,20\n".as_bytes()).unwrap();
        assert_eq!(semicolons.text, "nom: Pain\nprix: 1,20\n");
        let tabs = csv(b"a\tb\n1\t2\n").unwrap();
        assert_eq!(tabs.text, "a: 1\nb: 2\n");
        assert_eq!(sniff_delimiter("\"x;y;z\",b\n1,2"), b',');
        assert_eq!(sniff_delimiter("single"), b',');
    }

    #[test]
    fn legacy_encodings_decode_first() {
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("plat,prix\nCrème brûlée,7\n");
        assert_eq!(csv(&latin).unwrap().text, "plat: Crème brûlée\nprix: 7\n");
    }

    #[test]
    fn headers_alone_have_no_text_and_the_cap_holds() {
        let only_headers = csv(b"a,b\n").unwrap();
        assert_eq!(only_headers.text, "");
        assert!(matches!(csv(b""), Err(ExtractError::NoText)));
        let limits = Limits {
            max_text_bytes: 100,
            ..Limits::default()
        };
        let many = format!("k\n{}", "value\n".repeat(100));
        assert!(matches!(
            extract(many.as_bytes(), &limits),
            Err(ExtractError::TextTooLong { limit: 100 })
        ));
    }
}
