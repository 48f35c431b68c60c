//! The words of a question, marked where they occur in a chunk. The server splits the text
//! (it has the case tables); the browser only renders the pieces, as text nodes and `<mark>`
//! elements: a chunk's text is never parsed as HTML.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Words too common to mark: they would light up every chunk.
const STOP_WORDS: &[&str] = &[
    "about", "all", "and", "any", "are", "but", "can", "could", "did", "does", "for", "from",
    "had", "has", "have", "how", "into", "its", "not", "our", "should", "that", "the", "their",
    "there", "these", "this", "those", "was", "were", "what", "when", "where", "which", "who",
    "why", "will", "with", "would", "you", "your",
];

/// Words shorter than this are not marked ("a", "is", "to").
const MIN_TERM_CHARS: usize = 3;

/// One piece of a chunk's text, marked when it is a word of the question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// `word` without a plural or tense ending, so "refunds" also marks "refunded".
fn stem(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            // Short words keep their ending: "uses" is not "use".
            if stem.chars().count() > MIN_TERM_CHARS {
                return stem;
            }
        }
    }
    word
}

/// The question's words worth marking: lower-cased stems, without short and common words.
pub fn terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()) {
        let word = crate::ui::case::lowercase(word);
        if word.chars().count() < MIN_TERM_CHARS || STOP_WORDS.contains(&word.as_str()) {
            continue;
        }
        let stem = stem(&word).to_owned();
        if !terms.contains(&stem) {
            terms.push(stem);
        }
    }
    terms
}

/// `text` in pieces: each word that begins with one of `terms` (compared without case) is a
/// hit, everything between is kept as it was.
pub fn segments(text: &str, terms: &[String]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |piece: &str, hit: bool| match out.last_mut() {
        Some(last) if last.hit == hit && !hit => last.text.push_str(piece),
        _ => out.push(Segment {
            text: piece.to_owned(),
            hit,
        }),
    };
    let mut rest = text;
    while !rest.is_empty() {
        let in_word = rest.chars().next().is_some_and(char::is_alphanumeric);
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric() != in_word)
            .map_or(rest.len(), |(i, _)| i);
        let (piece, tail) = rest.split_at(end);
        let hit = in_word && {
            let lower = crate::ui::case::lowercase(piece);
            terms.iter().any(|t| lower.starts_with(t.as_str()))
        };
        push(piece, hit);
        rest = tail;
    }
    out
}

/// A chunk's text with the question's words marked.
#[component]
pub fn Marked(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|s| {
            if s.hit {
                leptos::either::Either::Left(view! {
                    <mark class="rounded-sm bg-yellow-200 px-0.5 text-inherit dark:bg-yellow-700 dark:text-yellow-50">
                        {s.text}
                    </mark>
                })
            } else {
                leptos::either::Either::Right(s.text)
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, query: &str) -> Vec<String> {
        segments(text, &terms(query))
            .into_iter()
            .filter(|s| s.hit)
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn short_and_common_words_of_the_question_are_not_terms() {
        assert_eq!(
            terms("What is the refund policy for orders?"),
            vec!["refund", "policy", "order"]
        );
        assert!(terms("is it ok").is_empty());
    }

    #[test]
    fn words_are_marked_without_case_and_with_their_endings() {
        assert_eq!(
            marked("Refunds are refunded within 14 days. REFUND now.", "refund"),
            vec!["Refunds", "refunded", "REFUND"]
        );
        assert_eq!(marked("Ärger über Öl", "öl"), Vec::<String>::new());
        assert_eq!(marked("Ärger über Ölpreise", "ölpreis"), vec!["Ölpreise"]);
    }

    #[test]
    fn the_text_is_kept_exactly_and_markup_stays_text() {
        let text = "<b>Shipping</b> & returns: ship <script>";
        let pieces = segments(text, &terms("shipping"));
        assert_eq!(
            pieces.iter().map(|s| s.text.as_str()).collect::<String>(),
            text
        );
        assert_eq!(
            pieces
                .iter()
                .filter(|s| s.hit)
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>(),
            vec!["Shipping"]
        );
        assert_eq!(segments("", &terms("x")), Vec::new());
    }
}
