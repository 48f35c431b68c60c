//! JSON as `key.path: value` lines, in document order. An object inside an array becomes a
//! paragraph of its own, like a CSV row, so a chunk of them stays self-describing.
//!
//! The JSON is walked while it is parsed (a `DeserializeSeed`), never held as a `Value`:
//! that keeps the keys in document order (serde_json's map sorts them) and the memory to
//! the text written.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::{encoding, ExtractError, Extracted, Limits};

pub(super) fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let source = encoding::decode(bytes)?;
    let mut writer = Writer {
        text: String::new(),
        paragraph_open: false,
        limit: limits.max_text_bytes,
        too_long: false,
    };
    let mut deserializer = serde_json::Deserializer::from_str(&source);
    // serde_json's recursion limit (128 levels) bounds the walk's recursion.
    let walked = Node {
        writer: &mut writer,
        path: String::new(),
        own_paragraph: false,
    }
    .deserialize(&mut deserializer)
    .and_then(|()| deserializer.end());
    if writer.too_long {
        return Err(ExtractError::TextTooLong {
            limit: limits.max_text_bytes,
        });
    }
    walked.map_err(|error| describe(&error))?;
    Ok(Extracted {
        text: writer.text,
        title: None,
    })
}

fn describe(error: &serde_json::Error) -> ExtractError {
    if error.to_string().starts_with("recursion limit exceeded") {
        return ExtractError::Json("it is nested more than 128 levels deep".into());
    }
    ExtractError::Json(format!(
        "it is not valid JSON (line {}, column {})",
        error.line(),
        error.column()
    ))
}

struct Writer {
    text: String,
    paragraph_open: bool,
    limit: usize,
    /// Set when the text passed `limit`; the walk is then stopped with a serde error.
    too_long: bool,
}

impl Writer {
    fn line<E: de::Error>(&mut self, path: &str, value: &str) -> Result<(), E> {
        let mut words = value.split_whitespace().peekable();
        if words.peek().is_none() {
            return Ok(());
        }
        if !self.paragraph_open && !self.text.is_empty() {
            self.text.push('\n');
        }
        self.paragraph_open = true;
        if !path.is_empty() {
            self.text.push_str(path);
            self.text.push_str(": ");
        }
        for (index, word) in words.enumerate() {
            if index > 0 {
                self.text.push(' ');
            }
            self.text.push_str(word);
        }
        self.text.push('\n');
        if self.text.len() > self.limit {
            self.too_long = true;
            return Err(E::custom("the text limit is reached"));
        }
        Ok(())
    }
}

/// One JSON value at `path`.
struct Node<'w> {
    writer: &'w mut Writer,
    path: String,
    /// An array element: if it is an object, it gets a paragraph of its own.
    own_paragraph: bool,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        self.writer
            .line(&self.path, if value { "true" } else { "false" })
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        self.writer.line(&self.path, &value.to_string())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.writer.line(&self.path, &value.to_string())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        self.writer.line(&self.path, &value.to_string())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        self.writer.line(&self.path, value)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.own_paragraph {
            self.writer.paragraph_open = false;
        }
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key
            } else {
                format!("{}.{key}", self.path)
            };
            map.next_value_seed(Node {
                writer: self.writer,
                path,
                own_paragraph: false,
            })?;
        }
        if self.own_paragraph {
            self.writer.paragraph_open = false;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            // Elements of a top-level array stand alone: their keys need no `[i]` prefix.
            let path = if self.path.is_empty() {
                String::new()
            } else {
                format!("{}[{index}]", self.path)
            };
            let element = Node {
                writer: self.writer,
                path,
                own_paragraph: true,
            };
            if seq.next_element_seed(element)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(source: &str) -> Result<Extracted, ExtractError> {
        extract(source.as_bytes(), &Limits::default())
    }

    #[test]
    fn keys_stay_with_their_values() {
        let extracted = json(
            r#"{"name": "chatdeck", "version": 1.5, "stable": true, "none": null,
                "owner": {"team": "platform", "tags": ["rust", "  web  "]},
                "empty": "", "count": -3}"#,
        )
        .unwrap();
        assert_eq!(
            extracted.text,
            "name: chatdeck\nversion: 1.5\nstable: true\nowner.team: platform\n\
             owner.tags[0]: rust\nowner.tags[1]: web\ncount: -3\n"
        );
    }

    #[test]
    fn arrays_of_objects_become_one_paragraph_each() {
        let extracted = json(
            r#"[{"q": "How do I reset?", "a": "Use the link."},
                {"q": "Refunds?", "a": "Within 30 days.", "tags": ["billing"]}]"#,
        )
        .unwrap();
        assert_eq!(
            extracted.text,
            "q: How do I reset?\na: Use the link.\n\n\
             q: Refunds?\na: Within 30 days.\ntags[0]: billing\n"
        );
        let nested =
            json(r#"{"title": "FAQ", "items": [{"q": "x"}, {"q": "y"}], "end": 1}"#).unwrap();
        assert_eq!(
            nested.text,
            "title: FAQ\n\nitems[0].q: x\n\nitems[1].q: y\n\nend: 1\n"
        );
        assert_eq!(json(r#""just a string""#).unwrap().text, "just a string\n");
        assert_eq!(json("[1, 2]").unwrap().text, "1\n2\n");
    }

    #[test]
    fn invalid_and_too_deep_json_say_why() {
        let error = json("{\"a\": [1, 2,\n  }").unwrap_err();
        assert!(json("{} trailing").is_err());
        assert!(
            error
                .to_string()
                .starts_with("The JSON could not be read: it is not valid JSON (line 2"),
            "{error}"
        );
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            json(&deep).unwrap_err().to_string(),
            "The JSON could not be read: it is nested more than 128 levels deep."
        );
    }

    #[test]
    fn the_text_cap_holds_while_writing() {
        let limits = Limits {
            max_text_bytes: 1000,
            ..Limits::default()
        };
        let big = serde_json::to_string(&vec!["value"; 1000]).unwrap();
        assert!(matches!(
            extract(big.as_bytes(), &limits),
            Err(ExtractError::TextTooLong { limit: 1000 })
        ));
    }
}
